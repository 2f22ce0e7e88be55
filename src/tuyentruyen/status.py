"""On-time / overdue classification and per-unit summaries.

The official scheme (rules following QĐ 42/2014/QĐ-TTg and provincial versions) puts
every task in one class at a given moment:

========================  ==========================  =======================================
class                     Vietnamese                  when
========================  ==========================  =======================================
``NOT_STARTED``           chưa thực hiện              planned or issued, no deadline missed
``IN_PROGRESS_ON_TIME``   đang thực hiện trong hạn    in progress or reported, on time
``IN_PROGRESS_OVERDUE``   đang thực hiện quá hạn      not done and a deadline has passed
``DONE_ON_TIME``          hoàn thành đúng hạn         done by the end of its window (or
                                                      it has no end)
``DONE_LATE``             hoàn thành quá hạn          done after the end of its window
``NO_DEADLINE``           không hạn                   not done, no deadline applies
``CANCELLED``             đã hủy                      cancelled (outside every rate)
========================  ==========================  =======================================

Deadlines: a task not yet issued must be issued by its ``plan_due`` (*thời gian ban hành
kế hoạch*); every task must be done by the end of its window. A deadline day D passes
at 00:00 of D+1 in ``Asia/Ho_Chi_Minh``. Once a task is issued, only the window end
still applies to it. A task that missed a deadline counts as *đang thực hiện quá hạn*
whatever its state: in the official tables an assigned task is being carried out from
the moment it is assigned. *Sắp quá hạn* (due soon, within ``days`` days, 3 by default)
is a warning flag on top of the class, not a class.

Per-unit tables (:func:`summarize`) count by lead unit: total (cancelled excluded),
due (*đến hạn*: tasks already judged, i.e. done, or not done with a deadline passed; so
due = done on time + done late + not done overdue), done on time / late, not done on
time / overdue, and the on-time rate = done on time / due x 100.
"""

from __future__ import annotations

import enum
import functools
import math
from array import array
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import attrs

from tuyentruyen._bulk import gc_paused
from tuyentruyen.lifecycle import STATES
from tuyentruyen.model import Plan, Task
from tuyentruyen.timeexpr import end_of_day

__all__ = [
    "Classification",
    "Deadline",
    "OverdueTask",
    "Summary",
    "TaskStatus",
    "Timeline",
    "UnitSummary",
]

_PLANNED = STATES.index("planned")
_ISSUED = STATES.index("issued")
_DONE = STATES.index("done")
_CANCELLED = STATES.index("cancelled")
_INF = math.inf


class Classification(enum.Enum):
    """The official classification of a task at a moment."""

    NOT_STARTED = "not_started"
    IN_PROGRESS_ON_TIME = "in_progress_on_time"
    IN_PROGRESS_OVERDUE = "in_progress_overdue"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    NO_DEADLINE = "no_deadline"
    CANCELLED = "cancelled"

    def label(self, lang: str = "vi") -> str:
        """The class in words."""
        return _LABELS[lang if lang in _LABELS else "vi"][self]


_C = Classification
_LABELS = {
    "vi": {
        _C.NOT_STARTED: "chưa thực hiện",
        _C.IN_PROGRESS_ON_TIME: "đang thực hiện trong hạn",
        _C.IN_PROGRESS_OVERDUE: "đang thực hiện quá hạn",
        _C.DONE_ON_TIME: "hoàn thành đúng hạn",
        _C.DONE_LATE: "hoàn thành quá hạn",
        _C.NO_DEADLINE: "không hạn",
        _C.CANCELLED: "đã hủy",
    },
    "en": {
        _C.NOT_STARTED: "not started",
        _C.IN_PROGRESS_ON_TIME: "in progress, on time",
        _C.IN_PROGRESS_OVERDUE: "in progress, overdue",
        _C.DONE_ON_TIME: "done on time",
        _C.DONE_LATE: "done late",
        _C.NO_DEADLINE: "no deadline",
        _C.CANCELLED: "cancelled",
    },
}
_ORDER = tuple(Classification)


@attrs.frozen
class Deadline:
    """A deadline of a task: ``kind`` is ``plan_due`` (issue the sub-plan) or
    ``window_end`` (finish the work)."""

    kind: str
    day: date

    def label(self, lang: str = "vi") -> str:
        """The deadline in words: "ban hành kế hoạch trước hết ngày 30/4/2023"."""
        d = f"{self.day.day}/{self.day.month}/{self.day.year}"
        if lang == "en":
            what = "issue the plan" if self.kind == "plan_due" else "finish"
            return f"{what} by {d}"
        what = "ban hành kế hoạch" if self.kind == "plan_due" else "hoàn thành"
        return f"{what} chậm nhất ngày {d}"


@attrs.frozen
class TaskStatus:
    """A task's state and classification at a moment."""

    task: Task
    state: str
    classification: Classification
    #: The deadline that applies now (None when none does).
    deadline: Deadline | None
    #: A deadline falls within the warning period (*sắp quá hạn*).
    due_soon: bool


@attrs.frozen
class OverdueTask:
    """A task with the deadlines it missed (or, for ``due_soon``, is about to miss)."""

    task: Task
    state: str
    deadlines: tuple[Deadline, ...]


@attrs.frozen
class UnitSummary:
    """Counts for one lead unit (or for the whole plan)."""

    unit: str
    total: int = 0
    due: int = 0
    done_on_time: int = 0
    done_late: int = 0
    not_done_on_time: int = 0
    not_done_overdue: int = 0
    cancelled: int = 0
    #: Count per classification.
    by_class: tuple[tuple[Classification, int], ...] = ()

    @property
    def on_time_rate(self) -> float | None:
        """Done on time / due x 100, or None when nothing is due yet."""
        return None if self.due == 0 else round(100.0 * self.done_on_time / self.due, 1)


@attrs.frozen
class Summary:
    """Per-lead-unit table at a moment, plus the plan total."""

    at: datetime
    rows: tuple[UnitSummary, ...]
    total: UnitSummary


class Timeline:
    """Deadline instants of every task, as timestamps, computed once per plan."""

    __slots__ = ("due", "end", "lead", "leads")

    def __init__(
        self, due: array[float], end: array[float], lead: array[int], leads: list[str]
    ) -> None:
        self.due = due
        self.end = end
        self.lead = lead
        self.leads = leads

    @classmethod
    def of(cls, plan: Plan) -> Timeline:
        """Precompute deadline timestamps and lead-unit codes for ``plan``."""
        cache: dict[date | None, float] = {None: _INF}
        leads: dict[str, int] = {}
        n = len(plan.tasks)
        due, end = array("d", bytes(8 * n)), array("d", bytes(8 * n))
        lead = array("i", bytes(4 * n))
        get, code = cache.get, leads.setdefault

        def ts(day: date) -> float:
            found = cache[day] = end_of_day(day).timestamp()
            return found

        for i, t in enumerate(plan.tasks):  # one plain loop: 100,000 tasks in ~50 ms
            lead[i] = code(t.lead, len(leads))
            day = t.plan_due
            due[i] = get(day) or ts(day)  # type: ignore[arg-type]
            day = t.window.end
            end[i] = get(day) or ts(day)  # type: ignore[arg-type]
        return cls(due, end, lead, list(leads))


def _code(state: int, due: float, end: float, done_at: float, now: float) -> int:
    """Index into ``_ORDER`` for one task (hot loop: plain comparisons only)."""
    if state == _DONE:
        return 3 if done_at < end else 4
    if state == _CANCELLED:
        return 6
    limit = (due if due < end else end) if state == _PLANNED else end
    if limit == _INF:
        return 5
    if now >= limit:
        return 2
    return 0 if state <= _ISSUED else 1


@functools.lru_cache(maxsize=4096)
def _deadline(kind: str, day: date) -> Deadline:
    """Shared Deadline values: a plan has few distinct deadline days, and overdue lists
    over 100,000 tasks should not build 100,000 equal objects."""
    return Deadline(kind, day)


def _soon(at: datetime, days: int) -> float:
    """Deadlines passing by the end of ``days`` calendar days after ``at`` are "due soon"."""
    return end_of_day(at.date() + timedelta(days=days)).timestamp()


def classify_all(
    plan: Plan, tl: Timeline, state: bytearray, done_at: array[float], at: datetime, days: int = 3
) -> list[TaskStatus]:
    """Every task's :class:`TaskStatus` at ``at``."""
    now = at.timestamp()
    soon = _soon(at, days)
    out: list[TaskStatus] = []
    add = out.append
    due, end = tl.due, tl.end
    with gc_paused():  # 100,000 new objects, none of them in a cycle
        for i, task in enumerate(plan.tasks):
            s = state[i]
            cls = _ORDER[_code(s, due[i], end[i], done_at[i], now)]
            if s in (_DONE, _CANCELLED):
                add(TaskStatus(task, STATES[s], cls, None, False))
                continue
            # The earlier of the deadlines that apply (plan_due only before issuing;
            # on a tie, plan_due).
            day, last = (task.plan_due if s == _PLANNED else None), task.window.end
            if day is not None and (last is None or day <= last):
                deadline: Deadline | None = _deadline("plan_due", day)
            else:
                deadline = None if last is None else _deadline("window_end", last)
            limit = due[i] if s == _PLANNED and due[i] < end[i] else end[i]
            add(TaskStatus(task, STATES[s], cls, deadline, now < limit <= soon))
    return out


def overdue(plan: Plan, tl: Timeline, state: bytearray, at: datetime) -> list[OverdueTask]:
    """Tasks not done and past a deadline at ``at``."""
    now = at.timestamp()
    due, end = tl.due, tl.end
    out = []
    for i, s in enumerate(state):
        if s in (_DONE, _CANCELLED):
            continue
        late_due = s == _PLANNED and now >= due[i]
        late_end = now >= end[i]
        if late_due or late_end:
            task = plan.tasks[i]
            found = []
            if late_due:
                assert task.plan_due is not None
                found.append(_deadline("plan_due", task.plan_due))
            if late_end:
                assert task.window.end is not None
                found.append(_deadline("window_end", task.window.end))
            out.append(OverdueTask(task, STATES[s], tuple(found)))
    return out


def deadline_hits(
    plan: Plan, tl: Timeline, state: bytearray, at: datetime, days: int
) -> list[tuple[int, str, date, bool]]:
    """Every unmet deadline that is past at ``at`` or falls within ``days`` calendar
    days after it: ``(task index, "plan_due" or "window_end", day, past)``. What
    :func:`overdue` and :func:`due_soon` report together, without building their objects
    (reminders scan 100,000 tasks)."""
    now = at.timestamp()
    soon = _soon(at, days)
    due, end, tasks = tl.due, tl.end, plan.tasks
    out: list[tuple[int, str, date, bool]] = []
    add = out.append
    for i, s in enumerate(state):
        if s in (_DONE, _CANCELLED):
            continue
        if s == _PLANNED and due[i] <= soon:
            add((i, "plan_due", tasks[i].plan_due, now >= due[i]))  # type: ignore[arg-type]
        if end[i] <= soon:
            add((i, "window_end", tasks[i].window.end, now >= end[i]))  # type: ignore[arg-type]
    return out


def due_soon(
    plan: Plan, tl: Timeline, state: bytearray, at: datetime, days: int = 3
) -> list[OverdueTask]:
    """Tasks with a deadline in ``(at, at + days]`` that they have not met yet, and none
    already missed (an overdue task is listed by :func:`overdue`, not here)."""
    now = at.timestamp()
    soon = _soon(at, days)
    out = []
    for i, s in enumerate(state):
        if s in (_DONE, _CANCELLED):
            continue
        if (s == _PLANNED and now >= tl.due[i]) or now >= tl.end[i]:
            continue  # already overdue
        task = plan.tasks[i]
        found = []
        if s == _PLANNED and now < tl.due[i] <= soon:
            assert task.plan_due is not None
            found.append(_deadline("plan_due", task.plan_due))
        if now < tl.end[i] <= soon:
            assert task.window.end is not None
            found.append(_deadline("window_end", task.window.end))
        if found:
            out.append(OverdueTask(task, STATES[s], tuple(found)))
    return out


def summarize(
    plan: Plan, tl: Timeline, state: bytearray, done_at: array[float], at: datetime
) -> Summary:
    """Counts per lead unit (in order of first appearance) and for the whole plan."""
    now = at.timestamp()
    n_units = len(tl.leads)
    counts = [[0] * 7 for _ in range(n_units)]
    due_counts = [0] * n_units
    due, end, lead = tl.due, tl.end, tl.lead
    for i, s in enumerate(state):
        c = _code(s, due[i], end[i], done_at[i], now)
        u = lead[i]
        counts[u][c] += 1
        if 2 <= c <= 4:  # done (on time or late), or not done and overdue
            due_counts[u] += 1
    rows = tuple(_row(unit, counts[u], due_counts[u]) for u, unit in enumerate(tl.leads))
    totals = [sum(col) for col in zip(*counts, strict=True)] if counts else [0] * 7
    return Summary(at, rows, _row("", totals, sum(due_counts)))


def _row(unit: str, c: Sequence[int], due: int) -> UnitSummary:
    return UnitSummary(
        unit=unit,
        total=sum(c) - c[6],
        due=due,
        done_on_time=c[3],
        done_late=c[4],
        not_done_on_time=c[0] + c[1] + c[5],
        not_done_overdue=c[2],
        cancelled=c[6],
        by_class=tuple((cls, c[k]) for k, cls in enumerate(_ORDER)),
    )
