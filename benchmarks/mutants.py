"""Mutation check: deliberate, realistic bugs in the core that the test suite must catch.

Each :class:`Mutant` names one source file under ``src/tuyentruyen/``, an exact snippet
of it (which must occur exactly once), its buggy replacement and the pytest selection
(the unit and property tests about that behaviour) that should fail with the bug in.

For every mutant the runner copies ``src/`` to a temporary folder, applies the
replacement there (the working tree is never touched) and runs::

    python -m pytest -x -q -p no:cacheprovider <selection>

from the repository root with ``PYTHONPATH=<tmp>/src`` prepended, so the mutated package
shadows the editable install; a quick subprocess first checks that ``tuyentruyen`` is
indeed imported from the copy, and the run stops loudly if not. Each run has its own
Hypothesis example database (``HYPOTHESIS_STORAGE_DIRECTORY``), so no run replays the
failing examples of another.

Verdicts: pytest exit status 1 (tests failed) means **caught**; 0 means **SURVIVED**;
anything else (collection or import error, usage error, no tests, timeout) is **error**,
which does not count as caught. Before the mutants, the union of their selections runs
on the unmutated copy and must pass, or the verdicts would mean nothing.

Run from the repository root::

    .venv/bin/python benchmarks/mutants.py             # every mutant, 2 at a time
    .venv/bin/python benchmarks/mutants.py --check     # exit 1 unless all are caught
    .venv/bin/python benchmarks/mutants.py --list
    .venv/bin/python benchmarks/mutants.py --only status-done-boundary --only csv-formula-cr
    .venv/bin/python benchmarks/mutants.py --ci --jobs 2   # CI=true: the ci hypothesis profile
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "tuyentruyen"

#: Exit status of pytest when tests ran and some failed.
_TESTS_FAILED = 1


@dataclass(frozen=True)
class Mutant:
    """One deliberate bug: ``original`` in ``file`` (relative to ``src/tuyentruyen``)
    becomes ``replacement``; running ``tests`` (pytest arguments) must fail."""

    name: str
    file: str
    original: str
    replacement: str
    tests: tuple[str, ...]
    #: What the bug does, in words.
    why: str


MUTANTS: tuple[Mutant, ...] = (
    # --- dependencies ---------------------------------------------------------------------
    Mutant(
        "deps-check-skipped",
        "tracker.py",
        "deps = guarded.get(i) if guarded is not None else None",
        "deps = None",
        (
            "tests/test_tracker.py",
            "tests/test_deps.py",
            "tests/test_properties.py",
            "tests/test_testing_machine.py",
        ),
        "the tracker never looks up a task's declared dependencies",
    ),
    Mutant(
        "deps-cancelled-holds",
        "tracker.py",
        "if any(reached[rank][d] > ts or snap.state[d] == _CANCELLED for d, rank in deps):",
        "if any(reached[rank][d] > ts for d, rank in deps):",
        ("tests/test_tracker.py", "tests/test_properties.py", "tests/test_testing_machine.py"),
        "a dependency that reached its state and was then cancelled still holds",
    ),
    Mutant(
        "deps-judged-now",
        "tracker.py",
        "if any(reached[rank][d] > ts or snap.state[d] == _CANCELLED for d, rank in deps):",
        "if any(snap.peak[d] < rank or snap.state[d] == _CANCELLED for d, rank in deps):",
        ("tests/test_tracker.py", "tests/test_properties.py", "tests/test_testing_machine.py"),
        "dependencies judged by today's progress, not as of the event's time "
        "(a backdated start slips before its dependency)",
    ),
    # --- lifecycle --------------------------------------------------------------------------
    Mutant(
        "lifecycle-accept-from-in-progress",
        "lifecycle.py",
        '{"trigger": "accept", "source": "reported", "dest": "done",'
        ' "conditions": "report_final"},',
        '{"trigger": "accept", "source": ["reported", "in_progress"], "dest": "done",'
        ' "conditions": "report_final"},',
        (
            "tests/test_lifecycle.py",
            "tests/test_tracker.py",
            "tests/test_properties.py",
            "tests/test_testing_machine.py",
        ),
        "accept closes a task that never reported (in_progress -> done)",
    ),
    Mutant(
        "lifecycle-cancel-after-done",
        "lifecycle.py",
        '"source": ["planned", "issued", "in_progress", "reported"],',
        '"source": ["planned", "issued", "in_progress", "reported", "done"],',
        ("tests/test_lifecycle.py", "tests/test_properties.py", "tests/test_testing_machine.py"),
        "a done task can still be cancelled",
    ),
    # --- the report-final flag ----------------------------------------------------------------
    Mutant(
        "final-flag-ignored",
        "tracker.py",
        "report_final = snap.final[i] == 1",
        "report_final = True",
        ("tests/test_tracker.py", "tests/test_properties.py", "tests/test_testing_machine.py"),
        "accept always closes the task: an interim report of ongoing work is taken as final",
    ),
    Mutant(
        "final-flag-not-reset",
        "tracker.py",
        "        if final is not None:\n            self.final[i] = final\n",
        "        if final:\n            self.final[i] = final\n",
        (
            "tests/test_tracker.py",
            "tests/test_mutant_gaps.py",
            "tests/test_properties.py",
            "tests/test_testing_machine.py",
        ),
        "an interim report after a reworked final report keeps the old 'final' flag",
    ),
    Mutant(
        "final-default-ignores-ongoing",
        "tracker.py",
        "final = not spec.ongoing",
        "final = True",
        ("tests/test_tracker.py", "tests/test_properties.py", "tests/test_testing_machine.py"),
        "a report of ongoing (thường xuyên) work is final unless said otherwise",
    ),
    # --- the log and replay -------------------------------------------------------------------
    Mutant(
        "replay-past-includes-later-events",
        "tracker.py",
        "            if ev_ts <= ts:\n",
        "            if row[6].date() <= moment.date():\n",
        (
            "tests/test_status.py",
            "tests/test_mutant_gaps.py",
            "tests/test_properties.py",
            "tests/test_testing_machine.py",
        ),
        "state as of a past moment includes events later that same day",
    ),
    Mutant(
        "memory-store-drops-batch-events",
        "store/memory.py",
        "self._logs.setdefault(plan.id, []).extend(map(to_row, events))",
        "self._logs.setdefault(plan.id, []).append(to_row(events[-1]))",
        ("tests/test_tracker.py", "tests/test_properties.py", "tests/test_testing_machine.py"),
        "the in-memory store keeps only the last event of a batch",
    ),
    Mutant(
        "event-log-file-drops-events",
        "store/eventlog.py",
        'json.dumps(event_to_dict(e), ensure_ascii=False, sort_keys=True) + "\\n" for e in events',
        'json.dumps(event_to_dict(e), ensure_ascii=False, sort_keys=True) + "\\n"'
        " for e in events[:1]",
        ("tests/test_eventlog.py", "tests/test_tracker.py", "tests/test_mutant_gaps.py"),
        "the JSON-lines log file writes only the first event of an append",
    ),
    Mutant(
        "hash-chain-omits-final",
        "store/sql.py",
        """f'"dest":{_STR(dest)},"event":{_STR(event)},"final":{_FINAL[final]},'""",
        """f'"dest":{_STR(dest)},"event":{_STR(event)},'""",
        ("tests/test_store_sql.py", "tests/test_canonical.py"),
        "the hash chain does not cover a report's 'final' flag",
    ),
    # --- time phrases and deadlines -----------------------------------------------------------
    Mutant(
        "month-end-december",
        "timeexpr.py",
        "return date(year, month, calendar.monthrange(year, month)[1])",
        "return date(year, month + 1, 1) - timedelta(days=1)",
        ("tests/test_timeexpr.py",),
        "the last day of a month computed as 'first of next month - 1' with no year rollover",
    ),
    Mutant(
        "until-month-exclusive",
        "timeexpr.py",
        "        return Window(None, month_end(year, month))\n",
        "        return Window(None, date(year, month, 1) - timedelta(days=1))\n",
        ("tests/test_timeexpr.py",),
        "'đến hết tháng M' read as ending before month M",
    ),
    Mutant(
        "deadline-passes-at-start-of-day",
        "timeexpr.py",
        "return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZONE)",
        "return datetime.combine(day, time(0), tzinfo=ZONE)",
        ("tests/test_timeexpr.py", "tests/test_status.py"),
        "a deadline day D passes at 00:00 of D instead of 00:00 of D+1",
    ),
    # --- classification and summaries ---------------------------------------------------------
    Mutant(
        "status-done-boundary",
        "status.py",
        "return 3 if done_at < end else 4",
        "return 3 if done_at <= end else 4",
        ("tests/test_status.py", "tests/test_properties.py", "tests/test_testing_machine.py"),
        "a task done exactly when its deadline passed counts as done on time",
    ),
    Mutant(
        "status-overdue-boundary",
        "status.py",
        "    if now >= limit:\n        return 2\n",
        "    if now > limit:\n        return 2\n",
        ("tests/test_status.py", "tests/test_properties.py", "tests/test_testing_machine.py"),
        "a task is not yet overdue at the very instant its deadline passes",
    ),
    Mutant(
        "status-plan-due-after-issue",
        "status.py",
        "limit = (due if due < end else end) if state == _PLANNED else end",
        "limit = due if due < end else end",
        ("tests/test_status.py", "tests/test_properties.py", "tests/test_testing_machine.py"),
        "the plan-issue deadline still applies after the plan was issued",
    ),
    Mutant(
        "summary-due-misses-overdue",
        "status.py",
        "if 2 <= c <= 4:  # done (on time or late), or not done and overdue",
        "if 3 <= c <= 4:  # done (on time or late), or not done and overdue",
        ("tests/test_status.py", "tests/test_properties.py", "tests/test_testing_machine.py"),
        "tasks not done and overdue are left out of 'due' (đến hạn)",
    ),
    Mutant(
        "summary-rate-over-total",
        "status.py",
        "round(100.0 * self.done_on_time / self.due, 1)",
        "round(100.0 * self.done_on_time / self.total, 1)",
        (
            "tests/test_status.py",
            "tests/test_mutant_gaps.py",
            "tests/test_properties.py",
            "tests/test_testing_machine.py",
        ),
        "the on-time rate is done on time / all tasks instead of / tasks due",
    ),
    # --- names, exports, reminders, calendar --------------------------------------------------
    Mutant(
        "names-tone-placement",
        "names.py",
        'decomposed = unicodedata.normalize("NFD", word)',
        "decomposed = word",
        ("tests/test_names.py",),
        "old and new tone placement (hòa / hoà, Ủy / Uỷ) give different keys",
    ),
    Mutant(
        "csv-formula-cr",
        "export.py",
        r'_FORMULA = ("=", "+", "-", "@", "\t", "\r")',
        r'_FORMULA = ("=", "+", "-", "@", "\t")',
        ("tests/test_export.py", "tests/test_mutant_gaps.py"),
        "a CSV cell starting with a carriage return is not neutralised",
    ),
    Mutant(
        "remind-key-without-kind",
        "remind.py",
        'f"{what}:{task.id}:{kind}:{found[1]}", what, make,',
        'f"reminder:{task.id}:{kind}:{found[1]}", what, make,',
        ("tests/test_remind.py",),
        "the overdue notice shares the due-soon reminder's key, so the outbox drops it",
    ),
    Mutant(
        "workdays-holidays-ignored",
        "workdays.py",
        "working = day not in days_off",
        "working = True",
        ("tests/test_workdays.py",),
        "public holidays on weekdays count as working days",
    ),
)


class MutantError(Exception):
    """A mutant that cannot be applied (its snippet is not in the source exactly once)."""


@dataclass
class Result:
    """The verdict of one run."""

    name: str
    file: str
    verdict: str  # "caught", "SURVIVED" or "error"
    first_failure: str
    seconds: float
    output: str = ""


# --- preparing a copy ---------------------------------------------------------------------


def occurrences(mutant: Mutant, source_root: Path = PACKAGE) -> int:
    """How many times the mutant's snippet occurs in its file under ``source_root``."""
    return (source_root / mutant.file).read_text(encoding="utf-8").count(mutant.original)


def mutated_text(mutant: Mutant, text: str) -> str:
    """``text`` with the mutant applied; :class:`MutantError` unless the snippet occurs
    exactly once."""
    found = text.count(mutant.original)
    if found != 1:
        raise MutantError(
            f"mutant {mutant.name}: its original snippet occurs {found} times in "
            f"src/tuyentruyen/{mutant.file} (it must occur exactly once; update the mutant)"
        )
    return text.replace(mutant.original, mutant.replacement)


def copy_src(dest: Path, mutant: Mutant | None = None) -> Path:
    """Copy ``src/`` to ``dest/src`` (without bytecode caches), apply ``mutant`` there,
    and return the copy's ``src`` folder."""
    target = dest / "src"
    shutil.copytree(SRC, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if mutant is not None:
        path = target / "tuyentruyen" / mutant.file
        path.write_text(mutated_text(mutant, path.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def environment(src: Path, work: Path, ci: bool) -> dict[str, str]:
    """The subprocess environment: the copy first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH")) if p)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # nothing written into the working tree's caches
    env["HYPOTHESIS_STORAGE_DIRECTORY"] = str(work / ".hypothesis")
    if ci:
        env["CI"] = "true"
    else:
        env.pop("CI", None)
    return env


def check_import(src: Path, env: dict[str, str]) -> None:
    """Fail loudly unless a subprocess with ``env`` imports tuyentruyen from ``src``."""
    proc = subprocess.run(
        [sys.executable, "-c", "import tuyentruyen; print(tuyentruyen.__file__)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    where = proc.stdout.strip()
    expected = (src / "tuyentruyen" / "__init__.py").resolve()
    if proc.returncode != 0 or Path(where).resolve() != expected:
        raise SystemExit(
            "mutants: the subprocess does not import the copied package\n"
            f"  expected {expected}\n  got      {where or '(nothing)'}\n{proc.stderr}"
            "  (is PYTHONPATH overridden by a .pth file or an import hook?)"
        )


# --- running --------------------------------------------------------------------------------


def first_failure(output: str) -> str:
    """The node id of the first failed (or erroring) test in pytest's short summary
    (``FAILED <node id> - <message>``; a node id's parameters may hold `` - `` too)."""
    for line in output.splitlines():
        for head in ("FAILED ", "ERROR "):
            if line.startswith(head):
                rest, depth = line[len(head) :], 0
                for k, ch in enumerate(rest):
                    depth += (ch == "[") - (ch == "]")
                    if depth == 0 and rest.startswith(" - ", k):
                        return rest[:k]
                return rest.strip()
    return ""


def run_pytest(
    selection: Sequence[str], src: Path, work: Path, ci: bool, timeout: float
) -> tuple[int | None, str, float]:
    """Run the selection with the copy at ``src``: (exit status or None on timeout,
    output, seconds)."""
    env = environment(src, work, ci)
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *selection]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        return None, out, time.perf_counter() - t0
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - t0


def run_mutant(mutant: Mutant, base: Path, ci: bool, timeout: float) -> Result:
    """Apply ``mutant`` in a fresh copy under ``base`` and run its selection."""
    work = base / mutant.name
    work.mkdir()
    t0 = time.perf_counter()
    try:
        src = copy_src(work, mutant)
    except MutantError as exc:
        return Result(mutant.name, mutant.file, "error", str(exc), 0.0)
    check_import(src, environment(src, work, ci))
    code, out, _ = run_pytest(mutant.tests, src, work, ci, timeout)
    seconds = time.perf_counter() - t0
    if code is None:
        return Result(
            mutant.name, mutant.file, "error", f"timeout after {timeout:g} s", seconds, out
        )
    if code == _TESTS_FAILED:
        return Result(mutant.name, mutant.file, "caught", first_failure(out), seconds, out)
    if code == 0:
        return Result(mutant.name, mutant.file, "SURVIVED", "", seconds, out)
    reason = f"pytest exit status {code}"
    failure = first_failure(out)
    return Result(
        mutant.name,
        mutant.file,
        "error",
        f"{reason}: {failure}" if failure else reason,
        seconds,
        out,
    )


def selection_files(mutants: Iterable[Mutant]) -> list[str]:
    """The test files the mutants' selections name (node ids and ``-k`` dropped: whole
    files, a superset), in first-seen order."""
    files: dict[str, None] = {}
    for m in mutants:
        skip = False
        for arg in m.tests:
            if skip:
                skip = False
                continue
            if arg in ("-k", "-m"):
                skip = True
                continue
            if arg.startswith("-"):
                continue
            files.setdefault(arg.split("::")[0], None)
    return list(files)


def baseline(
    mutants: Sequence[Mutant], base: Path, ci: bool, timeout: float, jobs: int
) -> list[Result]:
    """Run every file of the mutants' selections on an unmutated copy (one file per
    run, ``jobs`` at a time)."""
    work = base / "_baseline"
    work.mkdir()
    src = copy_src(work)
    check_import(src, environment(src, work, ci))

    def one(path: str) -> Result:
        folder = work / re.sub(r"\W+", "_", path)
        folder.mkdir()
        code, out, seconds = run_pytest([path], src, folder, ci, timeout)
        ok = code == 0
        failure = "" if ok else (first_failure(out) or f"pytest exit status {code}")
        return Result(path, "", "passed" if ok else "FAILED", failure, seconds, out)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, selection_files(mutants)))


# --- output ----------------------------------------------------------------------------------


def print_table(results: Sequence[Result]) -> None:
    head = ("mutant", "file", "result", "first failing test", "seconds")
    rows = [
        (r.name, r.file, r.verdict, r.first_failure or "-", f"{r.seconds:.1f}") for r in results
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    for row in (head, *rows):
        print(
            "  ".join(
                f"{cell:>{w}}" if k == 4 else f"{cell:<{w}}"
                for k, (cell, w) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )


def list_mutants(mutants: Sequence[Mutant]) -> None:
    for m in mutants:
        print(f"{m.name}  (src/tuyentruyen/{m.file})")
        print(f"    {m.why}")
        print(f"    tests: {' '.join(m.tests)}")


def chosen(names: Sequence[str] | None) -> list[Mutant]:
    """The mutants named by ``--only`` (comma-separated or repeated), or all."""
    if not names:
        return list(MUTANTS)
    wanted = [n.strip() for item in names for n in item.split(",") if n.strip()]
    known = {m.name: m for m in MUTANTS}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise SystemExit(f"mutants: unknown mutant(s) {', '.join(unknown)}; see --list")
    return [known[n] for n in dict.fromkeys(wanted)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only these mutants")
    parser.add_argument("--jobs", type=int, default=2, help="parallel runs (default 2)")
    parser.add_argument("--ci", action="store_true", help="run pytest with CI=true (ci profile)")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds per pytest run (default 600)"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if any mutant survived or errored"
    )
    parser.add_argument(
        "--verbose", action="store_true", help="print pytest's output of survivors and errors"
    )
    args = parser.parse_args(argv)
    mutants = chosen(args.only)
    if args.list:
        list_mutants(mutants)
        return 0
    jobs = max(1, args.jobs)

    # Refuse, before running anything, a mutant whose snippet has rotted.
    broken = []
    for m in mutants:
        found = occurrences(m)
        if found != 1:
            broken.append(f"  {m.name}: snippet found {found} times in src/tuyentruyen/{m.file}")
    if broken:
        print("mutants: these mutants no longer match the source exactly once:", file=sys.stderr)
        print("\n".join(broken), file=sys.stderr)
        return 2

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tt-mutants-") as folder:
        base = Path(folder)
        print(f"baseline: {len(selection_files(mutants))} test files on the unmutated source")
        sys.stdout.flush()
        base_results = baseline(mutants, base, args.ci, args.timeout, jobs)
        failed = [r for r in base_results if r.verdict != "passed"]
        for r in base_results:
            print(f"  {r.verdict:<6}  {r.name}  {r.seconds:.1f} s  {r.first_failure}".rstrip())
        if failed:
            print("mutants: the baseline fails; the mutants' verdicts would mean nothing.")
            for r in failed:
                print(f"--- {r.name} ---\n{r.output[-4000:]}")
            return 2
        base_seconds = time.perf_counter() - t0
        print(f"baseline passed in {base_seconds:.1f} s\n")
        sys.stdout.flush()

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(lambda m: run_mutant(m, base, args.ci, args.timeout), mutants))
    print_table(results)
    caught = sum(r.verdict == "caught" for r in results)
    total = time.perf_counter() - t0
    print(
        f"\n{caught}/{len(results)} mutants caught"
        f" ({total:.1f} s in all, baseline {base_seconds:.1f} s, {jobs} jobs"
        f"{', CI=true' if args.ci else ''})"
    )
    missed = [r for r in results if r.verdict != "caught"]
    for r in missed:
        m = next(x for x in mutants if x.name == r.name)
        print(f"  {r.verdict}: {r.name}: {m.why}")
        if args.verbose and r.output:
            print(r.output[-4000:])
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
