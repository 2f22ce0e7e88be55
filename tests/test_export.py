"""``tuyentruyen export`` and the built-in json, csv and markdown exports: read back with
the library that reads the format, deterministic, atomic, never overwriting unasked."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

from clirun import cli, ok
from tuyentruyen import FixedClock, Plan, Tracker, hookimpl
from tuyentruyen.export import (
    CLASS_COLOURS,
    CsvExporter,
    DotExporter,
    JsonExporter,
    MermaidExporter,
    export_to,
    latest_reports,
    safe_cell,
    selected,
)
from tuyentruyen.model import Dependency
from tuyentruyen.plugins import get_plugin_manager, reset_plugin_manager
from tuyentruyen.status import Classification
from tuyentruyen.store import SQLiteStore

AT = "31/10/2023"


@pytest.fixture
def db(tmp_path: Path, seed_plan: Plan) -> Path:
    """The seed plan in a database, with task 2.6 issued and started."""
    path = tmp_path / "plan.db"
    with SQLiteStore(path) as store:
        store.save_plan(seed_plan)
        t = Tracker(seed_plan, store=store, clock=FixedClock(datetime(2023, 12, 31)))
        t.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 20, 9))
        t.fire("2.6", "start", actor="tt-bc-xb", at=datetime(2023, 3, 21, 9))
    return path


def export(db: Path, fmt: str, out: Path, *more: str) -> Path:
    ok(cli("export", "qn-60-nam", "--db", db, "--format", fmt, "-o", out, "--at", AT, *more))
    return out


def test_csv_opens_with_vietnamese_intact(db: Path, tmp_path: Path, seed_plan: Plan) -> None:
    raw = export(db, "csv", tmp_path / "tasks.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Mã", "Nội dung", "Đơn vị chủ trì"]
    assert [r[0] for r in rows[1:]] == [t.id for t in seed_plan.tasks]
    row = next(r for r in rows if r[0] == "2.6")
    assert row[1] == seed_plan.task("2.6").title
    assert unicodedata.is_normalized("NFC", row[1])
    assert row[7] == "đang thực hiện"
    assert row[2] == "Phòng Tuyên truyền - Báo chí - Xuất bản"


def test_csv_cells_that_look_like_formulas_are_neutralised(seed_plan: Plan, tmp_path: Path) -> None:
    tasks = list(seed_plan.tasks)
    tasks[0] = attrs.evolve(tasks[0], title='=HYPERLINK("http://x","bấm")')
    tasks[1] = attrs.evolve(tasks[1], title="+84 912 345 678")
    tracker = Tracker(
        attrs.evolve(seed_plan, tasks=tasks), clock=FixedClock(datetime(2023, 12, 31))
    )
    out = tmp_path / "x.csv"
    export_to(CsvExporter(), tracker, out, {"at": datetime(2023, 10, 31), "lang": "vi"})
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[1][1] == '\'=HYPERLINK("http://x","bấm")'
    assert rows[2][1] == "'+84 912 345 678"
    assert [safe_cell(v) for v in ("-1", "@a", "\tx", "ok", None)] == [
        "'-1",
        "'@a",
        "'\tx",
        "ok",
        "",
    ]


def test_json_has_states_classes_and_history_and_is_deterministic(
    db: Path, tmp_path: Path, seed_plan: Plan
) -> None:
    first = export(db, "json", tmp_path / "a.json").read_bytes()
    second = export(db, "json", tmp_path / "b.json").read_bytes()
    assert first == second  # same moment, same bytes
    data = json.loads(first)
    assert data["schema"] == "tuyentruyen.export/1"
    assert data["plan"]["id"] == seed_plan.id
    task = next(t for t in data["tasks"] if t["id"] == "2.6")
    assert task["state"] == "in_progress"
    assert [e["event"] for e in task["history"]] == ["issue", "start"]
    assert task["classification_label"] == task["classification_label"].strip()
    assert len(data["tasks"]) == len(seed_plan.tasks)


def test_markdown_and_a_unit_filter(db: Path, tmp_path: Path, seed_plan: Plan) -> None:
    text = export(db, "markdown", tmp_path / "t.md", "--unit", "tt-bc-xb").read_text("utf-8")
    assert text.startswith(f"# {seed_plan.title}\n\nTình hình thực hiện đến ngày 31/10/2023.")
    ids = [line.split(" | ")[0].removeprefix("| ") for line in text.splitlines()[6:]]
    concerned = [t.id for t in seed_plan.tasks if "tt-bc-xb" in (t.lead, *t.support)]
    assert ids == concerned
    assert len(concerned) < len(seed_plan.tasks)


def test_an_existing_file_is_kept_unless_forced(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.csv"
    out.write_text("giữ nguyên", encoding="utf-8")
    refused = cli("export", "qn-60-nam", "--db", db, "--format", "csv", "-o", out)
    assert refused.code == 2
    assert refused.err == f"lỗi: {out}: tệp đã tồn tại; dùng --force để ghi đè\n"
    assert out.read_text(encoding="utf-8") == "giữ nguyên"
    export(db, "csv", out, "--force")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_failing_exporter_leaves_nothing_behind(seed_plan: Plan, tmp_path: Path) -> None:
    class Broken(JsonExporter):
        def export(self, tracker: Any, path: str, options: Any) -> None:
            Path(path).write_text("một nửa", encoding="utf-8")
            raise RuntimeError("disk full")

    tracker = Tracker(seed_plan, clock=FixedClock(datetime(2023, 12, 31)))
    with pytest.raises(RuntimeError, match="disk full"):
        export_to(Broken(), tracker, tmp_path / "x.json", {"at": datetime(2023, 10, 31)})
    assert list(tmp_path.iterdir()) == []


def test_list_and_unknown_formats(db: Path, tmp_path: Path) -> None:
    listed = ok(cli("export", "--list")).out.splitlines()
    assert {"json\t.json", "csv\t.csv", "markdown\t.md"} <= set(listed)
    bad = cli("--lang", "en", "export", "qn-60-nam", "--db", db, "--format", "pdf", "-o",
              tmp_path / "x.pdf")  # fmt: skip
    assert bad.code == 2
    assert bad.err.startswith("error: unknown format 'pdf'; installed: ")
    assert not (tmp_path / "x.pdf").exists()


def _with_dependencies(plan: Plan) -> Plan:
    """The seed plan with a chain 2.1 → 2.2 → 2.3 and a title that needs quoting."""
    tasks = []
    for task in plan.tasks:
        if task.id == "2.2":
            task = attrs.evolve(task, depends_on=(Dependency("2.1"),))
        elif task.id == "2.3":
            task = attrs.evolve(
                task,
                depends_on=(Dependency("2.2", state="done", events=("report",)),),
                title='Tiêu đề có "ngoặc kép", \\ và <b>thẻ</b>',
            )
        tasks.append(task)
    return attrs.evolve(plan, tasks=tasks)


def _edges(plan: Plan) -> list[tuple[str, str]]:
    return [(d.task, t.id) for t in plan.tasks for d in t.depends_on]


def test_dot_is_graphviz_that_pydot_reads_back(seed_plan: Plan, tmp_path: Path) -> None:
    import pydot

    plan = _with_dependencies(seed_plan)
    tracker = Tracker(plan, clock=FixedClock(datetime(2023, 12, 31)))
    tracker.fire("2.1", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 1, 9))
    out = export_to(DotExporter(), tracker, tmp_path / "g.dot", {"at": datetime(2023, 10, 31)})
    with warnings.catch_warnings():  # pydot 4 calls pyparsing names deprecated in 3.3
        warnings.simplefilter("ignore", DeprecationWarning)
        (graph,) = pydot.graph_from_dot_file(str(out), encoding="utf-8")
    nodes = {n.get_name().strip('"'): n for n in graph.get_nodes() if n.get_name() != "node"}
    assert list(nodes) == [t.id for t in plan.tasks]
    edges = [(e.get_source().strip('"'), e.get_destination().strip('"')) for e in graph.get_edges()]
    assert edges == _edges(plan)
    assert ("2.1", "2.2") in edges
    label = nodes["2.3"].get_label()
    assert '\\"ngoặc kép\\"' in label  # escaped, intact
    assert "<b>thẻ</b>" in label
    assert nodes["2.1"].get("fillcolor").strip('"') == CLASS_COLOURS[Classification.NOT_STARTED]


def test_mermaid_has_one_node_per_task_and_each_edge(seed_plan: Plan, tmp_path: Path) -> None:
    plan = _with_dependencies(seed_plan)
    tracker = Tracker(plan, clock=FixedClock(datetime(2023, 12, 31)))
    out = export_to(
        MermaidExporter(), tracker, tmp_path / "g.mmd", {"at": datetime(2023, 10, 31), "unit": None}
    )
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "flowchart LR"
    nodes = dict(re.findall(r'^  (t\d+)\["([^"]*)"\]:::\w+$', "\n".join(lines), re.M))
    assert len(nodes) == len(plan.tasks)
    ids = {key: label.split(":", 1)[0] for key, label in nodes.items()}
    edges = re.findall(r"^  (t\d+) -->\|\"[^\"]*\"\| (t\d+)$", "\n".join(lines), re.M)
    assert [(ids[a], ids[b]) for a, b in edges] == _edges(plan)
    label = next(v for v in nodes.values() if v.startswith("2.3:"))
    assert "#quot;ngoặc kép#quot;" in label  # no raw quote or tag
    assert "&lt;b&gt;" in label


def test_unit_filter_keeps_only_edges_among_selected_tasks(seed_plan: Plan, tmp_path: Path) -> None:
    plan = _with_dependencies(seed_plan)
    tracker = Tracker(plan, clock=FixedClock(datetime(2023, 12, 31)))
    unit = plan.task("2.2").lead
    options = {"at": datetime(2023, 10, 31), "unit": unit}
    text = export_to(DotExporter(), tracker, tmp_path / "u.dot", options).read_text("utf-8")
    chosen = [t.id for t in plan.tasks if unit in (t.lead, *t.support)]
    assert [st.task.id for st in selected(tracker, options)] == chosen
    for a, b in (("2.1", "2.2"), ("2.2", "2.3")):
        assert (f'"{a}" -> "{b}"' in text) == (a in chosen and b in chosen)


def test_format_options_reach_the_exporter_and_bad_ones_are_named(db: Path, tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []

    class Spy(JsonExporter):
        def export(self, tracker: Any, path: str, options: Any) -> None:
            seen.append(dict(options))
            super().export(tracker, path, options)

    class Plugin:
        @hookimpl
        def register_exporters(self, register: Any) -> None:
            register("spy", Spy())

    reset_plugin_manager()
    get_plugin_manager().register(Plugin(), name="spy")
    try:
        args = ("export", "qn-60-nam", "--db", db, "--format", "spy", "-o", tmp_path / "s.json")
        ok(cli(*args, "-O", "body=party", "--option", "number = 12 "))
        assert (seen[0]["body"], seen[0]["number"]) == ("party", "12")
        assert (seen[0]["lang"], seen[0]["unit"]) == ("vi", None)
        bad = cli(*args, "--force", "-O", "body")
        assert bad.code == 2
        assert "--option 'body': cần viết dạng KHÓA=GIÁ_TRỊ" in bad.err
    finally:
        reset_plugin_manager()


def test_latest_reports_are_the_last_reports_up_to_the_moment(seed_plan: Plan) -> None:
    tracker = Tracker(seed_plan, clock=FixedClock(datetime(2023, 12, 31)))
    tracker.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 1, 9))
    tracker.fire("2.6", "start", actor="tt-bc-xb", at=datetime(2023, 3, 2, 9))
    tracker.fire("2.6", "report", actor="tt-bc-xb", at=datetime(2023, 4, 14, 9), note="tháng 4")
    tracker.fire("2.6", "rework", actor="tt-bc-xb", at=datetime(2023, 4, 15, 9))
    tracker.fire("2.6", "report", actor="tt-bc-xb", at=datetime(2023, 5, 14, 9), note="tháng 5")
    found = latest_reports(tracker, ["2.6", "1.1"], datetime(2023, 4, 30).astimezone())
    assert [e.note for e in found["2.6"]] == ["tháng 4"]
    assert found["1.1"] == []
    found = latest_reports(tracker, ["2.6"], datetime(2023, 6, 1).astimezone(), count=2)
    assert [e.note for e in found["2.6"]] == ["tháng 4", "tháng 5"]


def test_an_export_gets_the_permissions_of_any_new_file(seed_plan: Plan, tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    tracker = Tracker(seed_plan, clock=FixedClock(datetime(2023, 12, 31)))
    out = export_to(CsvExporter(), tracker, tmp_path / "t.csv", {"at": datetime(2023, 10, 31)})
    assert out.stat().st_mode == plain.stat().st_mode  # not a private temporary file
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
