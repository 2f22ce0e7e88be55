"""Reminders (``tuyentruyen remind``): due soon in working days, overdue, periodic
reports; each queued once however often and from however many connections it runs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storehelp import in_processes
from tuyentruyen import FixedClock, Plan, Tracker
from tuyentruyen.remind import due_keys, reminders
from tuyentruyen.store import SQLiteStore, SQLStore
from tuyentruyen.workdays import WorkCalendar


def tracker_on(store: SQLStore, plan: Plan) -> Tracker:
    store.save_plan(plan)
    return Tracker(plan, store=store, clock=FixedClock(datetime(2030, 1, 1)))


def keys(t: Tracker, at: datetime, lead: int = 3) -> set[str]:
    return {r.key for r in reminders(t, at, lead=lead)}


def test_a_deadline_is_reminded_working_days_ahead_then_reported_overdue(seed_plan: Plan) -> None:
    t = Tracker(seed_plan, clock=FixedClock(datetime(2024, 1, 1)))
    task = next(x for x in seed_plan.tasks if x.window.end and not x.ongoing)
    end = task.window.end
    assert end is not None
    cal = WorkCalendar()
    first = cal.working_days_before(end, 3)
    key = f"due_soon:{task.id}:window_end:{end.isoformat()}"
    before = datetime.combine(first - timedelta(days=1), datetime.min.time())
    assert key not in keys(t, before)
    assert key in keys(t, datetime.combine(first, datetime.min.time()).replace(hour=8))
    after = datetime.combine(end + timedelta(days=1), datetime.min.time()).replace(hour=8)
    assert key not in keys(t, after)
    assert f"overdue:{task.id}:window_end:{end.isoformat()}" in keys(t, after)
    message = next(r.message for r in reminders(t, after) if r.key.startswith("overdue:"))
    assert message.subject.startswith("Quá hạn: nhiệm vụ")
    assert message.units[0] in {x.lead for x in seed_plan.tasks}


def test_a_done_task_is_not_reminded(seed_plan: Plan) -> None:
    t = Tracker(seed_plan, clock=FixedClock(datetime(2024, 1, 1)))
    task = seed_plan.task("2.6")
    assert task.window.end is not None
    late = datetime.combine(task.window.end + timedelta(days=2), datetime.min.time())
    assert any(k.startswith("overdue:2.6:") for k in keys(t, late))
    at = datetime(2023, 3, 20, 9)
    t.fire("2.6", "issue", actor="tt-bc-xb", at=at)
    t.fire("2.6", "start", actor="tt-bc-xb", at=at)
    t.fire("2.6", "report", actor="tt-bc-xb", at=at)
    receiver = seed_plan.receivers_for(task)[0]
    t.fire("2.6", "accept", actor=receiver, at=at)
    assert not any(k.startswith(("overdue:2.6:", "due_soon:2.6:")) for k in keys(t, late))


def test_the_monthly_report_reminder_and_notice(seed_plan: Plan) -> None:
    t = Tracker(seed_plan, clock=FixedClock(datetime(2024, 1, 1)))
    at = datetime(2023, 3, 20, 9)
    t.fire("2.6", "issue", actor="tt-bc-xb", at=at)  # tt-bc-xb now owes reports
    rule = seed_plan.reporting[0]
    due = rule.next_due(date(2023, 4, 1))  # before the 15th of April
    cal = WorkCalendar()
    reminder_day = cal.working_days_before(due, 3)
    found = keys(t, datetime.combine(reminder_day, datetime.min.time()).replace(hour=8))
    assert f"report_due:{rule.to}:{due.isoformat()}:tt-bc-xb" in found
    after = datetime.combine(due + timedelta(days=1), datetime.min.time()).replace(hour=8)
    assert f"report_overdue:{rule.to}:{due.isoformat()}:tt-bc-xb" in keys(t, after)
    t.fire("2.6", "start", actor="tt-bc-xb", at=datetime(2023, 5, 5, 9))
    t.fire("2.6", "report", actor="tt-bc-xb", at=datetime(2023, 5, 10, 9), final=False)
    may = rule.next_due(date(2023, 5, 1))
    after_may = datetime.combine(may + timedelta(days=1), datetime.min.time())
    assert f"report_overdue:{rule.to}:{may.isoformat()}:tt-bc-xb" not in keys(t, after_may)


def test_remind_twice_and_from_three_processes_queues_each_once(
    sql_store: SQLStore, seed_plan: Plan
) -> None:
    t = tracker_on(sql_store, seed_plan)
    at = datetime(2023, 9, 10, 8)
    due = reminders(t, at)
    assert due
    rows = [(r.key, r.message.kind, r.payload()) for r in due]
    assert sql_store.queue(seed_plan.id, rows) == len(due)
    assert sql_store.queue(seed_plan.id, rows) == 0
    later = reminders(t, datetime(2023, 10, 20, 8))

    rows = [(r.key, r.kind, r.payload()) for r in later]
    counts = in_processes(sql_store, lambda store: store.queue(seed_plan.id, rows))
    fresh = {r.key for r in later} - {r.key for r in due}
    assert sum(counts) == len(fresh)
    with sql_store._read() as cur:
        cur.execute("SELECT msg_key FROM tt_outbox WHERE msg_key IS NOT NULL")
        stored = [r[0] for r in cur.fetchall()]
    assert len(stored) == len(set(stored)) == len({r.key for r in due} | fresh)


@settings(
    max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(
    steps=st.lists(
        st.tuples(st.integers(min_value=1, max_value=40), st.booleans()), min_size=1, max_size=12
    )
)
def test_every_due_reminder_is_queued_exactly_once(
    seed_plan: Plan, steps: list[tuple[int, bool]]
) -> None:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "r.db")
        t = tracker_on(store, seed_plan)
        at = datetime(2023, 2, 1, 8)
        ever: set[str] = set()
        todo = list(seed_plan.tasks)
        for days, fire in steps:
            at += timedelta(days=days)
            if fire and todo:  # some progress between runs
                task = todo.pop(0)
                t.fire(task.id, "issue", actor=task.lead, at=at)
            due = reminders(t, at)
            ever |= {r.key for r in due}
            store.queue(seed_plan.id, [(r.key, r.message.kind, r.payload()) for r in due])
        with store._read() as cur:
            cur.execute("SELECT msg_key FROM tt_outbox WHERE msg_key IS NOT NULL")
            stored = [r[0] for r in cur.fetchall()]
        store.close()
    assert sorted(stored) == sorted(ever)  # each reminder that was ever due, exactly once


@settings(
    max_examples=30, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(
    steps=st.lists(
        st.tuples(st.integers(min_value=1, max_value=45), st.sampled_from(["", "issue", "report"])),
        min_size=1, max_size=10,
    ),
    lead=st.integers(min_value=0, max_value=6),
)  # fmt: skip
def test_keys_from_the_task_rows_are_the_reminders_keys(
    sql_store: SQLStore, seed_plan: Plan, steps: list[tuple[int, str]], lead: int
) -> None:
    import attrs

    plan = attrs.evolve(seed_plan, id=f"k{next(_numbers)}")
    t = tracker_on(sql_store, plan)
    at = datetime(2023, 2, 1, 8)
    for days, action in steps:
        at += timedelta(days=days)
        task = plan.tasks[days % len(plan.tasks)]
        state = t.state(task.id)
        if action == "issue" and state == "planned":
            t.fire(task.id, "issue", actor=task.lead, at=at)
        elif action == "report" and state == "issued" and not t.blockers(task.id, at):
            # (2.1 waits for 3.1's plan: a blocked start is not what this test is about)
            t.fire(task.id, "start", actor=task.lead, at=at)
            t.fire(task.id, "report", actor=task.lead, at=at, final=False)
        assert due_keys(sql_store, plan.id, at, lead=lead) == keys(t, at, lead)


_numbers = iter(range(10**6))
