"""docs/writing-a-plugin.md builds exactly the template plugin in
plugins/tuyentruyen-example/, and shows what its examples really print.

Conventions of that page (tests/test_docs.py runs its python blocks):

- a block whose first line is ``# pyproject.toml`` is the plugin's pyproject.toml;
- the python blocks whose first line starts with ``# src/tuyentruyen_example/__init__.py``
  are, in order, the whole plugin module (sections joined by two blank lines);
- the python block headed ``# plugins/tuyentruyen-example/tests/test_example.py
  (excerpt)`` holds fixtures and tests found verbatim in that file;
- a ``text`` block that comes right after a python block is what that block prints.

None of this needs the plugin installed: the module is run from its file.
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "writing-a-plugin.md"
PLUGIN = ROOT / "plugins" / "tuyentruyen-example"
MODULE = PLUGIN / "src" / "tuyentruyen_example" / "__init__.py"
TESTS = PLUGIN / "tests" / "test_example.py"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
MODULE_HEAD = "# src/tuyentruyen_example/__init__.py"
TESTS_HEAD = "# plugins/tuyentruyen-example/tests/test_example.py (excerpt)"


def fences(text: str) -> list[tuple[str, str]]:
    """Every fenced block of ``text``: (language, body), in order."""
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(text)]


def headed(head: str, lang: str = "python") -> list[str]:
    """Bodies of the page's ``lang`` blocks whose first line starts with ``head``,
    without that line."""
    found = []
    for language, body in fences(PAGE.read_text("utf-8")):
        first, _, rest = body.partition("\n")
        if language == lang and first.startswith(head):
            found.append(rest)
    return found


def test_pyproject_block_is_the_plugins_pyproject() -> None:
    (shown,) = headed("# pyproject.toml", lang="toml")
    assert shown == (PLUGIN / "pyproject.toml").read_text("utf-8")


def test_module_blocks_are_the_whole_plugin_module() -> None:
    parts = headed(MODULE_HEAD)
    assert len(parts) == 4  # imports, then one section per hook
    shown = "\n\n\n".join(p.strip("\n") for p in parts) + "\n"
    assert shown == MODULE.read_text("utf-8"), (
        f"update the {MODULE_HEAD} blocks of {PAGE.name} to match {MODULE.relative_to(ROOT)}"
    )


def test_test_excerpt_is_taken_from_the_plugins_tests() -> None:
    (excerpt,) = headed(TESTS_HEAD)
    real = TESTS.read_text("utf-8")
    real_tree = ast.parse(real)
    imported = {
        (getattr(node, "module", None), alias.name)
        for node in ast.walk(real_tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    lines = excerpt.splitlines()
    checked = []
    for node in ast.parse(excerpt).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                assert (getattr(node, "module", None), alias.name) in imported, alias.name
            continue
        decorators = getattr(node, "decorator_list", [])
        first = min([node.lineno, *(d.lineno for d in decorators)])
        assert node.end_lineno is not None
        segment = "\n".join(lines[first - 1 : node.end_lineno])
        assert segment in real, f"not in {TESTS.name}:\n{segment}"
        checked.append(getattr(node, "name", None))
    assert {"plan", "pm", "test_found_through_its_entry_point"} <= set(checked)


def test_text_blocks_show_what_the_python_blocks_print(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "docs_writing_a_plugin"}
    blocks = fences(PAGE.read_text("utf-8"))
    compared = 0
    for k, (lang, body) in enumerate(blocks):
        if lang != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(body, f"{PAGE.name} (block {k + 1})", "exec"), namespace)
        if k + 1 < len(blocks) and blocks[k + 1][0] == "text":
            assert out.getvalue() == blocks[k + 1][1], f"block {k + 1}"
            compared += 1
        else:
            assert out.getvalue() == "", f"block {k + 1} prints but shows no output"
    assert compared >= 5


def test_plugin_readme_shows_the_commands_real_output() -> None:
    readme = (PLUGIN / "README.md").read_text("utf-8")
    (session,) = [body for lang, body in fences(readme) if lang == "console"]
    command, _, shown = session.partition("\n")
    assert command == "$ tuyentruyen tasks-of tt-th examples/quang-ninh-60-nam.yaml"
    module = runpy.run_path(str(MODULE))
    plan = module["load_plan"](ROOT / "examples" / "quang-ninh-60-nam.yaml")
    assert shown == module["tasks_of"](plan, "tt-th")
