"""`tuyentruyen demo` (what `make demo` runs): replays 2023 on the seed plan into SQLite."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tuyentruyen.cli import main
from tuyentruyen.store import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]


def run(out: Path, *extra: str) -> str:
    buffer, errors = io.StringIO(), io.StringIO()
    assert main(["demo", "--out", str(out), *extra], stdout=buffer, stderr=errors) == 0
    assert errors.getvalue() == ""
    return buffer.getvalue()


def test_demo_replays_2023_into_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    text = run(tmp_path)
    assert "Đã phát lại 39 sự kiện năm 2023" in text
    assert "tính đến ngày 31/10/2023" in text
    assert "Tổng hợp theo đơn vị chủ trì" in text
    assert "hoàn thành quá hạn" in text  # 2.4 and 2.5 were late
    store = SQLiteStore(tmp_path / "demo.db")
    report = store.verify()
    assert (report.ok, report.events) == (True, 39)
    assert store.load_plan().id == "qn-60-nam"
    store.close()


def test_demo_is_deterministic_and_speaks_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    first = run(tmp_path)
    assert run(tmp_path) == first  # rebuilt from scratch: the same output
    english = run(tmp_path, "--lang", "en")
    assert "Replayed 39 events of 2023" in english
    assert "Per lead unit" in english


def test_demo_writes_every_installed_export_and_prints_the_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tuyentruyen.plugins import collect, get_plugin_manager

    monkeypatch.chdir(ROOT)
    text = run(tmp_path)
    formats = collect(get_plugin_manager(), "register_exporters")
    assert {"json", "csv", "markdown", "dot", "mermaid"} <= set(formats)
    listed = text.split("Các tệp xuất tính đến ngày 31/10/2023")[1].splitlines()[1:]
    assert [line.split()[0] for line in listed] == sorted(formats)
    for line in listed:
        path = Path(line.split()[1])
        assert path.parent == tmp_path
        assert path.stat().st_size > 0
    data = json.loads((tmp_path / "qn-60-nam.json").read_text("utf-8"))
    assert data["at"].startswith("2023-10-31")
    assert len(data["tasks"]) == 17
    assert "Các tệp xuất" not in run(tmp_path, "--no-export")


def test_demo_queues_the_reminders_of_2023_once_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    text = run(tmp_path, "--no-export")
    store = SQLiteStore(tmp_path / "demo.db")
    keys = store.outbox_keys("qn-60-nam")
    assert f"Đã xếp {len(keys)} lời nhắc và thông báo quá hạn vào hàng đợi" in text
    kinds = {row[3] for row in store.outbox_status()} | {k.split(":")[0] for k in keys}
    assert len(keys) > 10
    assert any("report" in k for k in keys)  # the monthly "trước ngày 15" reports
    assert kinds  # queued messages have a kind
    store.close()


def test_demo_tables_are_boxed_and_coloured_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)
    plain = run(tmp_path, "--no-export")
    assert "┌──" in plain
    assert "│ 2.4      │ hoàn thành     │ hoàn thành quá hạn" in plain
    assert "\x1b[" not in plain  # not a terminal: no colour codes

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    assert (
        main(["demo", "--out", str(tmp_path), "--no-export"], stdout=out, stderr=io.StringIO()) == 0
    )
    coloured = out.getvalue()
    assert "\x1b[33mhoàn thành quá hạn" in coloured  # done late: orange/yellow
    assert "\x1b[32mhoàn thành đúng hạn" in coloured  # done on time: green
    monkeypatch.setenv("NO_COLOR", "1")
    out = Terminal()
    main(["demo", "--out", str(tmp_path), "--no-export"], stdout=out, stderr=io.StringIO())
    assert "\x1b[" not in out.getvalue()
