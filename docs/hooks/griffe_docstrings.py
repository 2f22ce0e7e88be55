"""griffe extension for the API reference: the docstrings are written for ``help()``,
Sphinx roles and bare doctests; this shows them well in Markdown without editing them.

- a bare doctest (``>>>`` lines and their output, up to a blank line) becomes a
  ``pycon`` code block (Markdown would read ``>>>`` as nested quotes);
- a Sphinx role (``:class:`~tuyentruyen.Plan```, ``:func:`load_plan```) becomes inline
  code with the name as written (a ``~`` keeps only the last part).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj|const):`~?([^`]+)`")


def _role(match: re.Match[str]) -> str:
    name = match.group(1)
    if match.group(0).split("`", 1)[1].startswith("~"):
        name = name.rsplit(".", 1)[-1]
    return f"`{name}`"


def markdown_docstring(text: str) -> str:
    """``text`` with bare doctests fenced and Sphinx roles turned into code."""
    out: list[str] = []
    lines = text.splitlines()
    fenced = False
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped.startswith("```"):
            fenced = not fenced
        if not fenced and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            out.append(f"{indent}```pycon")
            while i < len(lines) and lines[i].strip():
                out.append(lines[i])
                i += 1
            out.append(f"{indent}```")
            continue
        out.append(line if fenced else ROLE.sub(_role, line))
        i += 1
    return "\n".join(out)


class MarkdownDocstrings(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown_docstring(obj.docstring.value)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        # The root package's own docstring (markdown_docstring is idempotent).
        self.on_instance(obj=pkg)
