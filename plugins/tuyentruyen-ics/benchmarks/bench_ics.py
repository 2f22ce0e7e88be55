"""Time the ``ics`` export of the 100,000-task synthetic plan (benchmarks/bench_store.py).

    .venv/bin/python plugins/tuyentruyen-ics/benchmarks/bench_ics.py          # 100,000 tasks
    .venv/bin/python plugins/tuyentruyen-ics/benchmarks/bench_ics.py -n 20000 --profile

The tracker is in memory, with tasks in every state (per 10 tasks: 3 planned, 2 issued,
2 in progress, 1 reported, 2 done), fired with ``fire_many`` as bench_store.py does.
Prints the time of ``ics_bytes`` (what the exporter writes) and of the whole
``IcsExporter.export``; ``--compare`` also times icalendar's own
``build_calendar(...).to_ical()`` and checks that it gives the same bytes.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_export import build_tracker  # noqa: E402  (the team benchmark's plan and history)
from bench_store import QUERY_AT  # noqa: E402
from tuyentruyen_ics import IcsExporter, build_calendar, ics_bytes  # noqa: E402

from tuyentruyen.timeexpr import as_local  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000, help="tasks (default 100,000)")
    parser.add_argument(
        "--compare", action="store_true", help="also time build_calendar(...).to_ical()"
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one run")
    args = parser.parse_args()
    t0 = time.perf_counter()
    tracker = build_tracker(args.n)
    print(f"tracker with {args.n:,} tasks, {len(tracker.events):,} events: "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
    options = {"at": as_local(datetime.combine(QUERY_AT.date(), QUERY_AT.time())), "unit": None,
               "lang": "vi"}  # fmt: skip
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        ics_bytes(tracker, options)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return
    t0, c0 = time.perf_counter(), time.process_time()
    data = ics_bytes(tracker, options)
    t1, c1 = time.perf_counter(), time.process_time()
    if args.compare:
        same = build_calendar(tracker, options).to_ical() == data
        print(f"build_calendar(...).to_ical() {time.perf_counter() - t1:.2f} s, same bytes: {same}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.ics"
        t3, c3 = time.perf_counter(), time.process_time()
        IcsExporter().export(tracker, str(path), options)
        t4, c4 = time.perf_counter(), time.process_time()
        size = path.stat().st_size
    print(f"ics_bytes {t1 - t0:.2f} s (CPU {c1 - c0:.2f} s; {len(data) / 1e6:.1f} MB)")
    del data
    print(
        f"IcsExporter.export, {args.n:,} tasks: {t4 - t3:.2f} s (CPU {c4 - c3:.2f} s; "
        f"{size / 1e6:.1f} MB)"
    )


if __name__ == "__main__":
    main()
