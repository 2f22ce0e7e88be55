"""The plugin through tuyentruyen's CLI and plugin manager."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from tuyentruyen_xlsx import XlsxExporter
from xlsx_testing import header, read, table

from tuyentruyen.cli import main
from tuyentruyen.plugins import collect, get_plugin_manager


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def demo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("demo")
    assert code == 0, err
    assert (tmp_path / "out" / "demo.db").exists()
    return tmp_path


def test_installed_through_the_entry_point() -> None:
    formats = collect(get_plugin_manager(), "register_exporters")
    assert isinstance(formats["xlsx"], XlsxExporter)
    code, out, _ = run("export", "--list")
    assert code == 0
    assert "xlsx\t.xlsx" in out.splitlines()


def test_export_from_the_cli(demo_dir: Path) -> None:
    code, out, err = run(
        "export", "qn-60-nam", "--db", "out/demo.db", "--format", "xlsx",
        "-o", "tinh-hinh.xlsx", "--at", "31/10/2023",
    )  # fmt: skip
    assert code == 0, err
    assert "tinh-hinh.xlsx" in out
    wb = read(demo_dir / "tinh-hinh.xlsx")
    ws = wb["Nhiệm vụ"]
    assert ws["A2"].value == "Tình hình thực hiện đến ngày 31/10/2023"
    assert len(table(ws)) == 17
    assert table(wb["Tổng hợp theo đơn vị"])[-1][:3] == ["Tổng cộng", 17, 5]


def test_cli_unit_lang_and_option(demo_dir: Path) -> None:
    code, _, err = run(
        "export", "qn-60-nam", "--db", "out/demo.db", "--format", "xlsx", "-o", "u.xlsx",
        "--at", "31/10/2023", "--unit", "tt-th", "--lang", "en", "-O", "fill=row",
    )  # fmt: skip
    assert code == 0, err
    ws = read(demo_dir / "u.xlsx")["Tasks"]
    assert header(ws)[0] == "Id"
    assert [r[0] for r in table(ws)] == ["2.4", "3.2", "3.6", "3.7"]
    assert ws["A5"].fill.fill_type == "solid"


def test_cli_refuses_a_bad_option(demo_dir: Path) -> None:
    code, _, err = run(
        "export", "qn-60-nam", "--db", "out/demo.db", "--format", "xlsx", "-o", "x.xlsx",
        "--at", "31/10/2023", "-O", "fill=blink",
    )  # fmt: skip
    assert code != 0
    assert "fill='blink'" in err
    assert not (demo_dir / "x.xlsx").exists()
    assert [p.name for p in demo_dir.iterdir() if p.name.startswith(".x.xlsx")] == []
