"""Smoke test for the store benchmark (benchmarks/bench_store.py).

It checks that ``--quick`` runs every section and prints the targets table, not that
targets are met: timings on a shared machine are not a pass/fail signal for a unit
test, so ``--check`` is not passed and no timing is asserted. Without PostgreSQL the
benchmark prints a note and marks its PostgreSQL targets SKIP; that is fine here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_store.py"


def test_quick_run_prints_every_section_and_the_targets() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert proc.stderr == "", proc.stderr
    for heading in (
        "1. SQLite, batches of 10,000 events in one transaction",
        "2. SQLite, one transaction per event",
        "3. PostgreSQL, 4 processes",
        "4. Large SQLite databases",
        "Ratios",
        "Targets",
    ):
        assert heading in out, heading
    verdicts = {
        line.split(maxsplit=1)[1].split(":")[0]: line.split()[0]
        for line in out.splitlines()
        if line.startswith(("  PASS", "  FAIL", "  SKIP"))
    }
    assert set(verdicts) == {
        "SQLite fire_many, batch of 10,000",
        "SQLite fire, one transaction each",
        "PostgreSQL 4 processes, disjoint tasks",
        "PostgreSQL conflicting tasks",
        "Tracker.open + summary(at), 20,000 tasks",
        "verify of 100,000 events",
    }, out
    lines = [line for line in out.splitlines() if line.startswith(("  PASS", "  FAIL", "  SKIP"))]
    assert len(lines) == 7, out
    if "PostgreSQL section skipped" not in out:
        assert not any(line.startswith("  SKIP") for line in lines), out
