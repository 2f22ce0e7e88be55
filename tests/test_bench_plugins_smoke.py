"""Smoke test for the hook-dispatch benchmark (benchmarks/bench_plugins.py): it runs and
prints both contenders and the target line; timings are not asserted (a shared machine
is no pass/fail signal for a unit test)."""

from __future__ import annotations

import re

from benchrun import bench_output


def test_quick_run_prints_both_contenders_and_the_target() -> None:
    out = bench_output("bench_plugins.py", "--quick", "--rounds", "1")
    assert re.search(r"fire, no plugin hooks\s+\d+\.\d\d µs/event", out), out
    assert re.search(r"fire, two no-op plugins\s+\d+\.\d\d µs/event", out), out
    assert re.search(r"(PASS|FAIL)  hook dispatch added per fire, two no-op plugins", out), out
