"""Smoke test for the import benchmark (benchmarks/bench_import.py): a small run prints
every style and the targets, and finds every task; timings are not asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_import.py"


def test_small_run_finds_every_task_in_every_style() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--tasks", "60", "--rounds", "1", "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for style in ("markdown", "text", "prose", "text, wrapped at 72"):
        assert re.search(rf"^  {re.escape(style)}\s+60\s+\d", proc.stdout, re.M), proc.stdout
        assert f"PASS  tasks found ({style}): 60 tasks" in proc.stdout
