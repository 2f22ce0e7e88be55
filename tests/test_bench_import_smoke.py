"""Smoke test for the import benchmark (benchmarks/bench_import.py): a small run prints
every style and the targets, and finds every task; timings are not asserted."""

from __future__ import annotations

import re

from benchrun import bench_output


def test_small_run_finds_every_task_in_every_style() -> None:
    out = bench_output("bench_import.py", "--tasks", "60", "--rounds", "1", "--check")
    for style in ("markdown", "text", "prose", "text, wrapped at 72"):
        assert re.search(rf"^  {re.escape(style)}\s+60\s+\d", out, re.M), out
        assert f"PASS  tasks found ({style}): 60 tasks" in out
