"""Texts come out as written: never a formula, Vietnamese intact, control characters
stripped (XML 1.0 cannot hold them), Excel's _xHHHH_ escapes neutralised."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.escape import unescape
from tuyentruyen_xlsx import clean_text
from xlsx_testing import export, read, small_plan, tracker_of

NASTY = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x", "y")',
    "+1+2",
    "-3",
    "@SUM(A1:A2)",
    "#N/A",
    "<script>alert('x')</script>",
    "Tuyên truyền \"Quảng Ninh\" & '60 năm'",
    "Dòng 1\nDòng 2",
    "  khoảng trắng đầu và cuối  ",
    "\ttab",
    "Kế hoạch số 27-KH/BTGTU",
]
ESCAPE = re.compile("_x[0-9A-Fa-f]{4}_")


def read_titles(path: Path) -> list[tuple[object, str]]:
    ws = read(path)["Nhiệm vụ"]
    return [(c.value, c.data_type) for (c,) in ws.iter_rows(min_row=5, min_col=2, max_col=2)]


def test_formula_like_and_markup_titles_stay_text(tmp_path: Path) -> None:
    path = export(tracker_of(small_plan(NASTY)), tmp_path / "a.xlsx")
    assert read_titles(path) == [(t, "s") for t in NASTY]


def test_formula_like_unit_names_and_plan_title(tmp_path: Path) -> None:
    plan = small_plan(["x"], unit_name="=1+1")
    path = export(tracker_of(plan), tmp_path / "a.xlsx")
    wb = read(path)
    cell = wb["Nhiệm vụ"]["C5"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    cell = wb["Tổng hợp theo đơn vị"]["A5"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_vietnamese_is_written_as_given(tmp_path: Path) -> None:
    nfc = "Thông tin tuyên truyền Kỷ niệm 60 năm Ngày thành lập tỉnh Quảng Ninh"
    nfd = unicodedata.normalize("NFD", nfc)
    path = export(tracker_of(small_plan([nfc, nfd])), tmp_path / "a.xlsx")
    assert [v for v, _ in read_titles(path)] == [nfc, nfd]


def test_control_characters_are_stripped(tmp_path: Path) -> None:
    titles = ["a\x00b\x01c\x08d\x0be\x0cf\x1fg", "dòng 1\r\ndòng 2\rdòng 3", "\ufffe\uffffx"]
    path = export(tracker_of(small_plan(titles)), tmp_path / "a.xlsx")
    assert [v for v, _ in read_titles(path)] == ["abcdefg", "dòng 1\ndòng 2\ndòng 3", "x"]


def test_literal_excel_escapes_survive(tmp_path: Path) -> None:
    titles = ["_x0041_", "a_x000D_b_x0042_x0043_", "_x005F_"]
    path = export(tracker_of(small_plan(titles)), tmp_path / "a.xlsx")
    values = [v for v, _ in read_titles(path)]
    # what Excel shows: it decodes _xHHHH_; openpyxl reads the stored text
    assert [unescape(v) for v in values] == titles
    assert values[0] == "_x005F_x0041_"


def test_very_long_title_is_cut_to_excels_limit(tmp_path: Path) -> None:
    title = "Tuyên truyền " * 3000  # 39,000 characters
    path = export(tracker_of(small_plan([title])), tmp_path / "a.xlsx")
    ((value, _),) = read_titles(path)
    assert len(value) == 32_767
    assert value.endswith("…")
    assert title.startswith(value[:-1])


XML_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"),
    min_size=1,
    max_size=60,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(titles=st.lists(XML_TEXT, min_size=1, max_size=5), name=XML_TEXT)
def test_any_title_and_unit_name_round_trip(
    titles: list[str], name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = export(
        tracker_of(small_plan(titles, unit_name=name)), tmp_path_factory.mktemp("h") / "a.xlsx"
    )
    ws = read(path)["Nhiệm vụ"]
    got = [ws.cell(5 + k, 2) for k in range(len(titles))]
    for cell, title in zip(got, titles, strict=True):
        assert cell.data_type == "s"
        if ESCAPE.search(title):
            assert unescape(cell.value) == title
        else:
            assert cell.value == title
    lead = ws.cell(5, 3).value
    assert (unescape(lead) if ESCAPE.search(name) else lead) == name


@settings(max_examples=40, deadline=None)
@given(title=st.text(min_size=1, max_size=40))
def test_any_text_is_written_as_cleaned(
    title: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Anything at all, surrogates and control characters included, never crashes the
    export, and the cell holds clean_text(title)."""
    path = export(tracker_of(small_plan([title])), tmp_path_factory.mktemp("h") / "a.xlsx")
    value = read(path)["Nhiệm vụ"].cell(5, 2).value
    assert (value or "") == clean_text(title)
