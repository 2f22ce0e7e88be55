"""The SQL stores on real databases: SQLite files and PostgreSQL (a schema per test).

Most tests take ``sql_store`` or ``open_sql_store`` (tests/conftest.py) and so run
twice, once per database. Tampering goes behind the library's back with plain SQL on a
connection of its own.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storehelp import reopen
from tuyentruyen import (
    Conflict,
    Dependency,
    DependencyNotMet,
    Event,
    EventError,
    FixedClock,
    InvalidTransition,
    Plan,
    PlanError,
    StateFileError,
    Task,
    Tracker,
    TuyenTruyenError,
    Unit,
)
from tuyentruyen.io import plan_to_dict
from tuyentruyen.store import SQLiteStore, SQLStore, StoreError
from tuyentruyen.store.postgres import PostgresStore
from tuyentruyen.store.sql import GENESIS, SCHEMA_VERSION, chain
from tuyentruyen.testing import strategies as tts

OpenStore = Callable[..., SQLStore]

MARCH = datetime(2023, 3, 20, 9, 0)
CLOCK_AT = datetime(2023, 12, 31, 17, 0)


def clock() -> FixedClock:
    return FixedClock(CLOCK_AT)


def small_plan(plan_id: str = "p", ids: tuple[str, ...] = ("1", "2", "3"), **titles: str) -> Plan:
    """A plan whose one unit ``a`` leads, receives the reports and issues."""
    return Plan(
        id=plan_id,
        title=f"Kế hoạch {plan_id}",
        issuer="a",
        units=[Unit("a", "Đơn vị A")],
        tasks=[
            Task(t, titles.get(f"t{t.replace('.', '_')}", f"Nhiệm vụ {t}"), lead="a") for t in ids
        ],
    )


# --- plain SQL behind the library's back ---------------------------------------------


def is_pg(store: SQLStore) -> bool:
    return isinstance(store, PostgresStore)


def q(store: SQLStore, sql: str) -> str:
    """``sql`` with ``?`` placeholders in the store's dialect."""
    return sql.replace("?", "%s") if is_pg(store) else sql


@contextmanager
def raw(store: SQLStore) -> Iterator[Any]:
    """An autocommit DB-API connection of its own to the store's database."""
    if isinstance(store, SQLiteStore):
        conn = sqlite3.connect(store.path, isolation_level=None)
        try:
            yield conn
        finally:
            conn.close()
    else:
        import psycopg

        assert isinstance(store, PostgresStore)
        with psycopg.connect(
            store.dsn, autocommit=True, options=f"-c search_path={store.schema}"
        ) as conn:
            yield conn


def db_error(store: SQLStore) -> type[Exception]:
    if is_pg(store):
        import psycopg

        return psycopg.Error
    return sqlite3.DatabaseError


def sql(store: SQLStore, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run one statement on a connection of its own; the rows it returns, if any."""
    with raw(store) as conn:
        cur = conn.execute(q(store, statement), params)
        return [tuple(r) for r in cur.fetchall()] if cur.description else []


def counts(store: SQLStore) -> dict[str, Any]:
    """Everything a write could change, to compare before and after."""
    return {
        "events": sql(store, "SELECT plan_id, seq, task_id, hash FROM tt_events ORDER BY 1, 2"),
        "tasks": sql(store, "SELECT plan_id, task_id, state, version FROM tt_tasks ORDER BY 1, 2"),
        "plans": sql(store, "SELECT plan_id, head_seq, head_hash FROM tt_heads ORDER BY 1"),
        "outbox": sql(store, "SELECT count(*) FROM tt_outbox")[0][0],
    }


def allow_tampering(store: SQLStore, conn: Any) -> None:
    """Switch off the append-only guard of tt_events (as a database owner could)."""
    if is_pg(store):
        conn.execute("ALTER TABLE tt_events DISABLE TRIGGER ALL")
    else:
        conn.execute("DROP TRIGGER tt_events_no_update")
        conn.execute("DROP TRIGGER tt_events_no_delete")


def walk(t: Tracker, task: str, *events: str, at: datetime = MARCH) -> list[Event]:
    out = []
    for k, event in enumerate(events):
        note = "lý do" if event == "cancel" else None
        out.append(t.fire(task, event, actor="a", at=at + timedelta(hours=k), note=note))
    return out


# --- round trip ----------------------------------------------------------------------


def test_tracker_on_a_store_records_and_survives_reopening(sql_store: SQLStore) -> None:
    plan = small_plan()
    sql_store.save_plan(plan)
    t = Tracker(plan, store=sql_store, clock=clock())
    walk(t, "1", "issue", "start")
    t.fire("1", "report", actor="a", at=MARCH + timedelta(days=2), note="Đã đăng 3 bài",
           data={"bài": 3, "links": ["https://baoquangninh.vn/a"], "ghi chú": None})  # fmt: skip
    t.fire("3", "cancel", actor="a", at=MARCH, note="Không còn phù hợp")
    assert t.states() == {"1": "reported", "2": "planned", "3": "cancelled"}
    assert [e.seq for e in t.events] == [1, 2, 3, 4]

    with reopen(sql_store) as again:  # type: ignore[attr-defined]
        assert again.plan_ids() == ["p"]
        assert again.load_plan() == plan
        stored = list(again.load(plan))
        assert stored == list(t.events)
        assert stored[2].plain_data == {
            "bài": 3,
            "links": ["https://baoquangninh.vn/a"],
            "ghi chú": None,
        }
        assert stored[2].at.utcoffset() == timedelta(hours=7)
        fresh = Tracker(plan, store=again, clock=clock())
        assert fresh.events == t.events
        assert fresh.states() == t.states()
        assert Tracker.replay(plan, stored).states() == t.states()
        assert again.verify().ok
        assert again.load_since(plan, 3) == [t.events[3]]


def test_tracker_open_on_an_sqlite_file(tmp_path: Path, seed_plan: Plan) -> None:
    path = tmp_path / "qn.db"
    t = Tracker.open(path, seed_plan, clock=clock())
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    t.store.close()  # type: ignore[attr-defined]
    again = Tracker.open(str(path), clock=clock())  # the plan comes from the database
    try:
        assert again.plan == seed_plan
        assert again.state("2.6") == "issued"
        assert again.events == t.events
    finally:
        again.store.close()  # type: ignore[attr-defined]


def test_many_plans_in_one_database_keep_their_tasks_apart(
    sql_store: SQLStore, seed_plan: Plan
) -> None:
    other = small_plan("other", ("2.6", "3.1"))
    sql_store.save_plan(seed_plan)
    sql_store.save_plan(other)
    a = Tracker(seed_plan, store=sql_store, clock=clock())
    b = Tracker(other, store=sql_store, clock=clock())
    a.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    a.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    ev = b.fire("2.6", "cancel", actor="a", at=MARCH, note="Trùng kế hoạch khác")
    assert ev.seq == 1  # each plan has its own numbering and chain
    assert sql_store.plan_ids() == sorted(["other", seed_plan.id])
    with reopen(sql_store) as again:  # type: ignore[attr-defined]
        assert Tracker(seed_plan, store=again, clock=clock()).state("2.6") == "in_progress"
        assert Tracker(other, store=again, clock=clock()).state("2.6") == "cancelled"
        assert Tracker(other, store=again, clock=clock()).state("3.1") == "planned"
        assert [e.task for e in again.load(other)] == ["2.6"]
        assert again.load_plan("other") == other
        with pytest.raises(StoreError, match="2 plans") as err:
            again.load_plan()
        assert "other" in str(err.value)
        assert seed_plan.id in str(err.value)
        with pytest.raises(StoreError, match="no plan 'nope'"):
            again.load_plan("nope")
        report = again.verify()
        assert (report.ok, report.plans, report.events) == (True, 2, 3)
    rows = sql(sql_store, "SELECT plan_id, state FROM tt_tasks WHERE task_id = '2.6' ORDER BY 1")
    assert rows == sorted([("other", "cancelled"), (seed_plan.id, "in_progress")])


def test_firing_on_a_plan_that_was_never_saved_is_refused(sql_store: SQLStore) -> None:
    plan = small_plan("unsaved")
    t = Tracker(plan, store=sql_store, clock=clock())
    with pytest.raises(StoreError, match="tuyentruyen init"):
        t.fire("1", "issue", actor="a", at=MARCH)
    assert t.state("1") == "planned"
    assert t.events == ()


# --- saving a changed plan -----------------------------------------------------------


def test_saving_a_changed_plan_updates_tasks_without_events(sql_store: SQLStore) -> None:
    first = small_plan(ids=("1", "2", "3"))
    sql_store.save_plan(first)
    walk(Tracker(first, store=sql_store, clock=clock()), "1", "issue")
    changed = small_plan(ids=("1", "2", "4"), t2="Tên mới của nhiệm vụ 2")  # 3 goes, 4 comes
    sql_store.save_plan(changed)
    assert sql_store.load_plan("p") == changed
    assert sql_store.load_plan("p").task("2").title == "Tên mới của nhiệm vụ 2"
    assert sql(sql_store, "SELECT task_id, state, version FROM tt_tasks ORDER BY 1") == [
        ("1", "issued", 1),
        ("2", "planned", 0),
        ("4", "planned", 0),
    ]
    t = Tracker(changed, store=sql_store, clock=clock())
    assert t.state("1") == "issued"
    walk(t, "4", "issue")
    assert sql_store.verify().ok
    sql_store.save_plan(changed)  # saving the same plan again changes nothing
    assert sql(sql_store, "SELECT count(*) FROM tt_tasks")[0][0] == 3


def test_saving_a_plan_that_drops_tasks_with_events_is_refused(sql_store: SQLStore) -> None:
    first = small_plan(ids=("1", "2", "3", "4"))
    sql_store.save_plan(first)
    t = Tracker(first, store=sql_store, clock=clock())
    walk(t, "1", "issue")
    walk(t, "3", "issue", "start")
    before = counts(sql_store)
    dropping = small_plan(ids=("2", "4", "5"), t2="Đổi tên")  # loses 1 and 3 (history)
    with pytest.raises(PlanError) as err:
        sql_store.save_plan(dropping)
    assert "tasks 1, 3 have recorded events" in str(err.value)
    assert "1, 3" in err.value.message("vi")
    # Nothing changed: not the definition, not task 2's title, not the task rows.
    assert counts(sql_store) == before
    assert sql_store.load_plan("p") == first
    assert Tracker(first, store=sql_store, clock=clock()).states() == t.states()


# --- append-only and the hash chain --------------------------------------------------


def test_events_are_append_only_for_plain_sql(sql_store: SQLStore) -> None:
    plan = small_plan()
    sql_store.save_plan(plan)
    walk(Tracker(plan, store=sql_store, clock=clock()), "1", "issue", "start")
    before = counts(sql_store)
    error = db_error(sql_store)
    statements = [
        "UPDATE tt_events SET actor = 'b' WHERE seq = 1",
        "UPDATE tt_events SET dest = 'done'",
        "DELETE FROM tt_events WHERE seq = 2",
        "DELETE FROM tt_events",
    ]
    if is_pg(sql_store):
        statements.append("TRUNCATE tt_events")
    for statement in statements:
        with raw(sql_store) as conn, pytest.raises(error, match="append-only"):
            conn.execute(statement)
    assert counts(sql_store) == before
    assert not hasattr(sql_store, "delete")
    assert not hasattr(sql_store, "update")


def test_verify_is_ok_on_a_good_log(sql_store: SQLStore, seed_plan: Plan) -> None:
    assert sql_store.verify().ok  # an empty database
    sql_store.save_plan(seed_plan)
    t = Tracker(seed_plan, store=sql_store, clock=clock())
    for task in ("2.6", "3.1", "3.3"):
        t.fire(task, "issue", actor="tt-bc-xb", at=MARCH)
    t.fire_many(
        [{"task": "2.6", "event": e, "actor": "tt-bc-xb", "at": MARCH} for e in ("start", "report")]
    )
    report = sql_store.verify()
    assert report.ok
    assert (report.plans, report.events, report.broken) == (1, 5, None)
    assert sql_store.verify(seed_plan.id).ok
    assert sql(sql_store, "SELECT prev_hash FROM tt_events WHERE seq = 1")[0][0] == GENESIS
    # Each link is SHA-256 over the previous hash and the event's canonical encoding.
    prev = GENESIS
    for ev, (stored_prev, digest) in zip(
        t.events, sql(sql_store, "SELECT prev_hash, hash FROM tt_events ORDER BY seq"), strict=True
    ):
        assert stored_prev == prev
        assert digest == chain(prev, seed_plan.id, ev)
        prev = digest
    assert sql(sql_store, "SELECT head_seq, head_hash FROM tt_heads") == [(5, prev)]


def _seeded(store: SQLStore, events: int = 6) -> Plan:
    plan = small_plan(ids=("1", "2", "3"))
    store.save_plan(plan)
    t = Tracker(plan, store=store, clock=clock())
    steps = [("1", "issue"), ("2", "issue"), ("1", "start"), ("1", "report"), ("2", "start"),
             ("1", "accept")][:events]  # fmt: skip
    for k, (task, event) in enumerate(steps):
        t.fire(task, event, actor="a", at=MARCH + timedelta(hours=k))
    return plan


def _recompute_hash(conn: Any, store: SQLStore, plan: Plan, seq: int) -> None:
    """Rewrite row ``seq``'s own hash to match its (edited) content, as a careful forger
    would; the next link still names the old hash."""
    row = conn.execute(
        q(store, "SELECT prev_hash FROM tt_events WHERE plan_id = ? AND seq = ?"), (plan.id, seq)
    ).fetchone()
    with reopen(store) as again:  # type: ignore[attr-defined]
        ev = next(e for e in again.load(plan) if e.seq == seq)
    conn.execute(
        q(store, "UPDATE tt_events SET hash = ? WHERE plan_id = ? AND seq = ?"),
        (chain(row[0], plan.id, ev), plan.id, seq),
    )


TAMPERING: dict[str, tuple[list[str], int, str]] = {
    # name: (statements, seq reported, reason)
    "edited actor": (["UPDATE tt_events SET actor = 'x' WHERE seq = 3"], 3, "hash does not match"),
    "edited time": (
        ["UPDATE tt_events SET at = '2023-03-20T11:30:00+07:00' WHERE seq = 4"],
        4,
        "hash does not match",
    ),
    "edited note": (["UPDATE tt_events SET note = 'sửa' WHERE seq = 1"], 1, "hash does not match"),
    "middle event deleted": (["DELETE FROM tt_events WHERE seq = 2"], 2, "event missing"),
    "last event deleted": (["DELETE FROM tt_events WHERE seq = 6"], 6, "chain head does not match"),
    "two last events deleted": (["DELETE FROM tt_events WHERE seq >= 5"], 5, "chain head"),
    "head moved back with the deletion": (
        ["DELETE FROM tt_events WHERE seq = 6", "UPDATE tt_heads SET head_seq = 5"],
        6,
        "chain head does not match",
    ),
    "event swapped to another task": (
        ["UPDATE tt_events SET task_id = '3' WHERE seq = 2"],
        2,
        "hash does not match",
    ),
}


@pytest.mark.parametrize("name", list(TAMPERING))
def test_verify_reports_the_first_broken_link(sql_store: SQLStore, name: str) -> None:
    plan = _seeded(sql_store)
    statements, seq, reason = TAMPERING[name]
    with raw(sql_store) as conn:
        allow_tampering(sql_store, conn)
        for statement in statements:
            conn.execute(statement)
    report = sql_store.verify()
    assert not report.ok
    assert report.broken is not None
    assert report.broken[:2] == (plan.id, seq)
    assert reason in report.broken[2]
    with reopen(sql_store) as again:  # type: ignore[attr-defined]
        assert again.verify(plan.id).broken == report.broken  # found from a fresh connection


def test_verify_catches_a_recomputed_hash_at_the_next_link(sql_store: SQLStore) -> None:
    plan = _seeded(sql_store)
    with raw(sql_store) as conn:
        allow_tampering(sql_store, conn)
        conn.execute("UPDATE tt_events SET actor = 'x' WHERE seq = 3")
        _recompute_hash(conn, sql_store, plan, 3)
    report = sql_store.verify()
    assert report.broken == (plan.id, 4, "prev_hash does not match")
    assert report.events == 3  # 1..3 checked before the break


def test_verify_catches_a_task_row_edited_behind_the_log(sql_store: SQLStore) -> None:
    plan = _seeded(sql_store)
    sql(sql_store, "UPDATE tt_tasks SET state = 'done' WHERE task_id = '2'")  # not append-only
    report = sql_store.verify()
    assert report.broken is not None
    assert report.broken[0] == plan.id
    assert "task 2 state differs from its events" in report.broken[2]


def test_verify_reports_the_plan_that_is_broken(sql_store: SQLStore) -> None:
    good = _seeded(sql_store)
    bad = small_plan("q", ("1",))
    sql_store.save_plan(bad)
    walk(Tracker(bad, store=sql_store, clock=clock()), "1", "issue", "start")
    with raw(sql_store) as conn:
        allow_tampering(sql_store, conn)
        conn.execute("UPDATE tt_events SET actor = 'x' WHERE plan_id = 'q' AND seq = 2")
    assert sql_store.verify(good.id).ok
    assert sql_store.verify().broken == ("q", 2, "hash does not match the event")
    assert not sql_store.verify("nope").ok


# --- concurrency within one process --------------------------------------------------


def test_a_stale_tracker_gets_a_conflict_and_a_retry_succeeds(sql_store: SQLStore) -> None:
    plan = small_plan()
    sql_store.save_plan(plan)
    with reopen(sql_store) as other_store:  # type: ignore[attr-defined]
        first = Tracker(plan, store=sql_store, clock=clock())
        stale = Tracker(plan, store=other_store, clock=clock())
        walk(first, "2", "issue")
        before = counts(sql_store)
        with pytest.raises(Conflict) as err:
            stale.fire("2", "issue", actor="a", at=MARCH + timedelta(hours=1))
        assert (err.value.task, err.value.expected, err.value.found) == ("2", "planned", "issued")
        assert "task 2: expected state 'planned' but found 'issued'" in str(err.value)
        assert "'chưa ban hành' (planned)" in err.value.message("vi")
        assert counts(sql_store) == before  # nothing written
        # The conflict refreshed the stale tracker: it now sees the other's event...
        assert stale.state("2") == "issued"
        assert stale.events == first.events
        # ... and a retry of what still makes sense succeeds, numbered after it.
        ev = stale.fire("2", "start", actor="a", at=MARCH + timedelta(hours=2))
        assert (ev.seq, ev.source, ev.dest) == (2, "issued", "in_progress")
        after = counts(sql_store)["events"]
        assert len(after) == 2
        assert after[0] == before["events"][0]  # the other's event untouched
        assert sql_store.verify().ok


def test_two_trackers_on_disjoint_tasks_both_succeed(sql_store: SQLStore) -> None:
    plan = small_plan()
    sql_store.save_plan(plan)
    with reopen(sql_store) as other_store:  # type: ignore[attr-defined]
        a = Tracker(plan, store=sql_store, clock=clock())
        b = Tracker(plan, store=other_store, clock=clock())
        e1 = a.fire("1", "issue", actor="a", at=MARCH)
        e2 = b.fire("2", "issue", actor="a", at=MARCH)  # b had not seen e1: renumbered
        assert (e1.seq, e2.seq) == (1, 2)
        assert b.events == (e1, e2)
        e3 = a.fire("3", "issue", actor="a", at=MARCH)  # a learns of e2 while writing
        assert e3.seq == 3
        assert a.events == (e1, e2, e3)
        assert b.refresh() == 1
        assert b.events == a.events
        assert a.states() == b.states() == {"1": "issued", "2": "issued", "3": "issued"}
        assert b.refresh() == 0
        assert [r[1] for r in counts(sql_store)["events"]] == [1, 2, 3]
        assert sql_store.verify().ok


def test_fire_many_is_all_or_nothing(sql_store: SQLStore) -> None:
    plan = small_plan()
    sql_store.save_plan(plan)
    t = Tracker(plan, store=sql_store, clock=clock())
    walk(t, "1", "issue")
    before, states = counts(sql_store), t.states()
    bad = [
        {"task": "2", "event": "issue", "actor": "a", "at": MARCH},
        {"task": "2", "event": "start", "actor": "a", "at": MARCH},
        {"task": "3", "event": "start", "actor": "a", "at": MARCH},  # 3 is not issued
    ]
    with pytest.raises(InvalidTransition) as err:
        t.fire_many(bad)
    assert "fires[2]" in getattr(err.value, "__notes__", [])
    assert counts(sql_store) == before
    assert t.states() == states
    with pytest.raises(EventError, match=r"fires\[1\]: missing 'actor'"):
        t.fire_many(
            [{"task": "2", "event": "issue", "actor": "a"}, {"task": "3", "event": "issue"}]
        )
    assert counts(sql_store) == before

    # A conflict on the last item leaves the earlier ones unwritten as well.
    with reopen(sql_store) as other_store:  # type: ignore[attr-defined]
        stale = Tracker(plan, store=other_store, clock=clock())
        walk(t, "3", "issue")
        before = counts(sql_store)
        with pytest.raises(Conflict) as conflict:
            stale.fire_many(
                [
                    {"task": "2", "event": "issue", "actor": "a", "at": MARCH},
                    {"task": "2", "event": "start", "actor": "a", "at": MARCH},
                    {"task": "3", "event": "issue", "actor": "a", "at": MARCH},
                ]
            )
        assert conflict.value.task == "3"
        assert counts(sql_store) == before
        assert stale.states() == {"1": "issued", "2": "planned", "3": "issued"}  # refreshed
        done = stale.fire_many(
            [
                {"task": "2", "event": "issue", "actor": "a", "at": MARCH},
                {"task": "2", "event": "start", "actor": "a", "at": MARCH},
                {"task": "3", "event": "start", "actor": "a", "at": MARCH},
            ]
        )
        assert [e.seq for e in done] == [3, 4, 5]
    after = counts(sql_store)
    assert len(after["events"]) == 5
    assert after["outbox"] == 5
    assert sql_store.verify().ok


def test_outbox_rows_are_written_with_their_events(
    open_sql_store: OpenStore, seed_plan: Plan
) -> None:
    sql_store = open_sql_store()
    sql_store.save_plan(seed_plan)
    stale = Tracker(seed_plan, store=open_sql_store(), clock=clock())  # sees no events
    t = Tracker(seed_plan, store=sql_store, clock=clock())
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire_many(
        [
            {"task": task, "event": "issue", "actor": "tt-bc-xb", "at": MARCH}
            for task in ("3.1", "3.3")
        ]
    )
    with pytest.raises(Conflict):  # a refused write leaves no outbox row either
        stale.fire_many(
            [
                {"task": "2.1", "event": "issue", "actor": "tt-bc-xb", "at": MARCH},
                {"task": "2.6", "event": "issue", "actor": "tt-bc-xb", "at": MARCH},
            ]
        )
    rows = sql(
        sql_store,
        "SELECT plan_id, seq, kind, payload, delivered_at, attempts FROM tt_outbox ORDER BY id",
    )
    events = sql(sql_store, "SELECT plan_id, seq, task_id, event, dest FROM tt_events ORDER BY seq")
    assert len(rows) == len(events) == 3
    for row, (e_plan, e_seq, task, event, dest) in zip(rows, events, strict=True):
        plan_id, seq, kind, payload, delivered, attempts = row
        assert (plan_id, seq, kind, delivered, attempts) == (e_plan, e_seq, "event", None, 0)
        assert json.loads(payload) == {
            "plan": e_plan, "seq": e_seq, "task": task, "event": event, "dest": dest
        }  # fmt: skip


# --- schema versions -----------------------------------------------------------------


def _tables(store: SQLStore) -> set[str]:
    if is_pg(store):
        rows = sql(store, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    else:
        rows = sql(store, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(r[0]) for r in rows if str(r[0]).startswith("tt_")}


def _save_as_version_1(store: SQLStore, plan: Plan) -> None:
    """What a schema-1 library wrote for a new plan: the plan row with its chain head."""
    definition = json.dumps(plan_to_dict(plan), ensure_ascii=False, sort_keys=True)
    with raw(store) as conn:
        conn.execute(
            q(store, "INSERT INTO tt_plans (plan_id, definition, head_seq, head_hash)"
                     " VALUES (?, ?, 0, ?)"),
            (plan.id, definition, GENESIS),
        )  # fmt: skip
        for task in plan.tasks:
            conn.execute(
                q(store, "INSERT INTO tt_tasks (plan_id, task_id, state, version)"
                         " VALUES (?, ?, 'planned', 0)"),
                (plan.id, task.id),
            )  # fmt: skip


def _record_as_version_1(store: SQLStore, plan: Plan, events: list[Event]) -> None:
    """What a schema-1 library wrote per event: the row, the task, the chain head."""
    with raw(store) as conn:
        head = conn.execute(
            q(store, "SELECT head_seq, head_hash FROM tt_plans WHERE plan_id = ?"), (plan.id,)
        ).fetchone()
        prev = head[1]
        for ev in events:
            digest = chain(prev, plan.id, ev)
            conn.execute(
                q(
                    store,
                    "INSERT INTO tt_events (plan_id, seq, task_id, event, source, dest, actor,"
                    " at, note, data, final, prev_hash, hash)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ),
                (plan.id, ev.seq, ev.task, ev.event, ev.source, ev.dest, ev.actor,
                 ev.at.isoformat(), ev.note, json.dumps(ev.plain_data) if ev.data else None,
                 None if ev.final is None else int(ev.final), prev, digest),
            )  # fmt: skip
            conn.execute(
                q(
                    store,
                    "UPDATE tt_tasks SET state = ?, version = version + 1"
                    " WHERE plan_id = ? AND task_id = ?",
                ),
                (ev.dest, plan.id, ev.task),
            )
            prev = digest
        conn.execute(
            q(store, "UPDATE tt_plans SET head_seq = ?, head_hash = ? WHERE plan_id = ?"),
            (events[-1].seq, prev, plan.id),
        )


def test_a_version_1_database_is_upgraded_in_place(open_sql_store: OpenStore) -> None:
    old = open_sql_store(migrate=False)
    assert _tables(old) == set()
    assert old.migrate(upto=1) == 1
    assert _tables(old) == {"tt_meta", "tt_plans", "tt_tasks", "tt_events"}
    assert sql(old, "SELECT value FROM tt_meta WHERE key = 'schema'") == [("1",)]
    plan = small_plan()
    _save_as_version_1(old, plan)
    memory = Tracker(plan, clock=clock())
    walk(memory, "1", "issue", "start", "report")
    walk(memory, "2", "cancel")
    _record_as_version_1(old, plan, list(memory.events))

    store = open_sql_store()  # the normal constructor upgrades
    assert _tables(store) == {
        "tt_meta", "tt_plans", "tt_tasks", "tt_events", "tt_outbox", "tt_heads", "tt_deliveries"
    }  # fmt: skip
    assert sql(store, "SELECT value FROM tt_meta WHERE key = 'schema'") == [(str(SCHEMA_VERSION),)]
    assert SCHEMA_VERSION == 8
    assert list(store.load(plan)) == list(memory.events)
    assert store.verify().ok  # the task rows' new state columns agree with the log
    assert store.load_plan(plan.id) == plan  # the definition moved into the task rows
    t = Tracker(plan, store=store, clock=clock())
    assert t.states() == memory.states()
    assert _arrays(t) == _arrays(memory)
    ev = t.fire("1", "accept", actor="a", at=MARCH + timedelta(days=1))
    assert ev.seq == 5
    assert sql(store, "SELECT seq FROM tt_outbox") == [(5,)]  # outbox starts with new events
    assert store.verify().ok
    assert store.migrate() == SCHEMA_VERSION  # idempotent
    with pytest.raises(db_error(store), match="append-only"), raw(store) as conn:
        conn.execute("DELETE FROM tt_events")  # still append-only after the upgrade


def test_a_database_of_a_newer_schema_is_refused(open_sql_store: OpenStore) -> None:
    store = open_sql_store()
    plan = small_plan()
    store.save_plan(plan)
    walk(Tracker(plan, store=store, clock=clock()), "1", "issue")
    sql(store, "UPDATE tt_meta SET value = '99' WHERE key = 'schema'")
    before = counts(store)
    with pytest.raises(StoreError) as err:
        open_sql_store()
    where = store.where
    assert where
    assert str(err.value) == (
        f"{where}: the database has schema 99, newer than this tuyentruyen knows "
        f"({SCHEMA_VERSION}); upgrade tuyentruyen"
    )
    assert err.value.message("vi").startswith(f"{where}: cơ sở dữ liệu có lược đồ 99, mới hơn")
    assert isinstance(err.value, TuyenTruyenError)
    assert err.value.__cause__ is None
    assert err.value.__suppress_context__ or err.value.__context__ is None
    assert counts(store) == before
    assert sql(store, "SELECT value FROM tt_meta WHERE key = 'schema'") == [("99",)]


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a database, just some text\n" * 40,
        bytes(range(256)) * 32,
        b"SQLite format 3\x00" + b"\xff" * 4080,  # the magic, then nonsense
    ],
    ids=["text", "binary", "bad-header"],
)
def test_a_file_that_is_no_database_is_refused_unchanged(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "plan.db"
    path.write_bytes(content)
    with pytest.raises(StoreError) as err:
        SQLiteStore(path)
    assert str(path) in str(err.value)
    assert "not a tuyentruyen database" in str(err.value)
    assert str(path) in err.value.message("vi")
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.db"]  # no -wal/-shm left


def test_a_missing_folder_or_a_folder_as_database_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "plan.db"
    with pytest.raises(StoreError, match="does not exist") as err:
        SQLiteStore(missing)
    assert str(missing.parent) in str(err.value)
    assert not missing.parent.exists()

    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    with pytest.raises(StoreError) as err:
        SQLiteStore(folder)
    assert str(folder) in str(err.value)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "dsn",
    [
        "postgresql://postgres:secret@127.0.0.1:1/test",
        "postgresql://postgres:s3cr%40t:secret@127.0.0.1:1/test",
        "postgresql://postgres@127.0.0.1:1/test?password=secret&connect_timeout=3",
        "host=127.0.0.1 port=1 dbname=test user=postgres password=secret",
        "host=127.0.0.1 port=1 dbname=test user=postgres password = 'secret sauce'",
    ],
)
def test_a_refused_connection_names_the_dsn_with_the_password_masked(dsn: str) -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError) as err:
        PostgresStore(dsn)
    for text in (str(err.value), err.value.message("vi"), repr(err.value)):
        assert "secret" not in text
        assert "s3cr" not in text
        assert "***" in text
        assert "127.0.0.1" in text
    assert "cannot connect" in str(err.value)
    assert "không kết nối được" in err.value.message("vi")
    assert err.value.__cause__ is None


def test_a_missing_database_on_a_reachable_server_is_a_store_error(pg_reachable: str) -> None:
    import psycopg

    info = psycopg.conninfo.conninfo_to_dict(pg_reachable)
    info["dbname"] = "tuyentruyen_no_such_database"
    info["password"] = "secret"
    dsn = psycopg.conninfo.make_conninfo(**info)
    with pytest.raises(StoreError) as err:
        PostgresStore(dsn)
    assert "tuyentruyen_no_such_database" in str(err.value)
    assert "secret" not in str(err.value)


def test_an_invalid_schema_name_is_refused(pg_reachable: str) -> None:
    with pytest.raises(StoreError, match="invalid schema name"):
        PostgresStore(pg_reachable, schema="x; DROP TABLE tt_events")


# --- replay property -----------------------------------------------------------------

_plan_numbers = itertools.count()
BASE = datetime(2023, 1, 2, 8, 0)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_replaying_the_stored_log_rebuilds_the_states(
    sql_store: SQLStore, data: st.DataObject
) -> None:
    # Every example adds a plan of its own to the one database of the test.
    plan = data.draw(tts.plans(max_tasks=6))
    plan = attrs.evolve(plan, id=f"p{next(_plan_numbers)}")
    steps = data.draw(tts.event_steps(plan, max_size=30))
    sql_store.save_plan(plan)
    on_db = Tracker(plan, store=sql_store, clock=FixedClock(datetime(2030, 1, 1)))
    in_memory = Tracker(plan, clock=FixedClock(datetime(2030, 1, 1)))
    at = BASE
    for step in steps:
        at += timedelta(minutes=step.minutes)
        outcomes = []
        for t in (on_db, in_memory):
            try:
                outcomes.append(
                    t.fire(
                        step.task,
                        step.event,
                        actor=step.actor,
                        at=at,
                        final=step.final,
                        note=step.note,
                    )
                )
            except TuyenTruyenError as exc:
                assert not isinstance(exc, StoreError | Conflict)
                outcomes.append(type(exc))
        assert outcomes[0] == outcomes[1]
    assert on_db.events == in_memory.events
    with reopen(sql_store) as again:  # type: ignore[attr-defined]
        fresh = Tracker(plan, store=again, clock=FixedClock(datetime(2030, 1, 1)))
        assert fresh.states() == in_memory.states()
        # Opened from the task rows, not a replay: every per-task array is the replay's.
        assert _arrays(fresh) == _arrays(in_memory)
        assert fresh.events == in_memory.events  # the log, read on first use
        middle = BASE + (at - BASE) / 2
        assert fresh.status(at=middle) == in_memory.status(at=middle)
        report = again.verify(plan.id)
        assert report.ok
        assert report.events == len(in_memory.events)
        rows = sql(again, "SELECT task_id, state, version FROM tt_tasks WHERE plan_id = ?", plan.id)
        stored = {r[0]: (r[1], r[2]) for r in rows}
        assert stored == {
            task.id: (in_memory.state(task.id), len(in_memory.history(task.id)))
            for task in plan.tasks
        }


def _arrays(tracker: Tracker) -> tuple[Any, ...]:
    """Every per-task array of the tracker's current state, and its latest event time."""
    now = tracker._now
    return (
        bytes(now.state), bytes(now.peak), bytes(now.final), list(now.count), list(now.last),
        list(now.done_at), [list(r) for r in now.reached], tracker._latest, tracker._seq,
    )  # fmt: skip


def test_opening_reads_task_rows_and_the_log_only_when_asked(sql_store: SQLStore) -> None:
    plan = _seeded(sql_store)
    replayed = Tracker.replay(plan, sql_store.load(plan), clock=clock())
    opened = Tracker(plan, store=sql_store, clock=clock())
    assert opened._head is None  # nothing of the log read yet
    assert _arrays(opened) == _arrays(replayed)
    assert opened.summary() == replayed.summary()
    ev = opened.fire("3", "issue", actor="a", at=MARCH + timedelta(days=3))
    assert ev.seq == len(replayed.events) + 1
    assert opened._head is None  # firing needs no history either
    assert opened.history("3") == [ev]  # now the log is read, with the new event after it
    assert opened.events[: len(replayed.events)] == replayed.events


def test_a_tracker_opened_with_its_plan_reads_the_rest_before_firing(
    sql_store: SQLStore,
) -> None:
    plan = _seeded(sql_store)
    opened = Tracker(sql_store.load_plan(plan.id), store=sql_store, clock=clock())
    assert opened._partial  # state, version and last event time only: enough to report
    replayed = Tracker.replay(plan, sql_store.load(plan), clock=clock())
    assert opened.summary() == replayed.summary()
    assert opened.states() == replayed.states()
    assert opened._partial
    # Another writer moves on before this tracker's first event.
    other = Tracker(plan, store=sql_store, clock=clock())
    other.fire("3", "issue", actor="a", at=MARCH + timedelta(days=3))
    # It decided on task 3 being planned, which is no longer so: a Conflict, as the
    # store's version check gives a stale tracker, and the tracker is now up to date.
    with pytest.raises(Conflict, match="'planned' but found 'issued'"):
        opened.fire("3", "issue", actor="a", at=MARCH + timedelta(days=4))
    assert not opened._partial
    assert opened.state("3") == "issued"
    ev = opened.fire("3", "start", actor="a", at=MARCH + timedelta(days=4))
    assert ev.seq == len(replayed.events) + 2  # after the other writer's event
    again = Tracker.replay(plan, sql_store.load(plan), clock=clock())
    assert _arrays(opened) == _arrays(again)
    assert sql_store.verify().ok


def test_a_partly_read_tracker_fire_many_conflicts_on_a_changed_task(
    sql_store: SQLStore,
) -> None:
    plan = _seeded(sql_store)
    opened = Tracker(sql_store.load_plan(plan.id), store=sql_store, clock=clock())
    Tracker(plan, store=sql_store, clock=clock()).fire(
        "3", "issue", actor="a", at=MARCH + timedelta(days=3)
    )
    later = MARCH + timedelta(days=4)
    with pytest.raises(Conflict) as caught:
        opened.fire_many([
            {"task": "2", "event": "report", "actor": "a", "at": later},
            {"task": "3", "event": "issue", "actor": "a", "at": later},
        ])  # fmt: skip
    assert "fires[1]" in caught.value.__notes__
    assert opened.state("2") == "in_progress"  # nothing of the batch was recorded
    assert len(sql_store.load(plan)) == 7


def test_blockers_of_a_partly_read_tracker_judge_dependencies(sql_store: SQLStore) -> None:
    plan = small_plan(ids=("1", "2"))
    plan = attrs.evolve(
        plan,
        tasks=[plan.tasks[0], attrs.evolve(plan.tasks[1], depends_on=[Dependency("1", "done")])],
    )
    sql_store.save_plan(plan)
    first = Tracker(plan, store=sql_store, clock=clock())
    walk(first, "1", "issue", "start")
    walk(first, "2", "issue")
    opened = Tracker(sql_store.load_plan(plan.id), store=sql_store, clock=clock())
    assert opened._partial
    assert [b.task for b in opened.blockers("2")] == ["1"]
    with pytest.raises(DependencyNotMet):
        opened.fire("2", "start", actor="a", at=MARCH + timedelta(days=5))


def test_task_rows_edited_behind_the_log_are_refused_on_open(sql_store: SQLStore) -> None:
    plan = _seeded(sql_store)
    sql(sql_store, "UPDATE tt_tasks SET version = version + 1 WHERE task_id = '1'")
    with pytest.raises(StateFileError, match="verify"):
        Tracker(plan, store=sql_store, clock=clock())
    assert not sql_store.verify().ok


def test_tasks_are_rows_other_tools_can_query(sql_store: SQLStore, seed_plan: Plan) -> None:
    sql_store.save_plan(seed_plan)
    rows = sql(
        sql_store,
        "SELECT task_id, title, lead, plan_due, window_end, ongoing FROM tt_tasks"
        " WHERE plan_id = ? ORDER BY position",
        seed_plan.id,
    )
    assert [r[0] for r in rows] == [t.id for t in seed_plan.tasks]
    for (_, title, lead, due, end, ongoing), task in zip(rows, seed_plan.tasks, strict=True):
        assert (title, lead, ongoing) == (task.title, task.lead, int(task.ongoing))
        assert due == (task.plan_due.isoformat() if task.plan_due else None)
        assert end == (task.window.end.isoformat() if task.window.end else None)
    assert sql_store.load_plan(seed_plan.id) == seed_plan
    (definition,) = sql(sql_store, "SELECT definition FROM tt_plans")[0]
    assert "tasks" not in json.loads(definition)  # the tasks live in their rows


def test_a_plan_edited_into_an_invalid_one_is_refused_on_load(sql_store: SQLStore) -> None:
    plan = _seeded(sql_store)
    sql(sql_store, "UPDATE tt_tasks SET lead = 'nobody' WHERE task_id = '1'")
    with pytest.raises(PlanError, match="nobody"):
        sql_store.load_plan(plan.id)
    report = sql_store.verify()
    assert report.broken is not None
    assert report.broken[0] == plan.id
    assert "invalid plan" in report.broken[2]
    assert "nobody" in report.broken[2]


# --- the PostgreSQL fixtures without a server ----------------------------------------


@pytest.mark.parametrize("require", ["", "1"])
def test_without_postgresql_the_suite_skips_or_in_ci_fails(require: str) -> None:
    import os
    import subprocess
    import sys

    env = dict(os.environ)
    env["TUYENTRUYEN_PG_DSN"] = "postgresql://postgres:secret@127.0.0.1:1/test"
    env["TUYENTRUYEN_REQUIRE_PG"] = require
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         "tests/test_store_sql.py::test_verify_is_ok_on_a_good_log"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert "PostgreSQL not reachable at postgresql://postgres:***@127.0.0.1:1/test; " in output
    assert "start it or set TUYENTRUYEN_PG_DSN" in output
    assert "secret" not in output
    if require:
        assert run.returncode == 1, output
        assert "1 passed, 1 error" in output
        assert "TUYENTRUYEN_REQUIRE_PG=1 forbids skipping" in output
    else:
        assert run.returncode == 0, output
        assert "1 passed, 1 skipped" in output


def test_a_time_rewritten_to_the_same_instant_is_still_caught(sql_store: SQLStore) -> None:
    plan = small_plan()
    sql_store.save_plan(plan)
    tracker = Tracker(plan, store=sql_store, clock=clock())
    tracker.fire("1", "issue", actor="a", at=datetime(2023, 3, 1, 9, 0))
    assert sql_store.verify().ok
    with raw(sql_store) as conn:
        if isinstance(sql_store, SQLiteStore):
            conn.execute("DROP TRIGGER tt_events_no_update")
        else:
            conn.execute("ALTER TABLE tt_events DISABLE TRIGGER USER")
        # 09:00 +07:00 is 02:00 UTC: the same instant, written differently.
        conn.execute("UPDATE tt_events SET at = '2023-03-01T02:00:00+00:00' WHERE seq = 1")
    report = sql_store.verify()
    assert report.broken == ("p", 1, "hash does not match the event")
