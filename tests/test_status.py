"""Official classification, overdue and due-soon lists, per-unit summaries."""

from __future__ import annotations

import contextlib
from collections import Counter
from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tuyentruyen import (
    Classification,
    Deadline,
    DependencyNotMet,
    EventError,
    FixedClock,
    InvalidTransition,
    NotPermitted,
    Plan,
    Tracker,
)
from tuyentruyen.testing import strategies as tts

C = Classification


def classes(tracker: Tracker, at: datetime) -> dict[str, Classification]:
    return {s.task.id: s.classification for s in tracker.status(at=at)}


def test_not_issued_by_plan_due_is_overdue_with_that_deadline(seed_tracker: Tracker) -> None:
    # 2.4: plan due "Trong tháng 02/2023" (28/2), window "Tháng 5/2023".
    assert classes(seed_tracker, datetime(2023, 2, 15))["2.4"] is C.NOT_STARTED
    assert classes(seed_tracker, datetime(2023, 2, 28, 23, 59))["2.4"] is C.NOT_STARTED
    assert classes(seed_tracker, datetime(2023, 3, 1, 0, 0))["2.4"] is C.IN_PROGRESS_OVERDUE
    (item,) = [o for o in seed_tracker.overdue(at=datetime(2023, 3, 1)) if o.task.id == "2.4"]
    assert item.deadlines == (Deadline("plan_due", date(2023, 2, 28)),)
    assert item.state == "planned"
    (item,) = [o for o in seed_tracker.overdue(at=datetime(2023, 6, 1)) if o.task.id == "2.4"]
    assert item.deadlines == (
        Deadline("plan_due", date(2023, 2, 28)),
        Deadline("window_end", date(2023, 5, 31)),
    )


def test_issuing_late_clears_the_plan_due_deadline(seed_tracker: Tracker) -> None:
    seed_tracker.fire("2.4", "issue", actor="tt-th", at=datetime(2023, 3, 10))
    assert classes(seed_tracker, datetime(2023, 3, 11))["2.4"] is C.NOT_STARTED
    assert not [o for o in seed_tracker.overdue(at=datetime(2023, 3, 11)) if o.task.id == "2.4"]
    seed_tracker.fire("2.4", "start", actor="tt-th", at=datetime(2023, 5, 2))
    assert classes(seed_tracker, datetime(2023, 5, 3))["2.4"] is C.IN_PROGRESS_ON_TIME
    assert classes(seed_tracker, datetime(2023, 6, 1))["2.4"] is C.IN_PROGRESS_OVERDUE


def finish(tracker: Tracker, task: str, lead: str, done: datetime) -> None:
    start = done - timedelta(days=10)
    tracker.fire(task, "issue", actor=lead, at=start)
    tracker.fire(task, "start", actor=lead, at=start)
    tracker.fire(task, "report", actor=lead, at=done - timedelta(hours=1))
    tracker.fire(task, "accept", actor="tt-bc-xb", at=done)


def test_done_on_time_and_late(seed_tracker: Tracker) -> None:
    finish(seed_tracker, "2.4", "tt-th", datetime(2023, 5, 31, 23, 59))  # window ends 31/5
    finish(seed_tracker, "3.2", "tt-th", datetime(2023, 6, 1, 0, 0))  # window ends 31/5
    got = classes(seed_tracker, datetime(2023, 7, 1))
    assert got["2.4"] is C.DONE_ON_TIME
    assert got["3.2"] is C.DONE_LATE
    # Before it was done, 3.2 was in progress and, from 1/6, overdue.
    assert classes(seed_tracker, datetime(2023, 5, 30))["3.2"] is C.IN_PROGRESS_ON_TIME


def test_open_ended_window_has_no_deadline_once_issued(seed_tracker: Tracker) -> None:
    # 2.2: plan due "Tháng 8/2023", window "Từ tháng 9/2023" (no end).
    assert classes(seed_tracker, datetime(2023, 8, 1))["2.2"] is C.NOT_STARTED
    assert classes(seed_tracker, datetime(2023, 9, 1))["2.2"] is C.IN_PROGRESS_OVERDUE
    seed_tracker.fire("2.2", "issue", actor="tt-bc-xb", at=datetime(2023, 8, 20))
    assert classes(seed_tracker, datetime(2023, 9, 1))["2.2"] is C.NO_DEADLINE
    statuses = {s.task.id: s for s in seed_tracker.status(at=datetime(2023, 9, 1))}
    assert statuses["2.2"].deadline is None
    assert statuses["2.1"].deadline == Deadline("plan_due", date(2023, 4, 30))


def test_cancelled_tasks_leave_the_totals(seed_tracker: Tracker) -> None:
    seed_tracker.fire("3.7", "cancel", actor="btgtu", at=datetime(2023, 4, 1), note="Gộp vào 3.6")
    at = datetime(2023, 11, 1)
    assert classes(seed_tracker, at)["3.7"] is C.CANCELLED
    summary = seed_tracker.summary(at=at)
    assert summary.total.total == 16
    assert summary.total.cancelled == 1
    assert "3.7" not in {o.task.id for o in seed_tracker.overdue(at=at)}


def test_due_soon_warns_within_the_window_of_days(seed_tracker: Tracker) -> None:
    # 2.6: plan due "Tháng 3/2023" -> 31/3/2023.
    at = datetime(2023, 3, 28, 9, 0)
    soon = {o.task.id: o.deadlines for o in seed_tracker.due_soon(at=at)}
    assert soon["2.6"] == (Deadline("plan_due", date(2023, 3, 31)),)
    assert "2.6" not in {o.task.id for o in seed_tracker.due_soon(at=at, days=2)}
    statuses = {s.task.id: s for s in seed_tracker.status(at=at)}
    assert statuses["2.6"].due_soon
    assert statuses["2.6"].classification is C.NOT_STARTED
    seed_tracker.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 27))
    assert "2.6" not in {o.task.id for o in seed_tracker.due_soon(at=at)}


def test_summary_per_lead_unit_at_the_end_of_october(seed_tracker: Tracker) -> None:
    t = seed_tracker
    finish(t, "2.4", "tt-th", datetime(2023, 5, 20))  # on time
    finish(t, "3.2", "tt-th", datetime(2023, 6, 5))  # late
    finish(t, "2.6", "tt-bc-xb", datetime(2023, 10, 20))  # on time
    at = datetime(2023, 11, 1, 9, 0)
    summary = t.summary(at=at)
    rows = {r.unit: r for r in summary.rows}
    tt_th = rows["tt-th"]
    assert (tt_th.total, tt_th.due, tt_th.done_on_time, tt_th.done_late) == (2, 2, 1, 1)
    assert tt_th.on_time_rate == 50.0
    bc = rows["tt-bc-xb"]
    assert bc.total == 12
    assert bc.done_on_time == 1
    # Every other tt-bc-xb task has a window ending by 31/10, except 2.2 (open end),
    # which is overdue all the same: its plan was due in August and is not issued.
    assert bc.not_done_overdue == 11
    assert bc.not_done_on_time == 0
    assert bc.due == 12  # judged: done (1) + overdue (11)
    assert bc.on_time_rate == round(100 / 12, 1)
    assert summary.total.total == 17
    assert summary.total.total == sum(r.total for r in summary.rows)
    assert [r.unit for r in summary.rows] == ["tt-bc-xb", "tt-th", "vh-dlxh", "llct-lsd"]


def test_status_as_of_a_past_date_uses_the_log_up_to_then(seed_tracker: Tracker) -> None:
    finish(seed_tracker, "2.4", "tt-th", datetime(2023, 5, 20))
    # finish() issues and starts at 10/5 00:00, reports at 19/5 23:00, accepts 20/5.
    assert seed_tracker.state("2.4", at=datetime(2023, 5, 9, 23, 59)) == "planned"
    assert seed_tracker.state("2.4", at=datetime(2023, 5, 10, 0, 0)) == "in_progress"
    assert seed_tracker.state("2.4", at=datetime(2023, 5, 19, 23, 30)) == "reported"
    assert seed_tracker.state("2.4", at=datetime(2023, 5, 20)) == "done"
    assert classes(seed_tracker, datetime(2023, 5, 15))["2.4"] is C.IN_PROGRESS_ON_TIME


def test_next_monthly_report_is_before_the_15th(seed_tracker: Tracker) -> None:
    ((rule, due),) = seed_tracker.next_reports(at=datetime(2023, 3, 14, 23, 0))
    assert (rule.day, rule.to, due) == (15, "tt-bc-xb", date(2023, 3, 15))
    ((_, due),) = seed_tracker.next_reports(at=datetime(2023, 3, 15, 8, 0))
    assert due == date(2023, 4, 15)
    ((_, due),) = seed_tracker.next_reports(at=datetime(2023, 12, 20))
    assert due == date(2024, 1, 15)


def test_labels_in_both_languages() -> None:
    assert C.IN_PROGRESS_OVERDUE.label("vi") == "đang thực hiện quá hạn"
    assert C.DONE_ON_TIME.label("vi") == "hoàn thành đúng hạn"
    assert C.NO_DEADLINE.label("vi") == "không hạn"
    assert C.NOT_STARTED.label("en") == "not started"
    assert len({c.label("vi") for c in C}) == len(C)


@st.composite
def histories(draw: st.DrawFn) -> tuple[Tracker, datetime]:
    plan: Plan = draw(tts.plans(max_tasks=8))
    tracker = Tracker(plan, clock=FixedClock(datetime(2030, 1, 1)))
    at = datetime(2023, 1, 1)
    for step in draw(tts.event_steps(plan, max_size=40)):
        at += timedelta(minutes=abs(step.minutes))
        with contextlib.suppress(InvalidTransition, EventError, NotPermitted, DependencyNotMet):
            tracker.fire(
                step.task, step.event, actor=step.actor, at=at, final=step.final, note="lý do"
            )
    moment = datetime(2022, 6, 1) + timedelta(days=draw(st.integers(0, 1400)))
    return tracker, moment


@given(histories())
def test_summary_and_lists_agree_with_each_task_classification(
    history: tuple[Tracker, datetime],
) -> None:
    tracker, at = history
    statuses = tracker.status(at=at)
    counted = Counter(s.classification for s in statuses)
    summary = tracker.summary(at=at)
    assert dict(summary.total.by_class) == {c: counted.get(c, 0) for c in C}
    assert summary.total.total == len(statuses) - counted[C.CANCELLED]
    assert summary.total.total == sum(r.total for r in summary.rows)
    assert summary.total.done_on_time + summary.total.done_late == (
        counted[C.DONE_ON_TIME] + counted[C.DONE_LATE]
    )
    overdue_ids = {o.task.id for o in tracker.overdue(at=at)}
    assert overdue_ids == {s.task.id for s in statuses if s.classification is C.IN_PROGRESS_OVERDUE}
    for row in (*summary.rows, summary.total):
        assert row.due <= row.total
        assert row.due == row.done_on_time + row.done_late + row.not_done_overdue
        if row.on_time_rate is not None:
            assert 0 <= row.on_time_rate <= 100
    for s in statuses:
        if s.classification is C.NO_DEADLINE:
            assert s.deadline is None
        if s.state in ("done", "cancelled"):
            assert s.classification in (C.DONE_ON_TIME, C.DONE_LATE, C.CANCELLED)
        if s.classification is C.IN_PROGRESS_OVERDUE:
            assert s.deadline is not None
            assert s.deadline.day < at.date()
    soon_ids = {item.task.id for item in tracker.due_soon(at=at)}
    assert not soon_ids & overdue_ids
    for s in statuses:  # the deadline that applies: the earlier one, plan_due on a tie
        options = []
        if s.state == "planned" and s.task.plan_due is not None:
            options.append(Deadline("plan_due", s.task.plan_due))
        if s.task.window.end is not None:
            options.append(Deadline("window_end", s.task.window.end))
        open_task = s.state not in ("done", "cancelled")
        expected = min(options, key=lambda d: d.day) if options and open_task else None
        assert s.deadline == expected
        assert s.due_soon == (s.task.id in soon_ids)
