"""Smoke test for the lifecycle benchmark (benchmarks/bench_lifecycle.py).

It checks that the benchmark runs and reports, not that targets are met: timings on a
shared machine are not a pass/fail signal for a unit test.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_lifecycle.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_lifecycle", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_synthetic_plan_is_valid_and_deterministic() -> None:
    bench = _load()
    specs = bench.make_specs(300, seed=7)
    assert specs == bench.make_specs(300, seed=7)
    assert all(s.dep < i for i, s in enumerate(specs))
    assert 0.15 < sum(s.dep >= 0 for s in specs) / len(specs) < 0.45
    plan = bench.build_plan(specs)
    assert plan.validate() is plan
    tracker = bench.partial_tracker(plan)
    assert tracker.summary(at=bench.QUERY_AT).total.total == 300


def test_quick_run_reports_every_measure_and_honours_check() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = proc.stdout
    assert proc.stderr == "", proc.stderr
    for heading in (
        "1. Ready to fire",
        "2. Full lifecycle",
        "3. Memory at rest",
        "4. Queries",
        "Ratios",
        "Targets",
    ):
        assert heading in out
    verdicts = [
        line.split()[0]
        for line in out.splitlines()
        if line.startswith(("  PASS", "  FAIL", "  SKIP"))
    ]
    assert len(verdicts) == 6
    assert proc.returncode == (1 if "FAIL" in verdicts else 0), out
