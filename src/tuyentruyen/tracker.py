"""The Tracker: decides whether an event may happen, records it, answers questions.

Data flows one way: the tracker checks an event (state, dependencies, permission,
time, data), builds an immutable :class:`~tuyentruyen.events.Event`, has the store
record it, and only then changes its own cached state. If the store fails, nothing
changes. The state is always a replay of the log: :meth:`Tracker.replay` rebuilds it.

Per-task state is kept in compact arrays indexed like ``plan.tasks`` (a few dozen bytes
per task), not in one object per task, so 100,000 tasks are ready in well under a
second.
"""

from __future__ import annotations

import difflib
import logging
import math
import os
from array import array
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from tuyentruyen._bulk import gc_paused
from tuyentruyen.clock import Clock, SystemClock
from tuyentruyen.errors import (
    Blocker,
    Conflict,
    DependencyNotMet,
    EventError,
    InvalidTransition,
    NotPermitted,
    PlanError,
    StateFileError,
    TuyenTruyenError,
    UnknownTask,
)
from tuyentruyen.events import Event, EventRow, JSONValue, freeze_data, from_row, to_row
from tuyentruyen.lifecycle import EVENTS, PROGRESS_RANK, STATES, TABLE, possible_events
from tuyentruyen.model import Plan, ReportingRule, Task
from tuyentruyen.plugins import PluginManager, get_plugin_manager
from tuyentruyen.policy import DefaultPolicy, Policy
from tuyentruyen.status import (
    OverdueTask,
    Summary,
    TaskStatus,
    Timeline,
    classify_all,
    due_soon,
    overdue,
    summarize,
)
from tuyentruyen.store import MemoryStore, Store
from tuyentruyen.store.rows import STATE_COLUMNS
from tuyentruyen.timeexpr import ZONE, as_local

__all__ = ["Tracker"]

_log = logging.getLogger("tuyentruyen")

_CODE = {s: i for i, s in enumerate(STATES)}
_CANCELLED = _CODE["cancelled"]
_DONE = _CODE["done"]
_RANK_OF_CODE = bytes(PROGRESS_RANK.get(s, 0) for s in STATES)
_NEVER = -math.inf
_new_event = tuple.__new__
#: The Unix epoch as a naive Asia/Ho_Chi_Minh wall-clock time (valid for UTC+7 dates).
_LOCAL_EPOCH = datetime(1970, 1, 1, 7, 0)
_NO_DATA: Mapping[str, JSONValue] = freeze_data(None)


def _compile_table() -> dict[tuple[int, str], tuple[tuple[int, bool | None], ...]]:
    """Lifecycle table in codes; each edge is (dest, required value of report_final)."""
    out: dict[tuple[int, str], tuple[tuple[int, bool | None], ...]] = {}
    for (source, event), edges in TABLE.items():
        compiled = []
        for edge in edges:
            need: bool | None = None
            if "report_final" in edge.when:
                need = True
            elif "report_final" in edge.unless:
                need = False
            compiled.append((_CODE[edge.dest], need))
        out[(_CODE[source], event)] = tuple(compiled)
    return out


_TABLE = _compile_table()


class _Snapshot:
    """Per-task state arrays: current, or rebuilt as of a past moment."""

    __slots__ = ("count", "done_at", "final", "last", "peak", "reached", "state")

    def __init__(self, n: int) -> None:
        self.state = bytearray(n)
        #: Furthest progress rank reached (see lifecycle.PROGRESS_RANK).
        self.peak = bytearray(n)
        #: reached[r][i]: when task i first reached rank r (inf: not yet). Dependencies
        #: are judged as of the event's own time, so a backdated event cannot slip past.
        self.reached = [array("d", [_NEVER]) * n] + [array("d", [math.inf]) * n for _ in range(4)]
        self.final = bytearray(n)
        self.last = array("d", [_NEVER]) * n
        self.done_at = array("d", [math.inf]) * n
        #: Events recorded per task: the version a shared store checks before writing.
        self.count = array("l", [0]) * n

    def copy(self) -> _Snapshot:
        twin = _Snapshot(0)
        twin.state, twin.peak, twin.final = (
            bytearray(self.state),
            bytearray(self.peak),
            bytearray(self.final),
        )
        twin.reached = [array("d", r) for r in self.reached]
        twin.last, twin.done_at, twin.count = (
            array("d", self.last),
            array("d", self.done_at),
            array("l", self.count),
        )
        return twin

    def apply(self, i: int, dest: int, ts: float, final: bool | None) -> None:
        """Task ``i`` moved to state code ``dest`` at ``ts``; ``final`` is set for reports."""
        self.count[i] += 1
        self.state[i] = dest
        rank = _RANK_OF_CODE[dest]
        peak = self.peak[i]
        if rank > peak:
            self.peak[i] = rank
            while peak < rank:
                peak += 1
                self.reached[peak][i] = ts
        if final is not None:
            self.final[i] = final
        self.last[i] = ts
        self.done_at[i] = ts if dest == _DONE else math.inf


def _report_final(event: str, final: bool | None) -> bool | None:
    """The report-final flag an event sets: a report's (false when unsaid), else none."""
    return bool(final) if event == "report" else None


class Tracker:
    """Tracks the tasks of one plan through their lifecycle.

    Args:
        plan: the plan (checked on construction; an invalid plan raises
            :class:`~tuyentruyen.errors.PlanError`).
        store: where events are kept; an in-memory store by default. Events already
            in the store are replayed.
        policy: who may fire what; :class:`~tuyentruyen.policy.DefaultPolicy` by default.
        clock: where "now" comes from; the system clock by default. Events may not be
            dated after the clock's now unless ``allow_future`` is true.
        allow_future: accept events dated in the clock's future.
        plugins: the plugin manager whose hooks run (``validate_plan`` on construction,
            ``authorize`` before the policy, ``on_event`` after each commit); the
            process's installed plugins by default
            (:func:`tuyentruyen.plugins.get_plugin_manager`).

    Example::

        tracker = Tracker(plan)
        tracker.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 20, 9))
        tracker.state("2.6")  # "issued"
    """

    def __init__(
        self,
        plan: Plan,
        *,
        store: Store | None = None,
        policy: Policy | None = None,
        clock: Clock | None = None,
        allow_future: bool = False,
        plugins: PluginManager | None = None,
    ) -> None:
        plan.validate()
        pm = plugins if plugins is not None else get_plugin_manager()
        extra = [p for found in pm.hook.validate_plan(plan=plan) for p in found or ()]
        if extra:
            raise PlanError(extra)
        self.plugins = pm
        # Hooks are called only when a plugin implements them: no cost otherwise.
        # Implementations are called directly, in pluggy's order (last registered first),
        # each with the arguments it names: a fraction of a general hook call's cost.
        self._judges = _impls(pm.hook.authorize, ("actor", "task", "event", "plan", "at", "note"))
        self._listeners = _impls(pm.hook.on_event, ("event", "task", "plan"))
        self.plan = plan
        self.store: Store = store if store is not None else MemoryStore()
        self.policy: Policy = policy if policy is not None else DefaultPolicy()
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.allow_future = allow_future
        self._index = plan.task_index
        self._tasks = plan.tasks
        self._now = self._snapshot_empty()
        self._deps = self._compile_deps(plan)
        # The log as compact rows (see events.EventRow): events 1.._base are read from
        # the store when first needed (None until then), later ones are kept in _tail.
        self._head: list[EventRow] | None = []
        self._partial = False  # True while peak, final and reached are not read yet
        self._tail: list[EventRow] = []
        self._base = 0
        self._latest = _NEVER
        self._timeline: Timeline | None = None
        # The last state computed as of a past moment: (moment, log size, head, snapshot);
        # the log only grows, so the same size means the same events. An export asks
        # status, summary and overdue at one moment: one replay. Read-only for callers.
        self._past: tuple[float, int, object, _Snapshot] | None = None
        load_tasks = getattr(self.store, "load_tasks", None)
        if load_tasks is not None:
            # A store that keeps each task's state: no replay, the log stays unread.
            self._start_from(*load_tasks(plan))
        else:
            self._load(self.store.load(plan))

    # --- construction -----------------------------------------------------------------

    def _snapshot_empty(self) -> _Snapshot:
        return _Snapshot(len(self._tasks))

    @staticmethod
    def _compile_deps(plan: Plan) -> dict[str, dict[int, tuple[tuple[int, int], ...]]]:
        """``event -> task index -> ((dependency index, required rank), ...)``."""
        index = plan.task_index
        out: dict[str, dict[int, list[tuple[int, int]]]] = {}
        for i, task in enumerate(plan.tasks):
            for dep in task.depends_on:
                for event in dep.events:
                    out.setdefault(event, {}).setdefault(i, []).append(
                        (index[dep.task], PROGRESS_RANK[dep.state])
                    )
        return {e: {i: tuple(v) for i, v in m.items()} for e, m in out.items()}

    @property
    def _seq(self) -> int:
        """Events in the log."""
        return self._base + len(self._tail)

    def _rows(self) -> list[EventRow]:
        """The whole log, oldest first (reads the part before opening, once)."""
        if self._head is None:
            load = self.store.load(self.plan)
            self._head = [to_row(ev) for ev in load[: self._base]]
            if len(self._head) != self._base:
                raise StateFileError(
                    f"the store holds {len(self._head)} events, its task states count "
                    f"{self._base}; run 'tuyentruyen verify'",
                    f"kho lưu có {len(self._head)} sự kiện, trạng thái nhiệm vụ ghi "
                    f"{self._base}; hãy chạy 'tuyentruyen verify'",
                )
        return self._head + self._tail if self._tail else self._head

    def _start_from(self, head: int, columns: Sequence[Sequence[Any]]) -> None:
        """Take each task's state as a store keeps it after ``head`` events: one column
        each of task ids and :data:`~tuyentruyen.store.rows.STATE_COLUMNS` values.

        Columns in the plan's task order (what a store returns for the plan it loaded)
        become the state arrays at C speed; others are first put in that order. Given
        only ``state, version, last_at`` (what :meth:`SQLStore.load_plan` reads along),
        the rest is read from the store before anything needs it (:meth:`_full`).
        """
        n = len(self._tasks)
        ids = tuple(columns[0]) if columns else ()
        if ids != tuple(self._index):
            columns = self._in_plan_order(ids, columns)
            ids = tuple(columns[0])
        self._partial = 0 < len(columns) < len(STATE_COLUMNS) + 1
        if not columns:
            columns = [()] * (len(STATE_COLUMNS) + 1)
        elif self._partial:
            given, names, versions, lasts = columns
            columns = [given, names, versions, (), (), lasts, *([()] * (len(STATE_COLUMNS) - 5))]
        _, names, versions, peaks, finals, lasts, *firsts = columns
        snap = self._now
        try:
            state = bytearray(map(_CODE.__getitem__, names)) if names else bytearray(n)
            peak = bytearray(peaks) if peaks else bytearray(n)
            final = bytearray(finals) if finals else bytearray(n)
        except (KeyError, ValueError, TypeError):
            bad = next(
                (t, s) for t, s, p, f in zip(ids, names, peaks, finals, strict=True)
                if s not in _CODE or not 0 <= p <= 4 or f not in (0, 1)
            )  # fmt: skip
            raise StateFileError(
                f"task {bad[0]!r}: the stored state is damaged ({bad[1]!r}); "
                "run 'tuyentruyen verify'",
                f"nhiệm vụ {bad[0]!r}: trạng thái lưu bị hỏng ({bad[1]!r}); "
                "hãy chạy 'tuyentruyen verify'",
                task=bad[0],
            ) from None
        counted = sum(versions)
        if counted != head:
            raise StateFileError(
                f"the stored task states count {counted} events, the log has {head}; "
                "run 'tuyentruyen verify'",
                f"trạng thái nhiệm vụ lưu ghi {counted} sự kiện, nhật ký có {head}; "
                "hãy chạy 'tuyentruyen verify'",
            )
        if names:
            never, inf = _NEVER, math.inf
            snap.state, snap.peak, snap.final = state, peak, final
            snap.count = array("l", versions)
            snap.last = array("d", [never if x is None else x for x in lasts])
            for rank, times in enumerate(firsts, start=1):
                if times:
                    snap.reached[rank] = array("d", [inf if x is None else x for x in times])
            done = _DONE
            snap.done_at = array(
                "d", [t if c == done else inf for c, t in zip(state, snap.last, strict=True)]
            )
        self._head, self._base = (None if head else []), head
        self._latest = max(snap.last, default=_NEVER)

    def _full(self) -> None:
        """Read the state columns :meth:`_start_from` was not given. The store may have
        moved on meanwhile: then the tracker takes its newer view, as :meth:`refresh`
        would (it has recorded nothing since it opened, or it would be full already)."""
        self._start_from(*self.store.load_tasks(self.plan))  # type: ignore[attr-defined]

    def _full_or_conflict(self, tasks: Iterable[object], notes: bool = False) -> None:
        """:meth:`_full` before firing on ``tasks``; if one of them changed since this
        tracker read it, raise :class:`Conflict` as the store would have (the caller
        decided on what it saw, which is no longer so)."""
        counts, states = array("l", self._now.count), bytes(self._now.state)
        self._full()
        for k, task in enumerate(tasks):
            i = self._index.get(task) if isinstance(task, str) else None
            if i is not None and self._now.count[i] != counts[i]:
                error = Conflict(str(task), STATES[states[i]], STATES[self._now.state[i]])
                if notes:
                    error.add_note(f"fires[{k}]")
                raise error

    def _in_plan_order(
        self, ids: Sequence[str], columns: Sequence[Sequence[Any]]
    ) -> list[list[Any]]:
        """``columns`` rearranged into the plan's task order; a task the plan lacks may
        have no events, a task the store lacks has none."""
        n = len(self._tasks)
        defaults: tuple[Any, ...] = ("planned", 0, 0, 0, None, None, None, None, None)
        if len(columns) == 4:  # partial: state, version, last_at
            defaults = ("planned", 0, None)
        out: list[list[Any]] = [[t.id for t in self._tasks], *([d] * n for d in defaults)]
        for k, task_id in enumerate(ids):
            i = self._index.get(task_id)
            if i is None:
                if columns[2][k]:
                    raise StateFileError(
                        f"the store has events of task {task_id!r}, which the plan does not have",
                        f"kho lưu có sự kiện của nhiệm vụ {task_id!r} không có trong kế hoạch",
                        task=task_id,
                    )
                continue
            for column, values in zip(out[1:], columns[1:], strict=True):
                column[i] = values[k]
        return out

    def _load(self, events: Iterable[Event]) -> None:
        for expected, ev in enumerate(events, start=self._seq + 1):
            i = self._index.get(ev.task)
            if i is None:
                raise StateFileError(
                    f"event #{ev.seq} names task {ev.task!r}, which the plan does not have",
                    f"sự kiện #{ev.seq} nhắc tới nhiệm vụ {ev.task!r} không có trong kế hoạch",
                    task=ev.task,
                )
            if ev.seq != expected:
                raise StateFileError(
                    f"event log out of sequence: expected #{expected}, found #{ev.seq}",
                    f"nhật ký sự kiện sai thứ tự: cần #{expected}, thấy #{ev.seq}",
                    task=ev.task,
                )
            current = STATES[self._now.state[i]]
            if ev.source != current:
                raise StateFileError(
                    f"event #{ev.seq} moves task {ev.task} from {ev.source!r}, "
                    f"but replay has it in {current!r}",
                    f"sự kiện #{ev.seq} chuyển nhiệm vụ {ev.task} từ {ev.source!r}, "
                    f"nhưng khi phát lại nó đang ở {current!r}",
                    task=ev.task,
                )
            edges = _TABLE.get((_CODE[ev.source], ev.event), ())
            if ev.dest not in _CODE or all(code != _CODE[ev.dest] for code, _ in edges):
                raise StateFileError(
                    f"event #{ev.seq}: the lifecycle has no {ev.event!r} from {ev.source!r} "
                    f"to {ev.dest!r} (task {ev.task})",
                    f"sự kiện #{ev.seq}: vòng đời không có {ev.event!r} từ {ev.source!r} "
                    f"sang {ev.dest!r} (nhiệm vụ {ev.task})",
                    task=ev.task,
                )
            ts = ev.at.timestamp()
            if ts < self._now.last[i]:
                raise StateFileError(
                    f"event #{ev.seq} of task {ev.task} is dated before the task's previous event",
                    f"sự kiện #{ev.seq} của nhiệm vụ {ev.task} có thời điểm sớm hơn sự kiện "
                    "trước của nhiệm vụ",
                    task=ev.task,
                )
            self._now.apply(i, _CODE[ev.dest], ts, _report_final(ev.event, ev.final))
            self._tail.append(to_row(ev))
            if ts > self._latest:
                self._latest = ts

    # --- firing -----------------------------------------------------------------------

    def fire(
        self,
        task: str,
        event: str,
        *,
        actor: str,
        at: datetime | None = None,
        note: str | None = None,
        data: Mapping[str, Any] | None = None,
        final: bool | None = None,
    ) -> Event:
        """Fire ``event`` on ``task`` and return the recorded :class:`Event`.

        Checks, in order: the task exists, the event is possible from the task's state,
        the time (not before the task's previous event, not after the clock's now),
        the actor's permission, the task's dependencies, and the note and data. Raises
        the matching :class:`~tuyentruyen.errors.TuyenTruyenError` and changes nothing
        if any check fails.

        Args:
            task: task id, e.g. ``"2.6"``.
            event: ``issue``, ``start``, ``report``, ``accept``, ``rework`` or ``cancel``.
            actor: unit id or name of who fires it.
            at: when (naive means ``Asia/Ho_Chi_Minh``); the clock's now by default.
            note: free text; required for ``cancel`` (the reason).
            data: what a report says: a JSON object (counts, links, attachments).
            final: for ``report`` only: whether this is the final report. Defaults to
                true for ordinary tasks and false for ongoing (*thường xuyên*) ones.
        """
        ev, row, i, dest, ts = self._decide(task, event, actor, at, note, data, final)
        try:
            stored = self.store.append(self.plan, (ev,), (self._now.count[i],))
        except Conflict:
            self.refresh()  # so that a retry sees what the other writer did
            raise
        if stored is not None and (len(stored) != 1 or stored[0].seq != ev.seq):
            # A shared store numbered it after events of other writers: take them all.
            self._load(stored)
            if self._listeners:
                self._announce(stored[-1:])
            return stored[-1]
        # Only now that the store has it does the cached state change.
        self._apply(i, dest, ts, row)
        if self._listeners:
            self._announce((ev,))
        return ev

    def _announce(self, events: Iterable[Event]) -> None:
        """Call the plugins' ``on_event`` for committed ``events``; a plugin that raises
        is logged and the others still run."""
        for ev in events:
            args = (ev, self._tasks[self._index[ev.task]], self.plan)
            for name, function, picks in self._listeners:
                try:
                    if picks is None:
                        function(*args)
                    else:
                        function(*[args[k] for k in picks])
                except Exception:
                    _log.exception("plugin %s: on_event failed for event #%s", name, ev.seq)

    def _decide(
        self,
        task: str,
        event: str,
        actor: str,
        at: datetime | None,
        note: str | None,
        data: Mapping[str, Any] | None,
        final: bool | None,
    ) -> tuple[Event, EventRow, int, int, float]:
        """Every check of :meth:`fire`; returns the event, its log row, the task index,
        the destination state code and the timestamp. Changes nothing."""
        if self._partial:
            self._full_or_conflict([task])
        i = self._index.get(task)
        if i is None:
            raise UnknownTask(task, difflib.get_close_matches(task, list(self._index), n=3))
        snap = self._now
        state = snap.state[i]
        edges = _TABLE.get((state, event))
        if edges is None:
            if event not in EVENTS:
                raise EventError(
                    f"task {task}: unknown event {event!r}; events are {', '.join(EVENTS)}",
                    f"nhiệm vụ {task}: không có sự kiện {event!r}; "
                    f"các sự kiện: {', '.join(EVENTS)}",
                    task=task,
                )
            raise InvalidTransition(task, STATES[state], event, possible_events(STATES[state]))

        if at is None:
            moment = self.clock.now()
        elif at.tzinfo is None:
            moment = at.replace(tzinfo=ZONE)
        else:
            moment = at if at.tzinfo is ZONE else at.astimezone(ZONE)
        year = moment.year
        if not 1900 <= year <= 2200:
            raise EventError(
                f"task {task}: {moment.isoformat()} is outside the years 1900-2200",
                f"nhiệm vụ {task}: {moment.isoformat()} nằm ngoài khoảng năm 1900-2200",
                task=task,
            )
        if year > 1975 and at is not None and at.tzinfo is None:
            # Asia/Ho_Chi_Minh has been UTC+7 without DST since 1975: plain arithmetic.
            ts = (at - _LOCAL_EPOCH).total_seconds()
        else:
            ts = moment.timestamp()
        if ts < snap.last[i]:
            previous = from_row(next(e for e in reversed(self._rows()) if e[1] == task))
            raise EventError(
                f"task {task}: {event!r} at {moment.isoformat()} is before the task's "
                f"previous event ({previous.event} at {previous.at.isoformat()})",
                f"nhiệm vụ {task}: {event!r} lúc {moment.isoformat()} sớm hơn sự kiện trước "
                f"của nhiệm vụ ({previous.event} lúc {previous.at.isoformat()})",
                task=task,
            )
        if at is not None and not self.allow_future:
            now = self.clock.now()
            if moment > now:
                raise EventError(
                    f"task {task}: {event!r} at {moment.isoformat()} is in the future "
                    f"(now is {now.isoformat()}); to record it anyway use allow_future=True "
                    "(CLI: --allow-future)",
                    f"nhiệm vụ {task}: {event!r} lúc {moment.isoformat()} là thời điểm trong "
                    f"tương lai (bây giờ là {now.isoformat()}); nếu vẫn muốn ghi nhận, dùng "
                    "allow_future=True (dòng lệnh: --allow-future)",
                    task=task,
                )

        spec = self._tasks[i]
        verdict = None
        if self._judges:
            args = (actor, spec, event, self.plan, moment, note)
            for _, judge, picks in self._judges:
                verdict = judge(*args) if picks is None else judge(*[args[k] for k in picks])
                if verdict is not None:
                    break
        if verdict is None:
            actor_id = self.policy.check(self.plan, spec, event, actor)
        elif verdict:
            unit = self.plan.unit(actor)
            actor_id = actor if unit is None else unit.id
        else:
            raise NotPermitted(task, event, actor, (), known=self.plan.unit(actor) is not None)

        guarded = self._deps.get(event)
        deps = guarded.get(i) if guarded is not None else None
        if deps is not None:
            reached = snap.reached
            if any(reached[rank][d] > ts or snap.state[d] == _CANCELLED for d, rank in deps):
                raise DependencyNotMet(task, event, self._blocked(snap, deps, ts))

        if event == "report":
            if final is None:
                final = not spec.ongoing
        elif final is not None:
            raise EventError(
                f"task {task}: 'final' applies to 'report' only",
                f"nhiệm vụ {task}: 'final' chỉ dùng cho sự kiện 'report'",
                task=task,
            )
        if event == "cancel" and not (note and note.strip()):
            raise EventError(
                f"task {task}: cancelling needs a reason in 'note'",
                f"nhiệm vụ {task}: hủy nhiệm vụ cần nêu lý do trong 'note'",
                task=task,
            )
        if note is not None and not isinstance(note, str):
            raise EventError(
                f"task {task}: note must be text",
                f"nhiệm vụ {task}: ghi chú phải là văn bản",
                task=task,
            )
        frozen = _NO_DATA if data is None else freeze_data(data, task=task)

        report_final = snap.final[i] == 1
        dest = -1
        for code, need in edges:
            if need is None or need == report_final:
                dest = code
                break
        if dest < 0:  # pragma: no cover - the lifecycle always has a fallback edge
            raise InvalidTransition(task, STATES[state], event, possible_events(STATES[state]))

        seq = self._seq + 1  # provisional: a shared store may renumber
        source, target = STATES[state], STATES[dest]
        ev = _new_event(
            Event, (seq, task, event, source, target, actor_id, moment, note, frozen, final)
        )
        row: EventRow = (
            seq, task, event, source, target, actor_id, moment, note,
            None if frozen is _NO_DATA else frozen, final,
        )  # fmt: skip
        return ev, row, i, dest, ts

    def _apply(self, i: int, dest: int, ts: float, row: EventRow) -> None:
        """Apply a decided event to the current state and the log."""
        self._now.apply(i, dest, ts, row[9])
        self._tail.append(row)
        if ts > self._latest:
            self._latest = ts

    def fire_many(self, fires: Iterable[Mapping[str, Any]]) -> list[Event]:
        """Fire many events in one all-or-nothing transaction.

        Each item holds the arguments of :meth:`fire` (``task``, ``event``, ``actor``
        and optionally ``at``, ``note``, ``data``, ``final``). They are checked in
        order, each seeing the ones before it (``issue`` then ``start`` of one task is
        fine). If any is refused, or the store fails, nothing is recorded and the
        error says which item (``fires[3]``) in its notes.
        """
        if self._partial:
            fires = list(fires)
            self._full_or_conflict([f.get("task") for f in fires], notes=True)
        backup, logged, latest = self._now.copy(), len(self._tail), self._latest
        events: list[Event] = []
        versions: list[int] = []
        k = -1
        try:
            decide, apply, count = self._decide, self._apply, self._now.count
            for k, item in enumerate(fires):
                try:
                    task, event, actor = item["task"], item["event"], item["actor"]
                except KeyError as exc:
                    raise EventError(
                        f"fires[{k}]: missing {exc.args[0]!r}",
                        f"fires[{k}]: thiếu {exc.args[0]!r}",
                    ) from None
                get = item.get
                ev, row, i, dest, ts = decide(
                    task, event, actor, get("at"), get("note"), get("data"), get("final")
                )
                versions.append(count[i])
                apply(i, dest, ts, row)
                events.append(ev)
            stored = self.store.append(self.plan, events, versions) if events else None
        except BaseException as exc:
            self._now, self._latest = backup, latest
            del self._tail[logged:]
            if isinstance(exc, TuyenTruyenError) and k >= 0:
                exc.add_note(f"fires[{k}]")
            if isinstance(exc, Conflict):
                self.refresh()
            raise
        if stored is not None and (len(stored) != len(events) or stored[0].seq != events[0].seq):
            # Other writers committed first: rebuild from the store's numbering.
            self._now, self._latest = backup, latest
            del self._tail[logged:]
            self._load(stored)
            events = list(stored[len(stored) - len(events) :])
        if self._listeners:
            self._announce(events)
        return events

    def refresh(self) -> int:
        """Load events other writers added to a shared store; returns how many."""
        if self._partial:
            before = self._seq
            self._full()
            return self._seq - before
        since = getattr(self.store, "load_since", None)
        if since is None:
            return 0
        events = since(self.plan, self._seq)
        self._load(events)
        return len(events)

    # --- queries ----------------------------------------------------------------------

    def _i(self, task: str) -> int:
        i = self._index.get(task)
        if i is None:
            raise UnknownTask(task, difflib.get_close_matches(task, list(self._index), n=3))
        return i

    def _at(self, at: datetime | None) -> tuple[datetime, _Snapshot]:
        """The moment asked about and the state arrays as of then."""
        moment = self.clock.now() if at is None else as_local(at)
        ts = moment.timestamp()
        if ts >= self._latest:
            return moment, self._now
        rows = self._rows()
        past = self._past
        if past is not None and past[0] == ts and past[1] == len(rows) and past[2] is self._head:
            return moment, past[3]
        snap = self._snapshot_empty()
        for row in rows:
            ev_ts = row[6].timestamp()
            if ev_ts <= ts:
                snap.apply(self._index[row[1]], _CODE[row[4]], ev_ts, _report_final(row[2], row[9]))
        self._past = (ts, len(rows), self._head, snap)
        return moment, snap

    def state(self, task: str, at: datetime | None = None) -> str:
        """The state of ``task`` now, or as of ``at``."""
        i = self._i(task)
        if at is None:
            return STATES[self._now.state[i]]
        return STATES[self._at(at)[1].state[i]]

    def states(self) -> dict[str, str]:
        """Every task id -> its current state."""
        state = self._now.state
        return {t.id: STATES[state[i]] for i, t in enumerate(self._tasks)}

    @property
    def events(self) -> Sequence[Event]:
        """The event log, oldest first."""
        return tuple(map(from_row, self._rows()))

    def reporters(self, start: date, end: date) -> set[str]:
        """Units that recorded a ``report`` dated from ``start`` up to (not including)
        ``end``, local days."""
        found = set()
        for row in self._rows():
            if row[2] == "report" and start <= row[6].date() < end:
                found.add(row[5])
        return found

    def history(self, task: str) -> list[Event]:
        """Events of one task, oldest first."""
        self._i(task)
        return [from_row(e) for e in self._rows() if e[1] == task]

    def blockers(
        self, task: str, at: datetime | None = None, event: str = "start"
    ) -> list[Blocker]:
        """Why ``task`` cannot fire ``event`` (``start`` by default) as of ``at``.

        Lists the built-in rule first (a task starts only once its plan is issued),
        then each declared dependency that does not hold. Empty when nothing blocks.
        ``Blocker.message(lang)`` says it in words.
        """
        i = self._i(task)
        if self._partial:
            self._full()
        moment, snap = self._at(at)
        found: list[Blocker] = []
        state = STATES[snap.state[i]]
        if (snap.state[i], event) not in _TABLE:
            sources = [s for (s, e) in TABLE if e == event]
            required = sources[0] if len(sources) == 1 else " | ".join(sources)
            found.append(Blocker(task, required, state))
        found.extend(self._blocked(snap, self._deps.get(event, {}).get(i, ()), moment.timestamp()))
        return found

    def _blocked(
        self, snap: _Snapshot, deps: Iterable[tuple[int, int]], ts: float
    ) -> list[Blocker]:
        """The dependencies in ``deps`` that do not hold at ``ts``."""
        found = []
        for d, rank in deps:
            when = snap.reached[rank][d]
            if when > ts or snap.state[d] == _CANCELLED:
                later = None
                if ts < when < math.inf and snap.state[d] != _CANCELLED:
                    later = datetime.fromtimestamp(when, ZONE)
                found.append(
                    Blocker(self._tasks[d].id, _RANK_NAME[rank], STATES[snap.state[d]], later)
                )
        return found

    def _timeline_for(self) -> Timeline:
        if self._timeline is None:
            self._timeline = Timeline.of(self.plan)
        return self._timeline

    def status(self, at: datetime | None = None, days: int = 3) -> list[TaskStatus]:
        """Every task's state and official classification as of ``at``."""
        moment, snap = self._at(at)
        return classify_all(self.plan, self._timeline_for(), snap.state, snap.done_at, moment, days)

    def overdue(self, at: datetime | None = None) -> list[OverdueTask]:
        """Tasks past a deadline as of ``at``, each with the deadlines it missed."""
        moment, snap = self._at(at)
        return overdue(self.plan, self._timeline_for(), snap.state, moment)

    def due_soon(self, at: datetime | None = None, days: int = 3) -> list[OverdueTask]:
        """Tasks with a deadline in the next ``days`` days (*sắp quá hạn*)."""
        moment, snap = self._at(at)
        return due_soon(self.plan, self._timeline_for(), snap.state, moment, days)

    def summary(self, at: datetime | None = None) -> Summary:
        """The official classification counted per lead unit, with on-time rates."""
        moment, snap = self._at(at)
        return summarize(self.plan, self._timeline_for(), snap.state, snap.done_at, moment)

    def next_reports(self, at: datetime | None = None) -> list[tuple[ReportingRule, date]]:
        """For each reporting rule, the next day a periodic report is due after ``at``."""
        moment = self.clock.now() if at is None else as_local(at)
        return [(rule, rule.next_due(moment.date())) for rule in self.plan.reporting]

    def task(self, task: str) -> Task:
        """The plan's task with id ``task``."""
        return self._tasks[self._i(task)]

    # --- replay -----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        target: str | os.PathLike[str],
        plan: Plan | None = None,
        *,
        plan_id: str | None = None,
        **kwargs: Any,
    ) -> Tracker:
        """A tracker on the SQL store ``target`` (an SQLite file path, created if missing,
        or a ``postgresql://`` URL).

        With ``plan``, the plan is stored first (added, or updated as
        ``tuyentruyen init`` does); without, the plan is read from the database
        (``plan_id`` chooses when it holds several).
        """
        from tuyentruyen.store import open_store

        store = open_store(target)
        with gc_paused():  # hundreds of thousands of acyclic objects for a large plan
            if plan is None:
                plan = store.load_plan(plan_id)
            else:
                store.save_plan(plan)
            return cls(plan, store=store, **kwargs)

    @classmethod
    def replay(cls, plan: Plan, events: Iterable[Event], **kwargs: Any) -> Tracker:
        """A tracker on a fresh in-memory store holding ``events``, its state rebuilt
        by replaying them (each event is checked against the lifecycle)."""
        store = MemoryStore()
        store.append(plan, list(events))
        return cls(plan, store=store, **kwargs)


def _impls(caller: Any, spec: tuple[str, ...]) -> list[tuple[str, Any, tuple[int, ...] | None]]:
    """``(plugin name, function, positions of its arguments in spec)`` of a hook's
    implementations in call order; positions None when it takes the whole spec."""
    impls = caller.get_hookimpls()
    if any(impl.hookwrapper or impl.wrapper for impl in impls):
        # Wrappers need pluggy's own call: one pseudo-implementation makes it.
        return [(caller.name, lambda *args: caller(**dict(zip(spec, args, strict=True))), None)]
    whole = tuple(range(len(spec)))
    out = []
    for impl in reversed(impls):
        picks = tuple(spec.index(a) for a in impl.argnames)
        out.append((impl.plugin_name, impl.function, None if picks == whole else picks))
    return out


_RANK_NAME = {rank: state for state, rank in PROGRESS_RANK.items()}
