"""Fast checks of the mutation script (benchmarks/mutants.py), no mutant run: every
mutant still matches the current source exactly once (so mutants do not rot as the code
changes), changes the code into code that still compiles, has a unique name, and names
test files (and tests) that exist."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "mutants.py"
PACKAGE = ROOT / "src" / "tuyentruyen"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tt_mutants", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


mutants = _load()
MUTANTS = mutants.MUTANTS
NAMES = [m.name for m in MUTANTS]


def test_at_least_twelve_mutants_with_unique_names() -> None:
    assert len(MUTANTS) >= 12
    assert len(set(NAMES)) == len(NAMES)
    assert all(name and name == name.strip() and "," not in name for name in NAMES)


@pytest.mark.parametrize("mutant", MUTANTS, ids=NAMES)
def test_snippet_occurs_exactly_once_in_the_core(mutant: Any) -> None:
    path = PACKAGE / mutant.file
    assert path.is_file(), path
    assert not mutant.file.startswith("testing/"), "mutants are bugs of the core"
    text = path.read_text(encoding="utf-8")
    assert text.count(mutant.original) == 1
    assert mutants.occurrences(mutant) == 1


@pytest.mark.parametrize("mutant", MUTANTS, ids=NAMES)
def test_mutant_changes_the_code_and_still_compiles(mutant: Any) -> None:
    path = PACKAGE / mutant.file
    text = path.read_text(encoding="utf-8")
    changed = mutants.mutated_text(mutant, text)
    assert changed != text
    # A syntax error would be caught by any import: not the kind of bug meant here.
    assert ast.dump(ast.parse(changed)) != ast.dump(ast.parse(text))


def test_a_snippet_not_found_exactly_once_is_refused() -> None:
    m = MUTANTS[0]
    text = (PACKAGE / m.file).read_text(encoding="utf-8")
    with pytest.raises(mutants.MutantError, match="occurs 0 times"):
        mutants.mutated_text(m, text.replace(m.original, "pass"))
    with pytest.raises(mutants.MutantError, match="occurs 2 times"):
        mutants.mutated_text(m, text + "\n" + m.original)


def _selected_paths(args: tuple[str, ...]) -> list[str]:
    out, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("-k", "-m"):
            skip = True
        elif not arg.startswith("-"):
            out.append(arg)
    return out


@pytest.mark.parametrize("mutant", MUTANTS, ids=NAMES)
def test_selection_names_existing_tests(mutant: Any) -> None:
    paths = _selected_paths(mutant.tests)
    assert paths, "a mutant needs tests to run"
    for arg in paths:
        file, _, test = arg.partition("::")
        assert file.startswith("tests/"), arg
        assert file.endswith(".py"), arg
        path = ROOT / file
        assert path.is_file(), arg
        if test:
            assert f"def {test.split('::')[-1].split('[')[0]}(" in path.read_text("utf-8"), arg


def test_copy_applies_the_mutant_without_touching_the_tree(tmp_path: Path) -> None:
    m = MUTANTS[0]
    before = (PACKAGE / m.file).read_text(encoding="utf-8")
    src = mutants.copy_src(tmp_path, m)
    copied = (src / "tuyentruyen" / m.file).read_text(encoding="utf-8")
    assert m.replacement in copied
    assert m.original not in copied
    assert (PACKAGE / m.file).read_text(encoding="utf-8") == before
    assert not list(src.rglob("__pycache__"))
    env = mutants.environment(src, tmp_path, ci=False)
    assert env["PYTHONPATH"].split(":")[0] == str(src)
    mutants.check_import(src, env)  # the copy shadows the editable install


def test_first_failure_reads_the_short_summary() -> None:
    out = (
        "F\n=== short test summary info ===\n"
        "FAILED tests/test_status.py::test_x[a - b] - AssertionError: no\n"
        "FAILED tests/test_status.py::test_y - AssertionError\n"
    )
    assert mutants.first_failure(out) == "tests/test_status.py::test_x[a - b]"
    assert mutants.first_failure("ERROR tests/test_a.py::test_b\n") == "tests/test_a.py::test_b"
    assert mutants.first_failure("1 passed\n") == ""


def test_list_prints_every_mutant() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    listed = [line.split()[0] for line in proc.stdout.splitlines() if not line.startswith(" ")]
    assert listed == NAMES
