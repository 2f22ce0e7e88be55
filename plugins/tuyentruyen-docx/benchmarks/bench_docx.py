"""How long the ``docx`` export of a large plan takes, and that it grows linearly.

    .venv/bin/python plugins/tuyentruyen-docx/benchmarks/bench_docx.py            # 100,000
    .venv/bin/python plugins/tuyentruyen-docx/benchmarks/bench_docx.py -n 25000 -n 50000

The plan is ``benchmarks/bench_store.py``'s synthetic one (``make_plan(n)``: 49 lead
units, windows and plan deadlines spread over 2025). Per 10 tasks, 3 stay planned,
2 are issued, 2 in progress, 1 reported, 2 done (the split of that benchmark's large
database), every report with a note and data; the report is taken on 1/9/2025, when
about half the tasks are overdue. In-memory store, built-in plugins only. Prints the
wall-clock and CPU time of the export (best of ``--rounds``) and the file's size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


def build(n: int) -> Any:
    """A tracker on the ``n``-task plan with the events described above."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_store import (  # type: ignore[import-not-found]
        CLOCK_NOW,
        PHASES,
        RECEIVER,
        core_plugins,
        make_plan,
    )

    from tuyentruyen import FixedClock, Tracker

    plan = make_plan(n)
    tracker = Tracker(plan, clock=FixedClock(CLOCK_NOW), plugins=core_plugins())
    stage = (0, 0, 0, 1, 1, 2, 2, 3, 4, 4)
    for k, (event, at, _, _) in enumerate(PHASES):
        fires: list[dict[str, Any]] = []
        for i, task in enumerate(plan.tasks):
            if stage[i % 10] <= k:
                continue
            fire: dict[str, Any] = {
                "task": task.id,
                "event": event,
                "actor": RECEIVER if event == "accept" else task.lead,
                "at": at,
            }
            if event == "report":
                fire["note"] = f"Báo cáo kết quả nhiệm vụ {task.id}"
                fire["data"] = {"articles": i % 97, "links": [f"https://example.vn/{i}"]}
            fires.append(fire)
        for lo in range(0, len(fires), 50_000):
            tracker.fire_many(fires[lo : lo + 50_000])
    return tracker


def main(argv: list[str] | None = None) -> int:
    """Build the trackers, export each ``--rounds`` times, print the best times."""
    from tuyentruyen_docx import DocxExporter

    from tuyentruyen.timeexpr import as_local

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, action="append", help="tasks (repeatable)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    at = as_local(datetime(2025, 9, 1, 12))
    exporter = DocxExporter()
    for n in args.n or [100_000]:
        tracker = build(n)
        options = {"at": at, "unit": None, "lang": "vi"}
        best = cpu = float("inf")
        size = 0
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "report.docx"
            for _ in range(args.rounds):
                t0, c0 = time.perf_counter(), time.process_time()
                exporter.export(tracker, str(target), options)
                best = min(best, time.perf_counter() - t0)
                cpu = min(cpu, time.process_time() - c0)
                size = target.stat().st_size
        overdue = len(tracker.overdue(at=at))
        print(
            f"{n:>9,} tasks ({overdue:,} overdue): {best:6.2f} s wall, {cpu:6.2f} s CPU "
            f"({1e6 * best / n:5.1f} µs/task), {size / 1e6:.1f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
