"""The plugin through its entry point and the CLI; errors naming the bad option."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import docx_testing
import pytest
from docx_testing import (
    AT,
    header_cells,
)
from tuyentruyen_docx import DocxExporter, DocxOptionError

from tuyentruyen.cli import main
from tuyentruyen.demo import find_seed_plan, run_demo
from tuyentruyen.export import ExportError
from tuyentruyen.plugins import collect, make_plugin_manager, plugin_info

demo = docx_testing.demo  # the shared fixture

PLAN = str(find_seed_plan())


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_found_through_its_entry_point() -> None:
    pm = make_plugin_manager(env={"TUYENTRUYEN_PLUGINS": "docx"})
    exporters = collect(pm, "register_exporters")
    assert isinstance(exporters["docx"], DocxExporter)
    assert exporters["docx"].suffix == ".docx"
    (info,) = [p for p in plugin_info(pm) if p.name == "docx"]
    assert (info.status, info.distribution, info.hooks) == (
        "loaded",
        "tuyentruyen-docx",
        ("register_exporters",),
    )


def test_export_list_shows_docx() -> None:
    code, out, _ = cli("export", "--list")
    assert code == 0
    assert "docx\t.docx" in out.splitlines()


def test_cli_export_with_an_option(tmp_path: Path) -> None:
    run_demo(tmp_path)
    target = tmp_path / "bao-cao.docx"
    code, out, err = cli(
        "export", PLAN, "--db", str(tmp_path / "demo.db"), "--format", "docx",
        "-o", str(target), "--at", "31/10/2023", "-O", "body=state", "-O", "number=21",
    )  # fmt: skip
    assert code == 0, err
    assert str(target) in out
    left, right = header_cells(docx.Document(str(target)))
    assert [p.text for p in right] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Quảng Ninh, ngày 31 tháng 10 năm 2023",
    ]
    assert "Số: 21/BC-BTGTU" in [p.text for p in left]


@pytest.mark.parametrize(
    ("option", "name"),
    [
        ("body=tinh", "body"),
        ("date=31/02/2023", "date"),
        ("date=2023-10-31", "date"),
        ("reports=-1", "reports"),
        ("bdoy=party", "bdoy"),
    ],
)
def test_cli_bad_option_is_a_clear_error(tmp_path: Path, option: str, name: str) -> None:
    run_demo(tmp_path)
    target = tmp_path / "x.docx"
    argv = ["export", PLAN, "--db", str(tmp_path / "demo.db"), "--format", "docx"]
    code, _, err = cli(*argv, "-o", str(target), "--at", "31/10/2023", "-O", option)
    assert code == 2
    assert f"tùy chọn {name}" in err
    assert not target.exists()
    code, _, err = cli(*argv, "-o", str(target), "-O", option, "--lang", "en")
    assert code == 2
    assert f"option {name}" in err


def test_bad_option_error_in_both_languages(demo: Any, tmp_path: Path) -> None:
    options = {"at": AT, "unit": None, "lang": "vi", "body": "province"}
    with pytest.raises(DocxOptionError) as caught:
        DocxExporter().export(demo, str(tmp_path / "x.docx"), options)
    error = caught.value
    assert isinstance(error, ExportError)
    assert error.option == "body"
    assert error.message("en") == ("docx export, option body: 'province' is not party or state")
    assert error.message("vi") == (
        "xuất docx, tùy chọn body: 'province' không phải party (cơ quan Đảng) "
        "hay state (cơ quan nhà nước)"
    )
    assert not (tmp_path / "x.docx").exists()


def test_option_values_are_case_and_space_tolerant(demo: Any) -> None:
    data = DocxExporter().render(demo, {"at": AT, "unit": None, "lang": "vi", "body": " State "})
    _, right = header_cells(docx.Document(io.BytesIO(data)))
    assert right[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
