"""`tuyentruyen import`: output, report on standard error, exit codes, -o/--force, --units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from clirun import cli
from tuyentruyen import load_plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "quang-ninh-60-nam.yaml"

COMPLETE = """\
SỞ THÔNG TIN VÀ TRUYỀN THÔNG
Số: 12/KH-STTTT

KẾ HOẠCH
Tuyên truyền chuyển đổi số năm 2024

II. NỘI DUNG
1. Hội nghị tập huấn chuyển đổi số
- Đơn vị chủ trì: Phòng Thông tin - Báo chí - Xuất bản.
- Thời gian thực hiện: Tháng 4/2024.
"""

WITH_WARNINGS = (
    COMPLETE
    + """\
2. Tuyên truyền trên mạng xã hội
- Đơn vị chủ trì: Trung tâm Truyền thông tỉnh.
- Thời gian thực hiện: khi có chỉ đạo.
"""
)


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "ke-hoach.txt"
    path.write_text(COMPLETE, encoding="utf-8")
    return path


def test_prints_the_plan_as_yaml(doc: Path) -> None:
    result = cli("import", doc, "--lang", "en")
    assert result.code == 0, result
    data = yaml.safe_load(result.out)
    assert data["schema"] == 1
    assert data["reference"] == "12/KH-STTTT"
    assert [t["id"] for t in data["tasks"]] == ["1"]
    assert "1 task" in result.err


def test_json_is_a_plan_file(doc: Path, tmp_path: Path) -> None:
    result = cli("import", doc, "--json")
    assert result.code == 0, result
    data = json.loads(result.out)
    out = tmp_path / "plan.json"
    out.write_text(result.out, encoding="utf-8")
    assert load_plan(out).tasks[0].window_text == "Tháng 4/2024"
    assert data["tasks"][0]["window_text"] == "Tháng 4/2024"


def test_writes_the_file_and_refuses_to_overwrite(doc: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    first = cli("import", doc, "-o", out, "--lang", "vi")
    assert first.code == 0, first
    assert "đã ghi" in first.out
    assert load_plan(out).tasks[0].id == "1"
    again = cli("import", doc, "-o", out, "--lang", "vi")
    assert again.code == 2
    assert "--force" in again.err
    assert str(out) in again.err
    forced = cli("import", doc, "-o", out, "--force", "--id", "cds-2024")
    assert forced.code == 0, forced
    assert load_plan(out).id == "cds-2024"


def test_warnings_exit_1_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(WITH_WARNINGS, encoding="utf-8")
    vi = cli("import", path, "--lang", "vi")
    assert vi.code == 1
    assert any(line.startswith("dòng 13: ") and "khi có chỉ đạo" in line for line in vi.err_lines)
    en = cli("import", path, "--lang", "en")
    assert any(line.startswith("line 13: ") for line in en.err_lines)
    assert yaml.safe_load(en.out)["tasks"][1]["window_text"] == "khi có chỉ đạo"


def test_nothing_usable_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("# Ghi chú\n\nKhông có nhiệm vụ.\n", encoding="utf-8")
    result = cli("import", path, "--lang", "en")
    assert result.code == 2
    assert result.out == ""
    assert "no task found" in result.err


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.docx"
    result = cli("import", missing, "--lang", "vi")
    assert result.code == 2
    assert result.err.startswith("lỗi: ")
    assert str(missing) in result.err
    assert "Traceback" not in result.err
    folder = cli("import", tmp_path, "--lang", "en")
    assert folder.code == 2
    assert "folder" in folder.err


def test_broken_docx_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "hong.docx"
    path.write_bytes(b"not a zip at all")
    result = cli("import", path, "--lang", "en")
    assert result.code == 2
    assert "hong.docx" in result.err
    assert "DOCX" in result.err


def test_units_file_maps_names_to_its_ids(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text(
        "## KẾ HOẠCH\n\n### Tuyên truyền\n\n## II- NỘI DUNG\n\n**2.5.** Cuộc thi sáng tác\n\n"
        "- Đơn vị chủ trì tham mưu: Phòng Văn hóa và Du lịch xã hội.\n\n"
        "- Thời gian thực hiện: Từ tháng 02 đến tháng 9/2023.\n",
        encoding="utf-8",
    )
    result = cli("import", path, "--units", EXAMPLE, "--format", "markdown")
    assert result.code in (0, 1), result
    task = yaml.safe_load(result.out)["tasks"][0]
    assert task["lead"] == "vh-dlxh"
    bad = cli("import", path, "--units", tmp_path / "none.yaml", "--lang", "en")
    assert bad.code == 2
    assert "none.yaml" in bad.err


def test_help_in_both_languages() -> None:
    assert "--units" in cli("import", "--help", "--lang", "en").out
    assert "bảng đơn vị" in cli("import", "--help", "--lang", "vi").out
