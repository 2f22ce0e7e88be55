"""What the report says: the summary, each task's reports, the overdue tasks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import docx_testing
import pytest
from docx.table import Table
from docx_testing import (
    AT,
    moment,
    read,
    render,
    report,
    rows,
    table_headed,
    texts,
)
from tuyentruyen_docx import SUMMARY_COLUMNS, rate_text

from tuyentruyen import FixedClock, Plan, ReportingRule, Task, Tracker, Unit, Window
from tuyentruyen.export import selected
from tuyentruyen.status import UnitSummary

demo = docx_testing.demo  # the shared fixture


def summary_table(doc: Any, lang: str = "vi") -> Table:
    table = table_headed(doc, *SUMMARY_COLUMNS[lang][:2])
    assert table is not None
    return table


def numbers(r: UnitSummary) -> list[str]:
    return [
        str(n)
        for n in (
            r.total,
            r.due,
            r.done_on_time,
            r.done_late,
            r.not_done_on_time,
            r.not_done_overdue,
        )
    ]


@pytest.mark.parametrize(
    "at", [AT, moment(1, 11, 2023, 9), moment(31, 12, 2023), moment(31, 3, 2023)]
)
def test_summary_table_equals_tracker_summary(demo: Any, at: datetime) -> None:
    doc = report(demo, at)
    found = rows(summary_table(doc))
    assert found[0] == list(SUMMARY_COLUMNS["vi"])
    summary = demo.summary(at=at)
    expected = [
        [str(i), demo.plan.unit_name(r.unit), *numbers(r), rate_text(r.on_time_rate, "vi")]
        for i, r in enumerate(summary.rows, start=1)
    ]
    total = summary.total
    expected.append(["", "Tổng cộng", *numbers(total), rate_text(total.on_time_rate, "vi")])
    assert found[1:] == expected


def test_summary_numbers_are_not_trivial(demo: Any) -> None:
    # At 1/11/2023 some tasks are done on time, some late, some overdue.
    total = rows(summary_table(report(demo, moment(1, 11, 2023, 9))))[-1]
    assert total[0:2] == ["", "Tổng cộng"]
    assert all(int(n) > 0 for n in total[2:6])
    assert int(total[7]) > 0
    assert total[8].count(",") == 1  # a decimal comma


def test_rate_text() -> None:
    assert rate_text(66.7, "vi") == "66,7"
    assert rate_text(100.0, "en") == "100.0"
    assert rate_text(None, "vi") == "-"


def test_summary_of_one_unit_counts_its_tasks(demo: Any) -> None:
    at = moment(1, 11, 2023, 9)
    doc = report(demo, at, unit="tt-th")
    statuses = selected(demo, {"at": at, "unit": "tt-th"})
    leads = list(dict.fromkeys(st.task.lead for st in statuses))
    assert len(leads) > 1  # tt-th leads some tasks and supports others
    found = rows(summary_table(doc))
    assert [r[1] for r in found[1:]] == [demo.plan.unit_name(u) for u in leads] + ["Tổng cộng"]
    # Every task tt-th leads is selected: its row is the whole plan's row.
    (whole,) = [r for r in demo.summary(at=at).rows if r.unit == "tt-th"]
    (own,) = [r for r in found if r[1] == "Phòng Thông tin - Tổng hợp"]
    assert own[2:] == [*numbers(whole), rate_text(whole.on_time_rate, "vi")]
    # The other rows count only the tasks tt-th supports.
    for lead, r in zip(leads, found[1:-1], strict=True):
        assert int(r[2]) == sum(1 for st in statuses if st.task.lead == lead)
    assert found[-1][2:8] == [str(sum(int(r[k]) for r in found[1:-1])) for k in range(2, 8)]
    assert "(Đơn vị: Phòng Thông tin - Tổng hợp, chủ trì hoặc phối hợp)" in texts(doc)


def test_unit_that_supports_tasks_led_by_others(demo: Any) -> None:
    statuses = selected(demo, {"at": AT, "unit": "tt-bc-xb"})
    leads = list(dict.fromkeys(st.task.lead for st in statuses))
    doc = report(demo, unit="tt-bc-xb")
    found = rows(summary_table(doc))
    assert [r[1] for r in found[1:-1]] == [demo.plan.unit_name(u) for u in leads]
    assert int(found[-1][2]) == len(statuses)
    tasks = [t for t in texts(doc) if t[:2] in {"1.", "2.", "3."}]
    assert len(tasks) == len(statuses)


def section(doc: Any, task_id: str) -> list[str]:
    """The paragraphs of one task in part II, its title first."""
    found = texts(doc)
    start = next(i for i, t in enumerate(found) if t.startswith(f"{task_id}. "))
    end = start + 1
    while end < len(found) and found[end][:2] in ("- ", "+ "):
        end += 1
    return found[start:end]


def test_latest_report_note_and_data(demo: Any) -> None:
    lines = section(report(demo, moment(31, 3, 2023)), "1.1")
    assert lines[0] == f"1.1. {demo.plan.task('1.1').title}"
    assert "- Báo cáo ngày 14/3/2023: Báo cáo tháng 3" in lines
    assert "+ articles: 42" in lines
    assert "+ broadcasts: 6" in lines
    assert (
        "- Trạng thái: đang thực hiện; phân loại: đang thực hiện trong hạn; "
        "hạn: hoàn thành chậm nhất ngày 31/10/2023" in lines
    )


def test_only_the_latest_reports_unless_asked(demo: Any) -> None:
    lines = section(report(demo), "1.1")
    assert "- Báo cáo ngày 19/4/2023: Báo cáo tháng 4 (bổ sung)" in lines
    assert "+ articles: 57" in lines
    assert not any("Báo cáo tháng 3" in t for t in lines)
    three = section(report(demo, reports="3"), "1.1")
    assert [t for t in three if t.startswith("- Báo cáo")] == [
        "- Báo cáo ngày 14/3/2023: Báo cáo tháng 3",
        "- Báo cáo ngày 12/4/2023: Báo cáo tháng 4",
        "- Báo cáo ngày 19/4/2023: Báo cáo tháng 4 (bổ sung)",
    ]
    none = section(report(demo, reports="0"), "1.1")
    assert not any(t.startswith(("- Báo cáo", "+ ")) for t in none)


def test_links_and_a_report_without_note(demo: Any) -> None:
    lines = section(report(demo), "3.2")
    assert "- Báo cáo ngày 29/5/2023." in lines
    assert "+ articles: 18" in lines
    assert "+ links: https://baoquangninh.vn/" in lines
    assert "- Chưa có báo cáo." in section(report(demo), "2.1")


def test_overdue_tasks_listed_with_missed_deadlines(demo: Any) -> None:
    at = moment(2, 11, 2023)
    overdue = demo.overdue(at=at)
    assert len(overdue) >= 2
    table = table_headed(report(demo, at), "STT", "Nhiệm vụ")
    assert table is not None
    found = rows(table)
    assert found[0] == ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Trạng thái", "Hạn đã quá"]
    assert found[1:] == [
        [
            str(i),
            f"{o.task.id}. {o.task.title}",
            demo.plan.unit_name(o.task.lead),
            {
                "planned": "chưa ban hành",
                "issued": "đã ban hành",
                "in_progress": "đang thực hiện",
            }.get(o.state, o.state),
            "; ".join(d.label("vi") for d in o.deadlines),
        ]
        for i, o in enumerate(overdue, start=1)
    ]
    assert any("hoàn thành chậm nhất ngày 31/10/2023" in r[4] for r in found[1:])


def test_overdue_restricted_to_the_unit(demo: Any) -> None:
    at = moment(2, 11, 2023)
    mine = {st.task.id for st in selected(demo, {"at": at, "unit": "tt-th"})}
    expected = [o.task.id for o in demo.overdue(at=at) if o.task.id in mine]
    table = table_headed(report(demo, at, unit="tt-th"), "STT", "Nhiệm vụ")
    listed = [] if table is None else [r[1].split(". ", 1)[0] for r in rows(table)[1:]]
    assert listed == expected
    assert len(listed) < len(demo.overdue(at=at))


def test_no_overdue_task(demo: Any) -> None:
    doc = report(demo)
    assert demo.overdue(at=AT) == []
    assert table_headed(doc, "STT", "Nhiệm vụ") is None
    found = texts(doc)
    assert found[found.index("III. CÁC NHIỆM VỤ QUÁ HẠN") + 1] == "Không có nhiệm vụ quá hạn."


HOSTILE = "<script>alert(\"x\")</script> & \"quotes\" 'single' =cmd|' /C calc'!A0\nline 2\tend"


def hostile_tracker() -> Tracker:
    plan = Plan(
        id="hostile",
        title=f"Kế hoạch {HOSTILE}",
        issuer="btg",
        place="Quảng Ninh",
        units=[
            Unit("btg", "Ban Tuyên giáo Tỉnh ủy"),
            Unit("u1", 'Phòng <b>A</b> & "B"'),
        ],
        tasks=[
            Task(
                id="1",
                title=HOSTILE,
                lead="u1",
                window=Window(date(2023, 1, 1), date(2023, 1, 31)),
            )
        ],
        reporting=[ReportingRule(to="btg")],
    )
    tracker = Tracker(plan, clock=FixedClock(datetime(2023, 12, 31)))
    tracker.fire("1", "issue", actor="u1", at=datetime(2023, 1, 2))
    tracker.fire("1", "start", actor="u1", at=datetime(2023, 1, 3))
    tracker.fire(
        "1",
        "report",
        actor="u1",
        at=datetime(2023, 1, 4),
        note='=HYPERLINK("http://x")&<i>',
        data={"<k>": "a & b", "n": 3},
    )
    return tracker


def test_markup_quotes_and_formulas_come_out_as_text() -> None:
    tracker = hostile_tracker()
    doc = report(tracker, moment(1, 3, 2023))
    found = texts(doc)
    assert f"Tiến độ thực hiện Kế hoạch {HOSTILE}" in found
    assert f"1. {HOSTILE}" in found
    assert '- Báo cáo ngày 4/1/2023: =HYPERLINK("http://x")&<i>' in found
    assert "+ <k>: a & b" in found
    assert rows(summary_table(doc))[1][1] == 'Phòng <b>A</b> & "B"'
    overdue = table_headed(doc, "STT", "Nhiệm vụ")
    assert overdue is not None
    assert rows(overdue)[1][1] == f"1. {HOSTILE}"
    assert doc.core_properties.title == f"Báo cáo tiến độ thực hiện Kế hoạch {HOSTILE}"


def test_control_characters_are_dropped_line_ends_kept() -> None:
    tracker = hostile_tracker()
    plan = tracker.plan
    import attrs

    odd = attrs.evolve(plan, title="A\x00B\x07C\r\nD\rE\x1fF\ufffeG")
    data = render(Tracker.replay(odd, tracker.events), moment(1, 3, 2023))
    assert "Tiến độ thực hiện ABC\nD\nEFG" in texts(read(data))
