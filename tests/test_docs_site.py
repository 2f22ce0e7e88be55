"""The docs site builds with warnings as errors (mkdocs.yml), its CLI reference lists
every command of the parser, and its API reference documents the Tracker."""

from __future__ import annotations

import argparse
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tuyentruyen import cli

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("mkdocs", reason="the docs extra is not installed: pip install -e '.[docs]'")
pytest.importorskip("mkdocstrings")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def text_of(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text("utf-8")))


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """The parser's commands (core only, as the reference lists them)."""
    lang = cli._Parser.lang  # build_parser sets the help language on the class
    try:
        root = cli.build_parser("en")
    finally:
        cli._Parser.lang = lang
    (action,) = (a for a in root._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_cli_reference_lists_every_command(site: Path) -> None:
    page = site / "reference" / "cli" / "index.html"
    text = text_of(page)
    commands = subcommands()
    assert len(commands) >= 10
    for name, parser in commands.items():
        assert f"tuyentruyen {name}" in text, name
        description = parser.description
        assert description, name
        assert " ".join(description.split()) in " ".join(text.split()), name
    assert "<!-- cli-reference -->" not in page.read_text("utf-8")


def test_api_reference_documents_the_tracker(site: Path) -> None:
    page = (site / "reference" / "api" / "index.html").read_text("utf-8")
    assert 'id="tuyentruyen.tracker.Tracker"' in page
    assert 'id="tuyentruyen.tracker.Tracker.fire"' in page
    assert 'id="tuyentruyen.io.load_plan"' in page
    text = " ".join(text_of(site / "reference" / "api" / "index.html").split())
    # fire's signature and its docstring (Sphinx roles shown as code by the griffe
    # extension in docs/hooks/griffe_docstrings.py).
    assert "fire(" in text
    assert "Fire event on task and return the recorded Event." in text


def test_every_docs_page_is_in_the_site(site: Path) -> None:
    for page in (ROOT / "docs").rglob("*.md"):
        rel = page.relative_to(ROOT / "docs").with_suffix("")
        built = site / "index.html" if rel.name == "index" else site / rel / "index.html"
        assert built.is_file(), page
