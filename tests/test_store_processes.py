"""Real worker processes on one database (SQLite and PostgreSQL).

Each process opens its own store (its own connection). With the ``fork`` start method
a child inherits the parent's open connection objects but never touches them: it opens
a store of its own and leaves through ``os._exit``, which runs no finalizers.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from tuyentruyen import Conflict, FixedClock, Plan, Task, Tracker, Unit
from tuyentruyen.lifecycle import FINAL_STATES, TABLE
from tuyentruyen.store import SQLiteStore, SQLStore
from tuyentruyen.store.postgres import PostgresStore

OpenStore = Callable[..., SQLStore]
#: (kind, target, schema): how a child process opens the test's database.
Spec = tuple[str, str, str | None]

AT = datetime(2023, 3, 20, 9, 0)
CLOCK_AT = datetime(2023, 12, 31, 17, 0)
CTX = multiprocessing.get_context("fork")


def plan_of(n: int, plan_id: str) -> Plan:
    return Plan(
        id=plan_id,
        title=f"Kế hoạch {n} nhiệm vụ",
        issuer="a",
        units=[Unit("a", "Đơn vị A")],
        tasks=[Task(f"{k // 100 + 1}.{k % 100 + 1}", f"Nhiệm vụ {k}", lead="a") for k in range(n)],
    )


def spec_of(store: SQLStore) -> Spec:
    if isinstance(store, SQLiteStore):
        return ("sqlite", str(store.path), None)
    assert isinstance(store, PostgresStore)
    return ("postgres", store.dsn, store.schema)


def open_spec(spec: Spec) -> SQLStore:
    kind, target, schema = spec
    if kind == "sqlite":
        return SQLiteStore(target)
    return PostgresStore(target, schema=schema)


def rows(store: SQLStore, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    with store._read() as cur:  # a read on the store's own connection
        cur.execute(store._q(statement), params)
        return [tuple(r) for r in cur.fetchall()]


def check_database(store: SQLStore, plan: Plan) -> list[Any]:
    """Everything that must hold after concurrent or interrupted writers; returns the
    plan's events."""
    report = store.verify()
    assert report.ok, report.broken
    events = list(store.load(plan))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))  # no gap, no repeat
    seqs = rows(store, "SELECT seq FROM tt_events WHERE plan_id = ? ORDER BY seq", plan.id)
    assert [s for (s,) in seqs] == list(range(1, len(events) + 1))
    assert rows(store, "SELECT count(*) FROM tt_outbox WHERE plan_id = ?", plan.id) == [
        (len(events),)
    ]
    # Every task's history is a path through the lifecycle, from planned.
    history: dict[str, list[Any]] = {t.id: [] for t in plan.tasks}
    for ev in events:
        history[ev.task].append(ev)
    stored = {
        task: (state, version)
        for task, state, version in rows(
            store, "SELECT task_id, state, version FROM tt_tasks WHERE plan_id = ?", plan.id
        )
    }
    for task, evs in history.items():
        state = "planned"
        for ev in evs:
            assert ev.source == state, (task, ev)
            assert ev.dest in {edge.dest for edge in TABLE[(ev.source, ev.event)]}, (task, ev)
            state = ev.dest
        assert stored[task] == (state, len(evs)), task
    # And the states are those a serial replay of the log gives.
    replayed = Tracker.replay(plan, events).states()
    assert replayed == {task: state for task, (state, _) in stored.items()}
    assert Tracker(plan, store=store, clock=FixedClock(CLOCK_AT)).states() == replayed
    return events


# --- 8 processes, conflicting fires on the same 100 tasks ---------------------------

WORKERS = 8
TASKS = 100
ATTEMPTS_PER_TASK = 12


def _next_event(state: str, rng: random.Random) -> str:
    if state != "planned" and rng.random() < 0.03:
        return "cancel"
    if state == "reported":
        return "accept" if rng.random() < 0.6 else "rework"
    return {"planned": "issue", "issued": "start", "in_progress": "report"}[state]


def _conflicting_worker(spec: Spec, plan_id: str, seed: int, start: Any, result: Any) -> None:
    try:
        store = open_spec(spec)
        plan = store.load_plan(plan_id)
        tracker = Tracker(plan, store=store, clock=FixedClock(CLOCK_AT))
        rng = random.Random(seed)
        ids = [t.id for t in plan.tasks]
        offset = rng.randrange(5)  # nearly the same order: many processes on one task
        ids = ids[offset:] + ids[:offset]
        fired = conflicts = 0
        start.wait(60)  # all open first, then all go: the trackers start stale
        for task in ids:
            for _ in range(ATTEMPTS_PER_TASK):
                state = tracker.state(task)
                if state in FINAL_STATES:
                    break
                event = _next_event(state, rng)
                try:
                    tracker.fire(
                        task, event, actor="a", at=AT, note="hủy" if event == "cancel" else None
                    )
                except Conflict:
                    conflicts += 1  # the tracker refreshed; decide again
                    continue
                fired += 1
                # Let go for a moment: without it, one SQLite writer can take the lock
                # back before the others' busy handlers wake, and the run is serial.
                time.sleep(rng.random() * 0.002)
        store.close()  # type: ignore[attr-defined]
        result.put(("ok", fired, conflicts))
    except BaseException:
        result.put(("error", traceback.format_exc(), 0))


def test_eight_processes_firing_conflicting_events(open_sql_store: OpenStore) -> None:
    store = open_sql_store()
    plan = plan_of(TASKS, "dong-thoi")
    store.save_plan(plan)
    start = CTX.Barrier(WORKERS + 1)
    result = CTX.Queue()
    procs = [
        CTX.Process(target=_conflicting_worker, args=(spec_of(store), plan.id, seed, start, result))
        for seed in range(WORKERS)
    ]
    for p in procs:
        p.start()
    start.wait(60)
    # Audit while they write: every report on a consistent view must be clean.
    verified = []
    while any(p.is_alive() for p in procs) and len(verified) < 50:
        verified.append(store.verify(plan.id))
        time.sleep(0.01)
    outcomes = [result.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    errors = [o[1] for o in outcomes if o[0] != "ok"]
    assert not errors, errors[0]
    assert [r.broken for r in verified if not r.ok] == []

    fired = sum(o[1] for o in outcomes)
    conflicts = sum(o[2] for o in outcomes)
    events = check_database(store, plan)
    assert len(events) == fired  # every successful fire is one row, none lost or doubled
    assert conflicts > 0  # the processes did get in each other's way
    states = Tracker(plan, store=store, clock=FixedClock(CLOCK_AT)).states()
    assert set(states.values()) <= FINAL_STATES | {"in_progress", "reported", "issued"}
    assert sum(s in FINAL_STATES for s in states.values()) > TASKS // 2


# --- SIGKILL in the middle of a large batch -------------------------------------------

BATCH = 1_000
CRASH_TASKS = 5_000
NEXT = {"planned": "issue", "issued": "start", "in_progress": "report", "reported": "accept"}


def _batch_writer(spec: Spec, plan_id: str, committed: Any) -> None:
    """Advance tasks by batches of BATCH events, one transaction each, until all are
    done; after each commit, publish the plan's last seq."""
    store = open_spec(spec)
    plan = store.load_plan(plan_id)
    tracker = Tracker(plan, store=store, clock=FixedClock(CLOCK_AT))
    committed.value = len(tracker.events)
    while True:
        states = tracker.states()
        todo = [task for task, state in states.items() if state != "done"][:BATCH]
        if not todo:
            break
        done = tracker.fire_many(
            [{"task": task, "event": NEXT[states[task]], "actor": "a", "at": AT} for task in todo]
        )
        committed.value = done[-1].seq
    store.close()  # type: ignore[attr-defined]


def _kill_mid_batch(spec: Spec, plan_id: str, after: int, rng: random.Random) -> int:
    """Start a batch writer, SIGKILL it once ``after`` events are committed (plus a
    random moment, to land inside a later batch); returns the last seq it reported."""
    committed = CTX.RawValue("q", -1)
    proc = CTX.Process(target=_batch_writer, args=(spec, plan_id, committed))
    proc.start()
    deadline = time.monotonic() + 60
    while committed.value < after and proc.is_alive() and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(rng.uniform(0, 0.05))
    assert proc.is_alive(), "the writer finished (or died) before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)  # type: ignore[arg-type]
    proc.join(30)
    assert proc.exitcode == -signal.SIGKILL
    return int(committed.value)


def test_a_writer_killed_mid_batch_leaves_the_last_committed_state(
    open_sql_store: OpenStore,
) -> None:
    store = open_sql_store()
    plan = plan_of(CRASH_TASKS, "sigkill")
    store.save_plan(plan)
    spec = spec_of(store)
    rng = random.Random(20231030)
    total = CRASH_TASKS * len(NEXT)
    previous = 0
    for after in (2 * BATCH, 9 * BATCH):  # kill, reopen, let a new writer go on, kill again
        acknowledged = _kill_mid_batch(spec, plan.id, after, rng)
        with open_spec(spec) as again:  # type: ignore[attr-defined]
            if isinstance(again, SQLiteStore):
                assert rows(again, "PRAGMA integrity_check") == [("ok",)]
            events = check_database(again, plan)
        count = len(events)
        assert count % BATCH == 0  # a batch is all or nothing
        # Every batch the writer saw committed is there; at most the one in flight more.
        assert acknowledged <= count <= acknowledged + BATCH
        assert previous < count < total
        previous = count
    # A writer after the crashes finishes the job on the recovered database.
    committed = CTX.RawValue("q", -1)
    proc = CTX.Process(target=_batch_writer, args=(spec, plan.id, committed))
    proc.start()
    proc.join(120)
    assert proc.exitcode == 0
    assert committed.value == total
    with open_spec(spec) as final:  # type: ignore[attr-defined]
        assert len(check_database(final, plan)) == total
        assert set(Tracker(plan, store=final).states().values()) == {"done"}


@pytest.fixture(autouse=True)
def _no_leftover_children() -> Any:
    yield
    for child in multiprocessing.active_children():  # started by this test, if it failed
        child.kill()
        child.join(10)
