"""Property tests of the tracker against the testing kit's reference model.

``tuyentruyen.testing.ReferenceModel`` is written from the lifecycle's specification,
not from the library's code: for every generated plan and sequence of attempted fires
(time going backwards too), the tracker must accept exactly what the reference accepts,
reject the rest with the right error, never let a task fire a guarded event before its
dependencies hold, and always equal the replay of its own log. The kit's
``event_sequences`` carries its own expected answer per fire, checked here too.
(The stateful ``TrackerStateMachine`` runs in tests/test_testing_machine.py.)
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
    TuyenTruyenError,
)
from tuyentruyen.lifecycle import STATES
from tuyentruyen.testing import Attempt, ReferenceModel
from tuyentruyen.testing import strategies as tts
from tuyentruyen.testing.reference import RANK

BASE = datetime(2023, 1, 2, 8, 0)
LATER = datetime(2030, 1, 1)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Plan, list[tts.Step]]:
    plan = draw(tts.plans(max_tasks=6, dependency_density=0.5))
    return plan, draw(tts.event_steps(plan, max_size=50))


@given(scenarios())
def test_tracker_matches_reference_model(scenario: tuple[Plan, list[tts.Step]]) -> None:
    plan, steps = scenario
    tracker = Tracker(plan, clock=FixedClock(LATER))
    model = ReferenceModel(plan)
    at = BASE
    for step in steps:
        at = at + timedelta(minutes=step.minutes)
        attempt = Attempt(step.task, step.event, step.actor, at=at, note=step.note,
                          final=step.final)  # fmt: skip
        expected = model.expect(attempt, LATER)
        try:
            ev = tracker.fire(step.task, step.event, **attempt.kwargs())
        except TuyenTruyenError as exc:
            assert expected is not None, f"tracker refused a valid step {step}: {exc}"
            assert type(exc) is expected, f"{step}: got {type(exc).__name__}: {exc}"
        else:
            assert expected is None, f"tracker accepted {step}, expected {expected.__name__}"
            assert (ev.source, ev.dest) == model.apply(attempt, LATER)
        assert tracker.states() == model.states()
    # State is a cache of the log: replaying the log gives the same state.
    replayed = Tracker.replay(plan, tracker.events, clock=tracker.clock)
    assert replayed.states() == tracker.states()
    assert replayed.events == tracker.events
    assert ReferenceModel.replay(plan, tracker.events).states() == tracker.states()


@given(st.data())
def test_every_generated_fire_gets_the_answer_it_carries(data: st.DataObject) -> None:
    plan = data.draw(tts.plans(max_tasks=6, dependency_density=0.5))
    fires = data.draw(tts.event_sequences(plan, max_size=40))
    tracker = Tracker(plan, clock=FixedClock(LATER))
    for fire in fires:
        try:
            tracker.fire(fire.task, fire.event, **fire.kwargs())
        except TuyenTruyenError as exc:
            assert type(exc) is fire.expected, (fire, exc)
        else:
            assert fire.expected is None, fire


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
