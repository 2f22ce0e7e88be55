"""Smoke test for the notification benchmark (benchmarks/bench_notify.py): ``--quick``
runs both sections and prints the targets; timings are not asserted."""

from __future__ import annotations

import re

from benchrun import bench_output


def test_quick_run_prints_both_sections_and_the_targets() -> None:
    out = bench_output("bench_notify.py", "--quick")
    assert re.search(r"first run\s+\d+\.\d\d s .* queued \(every one new\)", out), out
    assert re.search(r"next runs\s+\d+\.\d\d s .* 0 queued \(steady state", out), out
    assert "2. deliver 1,000 event messages to a local webhook" in out
    assert re.search(r"(PASS|FAIL|SKIP)  deliver webhooks", out), out
    if "SKIPPED" not in out:  # with the webhook plugin installed: every signature checks
        assert "signatures: 1,000 ok, 0 rejected" in out
