"""The testing kit's stateful machine: it runs on every store, and it catches bugs.

Budgets (runs of at most 30 steps; CI=true / locally): memory store 200 / 50, SQLite
100 / 25, PostgreSQL 40 / 10. The "is caught" tests generate without shrinking
(``Phase.generate``), derandomized, so that they are quick and stable.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from tuyentruyen import Classification, Event, FixedClock, Plan, Task, Tracker, Unit
from tuyentruyen.errors import DependencyNotMet, EventError, InvalidTransition, NotPermitted
from tuyentruyen.model import Dependency, ReportingRule, Window
from tuyentruyen.store import MemoryStore, Store
from tuyentruyen.testing import (
    Attempt,
    PostgresTrackerMachine,
    ReferenceModel,
    SQLiteTrackerMachine,
    TrackerStateMachine,
)
from tuyentruyen.testing import machine as machine_module

pytestmark = pytest.mark.property

CI = bool(os.environ.get("CI"))
ROOT = Path(__file__).resolve().parents[1]


def budget(ci: int, local: int, **changes: Any) -> settings:
    return TrackerStateMachine.machine_settings(
        max_examples=ci if CI else local, database=None, **changes
    )


def catching(**changes: Any) -> settings:
    """Settings of the "is caught" tests: find, don't shrink."""
    return TrackerStateMachine.machine_settings(
        max_examples=300,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        report_multiple_bugs=False,
        **changes,
    )


# --- the machine on every store --------------------------------------------------------


def test_machine_on_the_memory_store() -> None:
    run_state_machine_as_test(TrackerStateMachine, settings=budget(200, 50))


def test_machine_on_sqlite() -> None:
    run_state_machine_as_test(SQLiteTrackerMachine, settings=budget(100, 25))


def test_machine_on_postgresql(pg_reachable: str) -> None:
    class OnPostgres(PostgresTrackerMachine):
        dsn = pg_reachable

    run_state_machine_as_test(OnPostgres, settings=budget(40, 10))


def test_postgres_machine_needs_a_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUYENTRUYEN_PG_DSN", raising=False)
    with pytest.raises(RuntimeError, match="TUYENTRUYEN_PG_DSN"):
        PostgresTrackerMachine().server()


def test_runs_exercise_every_outcome() -> None:
    """The machine's draws reach every state and every kind of refusal."""
    seen: Counter[str] = Counter()

    class Counting(TrackerStateMachine):
        def teardown(self) -> None:
            seen.update(f.dest for f in self.model.facts)
            seen.update(type(exc).__name__ for _, exc in self.refused)
            super().teardown()

    run_state_machine_as_test(Counting, settings=budget(60, 60, derandomize=True))
    for outcome in (
        "issued",
        "in_progress",
        "reported",
        "done",
        "cancelled",
        "InvalidTransition",
        "NotPermitted",
        "DependencyNotMet",
        "EventError",
    ):
        assert seen[outcome] > 0, (outcome, seen)


def test_sqlite_machine_cleans_up() -> None:
    folders: list[str] = []

    class Watching(SQLiteTrackerMachine):
        def teardown(self) -> None:
            folders.append(self._folder)
            super().teardown()

    run_state_machine_as_test(Watching, settings=budget(5, 5))
    assert folders
    assert not any(os.path.exists(f) for f in folders)


# --- settings --------------------------------------------------------------------------


def test_default_settings_of_a_subclass() -> None:
    class Mine(TrackerStateMachine):
        pass

    s = Mine.TestCase.settings
    assert (s.stateful_step_count, s.deadline) == (30, None)
    assert s.max_examples == settings.default.max_examples  # the active profile's
    Mine.TestCase.settings = settings(s, max_examples=3)
    assert Mine.TestCase.settings.max_examples == 3  # overridable, and it stays so

    @settings(max_examples=4, stateful_step_count=5)
    class Decorated(TrackerStateMachine):
        pass

    assert Decorated.TestCase.settings.stateful_step_count == 5

    class Longer(TrackerStateMachine):
        step_count = 80

    assert Longer.machine_settings(max_examples=2).stateful_step_count == 80


# --- the machine catches bugs ------------------------------------------------------------


class _AnyonePolicy:
    def check(self, plan: Plan, task: Task, event: str, actor: str) -> str:
        return actor


def test_a_permissive_policy_is_caught() -> None:
    class Permissive(TrackerStateMachine):
        def make_tracker(self, store: Store) -> Tracker:
            return Tracker(self.plan, store=store, clock=self.clock, policy=_AnyonePolicy())

    with pytest.raises(AssertionError, match="expected NotPermitted"):
        run_state_machine_as_test(Permissive, settings=catching())


def test_a_skipped_dependency_check_is_caught() -> None:
    class NoDependencies(TrackerStateMachine):
        def make_tracker(self, store: Store) -> Tracker:
            tracker = super().make_tracker(store)
            tracker._deps = {}  # a core bug: dependencies never checked
            return tracker

    with pytest.raises(AssertionError, match="expected DependencyNotMet"):
        run_state_machine_as_test(NoDependencies, settings=catching())


class _ForgetfulStore(MemoryStore):
    """A store whose every reopening loses the plan's latest event."""

    def reopened(self, plan: Plan) -> _ForgetfulStore:
        twin = _ForgetfulStore()
        twin.append(plan, list(self.load(plan))[:-1])
        return twin


def test_a_store_losing_events_on_reload_is_caught() -> None:
    class Forgetful(TrackerStateMachine):
        def make_store(self) -> Store:
            return _ForgetfulStore()

        def open_store(self) -> Store:
            assert isinstance(self.store, _ForgetfulStore)
            return self.store.reopened(self.plan)

    with pytest.raises(AssertionError, match="changed on reload"):
        run_state_machine_as_test(Forgetful, settings=catching())


def test_a_corrupted_state_is_caught() -> None:
    """A tracker whose cached state drifts from its log: an ``accept`` always closes."""

    class Hasty(Tracker):
        def fire(self, task: str, event: str, **kwargs: Any) -> Event:
            if event == "accept":
                kwargs["final"] = None
                ev = super().fire(task, event, **kwargs)
                self._now.state[self._i(task)] = 4  # "done", whatever the report said
                return ev
            return super().fire(task, event, **kwargs)

    class Corrupt(TrackerStateMachine):
        def make_tracker(self, store: Store) -> Tracker:
            return Hasty(self.plan, store=store, clock=self.clock)

    with pytest.raises(AssertionError):
        run_state_machine_as_test(Corrupt, settings=catching())


def test_a_wrong_deadline_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """An off-by-one deadline (a day passing at its start, not its end) in the
    classification is caught by the classification invariant."""
    import tuyentruyen.status as status

    def early(day: Any) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=machine_module._ZONE)

    monkeypatch.setattr(status, "end_of_day", early)
    with pytest.raises(AssertionError, match="expected"):
        run_state_machine_as_test(TrackerStateMachine, settings=catching())


def test_a_broken_batch_is_caught() -> None:
    class PartialBatches(TrackerStateMachine):
        def fire_batch(self, attempts: Sequence[Attempt]) -> Sequence[Event]:
            out = []
            for a in attempts:  # not all or nothing: earlier items stay recorded
                out.append(self.tracker.fire(a.task, a.event, **a.kwargs()))
            return out

    with pytest.raises(AssertionError):
        run_state_machine_as_test(PartialBatches, settings=catching())


# --- the worked example of docs/testing.md --------------------------------------------


def docs_namespace() -> dict[str, Any]:
    """Run the ```python blocks of docs/testing.md in order (as tests/test_docs.py
    does) and return their namespace."""
    text = (ROOT / "docs" / "testing.md").read_text("utf-8")
    code_blocks = [m.group(1) for m in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M)]
    assert len(code_blocks) >= 5
    namespace: dict[str, Any] = {"__name__": "docs_testing"}
    for number, code in enumerate(code_blocks, start=1):
        exec(compile(code, f"testing.md (python block {number})", "exec"), namespace)
    return namespace


def test_the_worked_example_of_the_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace = docs_namespace()
    board_machine = namespace["BoardMachine"]
    assert issubclass(board_machine, TrackerStateMachine)
    run_state_machine_as_test(board_machine, settings=budget(40, 20))
    # The page's buggy board is caught (the page checks that too), and so is a board
    # that forgets the events of a batch.
    assert namespace["caught"]

    class BatchBlind(board_machine):  # type: ignore[misc, valid-type]
        def fire_batch(self, attempts: Sequence[Attempt]) -> Sequence[Event]:
            return self.tracker.fire_many([a.item() for a in attempts])

    with pytest.raises(AssertionError, match="board"):
        run_state_machine_as_test(BatchBlind, settings=catching())


# --- the reference model on its own ------------------------------------------------------

ZONE = machine_module._ZONE


def small_plan() -> Plan:
    return Plan(
        id="p",
        title="Kế hoạch",
        issuer="a",
        units=[Unit("a", "Ban A"), Unit("b", "Phòng B")],
        tasks=[
            Task(id="1", title="x", lead="b", window=Window(None, datetime(2023, 3, 31).date())),
            Task(
                id="2",
                title="y",
                lead="b",
                plan_due=datetime(2023, 2, 28).date(),
                depends_on=[Dependency(task="1", state="issued")],
            ),
        ],
        reporting=[ReportingRule(to="a")],
    )


def test_reference_order_of_checks() -> None:
    model = ReferenceModel(small_plan())
    now = datetime(2023, 3, 1, 9, 0, tzinfo=ZONE)
    expect = model.expect
    assert expect(Attempt("1", "start", "x"), now) is InvalidTransition  # before actor
    assert expect(Attempt("1", "bogus", "b"), now) is EventError
    assert expect(Attempt("1", "issue", "a"), now) is NotPermitted
    assert expect(Attempt("1", "issue", "b", at=now + timedelta(minutes=1)), now) is EventError
    assert expect(Attempt("1", "issue", "b", final=True), now) is EventError
    assert expect(Attempt("1", "cancel", "a", note=" "), now) is EventError
    assert expect(Attempt("1", "cancel", "a", note="lý do"), now) is None
    model.apply(Attempt("2", "issue", "b"), now)
    assert expect(Attempt("2", "start", "b"), now) is DependencyNotMet
    model.apply(Attempt("1", "issue", "b"), now + timedelta(hours=1))
    assert expect(Attempt("2", "start", "b"), now) is DependencyNotMet  # as of its time
    assert expect(Attempt("2", "start", "b", at=now + timedelta(hours=1)), now) is EventError
    later = now + timedelta(hours=2)
    assert expect(Attempt("2", "start", "b"), later) is None
    assert expect(Attempt("1", "issue", "b"), later) is InvalidTransition
    assert expect(Attempt("1", "start", "b", at=now), later) is EventError  # before previous


def test_reference_replay_and_classification() -> None:
    plan = small_plan()
    tracker = Tracker(plan, clock=FixedClock(datetime(2023, 4, 2, 9, 0)))
    for day, event in ((1, "issue"), (2, "start"), (31, "report")):
        tracker.fire("1", event, actor="b", at=datetime(2023, 3, day, 9, 0))
    tracker.fire("1", "accept", actor="a", at=datetime(2023, 3, 31, 23, 59))
    tracker.fire("2", "issue", actor="b", at=datetime(2023, 3, 31, 10, 0))
    model = ReferenceModel.replay(plan, tracker.events)
    assert model.states() == tracker.states() == {"1": "done", "2": "issued"}
    at = datetime(2023, 4, 1, tzinfo=ZONE)
    assert model.classify("1", at) is Classification.DONE_ON_TIME  # before 1/4 00:00
    assert model.classify("2", at) is Classification.NO_DEADLINE
    # As of 1/3, task 2 was planned and its plan_due (28/2) had passed.
    assert model.classify("2", datetime(2023, 3, 1, tzinfo=ZONE)) is (
        Classification.IN_PROGRESS_OVERDUE
    )
    assert model.as_of(datetime(2023, 3, 31, 9, 0)).state == {"1": "reported", "2": "planned"}
    broken = [tracker.events[0], tracker.events[2]]
    with pytest.raises(ValueError, match="event #3"):
        ReferenceModel.replay(plan, broken)
