"""Export benchmark: every installed format on the 100,000-task synthetic plan.

Run from the repository root::

    .venv/bin/python benchmarks/bench_export.py            # 100,000 tasks
    .venv/bin/python benchmarks/bench_export.py --quick    # 10,000 tasks
    .venv/bin/python benchmarks/bench_export.py --check    # exit 1 if a target is missed

The plan is ``bench_store.py``'s (49 lead units, windows and plan deadlines spread over
a year), with history: most tasks issued, many started, some reported (with a note and
data) and accepted, so every classification occurs. Each installed format (core and
plugins, through ``tuyentruyen.export.export_to``: the atomic write included) exports
it as of one moment; best of ``--rounds`` runs.

Peers run side by side in the same process, on the same table of strings (one row per
task, prepared outside the timing): the floor each format's writer cannot go below.
``json``: ``json.dumps`` of the rows; ``csv``: ``csv.writer``; ``xlsx``: openpyxl
write-only mode appending the rows, no styles; ``html``: a bare Jinja2 ``<table>`` with
autoescape. The ratio says what the library adds (classification, history, styles,
summary sheets, the Gantt chart) over writing the same rows bare.

Targets (issue 5), for 100,000 tasks: json <= 2 s, csv <= 2 s, xlsx <= 20 s (write-only
mode), html <= 5 s, and the html page opens in Chromium (timed with Playwright and
Debian's ``/usr/bin/chromium`` when both are there; ``--no-browser`` skips it).
``--quick`` scales the time limits by the size (the printout says so).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import Report, Target, fmt_s, pkg, print_targets
from bench_store import BASE_DAY, RECEIVER, make_plan

from tuyentruyen import FixedClock, Tracker
from tuyentruyen.export import export_to, selected
from tuyentruyen.plugins import collect, make_plugin_manager
from tuyentruyen.timeexpr import as_local

#: Target seconds for 100,000 tasks.
LIMITS = {"json": 2.0, "csv": 2.0, "xlsx": 20.0, "html": 5.0}
CHROMIUM = "/usr/bin/chromium"


def build_tracker(n: int) -> Tracker:
    """The synthetic plan with a year of history (in memory: exports read the tracker)."""
    plan = make_plan(n)
    tracker = Tracker(plan, clock=FixedClock(datetime(2030, 1, 1)))
    day = datetime.combine(BASE_DAY, datetime.min.time())
    fires: list[dict[str, Any]] = []
    for i, task in enumerate(plan.tasks):
        steps = i % 5  # 0: planned, 1: issued, 2: started, 3: reported, 4: accepted
        at = day + timedelta(days=10 + i % 40, hours=9)
        if steps >= 1:
            fires.append({"task": task.id, "event": "issue", "actor": task.lead, "at": at})
        if steps >= 2:
            at += timedelta(days=20)
            fires.append({"task": task.id, "event": "start", "actor": task.lead, "at": at})
        if steps >= 3:
            at += timedelta(days=60 + i % 90)
            fires.append({
                "task": task.id, "event": "report", "actor": task.lead, "at": at,
                "note": f"Báo cáo kết quả nhiệm vụ {task.id}", "final": True,
                "data": {"articles": i % 50, "link": f"https://baoquangninh.vn/{i}"},
            })  # fmt: skip
        if steps >= 4:
            at += timedelta(days=3)
            fires.append({"task": task.id, "event": "accept", "actor": RECEIVER, "at": at})
    for k in range(0, len(fires), 50_000):
        tracker.fire_many(fires[k : k + 50_000])
    return tracker


def table(tracker: Tracker, options: dict[str, Any]) -> list[list[str]]:
    """The rows a bare writer gets: id, title, lead, dates, state, classification."""
    rows = []
    for st in selected(tracker, options):
        t = st.task
        rows.append([
            t.id, t.title, tracker.plan.unit_name(t.lead),
            t.plan_due.isoformat() if t.plan_due else "",
            t.window.start.isoformat() if t.window.start else "",
            t.window.end.isoformat() if t.window.end else "",
            st.state, st.classification.label("vi"),
        ])  # fmt: skip
    return rows


def peer_json(rows: list[list[str]], path: Path) -> None:
    keys = ("id", "title", "lead", "plan_due", "start", "end", "state", "class")
    data = [dict(zip(keys, r, strict=True)) for r in rows]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def peer_csv(rows: list[list[str]], path: Path) -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def peer_xlsx(rows: list[list[str]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("tasks")
    for row in rows:
        sheet.append(row)
    book.save(path)


def peer_html(rows: list[list[str]], path: Path) -> None:
    from jinja2 import Environment

    template = Environment(autoescape=True).from_string(
        "<!doctype html><table>{% for r in rows %}<tr>{% for c in r %}<td>{{ c }}</td>"
        "{% endfor %}</tr>{% endfor %}</table>"
    )
    path.write_text(template.render(rows=rows), encoding="utf-8")


PEERS: dict[str, tuple[str, Callable[[list[list[str]], Path], None]]] = {
    "json": ("json.dumps", peer_json),
    "csv": ("csv.writer", peer_csv),
    "xlsx": ("openpyxl write-only", peer_xlsx),
    "html": ("Jinja2 <table>", peer_html),
}


def best(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def open_in_chromium(path: Path) -> tuple[float, int, list[str]]:
    """Seconds until ``load`` of ``path`` in headless Chromium, the number of Gantt
    bars on the page, and the console errors."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        t0 = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=300_000)
        seconds = time.perf_counter() - t0
        bars = page.locator(".bar").count()
        browser.close()
    return seconds, bars, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 tasks")
    parser.add_argument("--tasks", type=int, help="number of tasks (default 100,000)")
    parser.add_argument("--rounds", type=int, default=3, help="best of N (default 3)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--no-browser", action="store_true", help="do not open the html")
    parser.add_argument("--only", metavar="NAMES", help="comma-separated formats to run")
    args = parser.parse_args(argv)
    n = args.tasks or (10_000 if args.quick else 100_000)
    scale = n / 100_000

    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    print(f"tuyentruyen {pkg('tuyentruyen')}, Python {sys.version.split()[0]}, {n:,} tasks")
    t0 = time.perf_counter()
    tracker = build_tracker(n)
    print(f"plan and history built in {fmt_s(time.perf_counter() - t0)} "
          f"({len(tracker.events):,} events)")  # fmt: skip
    formats = collect(make_plugin_manager(), "register_exporters")
    options: dict[str, Any] = {"at": as_local(datetime(2025, 7, 1, 23, 59)), "unit": None}
    options["lang"] = "vi"
    rows = table(tracker, options)
    report = Report(("format", "tasks", "time", "vs peer", "peer / note"))
    targets: list[Target] = []
    html_path: Path | None = None
    folder = Path(tempfile.mkdtemp(prefix="bench-export-"))
    report.section(f"export of {n:,} tasks, best of {args.rounds} (peer: same rows, bare)")
    names = sorted(set(formats) | set(LIMITS))
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    for name in names:
        exporter = formats.get(name)
        if exporter is None:
            report.note(f"{name}: not installed (install its plugin to measure it)")
            targets.append(Target(f"{name} export", float("nan"), LIMITS[name] * scale, "s"))
            continue
        target = folder / f"plan{exporter.suffix}"

        def run(exporter: Any = exporter, target: Path = target) -> None:
            tracker._past = None  # each run replays the log to --at, as one CLI call does
            export_to(exporter, tracker, target, options, force=True)

        seconds = best(run, args.rounds)
        size = f"{target.stat().st_size / 1e6:,.1f} MB"
        if name in PEERS:
            label, peer = PEERS[name]
            bare = folder / f"peer-{name}{exporter.suffix}"
            peer_s = best(lambda peer=peer, bare=bare: peer(rows, bare), args.rounds)
            report.timed(name, n, seconds, f"{seconds / peer_s:,.1f}x",
                         f"{label} {fmt_s(peer_s)}; {size}")  # fmt: skip
        else:
            report.timed(name, n, seconds, "", size)
        if name in LIMITS:
            targets.append(Target(f"{name} export", seconds, LIMITS[name] * scale, "s"))
        if name == "html":
            html_path = target
    report.print()

    if html_path is not None and not args.no_browser:
        if not os.path.exists(CHROMIUM):
            print(f"html in Chromium: not measured ({CHROMIUM} is missing)")
        else:
            try:
                seconds, bars, errors = open_in_chromium(html_path)
            except ImportError:
                print("html in Chromium: not measured (playwright is not installed)")
            else:
                print(f"html in Chromium: loaded in {fmt_s(seconds)}, {bars:,} Gantt bars, "
                      f"{len(errors)} console errors")  # fmt: skip
                targets.append(Target("html opens in Chromium: Gantt bars", bars, n, "bars",
                                      higher_is_better=True))  # fmt: skip
                targets.append(Target("html opens in Chromium: console errors",
                                      len(errors), 0, "errors"))  # fmt: skip
    if scale != 1:
        print(f"time limits scaled by {scale:g} for {n:,} tasks")
    missed = print_targets(targets)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
