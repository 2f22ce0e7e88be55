"""Smoke test for the hook-dispatch benchmark (benchmarks/bench_plugins.py): it runs and
prints both contenders and the target line; timings are not asserted (a shared machine
is no pass/fail signal for a unit test)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_plugins.py"


def test_quick_run_prints_both_contenders_and_the_target() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert re.search(r"fire, no plugin hooks\s+\d+\.\d\d µs/event", out), out
    assert re.search(r"fire, two no-op plugins\s+\d+\.\d\d µs/event", out), out
    assert re.search(r"(PASS|FAIL)  hook dispatch added per fire, two no-op plugins", out), out
