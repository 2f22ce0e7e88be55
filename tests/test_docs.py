"""Every ``python`` block in README.md and docs/ runs; every ``sh`` command in the CLI
page exits 0. Docs are part of the feature: a stale example fails the build."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from pathlib import Path

import pytest

from tuyentruyen.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)


def blocks(page: Path, lang: str) -> list[str]:
    return [m.group(2) for m in FENCE.finditer(page.read_text("utf-8")) if m.group(1) == lang]


def run_python(page: Path) -> str:
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for number, code in enumerate(blocks(page, "python"), start=1):
            exec(compile(code, f"{page.name} (python block {number})", "exec"), namespace)
    return out.getvalue()


@pytest.mark.parametrize("page", [p for p in PAGES if blocks(p, "python")], ids=lambda p: p.name)
def test_python_blocks_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    run_python(page)


def test_docs_have_examples() -> None:
    assert len([p for p in PAGES if blocks(p, "python")]) >= 3


def test_readme_embedding_example_does_what_it_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    (code,) = blocks(ROOT / "README.md", "python")
    assert len(code.strip().splitlines()) <= 12  # "a 10-line embedding example"
    lines = run_python(ROOT / "README.md").splitlines()
    assert lines[0] == "in_progress"
    assert lines[1] == str(
        ["2.1 must be issued (it is planned)", "3.1 must be issued (it is planned)"]
    )
    assert "('2.1', (Deadline(kind='plan_due', day=datetime.date(2023, 4, 30)),))" in lines[2]
    assert lines[3] == "0.0"  # nothing done by 31/10, every due task late


def commands(page: Path) -> list[str]:
    found = []
    for block in blocks(page, "sh"):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()
            if line.startswith("tuyentruyen "):
                found.append(line)
    return found


@pytest.mark.parametrize("page", [p for p in PAGES if commands(p)], ids=lambda p: p.name)
def test_shell_commands_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for line in commands(page):
        out, err = io.StringIO(), io.StringIO()
        argv = [a for a in shlex.split(line)[1:] if not (a.startswith("[") and a.endswith("]"))]
        code = main(argv, stdout=out, stderr=err)
        assert code == 0, f"{page.name}: {line!r} exited {code}: {err.getvalue()}"
        assert out.getvalue(), line
