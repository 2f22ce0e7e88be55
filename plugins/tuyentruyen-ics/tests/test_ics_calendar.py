"""The demo's calendar at 31/10/2023, read back with icalendar: what each component says."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from ics_testing import DEMO_AT, by_uid, demo_export, demo_run, events, export, read, text, todos
from tuyentruyen_ics import STATUS, alarm_trigger

from tuyentruyen import Tracker
from tuyentruyen.lifecycle import STATE_LABELS
from tuyentruyen.timeexpr import as_local


@pytest.fixture
def demo() -> Tracker:
    return demo_run()[0]


@pytest.fixture
def demo_file() -> Path:
    return demo_export()


@pytest.fixture
def demo_cal() -> Calendar:
    return read(demo_export())


def test_calendar_properties(demo: Tracker, demo_cal: Calendar) -> None:
    assert str(demo_cal["VERSION"]) == "2.0"
    assert str(demo_cal["PRODID"]).startswith("-//tuyentruyen//")
    assert str(demo_cal["PRODID"]).endswith("//VI")
    assert str(demo_cal["CALSCALE"]) == "GREGORIAN"
    assert text(demo_cal, "X-WR-CALNAME") == demo.plan.title
    assert text(demo_cal, "NAME") == demo.plan.title
    assert text(demo_cal, "X-WR-TIMEZONE") == "Asia/Ho_Chi_Minh"
    assert "đến ngày 31/10/2023" in text(demo_cal, "X-WR-CALDESC")


def test_component_counts(demo: Tracker, demo_cal: Calendar) -> None:
    tasks = demo.plan.tasks
    assert len(todos(demo_cal)) == len(tasks) == 17
    windows = [t for t in tasks if t.window.start and t.window.end]
    plan_dues = [t for t in tasks if t.plan_due]
    kinds = [str(e["UID"]).split("@")[0].rsplit(".", 1)[-1] for e in events(demo_cal)]
    assert kinds.count("window") == len(windows) == 16  # 2.2 has no end
    assert kinds.count("plan-due") == len(plan_dues) == 5
    assert kinds.count("1") == 1  # the monthly report (qn-60-nam.report.1)
    assert len(events(demo_cal)) == 16 + 5 + 1


def test_due_is_the_models_deadline(demo: Tracker, demo_cal: Calendar) -> None:
    found = by_uid(demo_cal)
    checked = 0
    for st in demo.status(at=DEMO_AT):
        todo = found[f"qn-60-nam.{st.task.id}.todo@tuyentruyen"]
        expected = st.deadline.day if st.deadline is not None else st.task.window.end
        if expected is None:
            assert "DUE" not in todo
            continue
        due = todo["DUE"].dt
        assert type(due) is date  # a whole day (VALUE=DATE), not a moment
        assert due == expected
        if st.deadline is not None:
            assert due == st.deadline.day
            checked += 1
    assert checked == 11  # the open tasks with a deadline


def test_due_is_the_plan_due_while_not_issued(demo: Tracker, tmp_path: Path) -> None:
    # 2.1's sub-plan was due 30/4/2023 and issued on 9/5: at 20/4 its DUE is the plan_due.
    cal = read(export(demo, tmp_path, at=datetime(2023, 4, 20, 12)))
    todo = by_uid(cal)["qn-60-nam.2.1.todo@tuyentruyen"]
    assert todo["DUE"].dt == date(2023, 4, 30)
    assert "DTSTART" not in todo  # the window starts after the DUE: left out (RFC 5545)
    later = read(export(demo, tmp_path, "later.ics", at=datetime(2023, 5, 10, 12)))
    todo = by_uid(later)["qn-60-nam.2.1.todo@tuyentruyen"]
    assert todo["DUE"].dt == date(2023, 10, 31)
    assert todo["DTSTART"].dt == date(2023, 9, 1)


def test_status_mapping(demo: Tracker, demo_cal: Calendar) -> None:
    found = by_uid(demo_cal)
    seen = set()
    for task in demo.plan.tasks:
        state = demo.state(task.id, at=DEMO_AT)
        todo = found[f"qn-60-nam.{task.id}.todo@tuyentruyen"]
        assert str(todo["STATUS"]) == STATUS[state]
        seen.add((state, str(todo["STATUS"])))
    assert seen == {
        ("planned", "NEEDS-ACTION"),
        ("issued", "NEEDS-ACTION"),
        ("in_progress", "IN-PROCESS"),
        ("done", "COMPLETED"),
    }
    assert STATUS == {
        "planned": "NEEDS-ACTION",
        "issued": "NEEDS-ACTION",
        "in_progress": "IN-PROCESS",
        "reported": "IN-PROCESS",
        "done": "COMPLETED",
        "cancelled": "CANCELLED",
    }


def test_reported_is_in_process(demo: Tracker, tmp_path: Path) -> None:
    # 2.6 was reported on 20/10 and accepted on 23/10.
    cal = read(export(demo, tmp_path, at=datetime(2023, 10, 21)))
    todo = by_uid(cal)["qn-60-nam.2.6.todo@tuyentruyen"]
    assert demo.state("2.6", at=as_local(datetime(2023, 10, 21))) == "reported"
    assert str(todo["STATUS"]) == "IN-PROCESS"


def test_completed_is_the_done_event(demo: Tracker, demo_cal: Calendar) -> None:
    found = by_uid(demo_cal)
    for task_id in ("2.3", "2.4", "2.5", "2.6", "3.2"):
        done = [e for e in demo.history(task_id) if e.dest == "done"][-1]
        todo = found[f"qn-60-nam.{task_id}.todo@tuyentruyen"]
        assert todo["COMPLETED"].dt == done.at.astimezone(UTC)
        assert todo["COMPLETED"].dt.tzinfo is not None
        assert int(todo["PERCENT-COMPLETE"]) == 100
        assert not todo.walk("VALARM")  # nothing to remind of
    assert "COMPLETED" not in found["qn-60-nam.1.1.todo@tuyentruyen"]


def test_categories_and_description(demo: Tracker, demo_cal: Calendar) -> None:
    found = by_uid(demo_cal)
    for st in demo.status(at=DEMO_AT):
        todo = found[f"qn-60-nam.{st.task.id}.todo@tuyentruyen"]
        assert [str(c) for c in todo["CATEGORIES"].cats] == [st.classification.label("vi")]
        description = text(todo, "DESCRIPTION")
        assert f"Đơn vị chủ trì: {demo.plan.unit_name(st.task.lead)}" in description
        for unit in st.task.support:
            assert demo.plan.unit_name(unit) in description
        assert st.task.window_text is not None
        assert f"Thời gian thực hiện: {st.task.window_text}" in description
        state = STATE_LABELS["vi"][st.state]
        assert f"Trạng thái đến ngày 31/10/2023: {state}" in description
        assert f"Phân loại: {st.classification.label('vi')}" in description
        assert text(todo, "SUMMARY") == f"{st.task.id}. {st.task.title}"


def test_alarm_three_days_before_at_eight(demo_cal: Calendar) -> None:
    todo = by_uid(demo_cal)["qn-60-nam.1.1.todo@tuyentruyen"]
    (alarm,) = todo.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].dt == -timedelta(days=2, hours=16)
    assert alarm["TRIGGER"].params["RELATED"] == "END"  # relative to DUE
    assert "31/10/2023" in text(alarm, "DESCRIPTION")
    # When it rings, with the DUE day at 00:00 local: 28/10 at 08:00.
    due = datetime.combine(todo["DUE"].dt, datetime.min.time())
    assert due + alarm["TRIGGER"].dt == datetime(2023, 10, 28, 8, 0)
    assert alarm_trigger(1) == -timedelta(hours=16)
    assert alarm_trigger(0) == timedelta(hours=8)


def test_alarm_days_option(demo: Tracker, tmp_path: Path) -> None:
    cal = read(export(demo, tmp_path, "two.ics", alarm_days="7,1"))
    todo = by_uid(cal)["qn-60-nam.1.1.todo@tuyentruyen"]
    assert [a["TRIGGER"].dt for a in todo.walk("VALARM")] == [alarm_trigger(7), alarm_trigger(1)]
    cal = read(export(demo, tmp_path, "none.ics", alarm_days="off"))
    assert not cal.walk("VALARM")


def test_window_events_are_all_day_with_exclusive_end(demo: Tracker, demo_cal: Calendar) -> None:
    found = by_uid(demo_cal)
    for task in demo.plan.tasks:
        event = found.get(f"qn-60-nam.{task.id}.window@tuyentruyen")
        if task.window.start is None or task.window.end is None:
            assert event is None
            continue
        assert event is not None
        assert text(event, "SUMMARY") == f"Thực hiện: {task.id}. {task.title}"
        assert type(event["DTSTART"].dt) is date
        assert event["DTSTART"].dt == task.window.start
        assert event["DTEND"].dt == task.window.end + timedelta(days=1)
        assert str(event["TRANSP"]) == "TRANSPARENT"


def test_plan_due_events(demo: Tracker, demo_cal: Calendar) -> None:
    found = by_uid(demo_cal)
    event = found["qn-60-nam.2.6.plan-due@tuyentruyen"]
    assert event["DTSTART"].dt == date(2023, 3, 31)
    assert event["DTEND"].dt == date(2023, 4, 1)
    assert text(event, "SUMMARY").startswith("Hạn ban hành kế hoạch: 2.6. ")
    assert "Đã ban hành kế hoạch ngày 20/3/2023" in text(event, "DESCRIPTION")


def test_dtstamp_is_at_in_utc(demo_cal: Calendar) -> None:
    stamps = {c["DTSTAMP"].dt for c in demo_cal.subcomponents}
    assert stamps == {datetime(2023, 10, 31, 16, 59, 59, tzinfo=UTC)}


def test_every_component_is_complete(demo_cal: Calendar) -> None:
    for todo in todos(demo_cal):
        assert "UID" in todo
        assert "DTSTAMP" in todo
        if "DTSTART" in todo and "DUE" in todo:
            assert todo["DTSTART"].dt < todo["DUE"].dt
    for event in events(demo_cal):
        assert "UID" in event
        assert "DTSTAMP" in event
        assert "DTSTART" in event
        assert event["DTEND"].dt > event["DTSTART"].dt
    for alarm in demo_cal.walk("VALARM"):
        assert {"ACTION", "TRIGGER", "DESCRIPTION"} <= set(alarm)
    # icalendar's own validation of the parsed calendar: no property it could not read.
    assert not [c for c in demo_cal.walk() if c.errors]


def test_lines_crlf_and_folded(demo_file: Path) -> None:
    data = demo_file.read_bytes()
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # no bare LF
    assert b"\r" not in data.replace(b"\r\n", b"")  # no bare CR
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # folding never cuts a character in two
    assert any(line.startswith(b" ") for line in lines)  # long titles were folded


def test_vietnamese_text_nfc_after_unfolding(demo: Tracker, demo_cal: Calendar) -> None:
    found = by_uid(demo_cal)
    for task in demo.plan.tasks:
        summary = text(found[f"qn-60-nam.{task.id}.todo@tuyentruyen"], "SUMMARY")
        assert unicodedata.is_normalized("NFC", summary)
        assert summary == f"{task.id}. {task.title}"
    assert "Quảng Ninh" in text(found["qn-60-nam.1.1.todo@tuyentruyen"], "SUMMARY")


def test_uids_unique_and_stable_across_at(demo: Tracker, tmp_path: Path) -> None:
    spring = read(export(demo, tmp_path, "spring.ics", at=datetime(2023, 3, 10, 12)))
    autumn = read(export(demo, tmp_path, "autumn.ics"))
    uids = [str(c["UID"]) for c in autumn.subcomponents]
    assert len(uids) == len(set(uids))
    assert set(uids) == {str(c["UID"]) for c in spring.subcomponents}
    assert "qn-60-nam.2.6.todo@tuyentruyen" in uids
    before, after = by_uid(spring), by_uid(autumn)
    todo = "qn-60-nam.2.6.todo@tuyentruyen"
    assert str(before[todo]["STATUS"]) == "NEEDS-ACTION"
    assert str(after[todo]["STATUS"]) == "COMPLETED"
    # SEQUENCE never goes down, and goes up when the task changed.
    for uid in uids:
        assert int(after[uid]["SEQUENCE"]) >= int(before[uid]["SEQUENCE"])
    assert int(after[todo]["SEQUENCE"]) > int(before[todo]["SEQUENCE"])
    assert after[todo]["DTSTAMP"].dt > before[todo]["DTSTAMP"].dt


def test_sequence_never_decreases(demo: Tracker, tmp_path: Path) -> None:
    previous: dict[str, int] = {}
    for month in range(1, 13):
        cal = read(export(demo, tmp_path, f"m{month}.ics", at=datetime(2023, month, 28)))
        now = {str(c["UID"]): int(c["SEQUENCE"]) for c in cal.subcomponents}
        for uid, seq in previous.items():
            assert now[uid] >= seq, (month, uid)
        previous = now


@pytest.mark.parametrize("unit", ["tt-th", "vh-dlxh", "llct-lsd"])
def test_unit_keeps_its_tasks(demo: Tracker, tmp_path: Path, unit: str) -> None:
    cal = read(export(demo, tmp_path, unit=unit))
    expected = {t.id for t in demo.plan.tasks if t.lead == unit or unit in t.support}
    got = {str(t["UID"]).split(".todo@")[0].removeprefix("qn-60-nam.") for t in todos(cal)}
    assert got == expected
    assert len(got) < len(demo.plan.tasks)
    assert demo.plan.unit_name(unit) in text(cal, "X-WR-CALDESC")


def test_english(demo: Tracker, tmp_path: Path) -> None:
    cal = read(export(demo, tmp_path, lang="en"))
    assert str(cal["PRODID"]).endswith("//EN")
    todo = by_uid(cal)["qn-60-nam.1.1.todo@tuyentruyen"]
    assert [str(c) for c in todo["CATEGORIES"].cats] == ["in progress, on time"]
    description = text(todo, "DESCRIPTION")
    assert "Lead unit: Phòng Tuyên truyền - Báo chí - Xuất bản" in description
    assert "State as of 31 Oct 2023: in progress" in description
    window = by_uid(cal)["qn-60-nam.1.1.window@tuyentruyen"]
    assert text(window, "SUMMARY").startswith("Execution: 1.1. ")
