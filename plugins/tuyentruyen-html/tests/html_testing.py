"""Helpers of the html plugin's tests: trackers to export, a real HTML parse of the
file (``html.parser``), the geometry the page is expected to have, a headless
Chromium and where screenshots go.

No conftest.py: each test module declares its few fixtures from these helpers, so no
second ``conftest`` module meets the repository's own when pytest is given several
paths (``pytest plugins/tuyentruyen-html tests/test_docs.py``)."""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest
from tuyentruyen_html import HtmlExporter

from tuyentruyen import FixedClock, Plan, Task, Tracker, Unit, load_plan
from tuyentruyen import Window as TaskWindow
from tuyentruyen.demo import AS_OF, find_seed_plan
from tuyentruyen.export import export_to
from tuyentruyen.model import Dependency
from tuyentruyen.plugins import make_plugin_manager
from tuyentruyen.timeexpr import as_local, month_end

#: The demo's moment (31/10/2023 17:00, Asia/Ho_Chi_Minh).
AT = as_local(AS_OF)
#: A title that would run script if it were not escaped.
HOSTILE = "<script>alert(1)</script> \"quoted\" 'single' =cmd|' /C calc'!A0\nline two </script><!--"
#: Only the built-in plugins and this one, whatever else is installed.
ALLOW = {"TUYENTRUYEN_PLUGINS": "console,html"}


def seed_plan() -> Plan:
    """The Quảng Ninh 60-year plan."""
    return load_plan(find_seed_plan())


def fresh_tracker(plan: Plan) -> Tracker:
    """A tracker on ``plan`` with no history (in memory)."""
    return Tracker(
        plan,
        clock=FixedClock(AS_OF),
        plugins=make_plugin_manager([], entry_points=False),
    )


def with_task(plan: Plan, task_id: str, **changes: Any) -> Plan:
    """``plan`` with task ``task_id`` changed (attrs.evolve)."""
    tasks = [attrs.evolve(t, **changes) if t.id == task_id else t for t in plan.tasks]
    return attrs.evolve(plan, tasks=tasks)


#: Extra dependencies (dependent -> prerequisites) added to the seed plan: a graph with
#: a chain 2.5 -> 2.6 -> 2.7 -> 3.2 and a second root 3.3, besides the seed's 3.1 -> 2.1.
EXTRA_DEPS: Mapping[str, Sequence[str]] = {
    "2.6": ("2.5",),
    "2.7": ("2.6", "3.3"),
    "3.2": ("2.7",),
}
#: The expected layer (longest path from a root) of every task in that graph.
EXPECTED_LAYERS = {"3.1": 0, "2.1": 1, "2.5": 0, "3.3": 0, "2.6": 1, "2.7": 2, "3.2": 3}


def plan_with_edges(plan: Plan | None = None) -> Plan:
    """The seed plan with :data:`EXTRA_DEPS` added to its tasks."""
    plan = plan if plan is not None else seed_plan()
    tasks = []
    for t in plan.tasks:
        extra = tuple(Dependency(task=d, state="issued") for d in EXTRA_DEPS.get(t.id, ()))
        tasks.append(attrs.evolve(t, depends_on=t.depends_on + extra) if extra else t)
    return attrs.evolve(plan, tasks=tasks)


def export(tracker: Any, path: Path, **options: Any) -> Path:
    """Write the html export of ``tracker`` (at :data:`AT` unless given) to ``path``."""
    opts: dict[str, Any] = {"at": AT, "unit": None, "lang": "vi"}
    opts.update(options)
    return export_to(HtmlExporter(), tracker, path, opts, force=True)


def big_tracker(n: int, seed: int = 7) -> tuple[Tracker, datetime]:
    """A synthetic plan of ``n`` tasks over 12 units (some supporting), a fifth of the
    tasks issued, started and some done; returns the tracker and a moment to export."""
    rng = random.Random(seed)
    base = date(2025, 1, 1)
    units = [Unit(f"d{k}", f"Đơn vị {k}") for k in range(12)]
    tasks = []
    for i in range(n):
        start = rng.randrange(0, 200)
        end = start + rng.randrange(10, 150) if rng.random() < 0.9 else None
        due = start - rng.randrange(0, 20) if rng.random() < 0.6 else None
        tasks.append(
            Task(
                id=f"n{i}",
                title=f"Nhiệm vụ tuyên truyền số {i}",
                lead=f"d{1 + rng.randrange(11)}",
                support=(f"d{1 + rng.randrange(11)}",) if rng.random() < 0.3 else (),
                plan_due=None if due is None or due < 0 else base + timedelta(days=due),
                window=TaskWindow(
                    base + timedelta(days=start),
                    None if end is None else base + timedelta(days=end),
                ),
            )
        )
    plan = Plan(id="big", title="Kế hoạch lớn", issuer="d0", units=units, tasks=tasks)
    tracker = Tracker(
        plan,
        clock=FixedClock(datetime(2026, 1, 1)),
        plugins=make_plugin_manager([], entry_points=False),
    )
    fires: list[dict[str, Any]] = []
    for t in plan.tasks[: n // 5]:
        fires.append({"task": t.id, "event": "issue", "actor": t.lead, "at": datetime(2025, 2, 1)})
        fires.append({"task": t.id, "event": "start", "actor": t.lead, "at": datetime(2025, 3, 1)})
    tracker.fire_many(fires)
    return tracker, as_local(datetime(2025, 4, 15, 12))


# --- reading the page back -------------------------------------------------------------


@dataclass
class Element:
    """An element as parsed: tag, attributes, text inside it (children's included)."""

    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)

    def find_all(self, tag: str | None = None, **wanted: str) -> list[Element]:
        """Descendants with ``tag`` (any if None) whose attributes include ``wanted``
        (``class_`` matches one class among several)."""
        out = []
        for child in self.children:
            if _matches(child, tag, wanted):
                out.append(child)
            out.extend(child.find_all(tag, **wanted))
        return out

    def find(self, tag: str | None = None, **wanted: str) -> Element:
        """The first descendant that :meth:`find_all` would return (AssertionError if none)."""
        found = self.find_all(tag, **wanted)
        assert found, f"no <{tag}> with {wanted}"
        return found[0]

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


def _matches(el: Element, tag: str | None, wanted: Mapping[str, str]) -> bool:
    if tag is not None and el.tag != tag:
        return False
    for key, value in wanted.items():
        if key == "class_":
            if value not in el.classes:
                return False
        elif el.attrs.get(key.replace("_", "-")) != value:
            return False
    return True


_VOID = {"meta", "link", "br", "hr", "img", "input", "col", "source", "area", "base", "wbr"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.all: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v if v is not None else "" for k, v in attrs})
        self.stack[-1].children.append(el)
        self.all.append(el)
        if tag not in _VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = Element(tag, {k: v if v is not None else "" for k, v in attrs})
        self.stack[-1].children.append(el)
        self.all.append(el)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        for el in self.stack[1:]:
            el.text += data


@dataclass
class Page:
    """An exported page, parsed."""

    root: Element
    elements: list[Element]
    raw: str

    def data(self) -> dict[str, Any]:
        """The JSON blob the page's script reads."""
        blob = self.root.find("script", id="tt-data")
        loaded: dict[str, Any] = json.loads(blob.text)
        return loaded

    def bars(self) -> list[Element]:
        return self.root.find_all("span", class_="bar")


def parse(path: Path) -> Page:
    """Parse the file at ``path`` with :mod:`html.parser`."""
    raw = path.read_bytes().decode("utf-8")  # as written: no newline translation
    builder = _TreeBuilder()
    builder.feed(raw)
    builder.close()
    return Page(builder.root, builder.all, raw)


def expected_axis(plan: Plan, at: datetime, width: int = 1200) -> tuple[date, float]:
    """The first day of the time axis and its pixels per day, worked out from the plan
    as the page is meant to: whole months from the earliest to the latest date of the
    tasks or the moment, ``width`` pixels (at most 12 a day)."""
    days_seen = [
        d for t in plan.tasks for d in (t.window.start, t.window.end, t.plan_due) if d is not None
    ]
    today = as_local(at).date()
    lo, hi = min([*days_seen, today]), max([*days_seen, today])
    start, end = lo.replace(day=1), month_end(hi.year, hi.month)
    days = (end - start).days + 1
    return start, min(width / days, 12.0)


def expected_today_x(plan: Plan, at: datetime, width: int = 1200) -> float:
    """Where the "today" line should be, in pixels from the left of the time axis."""
    start, ppd = expected_axis(plan, at, width)
    local = as_local(at)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    return ((local.date() - start).days + seconds / 86400) * ppd


# --- browser and artifacts -----------------------------------------------------------

#: The Chromium the browser tests drive (Debian's package; the Makefile installs it on CI).
CHROMIUM = os.environ.get("TUYENTRUYEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str:
    """The Chromium executable. Without it the browser tests are skipped, except on CI
    (the environment variable ``CI`` set), where a missing browser fails them."""
    found = CHROMIUM if os.path.isabs(CHROMIUM) else shutil.which(CHROMIUM)
    if found and os.path.isfile(found) and os.access(found, os.X_OK):
        return found
    message = (
        f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
        "(or set TUYENTRUYEN_CHROMIUM) to run the html export's browser tests"
    )
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set: the browser tests must run)")
    pytest.skip(message)


@contextmanager
def launched_browser() -> Iterator[Any]:
    """A headless Chromium: Playwright's bundled driver with the system browser
    (``playwright install`` is never run)."""
    executable = find_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def artifact_dir(request: pytest.FixtureRequest, fallback: Path) -> Path:
    """Where screenshots go: ``$TUYENTRUYEN_ARTIFACTS/html`` if that variable is set,
    else the pytest cache (``.pytest_cache/d/tuyentruyen-html``), else (cache plugin
    off) ``fallback``."""
    env = os.environ.get("TUYENTRUYEN_ARTIFACTS")
    if env:
        folder = Path(env) / "html"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        return Path(cache.mkdir("tuyentruyen-html"))
    return fallback
