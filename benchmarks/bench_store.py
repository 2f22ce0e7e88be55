"""Store benchmark: tuyentruyen's SQLite and PostgreSQL stores vs bare DB-API baselines.

Run from the repository root::

    .venv/bin/python benchmarks/bench_store.py            # full sizes, a few minutes
    .venv/bin/python benchmarks/bench_store.py --quick    # small sizes, under ~30 s
    .venv/bin/python benchmarks/bench_store.py --check    # exit 1 if a target is missed
    .venv/bin/python benchmarks/bench_store.py --only pg  # one section (batch, single, pg, large)

Everything runs in one invocation, side by side, on temporary files (and a fresh
PostgreSQL schema ``bench_<uuid>`` dropped at the end). The baselines write the same
kind of rows as the library: a task row ``(plan_id, task_id, state, version)`` updated
with its version checked, and an event row with the columns of ``tt_events``, inserted
per event. They do not write the library's outbox rows, plan head, foreign keys or
(except where said) hash chain: they are the floor the library is compared with.

1. *SQLite, batches of 10,000 events in one transaction*: ``tracker.fire_many(...)``
   (every check of ``fire``, the hash chain, outbox rows, the version-checked task
   update) vs bare ``sqlite3`` (WAL, ``synchronous=NORMAL``; ``executemany`` of the
   event rows and of the task updates, one ``BEGIN IMMEDIATE ... COMMIT``). Also the
   bare baseline with a SHA-256 chain computed in Python, and, as a diagnostic, the
   store alone (``SQLiteStore.append`` of pre-built events: no tracker checks). Four
   batches per run (issue, start, report, accept on 10,000 tasks); best of 3 runs.
2. *SQLite, one transaction per fire*: ``tracker.fire(...)`` vs bare
   ``BEGIN IMMEDIATE; INSERT; UPDATE; COMMIT`` per event; the store alone as a
   diagnostic.
3. *PostgreSQL, 4 processes* (``--procs``): each process opens its own tracker on its
   own connection and fires the full lifecycle on its own slice of the tasks (disjoint),
   vs bare ``psycopg`` doing the same INSERT + version-checked UPDATE per transaction
   from the same number of processes. Rates are events / (last end - first start),
   all processes released together by a barrier; best of 2 runs (fresh tasks each,
   the order of the contenders alternated). One-process rows are diagnostics.
   Then *conflicting tasks*: every process drives the same tasks through their
   lifecycle, retrying on ``Conflict``; checked afterwards: the events in the database
   equal the successful fires, the task versions add up to the events, every task is
   done, and ``verify`` passes. Skipped with a note if PostgreSQL is unreachable
   (``--dsn``, default ``$TUYENTRUYEN_PG_DSN`` or
   ``postgresql://postgres@127.0.0.1:5432/test``).
4. *Large SQLite databases*: a 100,000-task database (0-4 events per task, about two
   on average) is built with ``fire_many``; then ``Tracker.open(path)`` followed by
   ``summary(at)`` is timed (best of 3, the first run shown too; with a breakdown).
   And ``SQLiteStore.verify()`` of a 1,000,000-event database (250,000 tasks through
   the four events, built with ``SQLiteStore.append`` in batches of 50,000).

Targets (issue 3): fire_many within 3x of bare ``executemany``; fire within 5x of bare
one-transaction-per-event; PostgreSQL within 3x of bare psycopg from 4 processes and
zero lost updates with conflicting tasks; open + ``summary(at)`` of 100,000 tasks
<= 1 s; ``verify`` of 1,000,000 events <= 10 s. ``--quick`` uses 20,000 tasks and
100,000 events for section 4 and scales those time limits linearly (the printout says
so); the ratio targets do not scale.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import multiprocessing as mp
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from tuyentruyen import Conflict, Event, FixedClock, Plan, ReportingRule, Task, Tracker, Unit
from tuyentruyen import Window as TaskWindow
from tuyentruyen.store import SQLiteStore
from tuyentruyen.timeexpr import ZONE

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the shared _report module
from _report import Report, Target, fmt_s, pkg, print_targets

# --- sizes -----------------------------------------------------------------------------

BATCH = 10_000  # events per fire_many call (the target is stated for this size)
N_UNITS = 50
RECEIVER = "u0"
CLOCK_NOW = datetime(2030, 1, 1)
BASE_DAY = date(2025, 1, 1)
PHASES = (
    ("issue", datetime(2025, 2, 1, 9), "planned", "issued"),
    ("start", datetime(2025, 3, 1, 9), "issued", "in_progress"),
    ("report", datetime(2025, 6, 1, 9), "in_progress", "reported"),
    ("accept", datetime(2025, 6, 15, 9), "reported", "done"),
)
NEXT_EVENT = {source: k for k, (_, _, source, _) in enumerate(PHASES)}
QUERY_AT = datetime(2025, 9, 1, 12)  # after every event: the tracker's current state
PAST_AT = datetime(2025, 4, 1, 12)  # before the last event: the log is replayed
DEFAULT_DSN = os.environ.get("TUYENTRUYEN_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class Sizes:
    rounds: int  # runs of sections 1 and 2 (best is kept)
    single_tasks: int  # section 2: tasks fired one transaction at a time (x4 events)
    pg_tasks: int  # section 3: tasks per process, disjoint (x4 events)
    pg_shared: int  # section 3: tasks shared by every process
    rounds_pg: int  # section 3: runs of the disjoint measures (best is kept)
    big_tasks: int  # section 4: tasks of the summary database
    verify_events: int  # section 4: events of the verify database


FULL = Sizes(
    rounds=3,
    single_tasks=2_500,
    pg_tasks=500,
    pg_shared=100,
    rounds_pg=2,
    big_tasks=100_000,
    verify_events=1_000_000,
)
QUICK = Sizes(
    rounds=1,
    single_tasks=500,
    pg_tasks=75,
    pg_shared=40,
    rounds_pg=1,
    big_tasks=20_000,
    verify_events=100_000,
)


# --- the synthetic plan ----------------------------------------------------------------


def make_plan(n: int, seed: int = 1, plan_id: str = "bench") -> Plan:
    """n tasks led by 49 units (u0 receives reports), windows and plan_due dates like
    ``bench_lifecycle.py``'s plan, no dependencies (every order of fires is valid)."""
    rng = random.Random(seed)
    tasks = []
    for i in range(n):
        start = rng.randrange(0, 240)
        end = start + rng.randrange(15, 180) if rng.random() < 0.9 else None
        due = max(0, start - rng.randrange(0, 20)) if rng.random() < 0.7 else None
        tasks.append(
            Task(
                id=f"t{i}",
                title=f"Nhiệm vụ tuyên truyền số {i}",
                lead=f"u{1 + rng.randrange(N_UNITS - 1)}",
                plan_due=None if due is None else BASE_DAY + timedelta(days=due),
                window=TaskWindow(
                    BASE_DAY + timedelta(days=start),
                    None if end is None else BASE_DAY + timedelta(days=end),
                ),
            )
        )
    return Plan(
        id=plan_id,
        title="Kế hoạch tổng hợp để đo hiệu năng",
        issuer=RECEIVER,
        units=[Unit(f"u{k}", f"Đơn vị {k}") for k in range(N_UNITS)],
        tasks=tasks,
        reporting=[ReportingRule(to=RECEIVER)],
    )


class Fire(NamedTuple):
    """One event to fire, with what a bare baseline needs to write it."""

    task: str
    event: str
    actor: str
    at: datetime  # naive: Asia/Ho_Chi_Minh (what callers of fire pass)
    at_text: str  # ISO 8601 with offset, as stored (formatted once, outside the timings)
    source: str
    dest: str
    final: bool | None
    version: int  # events the task had before this one


def phase_fires(tasks: Sequence[Task], phase: int) -> list[Fire]:
    event, at, source, dest = PHASES[phase]
    at_text = at.replace(tzinfo=ZONE).isoformat()
    final = True if event == "report" else None
    lead_events = event != "accept"
    return [
        Fire(
            t.id,
            event,
            t.lead if lead_events else RECEIVER,
            at,
            at_text,
            source,
            dest,
            final,
            phase,
        )
        for t in tasks
    ]


def as_dicts(fires: Sequence[Fire]) -> list[dict[str, Any]]:
    return [{"task": f.task, "event": f.event, "actor": f.actor, "at": f.at} for f in fires]


def as_events(fires: Sequence[Fire], first_seq: int) -> list[Event]:
    """Pre-built events (what the tracker would have decided), for the store alone."""
    return [
        Event(
            first_seq + k,
            f.task,
            f.event,
            f.source,
            f.dest,
            f.actor,
            f.at.replace(tzinfo=ZONE),
            None,
            final=f.final,
        )
        for k, f in enumerate(fires)
    ]


# --- bare baselines --------------------------------------------------------------------

BARE_DDL = (
    "CREATE TABLE {p}tasks (plan_id TEXT NOT NULL, task_id TEXT NOT NULL,"
    " state TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (plan_id, task_id))",
    "CREATE TABLE {p}events (plan_id TEXT NOT NULL, seq INTEGER NOT NULL,"
    " task_id TEXT NOT NULL, event TEXT NOT NULL, source TEXT NOT NULL, dest TEXT NOT NULL,"
    " actor TEXT NOT NULL, at TEXT NOT NULL, note TEXT, data TEXT, final INTEGER,"
    " prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (plan_id, seq))",
)
BARE_INSERT = (
    "INSERT INTO {p}events (plan_id, seq, task_id, event, source, dest, actor, at, note,"
    " data, final, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
BARE_UPDATE = (
    "UPDATE {p}tasks SET state = ?, version = version + 1"
    " WHERE plan_id = ? AND task_id = ? AND version = ?"
)


def bare_rows(
    plan_id: str, fires: Sequence[Fire], seq: int, prev: str | None
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int, str | None]:
    """Event rows and task updates for ``fires``; with ``prev`` (a hash), chained with
    SHA-256 over the canonical JSON the library documents (docs: sql.canonical)."""
    rows, updates = [], []
    for f in fires:
        seq += 1
        final = None if f.final is None else int(f.final)
        fields = (plan_id, seq, f.task, f.event, f.source, f.dest, f.actor, f.at_text)
        if prev is None:
            rows.append((*fields, None, None, final, "", ""))
        else:
            body = {"plan": plan_id, "seq": seq, "task": f.task, "event": f.event}
            body.update(source=f.source, dest=f.dest, actor=f.actor, at=f.at_text)
            body.update(note=None, data={}, final=f.final)
            text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            digest = hashlib.sha256(prev.encode() + b"\n" + text.encode()).hexdigest()
            rows.append((*fields, None, None, final, prev, digest))
            prev = digest
        updates.append((f.dest, plan_id, f.task, f.version))
    return rows, updates, seq, prev


def bare_sqlite(path: Path, plan: Plan) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    for ddl in BARE_DDL:
        conn.execute(ddl.format(p=""))
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO tasks VALUES (?, ?, 'planned', 0)", [(plan.id, t.id) for t in plan.tasks]
    )
    conn.execute("COMMIT")
    return conn


# --- measuring -------------------------------------------------------------------------


def timed(fn: Callable[[], object]) -> float:
    """Seconds taken by ``fn()``, the garbage collector collected first (left enabled)."""
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def core_plugins() -> Any:
    """The built-in plugins only: what the environment installs (the in-repo example
    plugin watches every event) is not part of what is compared."""
    from tuyentruyen.plugins import make_plugin_manager

    return make_plugin_manager(entry_points=False)


def tracker_on(path: Path, plan: Plan) -> Tracker:
    return Tracker.open(path, plan, clock=FixedClock(CLOCK_NOW), plugins=core_plugins())


def run_batches(folder: Path, plan: Plan, phases: list[list[Fire]], how: str) -> float:
    """Seconds to write every phase as one transaction each, on a fresh database."""
    path = folder / f"{how}-{uuid.uuid4().hex[:8]}.db"
    elapsed = 0.0
    if how == "fire_many":
        tracker = tracker_on(path, plan)
        batches = [as_dicts(f) for f in phases]
        for batch in batches:
            elapsed += timed(lambda b=batch: tracker.fire_many(b))  # type: ignore[misc]
        assert tracker.state(plan.tasks[-1].id) == "done"
        tracker.store.close()  # type: ignore[attr-defined]
    elif how == "store":
        store = SQLiteStore(path)
        store.save_plan(plan)
        seq = 0
        for fires in phases:
            events = as_events(fires, seq + 1)
            versions = [f.version for f in fires]
            elapsed += timed(lambda e=events, v=versions: store.append(plan, e, v))  # type: ignore[misc]
            seq += len(events)
        store.close()
    else:
        conn = bare_sqlite(path, plan)
        insert, update = BARE_INSERT.format(p=""), BARE_UPDATE.format(p="")
        state: dict[str, Any] = {"seq": 0, "prev": "0" * 64 if how == "bare+chain" else None}

        def one(fires: list[Fire]) -> None:
            rows, updates, state["seq"], state["prev"] = bare_rows(
                plan.id, fires, state["seq"], state["prev"]
            )
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(insert, rows)
            conn.executemany(update, updates)
            conn.execute("COMMIT")

        for fires in phases:
            elapsed += timed(lambda f=fires: one(f))  # type: ignore[misc]
        done = conn.execute("SELECT count(*) FROM tasks WHERE state = 'done'").fetchone()[0]
        assert done == len(plan.tasks)
        conn.close()
    return elapsed


def run_singles(folder: Path, plan: Plan, phases: list[list[Fire]], how: str) -> float:
    """Seconds to write every event of every phase in its own transaction."""
    path = folder / f"single-{how}-{uuid.uuid4().hex[:8]}.db"
    fires = [f for phase in phases for f in phase]
    if how == "fire":
        tracker = tracker_on(path, plan)
        fire = tracker.fire

        def go() -> None:
            for f in fires:
                fire(f.task, f.event, actor=f.actor, at=f.at)

        elapsed = timed(go)
        assert tracker.state(plan.tasks[-1].id) == "done"
        tracker.store.close()  # type: ignore[attr-defined]
        return elapsed
    if how == "store":
        store = SQLiteStore(path)
        store.save_plan(plan)
        events = as_events(fires, 1)
        append = store.append

        def go_store() -> None:
            for ev, f in zip(events, fires, strict=True):
                append(plan, (ev,), (f.version,))

        elapsed = timed(go_store)
        store.close()
        return elapsed
    conn = bare_sqlite(path, plan)
    insert, update = BARE_INSERT.format(p=""), BARE_UPDATE.format(p="")
    execute = conn.execute

    def go_bare() -> None:
        rows, updates, _, _ = bare_rows(plan.id, fires, 0, None)  # timed too, as in batches
        for row, upd in zip(rows, updates, strict=True):
            execute("BEGIN IMMEDIATE")
            execute(insert, row)
            execute(update, upd)
            execute("COMMIT")

    elapsed = timed(go_bare)
    done = conn.execute("SELECT count(*) FROM tasks WHERE state = 'done'").fetchone()[0]
    assert done == len(plan.tasks)
    conn.close()
    return elapsed


# --- PostgreSQL ------------------------------------------------------------------------


def pg_reachable(dsn: str) -> str | None:
    """None if PostgreSQL answers at ``dsn``, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'tuyentruyen[postgres]')"
    try:
        with psycopg.connect(dsn, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        from tuyentruyen.store.postgres import mask_dsn

        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"cannot connect to {mask_dsn(dsn)}: {mask_dsn(first)}"
    return None


class WorkerResult(NamedTuple):
    worker: int
    fires: int
    conflicts: int
    start: float
    end: float
    error: str


def _pg_tt_worker(
    w: int,
    stride: int,
    dsn: str,
    schema: str,
    plan: Plan,
    tasks: list[str],
    shared: bool,
    barrier: Any,
    out: Any,
) -> None:
    """A process with its own tracker and connection: the lifecycle on ``tasks`` phase
    by phase (disjoint), or each task driven to done, retrying on Conflict (shared)."""
    from tuyentruyen.store.postgres import PostgresStore

    fires = conflicts = 0
    t0 = t1 = 0.0
    try:
        store = PostgresStore(dsn, schema=schema)
        tracker = Tracker(plan, store=store, clock=FixedClock(CLOCK_NOW), plugins=core_plugins())
        leads = {t.id: t.lead for t in plan.tasks}
        order = list(tasks)
        if shared:
            random.Random(w).shuffle(order)
        barrier.wait()
        t0 = time.perf_counter()
        if not shared:
            for event, at, _, _ in PHASES:
                for task in order:
                    actor = RECEIVER if event == "accept" else leads[task]
                    tracker.fire(task, event, actor=actor, at=at)
                    fires += 1
        else:
            for task in order:
                while (state := tracker.state(task)) != "done":
                    event, at, _, _ = PHASES[NEXT_EVENT[state]]
                    actor = RECEIVER if event == "accept" else leads[task]
                    try:
                        tracker.fire(task, event, actor=actor, at=at)
                    except Conflict:
                        conflicts += 1
                    else:
                        fires += 1
        t1 = time.perf_counter()
        store.close()
        out.put(WorkerResult(w, fires, conflicts, t0, t1, ""))
    except BaseException:
        out.put(WorkerResult(w, fires, conflicts, t0, t1, traceback.format_exc()))


def _pg_bare_worker(
    w: int,
    stride: int,
    dsn: str,
    schema: str,
    plan: Plan,
    tasks: list[str],
    shared: bool,
    barrier: Any,
    out: Any,
) -> None:
    """Bare psycopg: per event, BEGIN; INSERT the event row; UPDATE the task row with
    its version checked; COMMIT. Event numbers w, w + stride, ... stay unique."""
    import psycopg

    fires = 0
    t0 = t1 = 0.0
    try:
        leads = {t.id: t.lead for t in plan.tasks}
        conn = psycopg.connect(dsn, autocommit=True)
        insert = BARE_INSERT.format(p=f"{schema}.bare_").replace("?", "%s")
        update = BARE_UPDATE.format(p=f"{schema}.bare_").replace("?", "%s")
        seq = w
        cur = conn.cursor()
        barrier.wait()
        t0 = time.perf_counter()
        for k, (event, at, source, dest) in enumerate(PHASES):
            at_text = at.replace(tzinfo=ZONE).isoformat()
            final = 1 if event == "report" else None
            for task in tasks:
                actor = RECEIVER if event == "accept" else leads[task]
                seq += stride
                with conn.transaction():
                    cur.execute(
                        insert,
                        (
                            plan.id,
                            seq,
                            task,
                            event,
                            source,
                            dest,
                            actor,
                            at_text,
                            None,
                            None,
                            final,
                            "",
                            "",
                        ),
                    )
                    cur.execute(update, (dest, plan.id, task, k))
                    if cur.rowcount != 1:
                        raise RuntimeError(f"bare update of {task} found another version")
                fires += 1
        t1 = time.perf_counter()
        conn.close()
        out.put(WorkerResult(w, fires, 0, t0, t1, ""))
    except BaseException:
        out.put(WorkerResult(w, fires, 0, t0, t1, traceback.format_exc()))


def run_procs(
    target: Callable[..., None],
    dsn: str,
    schema: str,
    plan: Plan,
    slices: list[list[str]],
    shared: bool = False,
) -> tuple[float, int, int]:
    """Run one worker per slice, released together; (seconds, fires, conflicts)."""
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    barrier = ctx.Barrier(len(slices))
    out = ctx.Queue()
    procs = [
        ctx.Process(
            target=target, args=(w, len(slices), dsn, schema, plan, s, shared, barrier, out)
        )
        for w, s in enumerate(slices)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    errors = [r.error for r in results if r.error]
    if errors:
        raise RuntimeError("a worker process failed:\n" + errors[0])
    seconds = max(r.end for r in results) - min(r.start for r in results)
    return seconds, sum(r.fires for r in results), sum(r.conflicts for r in results)


@dataclass
class PGResult:
    tt: float = 0.0  # events/s, disjoint, N processes
    bare: float = 0.0
    tt_one: float = 0.0
    bare_one: float = 0.0
    tt_events: int = 0
    bare_events: int = 0
    one_events: int = 0
    tt_s: float = 0.0
    bare_s: float = 0.0
    tt_one_s: float = 0.0
    bare_one_s: float = 0.0
    shared_s: float = 0.0
    shared_fires: int = 0
    shared_conflicts: int = 0
    shared_in_db: int = 0
    shared_versions: int = 0
    shared_done: int = 0
    shared_tasks: int = 0
    verify_ok: bool = False
    verify_detail: str = ""


def pg_section(dsn: str, procs: int, sizes: Sizes) -> PGResult:
    import psycopg

    from tuyentruyen.store.postgres import PostgresStore

    res = PGResult()
    schema = f"bench_{uuid.uuid4().hex}"
    n = sizes.pg_tasks
    try:
        # Disjoint tasks: per round, plan "disjoint<r>" has procs * n tasks, process w
        # fires tasks w::procs; "single<r>" (n tasks) is for the one-process rows. Both
        # contenders get their own copy of the tasks (tt_* tables and bare_* tables).
        rounds = [
            (make_plan(procs * n, plan_id=f"disjoint{r}"), make_plan(n, plan_id=f"single{r}"))
            for r in range(sizes.rounds_pg)
        ]
        with PostgresStore(dsn, schema=schema) as store:
            for plans in rounds:
                for p in plans:
                    store.save_plan(p)
        with psycopg.connect(dsn, autocommit=True) as conn:
            for ddl in BARE_DDL:
                conn.execute(ddl.format(p=f"{schema}.bare_"))  # type: ignore[arg-type]
            with conn.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO {schema}.bare_tasks VALUES (%s, %s, 'planned', 0)",
                    [(p.id, t.id) for plans in rounds for p in plans for t in p.tasks],
                )
        inf = float("inf")
        res.tt_s = res.bare_s = res.tt_one_s = res.bare_one_s = inf
        for r, (plan, one_plan) in enumerate(rounds):
            ids = [t.id for t in plan.tasks]
            slices = [ids[w::procs] for w in range(procs)]
            one = [[t.id for t in one_plan.tasks]]
            # Alternate who goes first, so neither always meets a colder server.
            order = ("tt", "bare") if r % 2 == 0 else ("bare", "tt")
            for who in order:
                if who == "tt":
                    s, res.tt_events, _ = run_procs(_pg_tt_worker, dsn, schema, plan, slices)
                    res.tt_s = min(res.tt_s, s)
                    s, res.one_events, _ = run_procs(_pg_tt_worker, dsn, schema, one_plan, one)
                    res.tt_one_s = min(res.tt_one_s, s)
                else:
                    s, res.bare_events, _ = run_procs(_pg_bare_worker, dsn, schema, plan, slices)
                    res.bare_s = min(res.bare_s, s)
                    s, _, _ = run_procs(_pg_bare_worker, dsn, schema, one_plan, one)
                    res.bare_one_s = min(res.bare_one_s, s)
        res.tt, res.bare = res.tt_events / res.tt_s, res.bare_events / res.bare_s
        res.tt_one, res.bare_one = res.one_events / res.tt_one_s, res.one_events / res.bare_one_s

        # Conflicting tasks: every process drives the same tasks to done.
        shared = make_plan(sizes.pg_shared, plan_id="shared")
        with PostgresStore(dsn, schema=schema) as store:
            store.save_plan(shared)
        every = [t.id for t in shared.tasks]
        res.shared_s, res.shared_fires, res.shared_conflicts = run_procs(
            _pg_tt_worker, dsn, schema, shared, [every] * procs, shared=True
        )
        res.shared_tasks = len(every)
        with PostgresStore(dsn, schema=schema) as store:
            report = store.verify(shared.id)
            res.verify_ok = report.ok
            res.verify_detail = f"{report.events:,} events checked" + (
                "" if report.ok else f", broken at {report.broken}"
            )
        with psycopg.connect(dsn, autocommit=True) as conn:
            row = conn.execute(
                f"SELECT count(*) FROM {schema}.tt_events WHERE plan_id = %s",  # type: ignore[arg-type]
                (shared.id,),
            ).fetchone()
            res.shared_in_db = int(row[0]) if row else -1
            row = conn.execute(
                f"SELECT coalesce(sum(version), 0), count(*) FILTER (WHERE state = 'done')"  # type: ignore[arg-type]
                f" FROM {schema}.tt_tasks WHERE plan_id = %s",
                (shared.id,),
            ).fetchone()
            res.shared_versions, res.shared_done = (int(row[0]), int(row[1])) if row else (-1, -1)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")  # type: ignore[arg-type]
    return res


# --- large databases -------------------------------------------------------------------


def build_summary_db(path: Path, plan: Plan) -> int:
    """Tasks in every state: per 10 tasks, 3 planned, 2 issued, 2 in progress, 1
    reported, 2 done (1.9 events per task). Built with fire_many; returns the events."""
    stage = (0, 0, 0, 1, 1, 2, 2, 3, 4, 4)
    tracker = tracker_on(path, plan)
    for k in range(len(PHASES)):
        todo = [t for i, t in enumerate(plan.tasks) if stage[i % 10] > k]
        fires = phase_fires(todo, k)
        for lo in range(0, len(fires), 50_000):
            tracker.fire_many(as_dicts(fires[lo : lo + 50_000]))
    count = len(tracker.events)
    tracker.store.close()  # type: ignore[attr-defined]
    return count


def build_verify_db(path: Path, n_events: int) -> Plan:
    """n_events / 4 tasks through issue, start, report, accept, written with
    ``SQLiteStore.append`` in batches of 50,000 (no tracker: faster to build)."""
    plan = make_plan(n_events // 4, plan_id="verify")
    with SQLiteStore(path) as store:
        store.save_plan(plan)
        seq = 0
        for k in range(len(PHASES)):
            fires = phase_fires(plan.tasks, k)
            for lo in range(0, len(fires), 50_000):
                chunk = fires[lo : lo + 50_000]
                store.append(plan, as_events(chunk, seq + 1), [f.version for f in chunk])
                seq += len(chunk)
    return plan


def open_and_summary(path: Path) -> tuple[float, float, float]:
    """Seconds for: opening the store and reading the plan; Tracker(plan, store)
    (from the task rows, the log unread); summary(at). One fresh open each call."""
    from tuyentruyen.store import open_store

    gc.collect()
    t0 = time.perf_counter()
    store = open_store(path)
    plan = store.load_plan()
    t1 = time.perf_counter()
    tracker = Tracker(plan, store=store, clock=FixedClock(CLOCK_NOW), plugins=core_plugins())
    t2 = time.perf_counter()
    tracker.summary(at=QUERY_AT)
    t3 = time.perf_counter()
    store.close()
    return t1 - t0, t2 - t1, t3 - t2


def open_summary_public(path: Path) -> float:
    """``Tracker.open(path)`` then ``summary(at)``: the timed target."""
    gc.collect()
    t0 = time.perf_counter()
    tracker = Tracker.open(path, clock=FixedClock(CLOCK_NOW), plugins=core_plugins())
    tracker.summary(at=QUERY_AT)
    elapsed = time.perf_counter() - t0
    tracker.store.close()  # type: ignore[attr-defined]
    return elapsed


# --- reporting -------------------------------------------------------------------------


def fmt_rate(per_s: float) -> str:
    return f"{per_s:,.0f} /s"


# --- main ------------------------------------------------------------------------------

SECTIONS = ("batch", "single", "pg", "large")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes, under ~30 s")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--dsn", default=DEFAULT_DSN, help="PostgreSQL DSN (default %(default)s)")
    parser.add_argument("--procs", type=int, default=4, help="worker processes for PostgreSQL")
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run only this section (repeatable): batch (1), single (2), pg (3), large (4)",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    only = set(args.only or SECTIONS)
    nan = float("nan")
    summary_scale = sizes.big_tasks / FULL.big_tasks
    verify_scale = sizes.verify_events / FULL.verify_events

    print(
        f"tuyentruyen store benchmark{' (--quick)' if args.quick else ''}: "
        f"batches of {BATCH:,} events, {sizes.single_tasks * 4:,} single fires, "
        f"{args.procs} PostgreSQL processes, {sizes.big_tasks:,}-task and "
        f"{sizes.verify_events:,}-event databases"
    )
    print(
        f"Python {platform.python_version()} ({platform.machine()}, {os.cpu_count()} CPU), "
        f"SQLite {sqlite3.sqlite_version}, tuyentruyen {pkg('tuyentruyen')}, "
        f"psycopg {pkg('psycopg')}"
    )
    print()

    rep = Report(("", "events", "time", "rate", ""))
    targets: list[Target] = []
    ratios: list[str] = []

    with tempfile.TemporaryDirectory(prefix="bench_store_") as tmp:
        folder = Path(tmp)

        # 1. SQLite, batches ------------------------------------------------------------
        if "batch" in only:
            rep.section(
                f"1. SQLite, batches of {BATCH:,} events in one transaction "
                f"(4 batches per run, best of {sizes.rounds})"
            )
            plan = make_plan(BATCH)
            phases = [phase_fires(plan.tasks, k) for k in range(len(PHASES))]
            total = BATCH * len(PHASES)
            best: dict[str, float] = {}
            for _ in range(sizes.rounds):
                for how in ("bare", "bare+chain", "store", "fire_many"):
                    seconds = run_batches(folder, plan, phases, how)
                    best[how] = min(best.get(how, float("inf")), seconds)
            rate = {how: total / s for how, s in best.items()}
            rep.timed(
                "bare sqlite3 executemany",
                total,
                best["bare"],
                fmt_rate(rate["bare"]),
                "<- baseline",
            )
            rep.timed(
                "bare sqlite3 executemany + SHA-256 chain in Python",
                total,
                best["bare+chain"],
                fmt_rate(rate["bare+chain"]),
            )
            rep.timed(
                "tuyentruyen SQLiteStore.append(pre-built events)",
                total,
                best["store"],
                fmt_rate(rate["store"]),
                "diagnostic: the store alone",
            )
            rep.timed(
                "tuyentruyen tracker.fire_many(10,000 dicts)",
                total,
                best["fire_many"],
                fmt_rate(rate["fire_many"]),
                "<- target",
            )
            batch_ratio = rate["bare"] / rate["fire_many"]
            ratios.append(
                f"SQLite batch:   bare/fire_many {batch_ratio:,.2f}x   "
                f"bare+chain/fire_many {rate['bare+chain'] / rate['fire_many']:,.2f}x   "
                f"bare/store {rate['bare'] / rate['store']:,.2f}x"
            )
            targets.append(
                Target(
                    "SQLite fire_many, batch of 10,000: bare executemany / tuyentruyen",
                    batch_ratio,
                    3.0,
                    "x",
                )
            )

        # 2. SQLite, one transaction per fire -------------------------------------------
        if "single" in only:
            single = make_plan(sizes.single_tasks, plan_id="single")
            single_phases = [phase_fires(single.tasks, k) for k in range(len(PHASES))]
            n_single = sizes.single_tasks * len(PHASES)
            rep.section(
                f"2. SQLite, one transaction per event ({sizes.single_tasks:,} tasks x 4 events, "
                f"best of {sizes.rounds})"
            )
            sbest: dict[str, float] = {}
            for _ in range(sizes.rounds):
                for how in ("bare", "store", "fire"):
                    seconds = run_singles(folder, single, single_phases, how)
                    sbest[how] = min(sbest.get(how, float("inf")), seconds)
            srate = {how: n_single / s for how, s in sbest.items()}
            rep.timed(
                "bare sqlite3 BEGIN; INSERT; UPDATE; COMMIT",
                n_single,
                sbest["bare"],
                fmt_rate(srate["bare"]),
                "<- baseline",
            )
            rep.timed(
                "tuyentruyen SQLiteStore.append(1 event)",
                n_single,
                sbest["store"],
                fmt_rate(srate["store"]),
                "diagnostic: the store alone",
            )
            rep.timed(
                "tuyentruyen tracker.fire(...)",
                n_single,
                sbest["fire"],
                fmt_rate(srate["fire"]),
                "<- target",
            )
            single_ratio = srate["bare"] / srate["fire"]
            ratios.append(
                f"SQLite single:  bare/fire {single_ratio:,.2f}x   "
                f"bare/store {srate['bare'] / srate['store']:,.2f}x"
            )
            targets.append(
                Target(
                    "SQLite fire, one transaction each: bare / tuyentruyen", single_ratio, 5.0, "x"
                )
            )

        # 3. PostgreSQL -----------------------------------------------------------------
        if "pg" in only:
            rep.section(
                f"3. PostgreSQL, {args.procs} processes, one transaction per event "
                f"({sizes.pg_tasks:,} tasks x 4 events per process, best of {sizes.rounds_pg})"
            )
            why_not = pg_reachable(args.dsn)
            if why_not is not None:
                rep.note(f"SKIPPED: {why_not}")
                print(f"note: PostgreSQL section skipped: {why_not}")
                targets.append(
                    Target(f"PostgreSQL {args.procs} processes: bare / tuyentruyen", nan, 3.0, "x")
                )
                targets.append(
                    Target(
                        "PostgreSQL conflicting tasks: lost or duplicated updates", nan, 0, "events"
                    )
                )
                targets.append(Target("PostgreSQL conflicting tasks: verify", nan, 0, "broken"))
            else:
                pg = pg_section(args.dsn, args.procs, sizes)
                rep.timed(
                    f"bare psycopg INSERT + UPDATE, {args.procs} processes",
                    pg.bare_events,
                    pg.bare_s,
                    fmt_rate(pg.bare),
                    "<- baseline, disjoint tasks",
                )
                rep.timed(
                    f"tuyentruyen tracker.fire, {args.procs} processes",
                    pg.tt_events,
                    pg.tt_s,
                    fmt_rate(pg.tt),
                    "<- target, disjoint tasks",
                )
                rep.timed(
                    "bare psycopg INSERT + UPDATE, 1 process",
                    pg.one_events,
                    pg.bare_one_s,
                    fmt_rate(pg.bare_one),
                    "diagnostic",
                )
                rep.timed(
                    "tuyentruyen tracker.fire, 1 process",
                    pg.one_events,
                    pg.tt_one_s,
                    fmt_rate(pg.tt_one),
                    "diagnostic",
                )
                rep.timed(
                    f"tuyentruyen tracker.fire, {args.procs} processes, shared tasks",
                    pg.shared_fires,
                    pg.shared_s,
                    fmt_rate(pg.shared_fires / pg.shared_s),
                    f"{pg.shared_tasks:,} tasks each driven to done by every process; "
                    f"{pg.shared_conflicts:,} Conflict retries",
                )
                lost = abs(pg.shared_in_db - pg.shared_fires) + abs(
                    pg.shared_versions - pg.shared_in_db
                )
                rep.note(
                    f"conflicting tasks: {pg.shared_fires:,} successful fires, {pg.shared_in_db:,} "
                    f"events in the database, task versions sum to {pg.shared_versions:,}, "
                    f"{pg.shared_done:,}/{pg.shared_tasks:,} tasks done "
                    f"(expected {4 * pg.shared_tasks:,} events); verify "
                    f"{'ok' if pg.verify_ok else 'FAILED'} ({pg.verify_detail})"
                )
                if pg.shared_done != pg.shared_tasks or pg.shared_in_db != 4 * pg.shared_tasks:
                    lost += abs(4 * pg.shared_tasks - pg.shared_in_db) + 1
                pg_ratio = pg.bare / pg.tt
                ratios.append(
                    f"PostgreSQL:     bare/tuyentruyen {pg_ratio:,.2f}x with {args.procs} "
                    f"processes, {pg.bare_one / pg.tt_one:,.2f}x with 1; scaling 1 -> "
                    f"{args.procs} processes: bare {pg.bare / pg.bare_one:,.2f}x, "
                    f"tuyentruyen {pg.tt / pg.tt_one:,.2f}x"
                )
                targets.append(
                    Target(
                        f"PostgreSQL {args.procs} processes, disjoint tasks: bare / tuyentruyen",
                        pg_ratio,
                        3.0,
                        "x",
                    )
                )
                targets.append(
                    Target(
                        "PostgreSQL conflicting tasks: lost or duplicated updates",
                        lost,
                        0,
                        "events",
                    )
                )
                targets.append(
                    Target(
                        "PostgreSQL conflicting tasks: verify",
                        0 if pg.verify_ok else 1,
                        0,
                        "broken",
                    )
                )

        # 4. large databases ------------------------------------------------------------
        if "large" in only:
            rep.section("4. Large SQLite databases")
            big = make_plan(sizes.big_tasks, plan_id="big")
            big_path = folder / "big.db"
            t0 = time.perf_counter()
            big_events = build_summary_db(big_path, big)
            build_s = time.perf_counter() - t0
            rep.timed(
                f"build: {sizes.big_tasks:,} tasks with fire_many (50,000 per batch)",
                big_events,
                build_s,
                fmt_rate(big_events / build_s),
                "setup",
            )
            first = open_summary_public(big_path)
            runs = [open_summary_public(big_path) for _ in range(2)]
            summary_s = min(first, *runs)
            rep.timed(
                f"Tracker.open(path) + summary(at), {sizes.big_tasks:,} tasks",
                big_events,
                summary_s,
                "",
                f"best of 3 (first {fmt_s(first)}) <- target",
            )
            parts = [open_and_summary(big_path) for _ in range(3)]
            store_s, replay_s, query_s = (min(p[k] for p in parts) for k in range(3))
            rep.timed(
                "  of which: open the store + load_plan",
                big_events,
                store_s,
                "",
                "diagnostic, best of 3",
            )
            rep.timed(
                "  of which: Tracker(plan, store): state from the task rows",
                big_events,
                replay_s,
                "",
                "diagnostic, best of 3",
            )
            rep.timed(
                "  of which: summary(at), first call",
                big_events,
                query_s,
                "",
                "diagnostic, best of 3",
            )
            targets.append(
                Target(
                    f"Tracker.open + summary(at), {sizes.big_tasks:,} tasks",
                    summary_s,
                    1.0 * summary_scale,
                    "s",
                )
            )

            verify_path = folder / "verify.db"
            t0 = time.perf_counter()
            build_verify_db(verify_path, sizes.verify_events)
            build_s = time.perf_counter() - t0
            rep.timed(
                f"build: {sizes.verify_events // 4:,} tasks x 4 events with SQLiteStore.append",
                sizes.verify_events,
                build_s,
                fmt_rate(sizes.verify_events / build_s),
                "setup (50,000 per batch)",
            )
            verify_runs = []
            for _ in range(2 if args.quick else 1):
                with SQLiteStore(verify_path) as store:
                    gc.collect()
                    t0 = time.perf_counter()
                    report = store.verify()
                    verify_runs.append(time.perf_counter() - t0)
                if not report.ok or report.events != sizes.verify_events:
                    raise SystemExit(f"verify of the built database failed: {report}")
            verify_s = min(verify_runs)
            rep.timed(
                "SQLiteStore.verify()",
                sizes.verify_events,
                verify_s,
                fmt_rate(sizes.verify_events / verify_s),
                f"{'best of 2' if len(verify_runs) > 1 else '1 run'} <- target",
            )
            targets.append(
                Target(
                    f"verify of {sizes.verify_events:,} events", verify_s, 10.0 * verify_scale, "s"
                )
            )

    rep.print()

    print()
    print("Ratios (bare events/s / tuyentruyen events/s: how many times slower tuyentruyen is)")
    for line in ratios:
        print(f"  {line}")

    print()
    if args.quick and "large" in only:
        print(
            f"Targets (time limits scaled linearly: summary x{summary_scale:g} for "
            f"{sizes.big_tasks:,} tasks, verify x{verify_scale:g} for "
            f"{sizes.verify_events:,} events; ratios not scaled)"
        )
    else:
        print("Targets")
    missed = print_targets(targets)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
