"""The periodic reporting duty as a recurring all-day event."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar, Event
from ics_testing import by_uid, demo_export, demo_run, export, plan_of, read, task, text, tracker_of
from tuyentruyen_ics import alarm_trigger, report_days

from tuyentruyen import ReportingRule, Tracker, Window

UID = "qn-60-nam.report.1@tuyentruyen"


@pytest.fixture
def demo() -> Tracker:
    return demo_run()[0]


@pytest.fixture
def demo_cal() -> Calendar:
    return read(demo_export())


def occurrences(event: Event) -> list[date]:
    """Every day the event falls on, expanded by dateutil from RRULE or RDATE."""
    start = event["DTSTART"].dt
    if "RRULE" in event:
        rule = event["RRULE"].to_ical().decode()
        days = rrulestr(rule, dtstart=datetime.combine(start, time()))
        return [d.date() for d in days]
    extra = [p.dt for p in event["RDATE"].dts] if "RDATE" in event else []
    return [start, *extra]


def test_monthly_rule_of_the_seed(demo: Tracker, demo_cal: Calendar) -> None:
    event = by_uid(demo_cal)[UID]
    rule = event["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"]
    # "trước ngày 15": the 14th is the last day on time; the 15th is already late.
    assert rule["BYMONTHDAY"] == [14]
    assert rule["UNTIL"] == [date(2023, 10, 31)]  # the latest window end
    assert event["DTSTART"].dt == date(2023, 2, 14)  # first 14th from 1/2 (2.5, 3.3)
    assert event["DTEND"].dt == date(2023, 2, 15)
    assert occurrences(event) == [date(2023, m, 14) for m in range(2, 11)]
    due = demo.plan.reporting[0].due_dates(date(2023, 2, 1), date(2023, 11, 1))
    assert [d - timedelta(days=1) for d in due] == occurrences(event)
    description = text(event, "DESCRIPTION")
    assert demo.plan.reporting[0].text is not None
    assert demo.plan.reporting[0].text in description
    assert "trước ngày 15" in description
    assert "ngày 15 đã là muộn" in description
    assert text(event, "SUMMARY") == (
        "Hạn gửi báo cáo định kỳ về Phòng Tuyên truyền - Báo chí - Xuất bản"
    )
    (alarm,) = event.walk("VALARM")
    assert alarm["TRIGGER"].dt == alarm_trigger(3)
    assert "RELATED" not in alarm["TRIGGER"].params  # relative to the start


def test_unit_that_neither_reports_nor_receives(tmp_path: Path) -> None:
    plan = plan_of(
        [task("1"), task("2", lead="b")],
        reporting=[ReportingRule(to="b", from_=("b",))],
    )
    tracker = tracker_of(plan)
    cal = read(export(tracker, tmp_path, unit="a"))
    assert "p.report.1@tuyentruyen" not in by_uid(cal)
    cal = read(export(tracker, tmp_path, "b.ics", unit="b"))
    assert "p.report.1@tuyentruyen" in by_uid(cal)


def test_day_after_the_28th_uses_rdate(tmp_path: Path) -> None:
    rule = ReportingRule(to="b", day=31)
    tracker = tracker_of(plan_of([task()], reporting=[rule]))
    event = by_uid(read(export(tracker, tmp_path)))["p.report.1@tuyentruyen"]
    assert "RRULE" not in event
    days = occurrences(event)
    assert days[:3] == [date(2023, 3, 30), date(2023, 4, 29), date(2023, 5, 30)]
    assert days == report_days(rule, tracker.plan.tasks, None)[0]


@settings(max_examples=60, deadline=None)
@given(
    day=st.integers(1, 31),
    every=st.sampled_from(["month", "quarter"]),
    start=st.dates(date(2023, 1, 1), date(2025, 12, 31)),
    length=st.integers(0, 800),
)
def test_recurrence_gives_the_cores_due_days(
    tmp_path_factory: pytest.TempPathFactory, day: int, every: str, start: date, length: int
) -> None:
    """Whatever the rule, the days in the calendar are the core's due days minus one,
    within the windows, whether written as RRULE or RDATE."""
    rule = ReportingRule(to="b", every=every, day=day)
    end = start + timedelta(days=length)
    tracker = tracker_of(plan_of([task(window=Window(start, end))], reporting=[rule]))
    one = timedelta(days=1)
    expected = [d - one for d in rule.due_dates(start + one, end + one)]
    assert all(start <= d <= end for d in expected)
    folder = tmp_path_factory.mktemp("r")
    event = by_uid(read(export(tracker, folder))).get("p.report.1@tuyentruyen")
    if not expected:
        assert event is None
        return
    assert event is not None
    assert occurrences(event) == expected
