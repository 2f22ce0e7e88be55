"""The task sheet, read back with openpyxl: layout, values, dates, colours."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from openpyxl.utils import get_column_letter
from tuyentruyen_xlsx import XlsxExporter, XlsxOptionError
from xlsx_testing import AT, LATER, export, header, read, small_plan, table, tracker_of

from tuyentruyen import Classification, Tracker
from tuyentruyen.export import CLASS_COLOURS, selected
from tuyentruyen.lifecycle import STATE_LABELS

VI_HEADER = [
    "Mã", "Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Hạn ban hành kế hoạch",
    "Bắt đầu", "Kết thúc", "Trạng thái", "Phân loại", "Hạn áp dụng", "Loại hạn",
    "Sắp quá hạn",
]  # fmt: skip
EN_HEADER = [
    "Id", "Title", "Lead unit", "Supporting units", "Plan due", "Start", "End", "State",
    "Classification", "Applicable deadline", "Deadline kind", "Due soon",
]  # fmt: skip
OFFICIAL = (
    Classification.DONE_ON_TIME,
    Classification.IN_PROGRESS_ON_TIME,
    Classification.DONE_LATE,
    Classification.IN_PROGRESS_OVERDUE,
    Classification.NOT_STARTED,
)


def _luminance(argb: str) -> float:
    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(argb[k : k + 2]) for k in (2, 4, 6))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_sheets_heading_and_header(demo: Tracker, tmp_path: Path) -> None:
    wb = read(export(demo, tmp_path / "a.xlsx"))
    assert wb.sheetnames == ["Nhiệm vụ", "Tổng hợp theo đơn vị"]
    ws = wb["Nhiệm vụ"]
    assert ws["A1"].value == demo.plan.title
    assert ws["A1"].font.b
    assert ws["A2"].value == "Tình hình thực hiện đến ngày 31/10/2023"
    assert ws["A3"].value is None
    assert header(ws) == VI_HEADER
    assert all(c.font.b for c in ws[4])
    assert wb.properties.title == demo.plan.title
    assert wb.properties.creator == "tuyentruyen"


def test_one_row_per_task_in_plan_order(demo: Tracker, tmp_path: Path) -> None:
    ws = read(export(demo, tmp_path / "a.xlsx"))["Nhiệm vụ"]
    rows = table(ws)
    statuses = selected(demo, {"at": AT})
    assert [r[0] for r in rows] == [t.id for t in demo.plan.tasks]
    plan = demo.plan
    for row, st in zip(rows, statuses, strict=True):
        task = st.task
        assert row[1] == task.title
        assert unicodedata.is_normalized("NFC", row[1])
        assert row[2] == plan.unit_name(task.lead)
        assert row[3] == "; ".join(
            [*(plan.unit_name(u) for u in task.support), *task.support_other]
        ) or (row[3] is None and not task.support and not task.support_other)
        assert row[7] == STATE_LABELS["vi"][st.state]
        assert row[8] == st.classification.label("vi")
        assert row[11] == ("Có" if st.due_soon else None)


def test_dates_are_real_dates(demo: Tracker, tmp_path: Path) -> None:
    ws = read(export(demo, tmp_path / "a.xlsx"))["Nhiệm vụ"]
    statuses = selected(demo, {"at": AT})
    seen = 0
    for k, st in enumerate(statuses):
        r = 5 + k
        task = st.task
        for col, day in (("E", task.plan_due), ("F", task.window.start), ("G", task.window.end)):
            cell = ws[f"{col}{r}"]
            if day is None:
                continue
            seen += 1
            assert cell.is_date
            assert cell.number_format == "dd/mm/yyyy"
            assert cell.value.date() == day
        deadline = ws[f"J{r}"]
        if st.deadline is None:
            assert deadline.value is None
            assert ws[f"K{r}"].value is None
        else:
            assert deadline.is_date
            assert deadline.value.date() == st.deadline.day
            assert ws[f"K{r}"].value == {"plan_due": "ban hành kế hoạch"}.get(
                st.deadline.kind, "hoàn thành"
            )
    assert seen > 30


def test_ongoing_without_end_says_thuong_xuyen(tmp_path: Path) -> None:
    tracker = tracker_of(small_plan(["Tuyên truyền thường xuyên"], ongoing=True, end=None))
    rows = table(read(export(tracker, tmp_path / "a.xlsx", at=AT))["Nhiệm vụ"])
    assert rows[0][6] == "Thường xuyên"
    rows = table(read(export(tracker, tmp_path / "b.xlsx", lang="en"))["Tasks"])
    assert rows[0][6] == "Ongoing"
    # not ongoing and no end: left blank
    tracker = tracker_of(small_plan(["Một đợt"], end=None))
    assert table(read(export(tracker, tmp_path / "c.xlsx"))["Nhiệm vụ"])[0][6] is None


@pytest.mark.parametrize("at", [AT, LATER], ids=["31-10", "30-11"])
def test_classification_fill_follows_the_official_scheme(
    demo: Tracker, tmp_path: Path, at: object
) -> None:
    ws = read(export(demo, tmp_path / "a.xlsx", at=at))["Nhiệm vụ"]
    statuses = selected(demo, {"at": at})
    for k, st in enumerate(statuses):
        cell = ws[f"I{5 + k}"]
        expected = "FF" + CLASS_COLOURS[st.classification].lstrip("#").upper()
        assert cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb == expected
        assert _contrast(expected, cell.font.color.rgb) >= 4.5  # readable (WCAG AA)
        assert ws[f"B{5 + k}"].fill.fill_type is None  # only the classification cell
    classes = {st.classification for st in statuses}
    if at is LATER:
        assert Classification.IN_PROGRESS_OVERDUE in classes


def test_every_official_class_is_seen_across_moments(demo: Tracker) -> None:
    seen = {st.classification for at in (AT, LATER) for st in selected(demo, {"at": at})}
    assert set(OFFICIAL) <= seen


def test_fill_row_colours_the_whole_row(demo: Tracker, tmp_path: Path) -> None:
    ws = read(export(demo, tmp_path / "a.xlsx", fill="row"))["Nhiệm vụ"]
    for k, st in enumerate(selected(demo, {"at": AT})):
        expected = "FF" + CLASS_COLOURS[st.classification].lstrip("#").upper()
        row = ws[5 + k]
        assert len(row) == 12
        assert {c.fill.fgColor.rgb for c in row} == {expected}


def test_frozen_header_filter_and_widths(demo: Tracker, tmp_path: Path) -> None:
    ws = read(export(demo, tmp_path / "a.xlsx"))["Nhiệm vụ"]
    n = len(demo.plan.tasks)
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == f"A4:L{4 + n}"
    assert ws.print_title_rows == "$4:$4"
    widths = {get_column_letter(k): ws.column_dimensions[get_column_letter(k)].width
              for k in range(1, 13)}  # fmt: skip
    assert all(w and w >= 6 for w in widths.values()), widths
    assert widths["B"] == 62  # long titles: capped at 60 characters, then wrapped
    assert ws["B5"].alignment.wrap_text
    assert widths["A"] < 10  # ids are short
    assert widths["E"] >= 12  # dd/mm/yyyy fits


def test_short_texts_fit_without_wrapping(tmp_path: Path) -> None:
    tracker = tracker_of(small_plan(["Ngắn"], unit_name="Ban A"))
    ws = read(export(tracker, tmp_path / "a.xlsx"))["Nhiệm vụ"]
    assert ws.column_dimensions["B"].width < 20
    assert not ws["B5"].alignment.wrap_text


def test_english_labels(demo: Tracker, tmp_path: Path) -> None:
    wb = read(export(demo, tmp_path / "a.xlsx", lang="en"))
    assert wb.sheetnames == ["Tasks", "By unit"]
    ws = wb["Tasks"]
    assert ws["A2"].value == "Progress as of 31/10/2023"
    assert header(ws) == EN_HEADER
    statuses = selected(demo, {"at": AT})
    rows = table(ws)
    assert [r[8] for r in rows] == [st.classification.label("en") for st in statuses]
    assert [r[7] for r in rows] == [STATE_LABELS["en"][st.state] for st in statuses]
    assert rows[0][1] == demo.plan.tasks[0].title  # domain data stays Vietnamese


def test_unit_option_selects_lead_or_supported_tasks(demo: Tracker, tmp_path: Path) -> None:
    ws = read(export(demo, tmp_path / "a.xlsx", unit="tt-th"))["Nhiệm vụ"]
    expected = [t.id for t in demo.plan.tasks if t.lead == "tt-th" or "tt-th" in t.support]
    assert [r[0] for r in table(ws)] == expected
    assert len(expected) < len(demo.plan.tasks)
    assert ws["A3"].value == "Đơn vị: Phòng Thông tin - Tổng hợp (chủ trì hoặc phối hợp)"
    assert ws.auto_filter.ref == f"A4:L{4 + len(expected)}"


def test_empty_selection_still_writes_the_table_header(demo: Tracker, tmp_path: Path) -> None:
    ws = read(export(demo, tmp_path / "a.xlsx", unit="khong-co"))["Nhiệm vụ"]
    assert header(ws) == VI_HEADER
    assert table(ws) == []
    assert ws.auto_filter.ref == "A4:L4"


@pytest.mark.parametrize(
    ("options", "words"),
    [({"colour": "row"}, "unknown option 'colour'"), ({"fill": "all"}, "fill='all'")],
)
def test_bad_format_options_are_refused(
    demo: Tracker, tmp_path: Path, options: dict[str, str], words: str
) -> None:
    with pytest.raises(XlsxOptionError) as err:
        XlsxExporter().export(demo, str(tmp_path / "a.xlsx"), {"at": AT, **options})
    assert words in str(err.value)
    assert not (tmp_path / "a.xlsx").exists()


def test_dates_before_1980_still_export(tmp_path: Path) -> None:
    from xlsx_testing import as_of

    tracker = tracker_of(small_plan(["Cũ"]))
    path = export(tracker, tmp_path / "a.xlsx", at=as_of(date(1975, 4, 30)))
    assert read(path)["Nhiệm vụ"]["A2"].value == "Tình hình thực hiện đến ngày 30/04/1975"
