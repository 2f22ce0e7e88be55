"""The per-unit sheet: the counts of tracker.summary(at), a total row, the rate cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from xlsx_testing import AT, LATER, export, header, read, table

from tuyentruyen import Tracker
from tuyentruyen.export import selected
from tuyentruyen.status import UnitSummary

VI_HEADER = [
    "Đơn vị chủ trì", "Tổng số", "Đến hạn", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
    "Chưa hoàn thành, trong hạn", "Chưa hoàn thành, quá hạn", "Đã hủy", "Tỷ lệ đúng hạn",
]  # fmt: skip


def counts(u: UnitSummary) -> list[int]:
    return [u.total, u.due, u.done_on_time, u.done_late, u.not_done_on_time,
            u.not_done_overdue, u.cancelled]  # fmt: skip


def check_rate(cell: Any, u: UnitSummary) -> None:
    if u.due == 0:
        assert cell.value is None
    else:
        assert cell.data_type == "n"
        assert cell.number_format == "0.0%"
        assert cell.value == pytest.approx(u.done_on_time / u.due)
        assert round(100 * cell.value, 1) == u.on_time_rate


@pytest.mark.parametrize("at", [AT, LATER], ids=["31-10", "30-11"])
def test_counts_equal_the_trackers_summary(demo: Tracker, tmp_path: Path, at: Any) -> None:
    ws = read(export(demo, tmp_path / "a.xlsx", at=at))["Tổng hợp theo đơn vị"]
    summary = demo.summary(at)
    assert header(ws) == VI_HEADER
    rows = table(ws)
    assert len(rows) == len(summary.rows) + 1
    for k, (row, u) in enumerate(zip(rows, summary.rows, strict=False)):
        assert row[0] == demo.plan.unit_name(u.unit)
        assert row[1:8] == counts(u)
        check_rate(ws.cell(5 + k, 9), u)
    total = rows[-1]
    assert total[0] == "Tổng cộng"
    assert total[1:8] == counts(summary.total)
    check_rate(ws.cell(5 + len(summary.rows), 9), summary.total)
    assert all(c.font.b for c in ws[5 + len(summary.rows)])


def test_demo_numbers_at_31_10(demo: Tracker, tmp_path: Path) -> None:
    """Spelled out once: the demo at 31/10/2023 (17 tasks, 5 due, 3 on time)."""
    ws = read(export(demo, tmp_path / "a.xlsx"))["Tổng hợp theo đơn vị"]
    rows = table(ws)
    assert rows[0] == ["Phòng Tuyên truyền - Báo chí - Xuất bản", 12, 2, 2, 0, 10, 0, 0, 1]
    assert rows[-1][:8] == ["Tổng cộng", 17, 5, 3, 2, 12, 0, 0]
    assert rows[-1][8] == pytest.approx(0.6)
    assert rows[3][8] is None  # nothing due yet: blank, not 0 %


def test_layout(demo: Tracker, tmp_path: Path) -> None:
    ws = read(export(demo, tmp_path / "a.xlsx"))["Tổng hợp theo đơn vị"]
    n = len(demo.summary(AT).rows)
    assert ws["A1"].value == demo.plan.title
    assert ws["A2"].value == "Tình hình thực hiện đến ngày 31/10/2023"
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == f"A4:I{4 + n}"  # the total row stays out of the filter
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHI"]
    assert all(w and w >= 6 for w in widths)
    assert widths[0] >= len("Phòng Lý luận chính trị và Lịch sử Đảng")


def test_unit_option_counts_the_selected_tasks(demo: Tracker, tmp_path: Path) -> None:
    unit = "tt-th"
    ws = read(export(demo, tmp_path / "a.xlsx", unit=unit))["Tổng hợp theo đơn vị"]
    rows = table(ws)
    statuses = selected(demo, {"at": AT, "unit": unit})
    leads = list(dict.fromkeys(st.task.lead for st in statuses))
    assert [r[0] for r in rows[:-1]] == [demo.plan.unit_name(u) for u in leads]
    for row, lead in zip(rows, leads, strict=False):
        mine = [st for st in statuses if st.task.lead == lead]
        assert row[1] == len(mine)
    # every task tt-th leads is selected: its row is the full summary's row
    full = {u.unit: u for u in demo.summary(AT).rows}
    row = rows[leads.index(unit)]
    assert row[1:8] == counts(full[unit])
    assert rows[-1][0] == "Tổng cộng"
    assert rows[-1][1] == len(statuses)
    assert rows[-1][2:8] == [sum(r[k] for r in rows[:-1]) for k in range(2, 8)]
    assert ws["A3"].value.startswith("Đơn vị: Phòng Thông tin - Tổng hợp")


def test_english(demo: Tracker, tmp_path: Path) -> None:
    ws = read(export(demo, tmp_path / "a.xlsx", lang="en"))["By unit"]
    assert header(ws)[0] == "Lead unit"
    assert header(ws)[-1] == "On-time rate"
    assert table(ws)[-1][0] == "Total"
