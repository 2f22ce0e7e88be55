"""The plugin as installed: found through its entry point, used by `tuyentruyen export`
and `tuyentruyen demo`."""

from __future__ import annotations

import importlib.metadata
import io
from pathlib import Path

import pytest
from ics_testing import by_uid, demo_run, read, text, todos
from tuyentruyen_ics import IcsExporter, IcsOptionError, alarm_days_option

from tuyentruyen import Tracker
from tuyentruyen.cli import main
from tuyentruyen.plugins import collect, make_plugin_manager, plugin_info


@pytest.fixture
def demo() -> Tracker:
    return demo_run()[0]


@pytest.fixture
def demo_dir() -> Path:
    return demo_run()[1]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_found_through_its_entry_point() -> None:
    pm = make_plugin_manager(env={"TUYENTRUYEN_PLUGINS": "ics,console"})
    (ics,) = [p for p in plugin_info(pm) if p.name == "ics"]
    assert ics.status == "loaded"
    assert ics.distribution == "tuyentruyen-ics"
    assert ics.version == importlib.metadata.version("tuyentruyen-ics")
    assert ics.hooks == ("register_exporters",)
    exporter = collect(pm, "register_exporters")["ics"]
    assert isinstance(exporter, IcsExporter)
    assert exporter.suffix == ".ics"


def test_export_list_names_it() -> None:
    code, out, _ = run("export", "--list")
    assert code == 0
    assert "ics\t.ics" in out.splitlines()


def test_cli_export(demo: Tracker, demo_dir: Path, tmp_path: Path) -> None:
    db = demo_dir / "demo.db"
    target = tmp_path / "ke-hoach.ics"
    args = ["export", "qn-60-nam", "--db", str(db), "--format", "ics", "-o", str(target)]
    code, out, err = run(*args, "--at", "31/10/2023", "--unit", "tt-th", "-O", "alarm_days=2")
    assert (code, err) == (0, "")
    assert str(target) in out
    cal = read(target)
    assert text(cal, "X-WR-CALNAME") == demo.plan.title
    assert {str(t["UID"]) for t in todos(cal)} == {
        f"qn-60-nam.{t.id}.todo@tuyentruyen"
        for t in demo.plan.tasks
        if t.lead == "tt-th" or "tt-th" in t.support
    }
    todo = by_uid(cal)["qn-60-nam.3.6.todo@tuyentruyen"]
    assert str(todo["STATUS"]) == "NEEDS-ACTION"
    assert [a["TRIGGER"].dt.days for a in todo.walk("VALARM")] == [-2]  # 2 days, 08:00


def test_cli_bad_option(demo: Tracker, demo_dir: Path, tmp_path: Path) -> None:
    db = demo_dir / "demo.db"
    target = tmp_path / "x.ics"
    code, _, err = run(
        "export", "qn-60-nam", "--db", str(db), "--format", "ics", "-o", str(target),
        "--at", "31/10/2023", "-O", "alarm_days=soon", "--lang", "en",
    )  # fmt: skip
    assert code == 2
    assert "alarm_days='soon'" in err
    assert not target.exists()


def test_alarm_days_values() -> None:
    assert alarm_days_option({}) == (3,)
    assert alarm_days_option({"alarm_days": "1, 7"}) == (7, 1)
    assert alarm_days_option({"alarm_days": 0}) == (0,)
    assert alarm_days_option({"alarm_days": "Off"}) == ()
    for bad in ("-1", "367", "3 days", "1.5", True):
        with pytest.raises(IcsOptionError) as caught:
            alarm_days_option({"alarm_days": bad})
        assert "0 đến 366" in caught.value.message("vi")


def test_demo_writes_the_calendar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("demo", "--out", str(tmp_path / "out"))
    assert code == 0
    path = tmp_path / "out" / "qn-60-nam.ics"
    assert f"ics        {path}" in out
    assert len(todos(read(path))) == 17
