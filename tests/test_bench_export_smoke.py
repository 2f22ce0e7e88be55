"""Smoke test for the export benchmark (benchmarks/bench_export.py): ``--quick`` exports
every installed format and prints the targets; timings are not asserted."""

from __future__ import annotations

import re

from benchrun import bench_output
from tuyentruyen.plugins import collect, get_plugin_manager


def test_quick_run_measures_every_installed_format() -> None:
    out = bench_output("bench_export.py", "--quick", "--rounds", "1", "--no-browser")
    for name in collect(get_plugin_manager(), "register_exporters"):
        assert re.search(rf"^  {name}\s+10,000\s+\d", out, re.M), (name, out)
    assert re.search(r"json\s+10,000 .*x  json\.dumps", out), out
    for name in ("json", "csv", "xlsx", "html"):
        assert re.search(rf"(PASS|FAIL)  {name} export: ", out), (name, out)
    assert "time limits scaled by 0.1 for 10,000 tasks" in out
