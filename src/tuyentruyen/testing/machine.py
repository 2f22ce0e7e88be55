"""A stateful test of trackers, stores and the code built on them.

:class:`TrackerStateMachine` is a Hypothesis ``RuleBasedStateMachine``. Each run draws
a plan, opens a store, and then, step by step, fires events (mostly plausible, some
refused), fires small batches, moves the clock forward (also to the minutes around a
deadline), reloads the tracker from its store, refreshes it and looks at past
moments. After every step it checks that

* the tracker's state equals the replay of its own log through :class:`ReferenceModel`
  (an independent model written from the lifecycle's specification), and equals what
  the model expected from the fires it saw accepted and refused;
* no guarded event was ever recorded before its task's dependencies held;
* every task's official classification (``tracker.status``, ``overdue``, ``summary``)
  fits its state and the time;
* the store's audit chain verifies (stores with a ``verify`` method).

Run it on the in-memory store (:class:`TrackerStateMachine`), an SQLite file
(:class:`SQLiteTrackerMachine`) or PostgreSQL (:class:`PostgresTrackerMachine`), and
subclass it to test your own code: route fires through your wrapper
(:meth:`~TrackerStateMachine.fire_attempt`), rebuild your views when the tracker
changes (:meth:`~TrackerStateMachine.on_tracker`), and add ``@rule`` and
``@invariant`` methods. See docs/testing.md for a worked example.

Needs the ``testing`` extra (``pip install tuyentruyen[testing]``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from tuyentruyen.clock import FixedClock
from tuyentruyen.errors import (
    TuyenTruyenError,
)
from tuyentruyen.events import Event
from tuyentruyen.model import Plan
from tuyentruyen.status import Classification
from tuyentruyen.store import MemoryStore, SQLiteStore, Store
from tuyentruyen.testing import strategies as tts
from tuyentruyen.testing.reference import _ZONE, Attempt, ReferenceModel
from tuyentruyen.testing.reference import EVENT_NAMES as _EVENT_NAMES
from tuyentruyen.testing.reference import RANK as _RANK
from tuyentruyen.testing.reference import deadline_passes as _passes
from tuyentruyen.tracker import Tracker

__all__ = [
    "Attempt",
    "PostgresTrackerMachine",
    "ReferenceModel",
    "SQLiteTrackerMachine",
    "TrackerStateMachine",
]

_C = Classification

# --- the machine ---------------------------------------------------------------------

_NOTES = ("Không còn phù hợp", "Gộp vào nhiệm vụ khác")
#: What :meth:`TrackerStateMachine.draw_attempt` tries, with its chance in 100: one
#: unusual thing at a time, so that a failure shrinks towards "usual".
ATTEMPT_KINDS: Mapping[str, int] = {
    "usual": 62,
    "another unit": 10,
    "backdated": 8,
    "future": 4,
    "any event": 6,
    "cancel": 6,
    "cancel without reason": 2,
    "final on a non-report": 2,
}
_KIND_STRATEGY = st.sampled_from(tuple(k for k, n in ATTEMPT_KINDS.items() for _ in range(n)))


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


class _TestCaseWithDefaults:
    """``Machine.TestCase`` with the machine's default settings (:meth:`machine_settings`,
    taken from the profile active when first asked for); assign
    ``Machine.TestCase.settings`` or decorate the class with ``@settings(...)`` to
    change them."""

    def __get__(self, obj: object, typ: type[TrackerStateMachine] | None = None) -> Any:
        if typ is None:
            typ = type(obj)  # type: ignore[assignment]
        assert typ is not None
        case = RuleBasedStateMachine.__dict__["TestCase"].__get__(None, typ)
        if not case.__dict__.get("_tt_defaults", False):
            case._tt_defaults = True
            case.settings = typ.machine_settings()
        return case


class TrackerStateMachine(RuleBasedStateMachine):
    """Fires, clock moves, reloads and batches on one tracker, checked after every step.

    Attributes available to rules and invariants (set up by the first step):

    * ``self.plan``: the drawn :class:`~tuyentruyen.Plan` (from :attr:`plan_strategy`);
    * ``self.clock``: a :class:`~tuyentruyen.FixedClock` (moves only forward, by the
      ``advance_clock`` rule);
    * ``self.store``: the store (:meth:`make_store`);
    * ``self.tracker``: the :class:`~tuyentruyen.Tracker` under test
      (:meth:`make_tracker`; replaced by the ``reload`` rule);
    * ``self.model``: the :class:`ReferenceModel` of what must have happened;
    * ``self.refused``: every refused attempt with its error, in order.

    Hooks to override: :meth:`make_store`, :meth:`open_store`, :meth:`close_store`,
    :meth:`make_tracker`, :meth:`on_tracker` (rebuild your own views over the
    tracker), :meth:`fire_attempt` and :meth:`fire_batch` (route fires through your
    own wrapper), :meth:`on_fired` (called with each event the machine recorded).

    Settings: :meth:`machine_settings` (``stateful_step_count`` = :attr:`step_count`,
    no deadline, the too-slow health check off; ``max_examples`` from the active
    profile). Run with ``TestMine = MyMachine.TestCase`` or
    ``hypothesis.stateful.run_state_machine_as_test(MyMachine, settings=...)``.
    """

    #: Plans to draw (a class attribute: subclasses may set their own).
    plan_strategy: ClassVar[st.SearchStrategy[Plan]] = tts.plans(
        max_tasks=6, dependency_density=0.5
    )
    #: Where the clock starts: a whole minute of 2022-2025, plan-local time.
    start_strategy: ClassVar[st.SearchStrategy[datetime]] = st.builds(
        lambda days, minutes: (
            datetime(2022, 1, 1, 8, 0, tzinfo=_ZONE) + timedelta(days=days, minutes=minutes)
        ),
        st.integers(0, 4 * 365),
        st.integers(0, 10 * 60),
    )
    #: The reference model's class (subclass it for your own permission rule).
    model_class: ClassVar[type[ReferenceModel]] = ReferenceModel
    #: Passed to the tracker (and the model): accept events dated after the clock.
    allow_future: ClassVar[bool] = False
    #: At most this many valid fires make the history each run starts from.
    history_size: ClassVar[int] = 12
    #: Default ``stateful_step_count``.
    step_count: ClassVar[int] = 30

    TestCase = _TestCaseWithDefaults()

    plan: Plan
    clock: FixedClock
    store: Store
    tracker: Tracker
    model: ReferenceModel

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[tuple[Attempt, TuyenTruyenError]] = []

    @classmethod
    def machine_settings(cls, **changes: Any) -> settings:
        """This machine's default settings, on top of the active profile, with
        ``changes`` (any ``hypothesis.settings`` argument) applied."""
        base = settings.default
        suppressed = list(base.suppress_health_check) if base is not None else []
        if HealthCheck.too_slow not in suppressed:
            suppressed.append(HealthCheck.too_slow)
        values: dict[str, Any] = {
            "stateful_step_count": cls.step_count,
            "deadline": None,
            "suppress_health_check": suppressed,
        }
        values.update(changes)
        return settings(base, **values)

    # --- hooks ------------------------------------------------------------------------

    def make_store(self) -> Store:
        """A fresh, empty store for ``self.plan`` (in memory by default). SQL stores
        must ``save_plan(self.plan)`` here."""
        return MemoryStore()

    def open_store(self) -> Store:
        """Another handle on the same store: a new connection to the same database
        (the ``reload`` rule opens one, then closes the old). In memory: the same
        object."""
        return self.store

    def close_store(self, store: Store) -> None:
        """Close a store handle (calls its ``close()`` if it has one)."""
        close = getattr(store, "close", None)
        if close is not None:
            close()

    def make_tracker(self, store: Store) -> Tracker:
        """The tracker under test, on ``store``."""
        return Tracker(self.plan, store=store, clock=self.clock, allow_future=self.allow_future)

    def on_tracker(self) -> None:
        """Called whenever ``self.tracker`` was made or reloaded, or loaded events that
        another writer recorded: rebuild your own views over it here."""

    def fire_attempt(self, attempt: Attempt) -> Event:
        """Fire one attempt (override to go through your own wrapper); must raise the
        tracker's error when it refuses."""
        return self.tracker.fire(attempt.task, attempt.event, **attempt.kwargs())

    def fire_batch(self, attempts: Sequence[Attempt]) -> Sequence[Event]:
        """Fire attempts all or nothing (``tracker.fire_many``)."""
        return self.tracker.fire_many([a.item() for a in attempts])

    def on_fired(self, event: Event) -> None:
        """Called with each event the machine recorded (after the checks of the step)."""

    # --- set-up and tear-down ---------------------------------------------------------

    @initialize(data=st.data())
    def set_up(self, data: st.DataObject) -> None:
        """Draw the plan and the starting moment; open the store and the tracker."""
        self.plan = data.draw(self.plan_strategy, label="plan")
        self.clock = FixedClock(data.draw(self.start_strategy, label="start"))
        self.model = self.model_class(self.plan, allow_future=self.allow_future)
        self.store = self.make_store()
        self.tracker = self.make_tracker(self.store)
        self.on_tracker()
        # A history to start from: valid fires a few hours or days apart (so that the
        # rules below start from tasks in every state, not only from "planned").
        for _ in range(data.draw(st.integers(0, self.history_size), label="history")):
            self.clock.set(
                self.clock.now()
                + timedelta(minutes=data.draw(st.integers(0, 5 * 24 * 60), label="later"))
            )
            moving = [t.id for t in self.plan.tasks if set(self.model.possible(t.id)) - {"cancel"}]
            if not moving:
                break
            task = data.draw(st.sampled_from(moving), label="task")
            event = data.draw(
                st.sampled_from([e for e in self.model.possible(task) if e != "cancel"]),
                label="event",
            )
            final = data.draw(st.sampled_from((None, True, False))) if event == "report" else None
            actor = self.model.allowed_actors(task, event)[0]
            attempt = Attempt(task, event, actor, final=final)
            if self.model.expect(attempt, self.clock.now()) is None:
                self.try_fire(attempt)

    def teardown(self) -> None:
        """Close the store."""
        store = getattr(self, "store", None)
        if store is not None:
            self.close_store(store)

    # --- drawing attempts ---------------------------------------------------------------

    def draw_attempt(self, data: st.DataObject, model: ReferenceModel | None = None) -> Attempt:
        """An attempt on ``self.plan``: mostly an event the task's state allows, by the
        right actor, now; sometimes (one thing at a time, see :data:`ATTEMPT_KINDS`)
        another unit, a backdated or future moment, any event, a cancel (with or
        without a reason) or ``final`` on a non-report."""
        model = self.model if model is None else model
        task = data.draw(st.sampled_from(tuple(t.id for t in self.plan.tasks)), label="task")
        kind = data.draw(_KIND_STRATEGY, label="kind")
        possible = model.possible(task)
        forward = tuple(e for e in possible if e != "cancel")
        if kind.startswith("cancel") and "cancel" in possible:
            event = "cancel"
        elif forward and kind != "any event":
            event = forward[0] if len(forward) == 1 else data.draw(st.sampled_from(forward))
        else:
            event = data.draw(st.sampled_from(_EVENT_NAMES), label="event")
        allowed = model.allowed_actors(task, event)
        if kind == "another unit":
            units = tuple(u.id for u in self.plan.units)
            actor = data.draw(st.sampled_from(units), label="actor")
        else:
            actor = allowed[0] if len(allowed) == 1 else data.draw(st.sampled_from(allowed))
        at: datetime | None = None
        if kind == "backdated":  # perhaps before the task's previous event
            minutes = data.draw(st.integers(0, 14 * 24 * 60), label="minutes before now")
            at = self.clock.now() - timedelta(minutes=minutes)
        elif kind == "future":
            minutes = data.draw(st.integers(1, 600), label="minutes after now")
            at = self.clock.now() + timedelta(minutes=minutes)
        note = None
        if event == "cancel":
            note = _NOTES[0] if kind != "cancel without reason" else " "
        final = None
        if event == "report":
            final = data.draw(st.sampled_from((None, True, False)), label="final")
        elif kind == "final on a non-report":
            final = True
        return Attempt(task, event, actor, at, note, final)

    # --- rules ------------------------------------------------------------------------

    @rule(data=st.data())
    def fire(self, data: st.DataObject) -> None:
        """Fire one attempt: it succeeds exactly when the model says it must."""
        self.try_fire(self.draw_attempt(data))

    def try_fire(self, attempt: Attempt) -> None:
        """Fire ``attempt`` (through :meth:`fire_attempt`) and check the outcome against
        the model: recorded as the model says, or refused with the error it names and
        nothing changed."""
        now = self.clock.now()
        expected = self.model.expect(attempt, now)
        before = self.tracker.states()
        try:
            ev = self.fire_attempt(attempt)
        except TuyenTruyenError as exc:
            _check(
                expected is not None,
                f"the tracker refused {attempt}, which the reference allows: {exc!r}",
            )
            assert expected is not None
            _check(
                isinstance(exc, expected),
                f"{attempt}: expected {expected.__name__}, got {type(exc).__name__}: {exc}",
            )
            _check(self.tracker.states() == before, f"a refused {attempt} changed the state")
            self.refused.append((attempt, exc))
            return
        _check(
            expected is None,
            f"the tracker accepted {attempt}; the reference expected "
            f"{getattr(expected, '__name__', expected)}",
        )
        self._recorded(attempt, ev, now)
        self.on_fired(ev)

    def _recorded(self, attempt: Attempt, ev: Event, now: datetime) -> None:
        source, dest = self.model.apply(attempt, now)
        got = (ev.task, ev.event, ev.source, ev.dest, ev.actor, ev.at)
        want = (attempt.task, attempt.event, source, dest, attempt.actor, self.model.last[ev.task])
        _check(got == want, f"recorded {got}, expected {want}")
        _check(ev.seq == len(self.model.facts), f"event numbered {ev.seq}")

    @rule(data=st.data(), size=st.integers(1, 4))
    def fire_many(self, data: st.DataObject, size: int) -> None:
        """Fire a small batch: all recorded, or none and the error names the item."""
        trial = self.model.copy()
        now = self.clock.now()
        attempts: list[Attempt] = []
        expected: type[TuyenTruyenError] | None = None
        failing = -1
        for k in range(size):
            attempt = self.draw_attempt(data, trial)
            attempts.append(attempt)
            if expected is None:
                expected = trial.expect(attempt, now)
                if expected is None:
                    trial.apply(attempt, now)
                else:
                    failing = k
        before, logged = self.tracker.states(), len(self.tracker.events)
        try:
            events = list(self.fire_batch(attempts))
        except TuyenTruyenError as exc:
            _check(expected is not None, f"batch refused, the reference allows it: {exc!r}")
            assert expected is not None
            _check(
                isinstance(exc, expected),
                f"batch: expected {expected.__name__} at fires[{failing}], got {exc!r}",
            )
            _check(
                f"fires[{failing}]" in getattr(exc, "__notes__", ()),
                f"the error does not name fires[{failing}]: {getattr(exc, '__notes__', ())}",
            )
            _check(self.tracker.states() == before, "a refused batch changed the state")
            _check(len(self.tracker.events) == logged, "a refused batch left events")
            self.refused.append((attempts[failing], exc))
            return
        _check(
            expected is None,
            f"the tracker accepted the batch {attempts}; the reference expected "
            f"{getattr(expected, '__name__', expected)} at fires[{failing}]",
        )
        _check(len(events) == len(attempts), f"{len(attempts)} fires, {len(events)} events")
        for attempt, ev in zip(attempts, events, strict=True):
            self._recorded(attempt, ev, now)
        for ev in events:
            self.on_fired(ev)

    @rule(
        step=st.one_of(
            st.integers(1, 180).map(lambda n: timedelta(minutes=n)),
            st.integers(1, 48).map(lambda n: timedelta(hours=n)),
            st.integers(1, 45).map(lambda n: timedelta(days=n)),
            st.integers(1, 26).map(lambda n: timedelta(weeks=n)),
        )
    )
    def advance_clock(self, step: timedelta) -> None:
        """Move the clock forward (minutes to weeks): deadlines pass."""
        self.clock.set(self.clock.now() + step)

    @rule()
    def reload(self) -> None:
        """Open the store again and a new tracker on it: nothing may change."""
        now = self.clock.now()
        states, events = self.tracker.states(), self.tracker.events
        status = [(s.task.id, s.state, s.classification) for s in self.tracker.status(at=now)]
        old = self.store
        self.store = self.open_store()
        if old is not self.store:
            self.close_store(old)
        self.tracker = self.make_tracker(self.store)
        _check(self.tracker.states() == states, "the state changed on reload")
        _check(tuple(self.tracker.events) == tuple(events), "the log changed on reload")
        again = [(s.task.id, s.state, s.classification) for s in self.tracker.status(at=now)]
        _check(again == status, "the classification changed on reload")
        self.on_tracker()

    @rule()
    def refresh(self) -> None:
        """``refresh()`` with no other writer finds nothing new."""
        before = self.tracker.states()
        found = self.tracker.refresh()
        _check(found == 0, f"refresh() found {found} events no one wrote")
        _check(self.tracker.states() == before, "refresh() changed the state")

    @precondition(lambda self: hasattr(self.store, "load_since"))
    @rule(data=st.data())
    def another_writer_fires(self, data: st.DataObject) -> None:
        """A second tracker on the same database records a valid event; ``refresh()``
        loads it (stores shared between writers only)."""
        candidates = [t.id for t in self.plan.tasks if self.model.possible(t.id)]
        if not candidates:
            return
        task = data.draw(st.sampled_from(candidates), label="other's task")
        event = data.draw(st.sampled_from(self.model.possible(task)), label="other's event")
        attempt = Attempt(task, event, self.model.allowed_actors(task, event)[0], note=_NOTES[0])
        now = self.clock.now()
        if self.model.expect(attempt, now) is not None:
            return  # e.g. a dependency not met: not this rule's business
        store = self.open_store()
        try:
            ev = Tracker(self.plan, store=store, clock=self.clock).fire(
                task, event, **attempt.kwargs()
            )
        finally:
            if store is not self.store:
                self.close_store(store)
        self._recorded(attempt, ev, now)
        found = self.tracker.refresh()
        _check(found == 1, f"refresh() found {found} events, one was written")
        _check(self.tracker.states() == self.model.states(), "refresh() missed the event")
        self.on_tracker()

    @rule(pick=st.integers(0, 1000), shift=st.integers(-180, 180))
    def to_a_deadline(self, pick: int, shift: int) -> None:
        """Go to a few minutes around the moment a deadline passes (00:00 after its
        day): forward with the clock when it lies ahead, else look back at it."""
        days = sorted(
            {d for t in self.plan.tasks for d in (t.plan_due, t.window.end) if d is not None}
        )
        if not days:
            return
        passes = _passes(days[pick % len(days)])
        assert passes is not None
        moment = passes + timedelta(minutes=shift)
        if moment > self.clock.now():
            self.clock.set(moment)
        else:
            self._check_the_past(moment)

    @rule(pick=st.integers(0, 1000), shift=st.integers(-180, 180))
    def look_back(self, pick: int, shift: int) -> None:
        """State and classification as of a past moment equal the replay of the log
        prefix up to that moment."""
        events = self.tracker.events
        if events:
            self._check_the_past(events[pick % len(events)].at + timedelta(minutes=shift))

    def _check_the_past(self, moment: datetime) -> None:
        events = self.tracker.events
        # The events dated up to the moment, in log order, numbered again from 1 (a
        # backdated event may sit after later-dated ones in the log).
        prefix = [e for e in events if e.at <= moment]
        prefix = [e._replace(seq=k) for k, e in enumerate(prefix, start=1)]
        replayed = Tracker.replay(self.plan, prefix, clock=self.clock)
        reference = self.model.as_of(moment)
        for task in self.plan.tasks:
            got = self.tracker.state(task.id, at=moment)
            _check(
                got == replayed.state(task.id) == reference.state[task.id],
                f"{task.id} as of {moment.isoformat()}: {got}, the log prefix says "
                f"{replayed.state(task.id)}, the reference {reference.state[task.id]}",
            )
        for s in self.tracker.status(at=moment):
            want = self.model.classify(s.task.id, moment)
            _check(
                s.classification is want,
                f"{s.task.id} as of {moment.isoformat()}: {s.classification}, expected {want}",
            )

    # --- invariants -------------------------------------------------------------------

    @invariant()
    def state_is_the_replay_of_the_log(self) -> None:
        """The state equals the reference's replay of the log and the model."""
        events = self.tracker.events
        _check(
            [e.seq for e in events] == list(range(1, len(events) + 1)),
            f"the log is numbered {[e.seq for e in events]}",
        )
        replayed = ReferenceModel.replay(self.plan, events)
        states = self.tracker.states()
        _check(states == replayed.states(), f"state {states} but the log says {replayed.state}")
        _check(states == self.model.states(), f"state {states}, expected {self.model.state}")
        _check(len(events) == len(self.model.facts), "the log lost or gained events")

    @invariant()
    def no_guarded_event_before_its_dependencies(self) -> None:
        """Reading the log in order: every guarded event found each dependency reached
        (by the event's own time) and not cancelled."""
        state = {t.id: "planned" for t in self.plan.tasks}
        reached: dict[str, dict[int, datetime]] = {t.id: {} for t in self.plan.tasks}
        for ev in self.tracker.events:
            for dep in self.plan.task(ev.task).depends_on:
                if ev.event not in dep.events:
                    continue
                when = reached[dep.task].get(_RANK[dep.state])
                _check(
                    state[dep.task] != "cancelled" and when is not None and when <= ev.at,
                    f"event #{ev.seq} ({ev.task} {ev.event}) before {dep.task} reached "
                    f"{dep.state} (it was {state[dep.task]})",
                )
            state[ev.task] = ev.dest
            for rank in range(1, _RANK.get(ev.dest, 0) + 1):
                reached[ev.task].setdefault(rank, ev.at)

    @invariant()
    def classification_fits_state_and_time(self) -> None:
        """``status``, ``overdue`` and ``summary`` now agree with the reference."""
        now = self.clock.now()
        counts: Counter[Classification] = Counter()
        late = set()
        for s in self.tracker.status(at=now):
            want = self.model.classify(s.task.id, now)
            _check(s.state == self.model.state[s.task.id], f"status of {s.task.id}: {s.state}")
            _check(
                s.classification is want,
                f"{s.task.id} ({s.state}) at {now.isoformat()}: {s.classification}, "
                f"expected {want}",
            )
            counts[want] += 1
            if want is _C.IN_PROGRESS_OVERDUE:
                late.add(s.task.id)
        overdue = {o.task.id for o in self.tracker.overdue(at=now)}
        _check(overdue == late, f"overdue {sorted(overdue)}, expected {sorted(late)}")
        total = self.tracker.summary(at=now).total
        done = counts[_C.DONE_ON_TIME] + counts[_C.DONE_LATE]
        _check(
            (total.total, total.cancelled, total.done_on_time, total.done_late, total.due)
            == (
                len(self.plan.tasks) - counts[_C.CANCELLED],
                counts[_C.CANCELLED],
                counts[_C.DONE_ON_TIME],
                counts[_C.DONE_LATE],
                done + counts[_C.IN_PROGRESS_OVERDUE],
            ),
            f"summary {total} does not match the classes {dict(counts)}",
        )

    @invariant()
    def audit_chain_verifies(self) -> None:
        """The store's hash chain and task rows check out (stores with ``verify``)."""
        verify = getattr(self.store, "verify", None)
        if verify is not None:
            report = verify()
            _check(report.ok, f"verify: {report.broken}")


class SQLiteTrackerMachine(TrackerStateMachine):
    """:class:`TrackerStateMachine` on an SQLite file in a temporary folder (removed at
    the end of each run); ``reload`` opens a new connection to the file."""

    path: Path

    def make_store(self) -> Store:
        """A new SQLite database holding ``self.plan``."""
        self._folder = tempfile.mkdtemp(prefix="tt-machine-")
        self.path = Path(self._folder) / "plan.db"
        return self.open_store()

    def open_store(self) -> Store:
        """A new connection to the file."""
        store = SQLiteStore(self.path)
        if not store.plan_ids():
            store.save_plan(self.plan)
        return store

    def teardown(self) -> None:
        """Close the store and remove the folder."""
        try:
            super().teardown()
        finally:
            folder = getattr(self, "_folder", None)
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


class PostgresTrackerMachine(TrackerStateMachine):
    """:class:`TrackerStateMachine` on PostgreSQL, each run in a new schema (dropped at
    the end). The server: :attr:`dsn`, else the ``TUYENTRUYEN_PG_DSN`` environment
    variable. Needs ``psycopg`` (``pip install tuyentruyen[postgres]``)."""

    #: A libpq connection string or ``postgresql://`` URL; ``None``: from the
    #: environment variable ``TUYENTRUYEN_PG_DSN``.
    dsn: ClassVar[str | None] = None

    schema: str

    def server(self) -> str:
        """The connection string to use."""
        dsn = type(self).dsn or os.environ.get("TUYENTRUYEN_PG_DSN")
        if not dsn:
            raise RuntimeError(
                "PostgresTrackerMachine needs a server: set TUYENTRUYEN_PG_DSN or the "
                "class attribute dsn"
            )
        return dsn

    def make_store(self) -> Store:
        """A new schema holding ``self.plan``."""
        self.schema = "tt_m_" + uuid.uuid4().hex[:12]
        return self.open_store()

    def open_store(self) -> Store:
        """A new connection to the schema."""
        from tuyentruyen.store.postgres import PostgresStore

        store = PostgresStore(self.server(), schema=self.schema)
        if not store.plan_ids():
            store.save_plan(self.plan)
        return store

    def teardown(self) -> None:
        """Close the store and drop the schema."""
        try:
            super().teardown()
        finally:
            schema = getattr(self, "schema", None)
            if schema is not None:
                import psycopg

                with psycopg.connect(self.server(), autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
