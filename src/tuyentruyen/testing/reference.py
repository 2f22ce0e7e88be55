"""The reference model of the testing kit: the task lifecycle, dependencies, the default
permission rule and the official classification, written from the specification
(docs/concepts.md), not from the library's implementation.

Both :func:`tuyentruyen.testing.strategies.event_sequences` (to say what each generated
fire must do) and :class:`tuyentruyen.testing.TrackerStateMachine` (to check the tracker
step by step) use it. It needs nothing but the standard library and tuyentruyen's model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from tuyentruyen.errors import (
    DependencyNotMet,
    EventError,
    InvalidTransition,
    NotPermitted,
    TuyenTruyenError,
    UnknownTask,
)
from tuyentruyen.events import Event
from tuyentruyen.model import Plan
from tuyentruyen.status import Classification

__all__ = ["EVENT_NAMES", "MOVES", "RANK", "Attempt", "ReferenceModel", "deadline_passes"]

# Written from the lifecycle's specification (docs/concepts.md), not from the library.

# Written from the lifecycle's specification (docs/concepts.md), not from the library.

#: The lifecycle: (state, event) -> next state; ``None``: ``accept`` goes to ``done`` after a final
#: report and back to ``in_progress`` after an interim one.
MOVES: Mapping[tuple[str, str], str | None] = {
    ("planned", "issue"): "issued",
    ("issued", "start"): "in_progress",
    ("in_progress", "report"): "reported",
    ("reported", "accept"): None,
    ("reported", "rework"): "in_progress",
    ("planned", "cancel"): "cancelled",
    ("issued", "cancel"): "cancelled",
    ("in_progress", "cancel"): "cancelled",
    ("reported", "cancel"): "cancelled",
}
EVENT_NAMES = ("issue", "start", "report", "accept", "rework", "cancel")
RANK = {"planned": 0, "issued": 1, "in_progress": 2, "reported": 3, "done": 4}
_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
_C = Classification


def deadline_passes(day: date | None) -> datetime | None:
    """The moment a deadline day passes: 00:00 of the next day, plan-local time."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=_ZONE)


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=_ZONE) if moment.tzinfo is None else moment.astimezone(_ZONE)


@attrs.frozen
class Attempt:
    """One attempted fire: the arguments of :meth:`~tuyentruyen.Tracker.fire`.

    ``at`` is ``None`` for "now" (the tracker's clock).
    """

    task: str
    event: str
    actor: str
    at: datetime | None = None
    note: str | None = None
    final: bool | None = None

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``tracker.fire(task, event, **kwargs)``."""
        return {"actor": self.actor, "at": self.at, "note": self.note, "final": self.final}

    def item(self) -> dict[str, Any]:
        """The attempt as one item of ``tracker.fire_many([...])``."""
        return {"task": self.task, "event": self.event, **self.kwargs()}


@attrs.frozen
class _Fact:
    """An event the model accepted."""

    task: str
    event: str
    source: str
    dest: str
    actor: str
    at: datetime
    final: bool | None


class ReferenceModel:
    """The task lifecycle as specified, kept apart from the library's implementation.

    It tells what :meth:`~tuyentruyen.Tracker.fire` must do with an attempt
    (:meth:`expect`: ``None`` when the fire must succeed, else the error class it must
    raise, following the documented order of checks), follows accepted fires
    (:meth:`apply`), rebuilds a state from a recorded log (:meth:`replay`) and
    classifies tasks officially (:meth:`classify`). The permission rule is the default
    policy's: the lead unit issues, starts and reports; the plan's report receiver
    accepts and sends back; the issuer cancels. Actors are unit ids.

    >>> from tuyentruyen.model import Plan, ReportingRule, Task, Unit
    >>> plan = Plan(id="p", title="t", issuer="a", units=[Unit("a", "Ban A")],
    ...             tasks=[Task(id="1", title="x", lead="a")],
    ...             reporting=[ReportingRule(to="a")])
    >>> model = ReferenceModel(plan)
    >>> now = datetime(2023, 3, 1, 9, 0, tzinfo=_ZONE)
    >>> model.expect(Attempt("1", "start", "a"), now).__name__
    'InvalidTransition'
    >>> model.apply(Attempt("1", "issue", "a"), now)
    ('planned', 'issued')
    """

    def __init__(self, plan: Plan, *, allow_future: bool = False) -> None:
        self.plan = plan
        self.allow_future = allow_future
        #: Task id -> current state.
        self.state: dict[str, str] = {t.id: "planned" for t in plan.tasks}
        #: Task id -> rank -> when the task first reached that rank.
        self.reached: dict[str, dict[int, datetime]] = {t.id: {} for t in plan.tasks}
        #: Task id -> time of its latest event.
        self.last: dict[str, datetime] = {}
        #: Task id -> whether its latest report was final.
        self.final: dict[str, bool] = {t.id: False for t in plan.tasks}
        #: Task id -> when it was done.
        self.done_at: dict[str, datetime] = {}
        #: Every accepted event, in order.
        self.facts: list[_Fact] = []

    def copy(self) -> ReferenceModel:
        """An independent copy (to try a batch without committing to it)."""
        twin = type(self)(self.plan, allow_future=self.allow_future)
        twin.state = dict(self.state)
        twin.reached = {k: dict(v) for k, v in self.reached.items()}
        twin.last = dict(self.last)
        twin.final = dict(self.final)
        twin.done_at = dict(self.done_at)
        twin.facts = list(self.facts)
        return twin

    def states(self) -> dict[str, str]:
        """Every task id -> its state."""
        return dict(self.state)

    def possible(self, task: str) -> tuple[str, ...]:
        """Events the lifecycle allows from ``task``'s state."""
        return tuple(e for e in EVENT_NAMES if (self.state[task], e) in MOVES)

    def allowed_actors(self, task: str, event: str) -> tuple[str, ...]:
        """Unit ids that may fire ``event`` on ``task``."""
        spec = self.plan.task(task)
        if event in ("issue", "start", "report"):
            return (spec.lead,)
        if event in ("accept", "rework"):
            receivers = [r.to for r in self.plan.reporting if not r.from_ or spec.lead in r.from_]
            return tuple(dict.fromkeys(receivers)) or (self.plan.issuer,)
        if event == "cancel":
            return (self.plan.issuer,)
        return ()

    def expect(self, attempt: Attempt, now: datetime) -> type[TuyenTruyenError] | None:
        """``None`` if firing ``attempt`` when the clock shows ``now`` must succeed, else
        the error class the tracker must raise."""
        task, event = attempt.task, attempt.event
        if task not in self.state:
            return UnknownTask
        if (self.state[task], event) not in MOVES:
            return InvalidTransition if event in EVENT_NAMES else EventError
        at = _local(now if attempt.at is None else attempt.at)
        if task in self.last and at < self.last[task]:
            return EventError  # before the task's previous event
        if at > _local(now) and not self.allow_future:
            return EventError  # in the future
        if attempt.actor not in self.allowed_actors(task, event):
            return NotPermitted
        if self.blocked(task, event, at):
            return DependencyNotMet
        if attempt.final is not None and event != "report":
            return EventError
        if event == "cancel" and not (attempt.note and attempt.note.strip()):
            return EventError
        return None

    def blocked(self, task: str, event: str, at: datetime) -> bool:
        """Whether a declared dependency of ``task`` guarding ``event`` does not hold at
        ``at``: its task has not reached the required state by then, or was cancelled."""
        at = _local(at)
        for dep in self.plan.task(task).depends_on:
            if event not in dep.events:
                continue
            when = self.reached[dep.task].get(RANK[dep.state])
            if self.state[dep.task] == "cancelled" or when is None or when > at:
                return True
        return False

    def apply(self, attempt: Attempt, now: datetime) -> tuple[str, str]:
        """Follow an accepted ``attempt``; returns ``(source, dest)``."""
        final = attempt.final
        if attempt.event == "report" and final is None:
            final = not self.plan.task(attempt.task).ongoing
        at = _local(now if attempt.at is None else attempt.at)
        return self._move(attempt.task, attempt.event, attempt.actor, at, final)

    def _move(
        self, task: str, event: str, actor: str, at: datetime, final: bool | None
    ) -> tuple[str, str]:
        source = self.state[task]
        if event == "report":
            self.final[task] = bool(final)
        dest = MOVES[(source, event)]
        if dest is None:
            dest = "done" if self.final[task] else "in_progress"
        self.state[task] = dest
        for rank in range(1, RANK.get(dest, 0) + 1):
            self.reached[task].setdefault(rank, at)
        self.last[task] = at
        if dest == "done":
            self.done_at[task] = at
        self.facts.append(_Fact(task, event, source, dest, actor, at, final))
        return source, dest

    @classmethod
    def replay(cls, plan: Plan, events: Iterable[Event]) -> ReferenceModel:
        """The model after the recorded ``events``; raises ``ValueError`` at the first
        event the lifecycle does not allow from the state the earlier ones left."""
        model = cls(plan)
        for ev in events:
            if ev.task not in model.state:
                raise ValueError(f"event #{ev.seq}: unknown task {ev.task!r}")
            source = model.state[ev.task]
            if source != ev.source or (source, ev.event) not in MOVES:
                raise ValueError(
                    f"event #{ev.seq}: {ev.event} of {ev.task} from {ev.source!r}, "
                    f"but the log leaves it {source!r}"
                )
            _, dest = model._move(ev.task, ev.event, ev.actor, _local(ev.at), ev.final)
            if dest != ev.dest:
                raise ValueError(f"event #{ev.seq}: {ev.event} of {ev.task} leads to {dest!r}")
        return model

    def as_of(self, moment: datetime) -> ReferenceModel:
        """The model of the events dated at or before ``moment`` (in log order)."""
        moment = _local(moment)
        model = type(self)(self.plan, allow_future=self.allow_future)
        for f in self.facts:
            if f.at <= moment:
                model._move(f.task, f.event, f.actor, f.at, f.final)
        return model

    def classify(self, task: str, at: datetime) -> Classification:
        """The official classification of ``task`` as of ``at`` (QĐ 42/2014/QĐ-TTg)."""
        at = _local(at)
        if any(f.at > at for f in self.facts):
            return self.as_of(at).classify(task, at)
        spec = self.plan.task(task)
        state = self.state[task]
        end = deadline_passes(spec.window.end)
        if state == "done":
            late = end is not None and self.done_at[task] >= end
            return _C.DONE_LATE if late else _C.DONE_ON_TIME
        if state == "cancelled":
            return _C.CANCELLED
        due = deadline_passes(spec.plan_due) if state == "planned" else None
        limits = [d for d in (end, due) if d is not None]
        if not limits:
            return _C.NO_DEADLINE
        if at >= min(limits):
            return _C.IN_PROGRESS_OVERDUE
        return _C.NOT_STARTED if state in ("planned", "issued") else _C.IN_PROGRESS_ON_TIME
