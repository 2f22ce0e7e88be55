"""Import benchmark: ``tuyentruyen import`` of a 500-task plan document.

Run from the repository root::

    .venv/bin/python benchmarks/bench_import.py            # 500 tasks
    .venv/bin/python benchmarks/bench_import.py --tasks 2000 --check

The document is rendered from a synthetic plan (tests/import_render.py: eight units,
every kind of window) in each style the importer reads: Markdown with labelled lines,
plain text with labelled lines, plain-text prose ("X chủ trì, phối hợp với Y …"), and
the same plain text hard-wrapped at 72 columns as a PDF copy is. Side by side in the
same process, the peer is loading the same plan from its YAML plan file
(``tuyentruyen.load_plan``: YAML parsing, validation, unit resolution): the ratio says
what reading free text costs over reading the structured file. Best of ``--rounds``.

Target (issue 7): a 500-task document in at most 2 s (scaled by size with ``--tasks``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _report import Report, Target, pkg, print_targets

from import_render import FORMAT_OF, big_plan, render_plan
from tuyentruyen import load_plan
from tuyentruyen.importer import import_text
from tuyentruyen.io import dump_plan

LIMIT = 2.0  # seconds for 500 tasks


def best(fn: object, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    n = args.tasks
    print(f"tuyentruyen {pkg('tuyentruyen')}, Python {sys.version.split()[0]}, {n:,} tasks")
    plan = big_plan(n)
    yaml_file = Path(tempfile.mkdtemp(prefix="bench-import-")) / "plan.yaml"
    yaml_file.write_text(dump_plan(plan), encoding="utf-8")
    peer = best(lambda: load_plan(yaml_file), args.rounds)
    report = Report(("document", "tasks", "time", "vs load_plan", "note"))
    report.section(f"import of a {n:,}-task document, best of {args.rounds}")
    targets = []
    for style, wrap in (("markdown", None), ("text", None), ("prose", None), ("text", 72)):
        document = render_plan(plan, style, wrap=wrap)
        found: list[int] = []

        def run(document: str = document, style: str = style, found: list[int] = found) -> None:
            result = import_text(document, FORMAT_OF[style], units=plan.units)
            found.append(0 if result.plan is None else len(result.plan.tasks))

        seconds = best(run, args.rounds)
        name = style + (f", wrapped at {wrap}" if wrap else "")
        lines = document.count("\n") + 1
        report.timed(name, found[-1], seconds, f"{seconds / peer:,.1f}x", f"{lines:,} lines")
        targets.append(Target(f"import {name}", seconds, LIMIT * n / 500, "s"))
        targets.append(Target(f"tasks found ({name})", found[-1], n, "tasks",
                              higher_is_better=True))  # fmt: skip
    report.note(f"peer: load_plan of the same plan as YAML, {peer * 1e3:,.1f} ms")
    report.print()
    missed = print_targets(targets)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
