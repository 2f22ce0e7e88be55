"""PostgresStore.append, which writes one event in one statement (the chain's hash
computed by PostgreSQL), against the shared SQLStore.append it stands in for: the same
rows, returns and errors.

Each test opens two databases (PostgreSQL schemas) holding the same plan: one written by
PostgresStore.append, the other by SQLStore.append on the same kind of connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest

from tuyentruyen import Conflict, Event, Plan, Task, Unit
from tuyentruyen.events import freeze_data
from tuyentruyen.store import StoreError
from tuyentruyen.store.postgres import PostgresStore
from tuyentruyen.store.sql import SQLStore
from tuyentruyen.timeexpr import ZONE

AT = datetime(2023, 3, 20, 9, 0, tzinfo=ZONE)
#: Text that quoting must carry through unchanged.
TRICKY = 'it\'s \\ "q" %s %% $1 ? ; -- /* \n\tViệt Nam ☭ 𝄞'
TABLES = {
    "tt_events": "SELECT * FROM tt_events ORDER BY plan_id, seq",
    "tt_outbox": "SELECT plan_id, seq, kind, payload, delivered_at, attempts FROM tt_outbox"
    " ORDER BY id",
    "tt_tasks": "SELECT * FROM tt_tasks ORDER BY plan_id, task_id",
    "tt_heads": "SELECT * FROM tt_heads ORDER BY plan_id",
}


class SharedPathStore(PostgresStore):
    """A PostgresStore that appends with the shared implementation."""

    def append(
        self, plan: Plan, events: Sequence[Event], versions: Sequence[int] = ()
    ) -> Sequence[Event]:
        return SQLStore.append(self, plan, events, versions)


def make_plan() -> Plan:
    return Plan(
        id="p",
        title="Kế hoạch p",
        issuer="a",
        units=[Unit("a", "Đơn vị A")],
        tasks=[Task(t, f"Nhiệm vụ {t}", lead="a") for t in ("1", "2", "3", "4")],
    )


def ev(seq: int, task: str, event: str, source: str, dest: str, hours: int = 0, **kw: Any) -> Event:
    data = kw.pop("data", None)
    return Event(
        seq, task, event, source, dest, "a", AT + timedelta(hours=hours),
        data=freeze_data(data), **kw,
    )  # fmt: skip


Pair = tuple[Callable[[], PostgresStore], Callable[[], PostgresStore]]


@pytest.fixture
def pair(pg_reachable: str) -> Iterator[Pair]:
    """Openers of the fast store and of the shared-path store, each on a schema of its
    own holding the plan; every store opened is closed afterwards."""
    import psycopg

    schemas = ["tt_" + uuid.uuid4().hex[:12] for _ in range(2)]
    opened: list[PostgresStore] = []

    def opener(kind: type[PostgresStore], schema: str) -> Callable[[], PostgresStore]:
        def open_store() -> PostgresStore:
            store = kind(pg_reachable, schema=schema)
            opened.append(store)
            return store

        return open_store

    openers = (opener(PostgresStore, schemas[0]), opener(SharedPathStore, schemas[1]))
    try:
        for open_store in openers:
            open_store().save_plan(make_plan())
        yield openers
    finally:
        for store in opened:
            store.close()
        with psycopg.connect(pg_reachable, autocommit=True) as conn:
            for schema in schemas:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")  # type: ignore[arg-type]


def dump(store: PostgresStore) -> dict[str, list[tuple[Any, ...]]]:
    import psycopg

    with psycopg.connect(
        store.dsn, autocommit=True, options=f"-c search_path={store.schema}"
    ) as conn:
        return {name: conn.execute(query).fetchall() for name, query in TABLES.items()}  # type: ignore[arg-type]


def both(pair: Pair, steps: Callable[[Callable[[], PostgresStore]], list[Any]]) -> list[Any]:
    """Run ``steps`` on each database; assert the results and every table are equal."""
    fast, shared = pair
    got, want = steps(fast), steps(shared)
    assert got == want
    assert dump(fast()) == dump(shared())
    return got


def outcome(call: Callable[[], Any]) -> Any:
    """What ``call`` returned, or the type, message and attributes of what it raised."""
    try:
        return call()
    except (Conflict, StoreError) as exc:
        return type(exc).__name__, str(exc), vars(exc)


def test_the_same_rows_and_returns_as_the_shared_implementation(pair: Pair) -> None:
    plan = make_plan()

    def steps(open_store: Callable[[], PostgresStore]) -> list[Any]:
        me, other = open_store(), open_store()
        note = {"note": TRICKY}
        return [
            me.append(plan, [ev(1, "1", "issue", "planned", "issued")], [0]),
            # Another writer's events come back first, then these, renumbered.
            other.append(plan, [ev(1, "2", "issue", "planned", "issued", 1, **note)], [0]),
            me.append(plan, [ev(2, "1", "start", "issued", "in_progress", 2)], [1]),
            other.append(
                plan,
                [
                    ev(2, "3", "issue", "planned", "issued", 3),
                    ev(3, "3", "start", "issued", "in_progress", 3),
                    ev(4, "2", "start", "issued", "in_progress", 4),
                ],
                [0, 1, 1],
            ),
            me.append(
                plan,
                [
                    ev(
                        4,
                        "1",
                        "report",
                        "in_progress",
                        "reported",
                        5,
                        final=True,
                        data={"text": TRICKY, "n": [1, 2.5, None, True], "": {"%s": "$2"}},
                    ),
                ],
                [2],
            ),
            me.append(
                plan,
                [
                    ev(7, "1", "accept", "reported", "done", 6),
                    ev(8, "4", "issue", "planned", "issued", 6),
                    ev(9, "4", "cancel", "issued", "cancelled", 7, note=TRICKY),
                ],
                [3, 0, 1],
            ),
            other.load(plan),
            me.verify().ok,
        ]

    got = both(pair, steps)
    assert [e.seq for e in got[-2]] == list(range(1, 11))
    assert got[-1] is True


def test_the_same_errors_and_nothing_written(pair: Pair) -> None:
    plan = make_plan()
    unknown = Plan(
        id="p",
        title="Kế hoạch p",
        issuer="a",
        units=[Unit("a", "Đơn vị A")],
        tasks=[Task(t, f"Nhiệm vụ {t}", lead="a") for t in ("1", "2", "9")],
    )
    unsaved = Plan(id="nope", title="Không", issuer="a", units=[Unit("a", "A")], tasks=[])

    def steps(open_store: Callable[[], PostgresStore]) -> list[Any]:
        me = open_store()
        me.append(plan, [ev(1, "1", "issue", "planned", "issued")], [0])
        return [
            outcome(lambda: me.append(plan, [ev(2, "1", "issue", "planned", "issued")], [0])),
            outcome(
                lambda: me.append(
                    plan,
                    [
                        ev(2, "2", "issue", "planned", "issued"),
                        ev(3, "2", "start", "issued", "in_progress"),
                        ev(4, "1", "start", "issued", "in_progress"),
                        ev(5, "1", "report", "in_progress", "reported"),
                    ],
                    [0, 1, 0, 1],  # the third is stale
                )
            ),
            outcome(lambda: me.append(unknown, [ev(2, "9", "issue", "planned", "issued")], [0])),
            outcome(lambda: me.append(unsaved, [ev(1, "1", "issue", "planned", "issued")], [0])),
            outcome(lambda: me.append(plan, [ev(2, "1", "start", "issued", "in_progress")], [1])),
        ]

    got = both(pair, steps)
    assert [g[0] for g in got[:4]] == ["Conflict", "Conflict", "StoreError", "StoreError"]
    assert got[1][2]["task"] == "1"
    assert "has no task '9'" in got[2][1]
    assert "tuyentruyen init" in got[3][1]
    assert [e.seq for e in got[4]] == [2]


def test_a_head_hash_edited_into_other_text_is_chained_from_as_stored(pair: Pair) -> None:
    import psycopg

    plan = make_plan()

    def steps(open_store: Callable[[], PostgresStore]) -> list[Any]:
        me = open_store()
        with psycopg.connect(
            me.dsn, autocommit=True, options=f"-c search_path={me.schema}"
        ) as conn:
            conn.execute("UPDATE tt_heads SET head_hash = %s", ("it's \\ %s $1 -- x",))
        return [
            me.append(plan, [ev(1, "1", "issue", "planned", "issued")], [0]),
            me.append(plan, [ev(2, "2", "issue", "planned", "issued")], [0]),
            me.verify().broken,
        ]

    got = both(pair, steps)
    assert got[-1] == ("p", 1, "prev_hash does not match")


def test_appending_goes_on_after_the_prepared_statements_are_dropped(pair: Pair) -> None:
    plan = make_plan()
    store = pair[0]()
    store.append(plan, [ev(1, "1", "issue", "planned", "issued")], [0])
    store._conn.execute("DEALLOCATE ALL")  # as psycopg does when a rollback drops its cache
    store.append(plan, [ev(2, "1", "start", "issued", "in_progress")], [1])
    store._conn.execute("DEALLOCATE ALL")
    store.append(
        plan,
        [ev(3, "2", "issue", "planned", "issued"), ev(4, "3", "issue", "planned", "issued")],
        [0, 0],
    )
    assert [e.seq for e in store.load(plan)] == [1, 2, 3, 4]
    assert store.verify().ok
