"""Property tests: any title or unit name comes back intact from the page, through the
embedded JSON and through the escaped HTML, read with html.parser."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import attrs
from html_testing import export, fresh_tracker, parse, plan_with_edges, with_task
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tuyentruyen_html import script_json

from tuyentruyen import Plan

#: Any text a plan file can hold: every code point but lone surrogates (which UTF-8
#: cannot encode), including markup, quotes, newlines and control characters.
texts = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
#: Markup-heavy text: the cases that matter for escaping, more often.
markup = st.lists(
    st.sampled_from(["<", ">", "&", '"', "'", "</script>", "<!--", "-->", "=cmd|", "\n", "a", "ệ"]),
    min_size=1,
    max_size=12,
).map("".join)

BASE = plan_with_edges()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(task_title=st.one_of(texts, markup), plan_title=st.one_of(texts, markup))
def test_titles_round_trip(task_title: str, plan_title: str) -> None:
    plan: Plan = attrs.evolve(with_task(BASE, "2.7", title=task_title), title=plan_title)
    with tempfile.TemporaryDirectory(prefix="tt-html-") as folder:
        page = parse(export(fresh_tracker(plan), Path(folder) / "p.html"))
    # Through the JSON blob the script reads.
    tasks = page.data()["tasks"]
    assert [t[1] for t in tasks if t[0] == "2.7"] == [task_title]
    # Through the escaped HTML: the heading and the graph node's tooltip.
    assert page.root.find("h1").text == plan_title
    node = page.root.find("g", class_="node", data_task="2.7")
    assert node.find("title").text == f"2.7: {task_title} (chưa thực hiện)"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.one_of(texts, markup))
def test_unit_names_round_trip(name: str) -> None:
    units = [attrs.evolve(u, name=name) if u.id == "tt-th" else u for u in BASE.units]
    plan = attrs.evolve(BASE, units=units)
    with tempfile.TemporaryDirectory(prefix="tt-html-") as folder:
        page = parse(export(fresh_tracker(plan), Path(folder) / "u.html"))
    data = page.data()
    assert ["tt-th", name] in data["units"]
    option = page.root.find(id="tt-unit").find("option", value="tt-th")
    assert option.text == name
    row = page.root.find("table", class_="units").find("tr", data_unit="tt-th")
    assert row.find("th").text == name


@given(value=st.recursive(st.one_of(texts, markup, st.integers()), st.lists, max_leaves=8))
def test_script_json_round_trips(value: object) -> None:
    text = str(script_json(value))
    assert "<" not in text
    assert ">" not in text
    assert json.loads(text) == value
