"""Tasks as table rows: what the SQL stores keep in ``tt_tasks`` besides the state.

Since schema 4 a plan's tasks are rows of ``tt_tasks`` (one column per field, the rare
list fields as one JSON column), and ``tt_plans.definition`` holds the rest of the plan.
Other tools can query tasks with plain SQL, and opening a 100,000-task plan builds its
tasks straight from rows instead of re-reading and re-checking a 30 MB document.

The same rows carry each task's current state: the columns the tracker needs to answer
questions without replaying the event log (see :class:`TaskState`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from tuyentruyen.events import Event
from tuyentruyen.lifecycle import PROGRESS_RANK
from tuyentruyen.model import Dependency, Task, Window

__all__ = [
    "INITIAL",
    "LOAD_COLUMNS",
    "SPEC_COLUMNS",
    "STATE_COLUMNS",
    "TaskState",
    "advance",
    "replay_states",
    "spec_row",
    "tasks_from_rows",
]

#: Columns of ``tt_tasks`` holding a task's definition, in :func:`spec_row` order.
SPEC_COLUMNS = (
    "position", "title", "lead", "section", "plan_due", "plan_due_text",
    "window_start", "window_end", "window_text", "ongoing", "extra",
)  # fmt: skip

#: What opening a plan reads of each task, in :func:`tasks_from_rows` order: the
#: definition (in plan order, so without the position) and the state a summary needs.
LOAD_COLUMNS = ("task_id", *SPEC_COLUMNS[1:], "state", "version", "last_at")

#: Columns of ``tt_tasks`` holding a task's current state, in :class:`TaskState` order.
STATE_COLUMNS = (
    "state", "version", "peak", "final", "last_at",
    "first_issued_at", "first_started_at", "first_reported_at", "first_done_at",
)  # fmt: skip

#: The lifecycle's progress ranks 1..4, in the order of the ``first_*_at`` columns.
RANKS = tuple(sorted(r for r in PROGRESS_RANK.values() if r > 0))


class TaskState(NamedTuple):
    """One task's state as stored: what replaying its events would give."""

    state: str
    #: Events recorded for the task (the optimistic-concurrency version).
    version: int
    #: Furthest progress rank reached (0 planned/cancelled only, 4 done).
    peak: int
    #: Whether the latest report was final (0 or 1).
    final: int
    #: Unix time of the task's latest event, None before the first.
    last_at: float | None
    first_issued_at: float | None
    first_started_at: float | None
    first_reported_at: float | None
    first_done_at: float | None


#: The state of a task without events.
INITIAL = TaskState("planned", 0, 0, 0, None, None, None, None, None)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def spec_row(position: int, task: Task) -> tuple[Any, ...]:
    """The :data:`SPEC_COLUMNS` values of ``task`` at ``position`` in its plan."""
    extra: dict[str, Any] = {}
    if task.content:
        extra["content"] = list(task.content)
    if task.support:
        extra["support"] = list(task.support)
    if task.support_other:
        extra["support_other"] = list(task.support_other)
    if task.depends_on:
        extra["depends_on"] = [
            {"task": d.task, "state": d.state, "events": list(d.events)} for d in task.depends_on
        ]
    return (
        position, task.title, task.lead, task.section, _iso(task.plan_due), task.plan_due_text,
        _iso(task.window.start), _iso(task.window.end), task.window_text, int(task.ongoing),
        json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None,
    )  # fmt: skip


def tasks_from_rows(rows: Iterable[Sequence[Any]]) -> list[Task]:
    """Tasks from rows of :data:`LOAD_COLUMNS` (as :func:`spec_row` wrote them).

    Equal days and windows are shared between tasks (a plan has few distinct days, and
    100,000 tasks should not hold 100,000 equal windows). One plain loop: this is most
    of the time it takes to open a large plan.
    """
    days: dict[str | None, date | None] = {None: None}
    windows: dict[tuple[str | None, str | None], Window] = {(None, None): Window()}
    day, window_of, fromiso = days.get, windows.get, date.fromisoformat
    none: tuple[()] = ()
    out: list[Task] = []
    add = out.append
    for (
        task_id,
        title,
        lead,
        section,
        due,
        due_text,
        start,
        end,
        w_text,
        ongoing,
        extra,
        *_,
    ) in rows:
        window = window_of((start, end))
        if window is None:
            first = day(start) if start in days else days.setdefault(start, fromiso(start))
            last = day(end) if end in days else days.setdefault(end, fromiso(end))
            window = windows[(start, end)] = Window(first, last)
        plan_due = day(due) if due in days else days.setdefault(due, fromiso(due))
        if extra is None:
            add(Task(
                task_id, title, lead, section, none, none, none, plan_due, due_text, window,
                w_text, ongoing == 1, none,
            ))  # fmt: skip
            continue
        more = json.loads(extra)
        add(Task(
            task_id, title, lead, section, tuple(more.get("content", none)),
            tuple(more.get("support", none)), tuple(more.get("support_other", none)),
            plan_due, due_text, window, w_text, ongoing == 1,
            tuple(
                Dependency(d["task"], d["state"], tuple(d["events"]))
                for d in more.get("depends_on", none)
            ),
        ))  # fmt: skip
    return out


def advance(before: TaskState, dest: str, ts: float, final: bool | None) -> TaskState:
    """A task's state after an event to ``dest`` at Unix time ``ts`` (``final``: a
    report's flag, None for other events): what the store's update computes in SQL."""
    rank = PROGRESS_RANK.get(dest, 0)
    firsts = tuple(
        ts if old is None and rank >= r else old for r, old in zip(RANKS, before[5:], strict=True)
    )
    return TaskState(
        dest, before.version + 1, max(before.peak, rank),
        before.final if final is None else int(final), ts, *firsts,
    )  # fmt: skip


def replay_states(events: Iterable[Event]) -> dict[str, TaskState]:
    """Every task's state after ``events`` (tasks without events are left out)."""
    states: dict[str, TaskState] = {}
    for ev in events:
        final = bool(ev.final) if ev.event == "report" else None
        states[ev.task] = advance(states.get(ev.task, INITIAL), ev.dest, ev.at.timestamp(), final)
    return states
