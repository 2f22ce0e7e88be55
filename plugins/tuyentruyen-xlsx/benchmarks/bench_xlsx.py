"""Time the ``xlsx`` export of the 100,000-task synthetic plan of benchmarks/bench_store.py.

Run from the repository root::

    .venv/bin/python plugins/tuyentruyen-xlsx/benchmarks/bench_xlsx.py [--tasks N]

The tracker (in memory) holds tasks in every state, as bench_store's summary database
does: per 10 tasks, 3 planned, 2 issued, 2 in progress, 1 reported, 2 done. Prints the
seconds of one export (best of ``--rounds``) and the file size; the target is 20 s for
100,000 tasks.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_export import build_tracker  # noqa: E402  (the team benchmark's plan and history)
from tuyentruyen_xlsx import XlsxExporter  # noqa: E402

from tuyentruyen.timeexpr import ZONE  # noqa: E402

TARGET_S = 20.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--fill", choices=("cell", "row"), default="cell")
    args = parser.parse_args()
    t0 = time.perf_counter()
    tracker = build_tracker(args.tasks)
    print(f"setup: {args.tasks:,} tasks, {len(tracker.events):,} events "
          f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
    at = datetime(2025, 7, 1, 12, tzinfo=ZONE)
    best = cpu = float("inf")
    options = {"at": at, "unit": None, "lang": "vi", "fill": args.fill}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"
        for _ in range(args.rounds):
            path.unlink(missing_ok=True)
            t0, c0 = time.perf_counter(), time.process_time()
            XlsxExporter().export(tracker, str(path), options)
            best = min(best, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
        size = path.stat().st_size
    limit = TARGET_S * args.tasks / 100_000
    verdict = "PASS" if best <= limit else "FAIL"
    print(f"xlsx export (-O fill={args.fill}): {best:.2f} s wall, {cpu:.2f} s CPU "
          f"(best of {args.rounds}), {size / 1e6:.1f} MB; "
          f"target <= {limit:.1f} s: {verdict}")  # fmt: skip
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
