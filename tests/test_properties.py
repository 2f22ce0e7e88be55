"""Property tests of the tracker against an independent reference model.

The reference below is written from the lifecycle's specification, not from the
library's code: for every generated plan and sequence of attempted fires, the tracker
must accept exactly what the reference accepts, reject the rest with the right error,
never let a task fire a guarded event before its dependencies hold, and always equal
the replay of its own log.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tuyentruyen import (
    DependencyNotMet,
    EventError,
    FixedClock,
    InvalidTransition,
    NotPermitted,
    Plan,
    Tracker,
)
from tuyentruyen.lifecycle import STATES
from tuyentruyen.testing import strategies as tts

REFERENCE = {
    ("planned", "issue"): "issued",
    ("issued", "start"): "in_progress",
    ("in_progress", "report"): "reported",
    ("reported", "rework"): "in_progress",
    ("reported", "accept"): None,  # depends on whether the report was final
    **{(s, "cancel"): "cancelled" for s in ("planned", "issued", "in_progress", "reported")},
}
RANK = {"planned": 0, "issued": 1, "in_progress": 2, "reported": 3, "done": 4}
BASE = datetime(2023, 1, 2, 8, 0)


def allowed_actor(plan: Plan, task_id: str, event: str) -> set[str]:
    task = plan.task(task_id)
    if event in ("issue", "start", "report"):
        return {task.lead}
    if event in ("accept", "rework"):
        return set(plan.receivers_for(task) or (plan.issuer,))
    return {plan.issuer}


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Plan, list[tts.Step]]:
    plan = draw(tts.plans(max_tasks=6, dependency_density=0.5))
    return plan, draw(tts.event_steps(plan, max_size=50))


@given(scenarios())
def test_tracker_matches_reference_model(scenario: tuple[Plan, list[tts.Step]]) -> None:
    plan, steps = scenario
    tracker = Tracker(plan, clock=FixedClock(datetime(2030, 1, 1)))
    state = {t.id: "planned" for t in plan.tasks}
    # When each task first reached each progress rank: dependencies hold as of the
    # event's own time, so time may run backwards across tasks (steps' minutes < 0).
    reached: dict[str, dict[int, datetime]] = {t.id: {} for t in plan.tasks}
    final = {t.id: False for t in plan.tasks}
    last: dict[str, datetime] = {}
    at = BASE
    for step in steps:
        at = at + timedelta(minutes=step.minutes)
        task = plan.task(step.task)
        current = state[step.task]
        # What the reference expects, in the documented order of checks.
        expected: type[Exception] | None = None
        if (current, step.event) not in REFERENCE:
            expected = InvalidTransition
        elif step.task in last and at < last[step.task]:
            expected = EventError
        elif step.actor not in allowed_actor(plan, step.task, step.event):
            expected = NotPermitted
        elif any(
            step.event in dep.events
            and (
                state[dep.task] == "cancelled"
                or reached[dep.task].get(RANK[dep.state], datetime.max) > at
            )
            for dep in task.depends_on
        ):
            expected = DependencyNotMet
        elif step.event == "cancel" and not step.note:
            expected = EventError
        try:
            ev = tracker.fire(
                step.task,
                step.event,
                actor=step.actor,
                at=at,
                final=step.final,
                note=step.note,
            )
        except (InvalidTransition, EventError, NotPermitted, DependencyNotMet) as exc:
            assert expected is not None, f"tracker refused a valid step {step}: {exc}"
            assert type(exc) is expected, f"{step}: got {type(exc).__name__}: {exc}"
        else:
            assert expected is None, f"tracker accepted {step}, expected {expected.__name__}"
            if step.event == "report":
                final[step.task] = step.final if step.final is not None else not task.ongoing
            dest = REFERENCE[(current, step.event)]
            if dest is None:
                dest = "done" if final[step.task] else "in_progress"
            assert (ev.source, ev.dest) == (current, dest)
            state[step.task] = dest
            for rank in range(1, RANK.get(dest, 0) + 1):
                reached[step.task].setdefault(rank, at)
            last[step.task] = at
        assert tracker.states() == state
    # State is a cache of the log: replaying the log gives the same state.
    replayed = Tracker.replay(plan, tracker.events, clock=tracker.clock)
    assert replayed.states() == tracker.states()
    assert replayed.events == tracker.events


def fire_all(plan: Plan, steps: list[tts.Step]) -> Tracker:
    """Attempt every step with time moving forward; refused steps change nothing."""
    tracker = Tracker(plan, clock=FixedClock(datetime(2030, 1, 1)))
    at = BASE
    for step in steps:
        at = at + timedelta(minutes=abs(step.minutes))
        with contextlib.suppress(InvalidTransition, EventError, NotPermitted, DependencyNotMet):
            tracker.fire(
                step.task, step.event, actor=step.actor, at=at, final=step.final, note="lý do"
            )
    return tracker


@given(scenarios())
def test_no_guarded_event_before_its_dependencies(
    scenario: tuple[Plan, list[tts.Step]],
) -> None:
    plan, steps = scenario
    tracker = fire_all(plan, steps)
    # Walk the log: whenever a guarded event happened, every dependency had been reached.
    seen_peak = {t.id: 0 for t in plan.tasks}
    seen_state = {t.id: "planned" for t in plan.tasks}
    for ev in tracker.events:
        for dep in plan.task(ev.task).depends_on:
            if ev.event in dep.events:
                assert seen_state[dep.task] != "cancelled"
                assert seen_peak[dep.task] >= RANK[dep.state], (ev, dep)
        seen_state[ev.task] = ev.dest
        seen_peak[ev.task] = max(seen_peak[ev.task], RANK.get(ev.dest, 0))
    # Every state is one the lifecycle has, and each task's history is a path.
    for task in plan.tasks:
        path = [e for e in tracker.events if e.task == task.id]
        previous = "planned"
        for e in path:
            assert e.source == previous
            assert e.dest in STATES
            previous = e.dest
        assert tracker.state(task.id) == previous


@given(scenarios(), st.integers(0, 60))
def test_state_as_of_a_past_moment_equals_replay_of_the_log_prefix(
    scenario: tuple[Plan, list[tts.Step]], cut: int
) -> None:
    plan, steps = scenario
    tracker = fire_all(plan, steps)
    events = tracker.events
    if not events:
        return
    moment = events[min(cut, len(events) - 1)].at
    prefix = [e for e in events if e.at <= moment]
    expected = Tracker.replay(plan, prefix, clock=tracker.clock)
    for task in plan.tasks:
        assert tracker.state(task.id, at=moment) == expected.state(task.id)
    assert tracker.summary(at=moment).rows == expected.summary(at=moment).rows
