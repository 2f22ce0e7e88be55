"""The html export read back with html.parser: what the page says, that it is escaped,
self-contained, deterministic, and the CLI path."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import attrs
import pytest
from html_testing import (
    ALLOW,
    AT,
    EXPECTED_LAYERS,
    HOSTILE,
    expected_axis,
    expected_today_x,
    export,
    fresh_tracker,
    parse,
    plan_with_edges,
    with_task,
)
from tuyentruyen_html import HtmlExporter, HtmlOptionError, script_json

from tuyentruyen import Tracker
from tuyentruyen.cli import main
from tuyentruyen.demo import run_demo
from tuyentruyen.export import CLASS_COLOURS
from tuyentruyen.lifecycle import STATE_LABELS
from tuyentruyen.plugins import collect, make_plugin_manager, plugin_info
from tuyentruyen.status import Classification


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Tracker:
    """The seed plan's tracker with the demo history (a fresh demo.db)."""
    return run_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def demo_html(demo: Tracker, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo exported as of 31/10/2023 17:00, in Vietnamese."""
    return export(demo, tmp_path_factory.mktemp("html") / "qn-60-nam.html")


def test_found_through_its_entry_point() -> None:
    pm = make_plugin_manager(env=ALLOW)
    (info,) = [p for p in plugin_info(pm) if p.name == "html"]
    assert info.status == "loaded"
    assert info.distribution == "tuyentruyen-html"
    assert info.hooks == ("register_exporters",)
    exporter = collect(pm, "register_exporters")["html"]
    assert isinstance(exporter, HtmlExporter)
    assert exporter.suffix == ".html"


def test_header_and_summary(demo: Tracker, demo_html: Path) -> None:
    page = parse(demo_html)
    root = page.root
    assert root.find("html").attrs["lang"] == "vi"
    assert root.find("h1").text == demo.plan.title
    assert root.find(id="tt-issuer").text == "Ban Tuyên giáo Tỉnh ủy"
    assert root.find(id="tt-progress").text == "Tình hình thực hiện đến ngày 31/10/2023"
    statuses = demo.status(at=AT)
    counts = Counter(st.classification.value for st in statuses)
    assert root.find(id="tt-total").text == str(len(statuses)) == "17"
    cards = {
        c.attrs["data-class"]: c
        for c in root.find_all("div", class_="card")
        if "total" not in c.classes
    }
    # The five official classes are always there, the others when some task has them.
    for cls in Classification:
        if cls.value in cards:
            assert cards[cls.value].find("span", class_="n").text == str(counts[cls.value])
        else:
            assert cls in (Classification.NO_DEADLINE, Classification.CANCELLED)
            assert counts[cls.value] == 0
    assert counts["no_deadline"] == 1  # 2.2 has no end and is past its plan_due: shown
    legend = {
        s.attrs["data-class"]: s.attrs["data-colour"]
        for s in root.find(id="tt-legend").find_all("span", class_="lg")
        if "data-class" in s.attrs
    }
    assert legend["done_on_time"] == CLASS_COLOURS[Classification.DONE_ON_TIME] == "#2e7d32"
    assert legend["in_progress_overdue"] == CLASS_COLOURS[Classification.IN_PROGRESS_OVERDUE]
    assert {c: CLASS_COLOURS[Classification(c)] for c in legend} == legend
    # The colours reach the stylesheet the bars use.
    style = root.find("style").text
    for cls, colour in CLASS_COLOURS.items():
        assert f".c-{cls.value}{{background:{colour};" in style


def test_gantt_one_bar_per_task(demo: Tracker, demo_html: Path) -> None:
    page = parse(demo_html)
    statuses = demo.status(at=AT)
    bars = page.bars()
    assert [b.attrs["data-task"] for b in bars] == [st.task.id for st in statuses]
    for bar, st in zip(bars, statuses, strict=True):
        assert bar.attrs["data-unit"] == st.task.lead
        assert bar.attrs["data-state"] == st.state
        assert bar.attrs["data-class"] == st.classification.value
        assert f"c-{st.classification.value}" in bar.classes
        assert ("open" in bar.classes) == (st.task.window.end is None)
    start, ppd = expected_axis(demo.plan, AT)
    axis = page.root.find(id="tt-axis")
    assert axis.attrs["data-start"] == start.isoformat() == "2023-02-01"
    # Bars start at their window's first day (88 px of labels first) and are as long.
    by_id = {b.attrs["data-task"]: b for b in bars}
    style = dict(
        re.findall(r"(left|width):([\d.]+)px", by_id["2.4"].attrs["style"])  # May 2023
    )
    assert float(style["left"]) == pytest.approx(88 + (28 + 31 + 30) * ppd, abs=0.06)
    assert float(style["width"]) == pytest.approx(31 * ppd, abs=0.06)
    # Open-ended 2.2 runs to the plan's last day (31/10/2023).
    style = dict(re.findall(r"(left|width):([\d.]+)px", by_id["2.2"].attrs["style"]))
    assert float(style["left"]) + float(style["width"]) == pytest.approx(88 + 273 * ppd, abs=0.1)
    # Plan-issue deadlines are markers: one per task that has one.
    dues = page.root.find_all("span", class_="due")
    assert len(dues) == sum(1 for st in statuses if st.task.plan_due is not None) == 5
    # The today line and the month ticks.
    today = page.root.find(id="tt-today")
    left = float(re.search(r"left:([\d.]+)px", today.attrs["style"]).group(1))  # type: ignore[union-attr]
    assert left - 88 == pytest.approx(expected_today_x(demo.plan, AT), abs=0.06)
    labels = [t.text for t in axis.find_all("span", class_="tick")]
    assert labels[0] == "T2/2023"
    assert labels[-1] == "T10/2023"
    assert len(labels) == 9


def test_unit_table_is_the_summary(demo: Tracker, demo_html: Path) -> None:
    page = parse(demo_html)
    table = page.root.find("table", class_="units")
    rows = table.find("tbody").find_all("tr")
    summary = demo.summary(AT)
    assert len(rows) == len(summary.rows) + 1
    for tr, r in zip(rows, [*summary.rows, summary.total], strict=True):
        cells = [c.text for c in tr.find_all("td")]
        rate = "—" if r.on_time_rate is None else f"{r.on_time_rate:.1f}".replace(".", ",")
        assert cells == [
            str(r.total),
            str(r.due),
            str(r.done_on_time),
            str(r.done_late),
            str(r.not_done_on_time),
            str(r.not_done_overdue),
            rate,
        ]
    assert rows[0].find("th").text == "Phòng Tuyên truyền - Báo chí - Xuất bản"
    assert rows[-1].find("th").text == "Tổng cộng"


def test_task_data_and_filter_choices(demo: Tracker, demo_html: Path) -> None:
    page = parse(demo_html)
    data = page.data()
    statuses = demo.status(at=AT)
    units = [u for u, _ in data["units"]]
    assert [t[0] for t in data["tasks"]] == [st.task.id for st in statuses]
    for t, st in zip(data["tasks"], statuses, strict=True):
        assert t[1] == st.task.title
        assert units[t[2]] == st.task.lead
        assert [units[i] for i in t[3]] == list(st.task.support)
        assert t[6] == st.state
        assert t[7] == st.classification.value
    assert data["states"]["done"] == STATE_LABELS["vi"]["done"]
    two_five = data["tasks"][[t[0] for t in data["tasks"]].index("2.5")]
    assert two_five[5] == "01/02/2023 – 30/09/2023"
    assert two_five[8] == "28/02/2023"
    options = [o.attrs["value"] for o in page.root.find(id="tt-unit").find_all("option")]
    assert options[0] == ""
    assert set(options[1:]) == set(units)
    states = [o.attrs["value"] for o in page.root.find(id="tt-state").find_all("option")]
    assert "state:done" in states
    assert "class:in_progress_overdue" in states
    assert page.root.find("output", id="tt-count").text == "17 nhiệm vụ"


def test_self_contained(demo_html: Path) -> None:
    page = parse(demo_html)
    for el in page.elements:
        for name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
            value = el.attrs.get(name)
            if value is not None:
                assert value.startswith(("#", "data:")), (el.tag, name, value)
        assert el.tag not in ("iframe", "object", "embed", "img", "base", "form")
    scripts = page.root.find_all("script")
    assert [s.attrs.get("type") for s in scripts] == ["application/json", None]
    assert not any("src" in s.attrs for s in scripts)
    assert not [el for el in page.elements if el.tag == "link" and el.attrs["rel"] != "icon"]
    csp = page.root.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert "default-src 'none'" in csp
    assert "img-src data:" in csp
    assert "connect-src" not in csp
    assert "font-src" not in csp
    assert not re.search(r"https?:|//[a-z]|@import|@font-face", page.root.find("style").text)
    assert not re.search(r"https?:|fetch\(|XMLHttpRequest|import\(", scripts[1].text)


def test_same_bytes_twice(demo: Tracker, tmp_path: Path) -> None:
    a = export(demo, tmp_path / "a.html")
    b = export(demo, tmp_path / "b.html")
    assert a.read_bytes() == b.read_bytes()
    assert export(demo, tmp_path / "c.html", lang="en").read_bytes() != a.read_bytes()


def test_hostile_title_is_text(tmp_path: Path) -> None:
    plan = plan_with_edges()
    plan = with_task(plan, "2.7", title=HOSTILE)  # 2.7 is in the dependency graph
    plan = attrs.evolve(plan, title=HOSTILE)
    page = parse(export(fresh_tracker(plan), tmp_path / "x.html"))
    assert "<script>alert" not in page.raw
    assert [s.attrs.get("type") for s in page.root.find_all("script")] == [
        "application/json",
        None,
    ]
    assert page.root.find("h1").text == HOSTILE
    assert page.root.find("title").text.startswith(HOSTILE)
    node = page.root.find("g", class_="node", data_task="2.7")
    assert node.find("title").text == f"2.7: {HOSTILE} (chưa thực hiện)"
    listed = list(page.root.find(id="tt-deplist").find_all("li"))
    assert any(HOSTILE in li.text for li in listed)
    data = page.data()
    assert [t[1] for t in data["tasks"] if t[0] == "2.7"] == [HOSTILE]
    blob = page.root.find("script", id="tt-data").text
    assert "</" not in blob
    assert "<!--" not in blob


def test_unit_option(demo: Tracker, tmp_path: Path) -> None:
    page = parse(export(demo, tmp_path / "u.html", unit="tt-th"))
    wanted = [t.id for t in demo.plan.tasks if t.lead == "tt-th" or "tt-th" in t.support]
    assert wanted == ["2.4", "3.2", "3.6", "3.7"]
    assert [b.attrs["data-task"] for b in page.bars()] == wanted
    assert [t[0] for t in page.data()["tasks"]] == wanted
    assert page.root.find(id="tt-unit-only").attrs["data-unit"] == "tt-th"
    assert "Phòng Thông tin - Tổng hợp" in page.root.find(id="tt-unit-only").text
    rows = page.root.find("table", class_="units").find("tbody").find_all("tr")
    assert [r.attrs.get("data-unit") for r in rows] == ["tt-th"]
    assert page.root.find(id="tt-total").text == "4"
    # A unit that leads nothing (it only supports) has its row, all zero.
    page_so = parse(export(demo, tmp_path / "so.html", unit="tttt-tinh"))
    (row,) = page_so.root.find("table", class_="units").find("tbody").find_all("tr")
    assert row.attrs["data-unit"] == "tttt-tinh"
    assert [c.text for c in row.find_all("td")] == ["0", "0", "0", "0", "0", "0", "—"]
    assert len(page_so.bars()) == sum("tttt-tinh" in t.support for t in demo.plan.tasks)
    # None of these tasks depends on another: the list form says so.
    assert page.root.find(id="tt-nodeps").text == "Không có nhiệm vụ nào phụ thuộc nhiệm vụ khác."
    assert not page.root.find_all("svg")


def test_english(demo: Tracker, tmp_path: Path) -> None:
    page = parse(export(demo, tmp_path / "en.html", lang="en"))
    assert page.root.find("html").attrs["lang"] == "en"
    assert page.root.find(id="tt-progress").text == "Progress as of 31 Oct 2023"
    assert page.root.find("output", id="tt-count").text == "17 tasks"
    assert next(t.text for t in page.root.find(id="tt-axis").find_all("span", class_="tick")) == (
        "Feb 2023"
    )
    data = page.data()
    assert data["classes"]["done_late"] == "done late"
    assert page.root.find("table", class_="units").find("th").text == "Lead unit"
    assert page.root.find("h1").text == demo.plan.title  # the plan's own words stay


def test_dependency_graph_layers(tmp_path: Path) -> None:
    plan = plan_with_edges()
    page = parse(export(fresh_tracker(plan), tmp_path / "g.html"))
    svg = page.root.find("svg", id="tt-graph")
    nodes = {g.attrs["data-task"]: g for g in svg.find_all("g", class_="node")}
    assert {k: int(g.attrs["data-layer"]) for k, g in nodes.items()} == EXPECTED_LAYERS
    xs = {k: int(re.match(r"translate\((\d+),", g.attrs["transform"]).group(1))  # type: ignore[union-attr]
          for k, g in nodes.items()}  # fmt: skip
    for a, b in (("2.5", "2.6"), ("2.6", "2.7"), ("2.7", "3.2"), ("3.1", "2.1")):
        assert xs[a] < xs[b]  # a prerequisite is left of what depends on it
    edges = {
        (p.attrs["data-from"], p.attrs["data-to"]) for p in svg.find_all("path", class_="edge")
    }
    assert edges == {
        ("3.1", "2.1"),
        ("2.5", "2.6"),
        ("2.6", "2.7"),
        ("3.3", "2.7"),
        ("2.7", "3.2"),
    }
    assert all(
        p.attrs["marker-end"] == "url(#tt-arrow)" for p in svg.find_all("path", class_="edge")
    )
    listed = page.root.find(id="tt-deplist").find_all("li")
    assert {(li.attrs["data-from"], li.attrs["data-to"]) for li in listed} == edges
    assert "3.1 đã ban hành thì 2.1 mới được triển khai" in listed[0].text
    fill = {k: g.find("rect").attrs["fill"] for k, g in nodes.items()}
    assert set(fill.values()) <= set(CLASS_COLOURS.values())


def test_chart_width_option(demo: Tracker, tmp_path: Path) -> None:
    page = parse(export(demo, tmp_path / "w.html", chart_width="2400"))
    _start, ppd = expected_axis(demo.plan, AT, 2400)
    assert float(page.root.find(id="tt-axis").attrs["data-px-per-day"]) == pytest.approx(ppd)
    for bad in ("wide", "10", "100000"):
        with pytest.raises(HtmlOptionError) as info:
            export(demo, tmp_path / "bad.html", chart_width=bad)
        assert "chart_width" in info.value.message("vi")
    assert not (tmp_path / "bad.html").exists()


def test_empty_selection(demo: Tracker, tmp_path: Path) -> None:
    page = parse(export(demo, tmp_path / "e.html", unit="khoa-giao"))
    assert page.bars() == []
    assert page.data()["tasks"] == []
    assert page.root.find(id="tt-total").text == "0"
    assert page.root.find("output", id="tt-count").text == "0 nhiệm vụ"


def test_script_json_cannot_end_the_element() -> None:
    value = {"t": "</script><!-- </SCRIPT> & <b> \u2028"}
    text = str(script_json(value))
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert json.loads(text) == value


def test_cli(demo: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUYENTRUYEN_PLUGINS", ALLOW["TUYENTRUYEN_PLUGINS"])
    out, err = io.StringIO(), io.StringIO()
    assert main(["export", "--list"], stdout=out, stderr=err) == 0, err.getvalue()
    assert "html\t.html" in out.getvalue().splitlines()
    out, err = io.StringIO(), io.StringIO()
    assert main(["demo", "--out", str(tmp_path), "--no-export"], stdout=out, stderr=err) == 0
    target = tmp_path / "qn.html"
    argv = ["export", "qn-60-nam", "--db", str(tmp_path / "demo.db"), "--format", "html"]
    argv += ["-o", str(target), "--at", "31/10/2023", "--unit", "tt-th", "--lang", "en"]
    out, err = io.StringIO(), io.StringIO()
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    assert str(target) in out.getvalue()
    page = parse(target)
    assert page.root.find("html").attrs["lang"] == "en"
    assert [b.attrs["data-task"] for b in page.bars()] == ["2.4", "3.2", "3.6", "3.7"]
    assert page.root.find(id="tt-progress").text == "Progress as of 31 Oct 2023"
    # A bad format option is the user's error (exit 2), and writes nothing.
    out, err = io.StringIO(), io.StringIO()
    bad = [*argv[:6], "-o", str(tmp_path / "bad.html"), "-O", "chart_width=wide"]
    assert main(bad, stdout=out, stderr=err) == 2
    assert "chart_width" in err.getvalue()
    assert not (tmp_path / "bad.html").exists()
