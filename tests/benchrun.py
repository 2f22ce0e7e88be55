"""Running a script of benchmarks/ from a smoke test (shared by the test_bench_* files)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def bench_output(script: str, *args: str, timeout: int = 300) -> str:
    """Run ``benchmarks/<script> args`` in a fresh interpreter; assert it exited 0 and
    return what it printed."""
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout
