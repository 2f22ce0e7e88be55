"""Smoke test for the export benchmark (benchmarks/bench_export.py): ``--quick`` exports
every installed format and prints the targets; timings are not asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tuyentruyen.plugins import collect, get_plugin_manager

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_export.py"


def test_quick_run_measures_every_installed_format() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--rounds", "1", "--no-browser"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for name in collect(get_plugin_manager(), "register_exporters"):
        assert re.search(rf"^  {name}\s+10,000\s+\d", out, re.M), (name, out)
    assert re.search(r"json\s+10,000 .*x  json\.dumps", out), out
    for name in ("json", "csv", "xlsx", "html"):
        assert re.search(rf"(PASS|FAIL)  {name} export: ", out), (name, out)
    assert "time limits scaled by 0.1 for 10,000 tasks" in out
