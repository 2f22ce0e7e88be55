"""mkdocs hook: fills docs/reference/cli.md with the help of every command, taken from
``tuyentruyen.cli.build_parser`` at build time, so the reference cannot go stale.

The page holds the marker ``<!-- cli-reference -->``; this hook replaces it with one
section per command (the English help, as ``tuyentruyen COMMAND --help --lang en``
prints it). Only the core commands are listed: commands added by installed plugins
depend on the machine that builds the docs.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

MARKER = "<!-- cli-reference -->"
PAGE = "reference/cli.md"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def render() -> str:
    """The Markdown for every command's help, in English, wrapped at 88 columns."""
    from tuyentruyen import cli

    old_columns = os.environ.get("COLUMNS")
    old_lang = cli._Parser.lang
    os.environ["COLUMNS"] = "88"  # argparse wraps to the terminal: fix it for the build
    try:
        root = cli.build_parser("en")
        parts = [
            "## `tuyentruyen`",
            "",
            "```text",
            root.format_help().rstrip(),
            "```",
            "",
        ]
        for name, sub in _subcommands(root).items():
            parts += [
                f"## `tuyentruyen {name}`",
                "",
                "```text",
                sub.format_help().rstrip(),
                "```",
                "",
            ]
        return "\n".join(parts)
    finally:
        cli._Parser.lang = old_lang
        if old_columns is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old_columns


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    if MARKER not in markdown:
        raise ValueError(f"{PAGE} lost its marker {MARKER}")
    return markdown.replace(MARKER, render())
