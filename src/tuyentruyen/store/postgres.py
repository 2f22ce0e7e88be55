"""PostgreSQL store, for many worker processes on one database (psycopg 3).

Each write locks the plan's row (``SELECT ... FOR UPDATE``), so appends to one plan's
chain are serialised while different plans proceed in parallel; task versions make a
stale writer fail with :class:`~tuyentruyen.errors.Conflict` instead of overwriting.
Events are made append-only by a trigger. Install with ``pip install
tuyentruyen[postgres]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from tuyentruyen.events import Event, thaw_data
from tuyentruyen.model import Plan
from tuyentruyen.store.sql import _ENCODE, SQLStore, _canonical_around_seq, _event

__all__ = ["PostgresStore", "mask_dsn"]

_APPEND_ONLY = (
    "CREATE FUNCTION tt_events_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $$ BEGIN RAISE EXCEPTION 'tt_events is append-only'; END $$",
    "CREATE TRIGGER tt_events_no_change BEFORE UPDATE OR DELETE ON tt_events"
    " FOR EACH ROW EXECUTE FUNCTION tt_events_append_only()",
    # Row triggers do not fire on TRUNCATE, which would empty the log in one statement.
    "CREATE TRIGGER tt_events_no_truncate BEFORE TRUNCATE ON tt_events"
    " FOR EACH STATEMENT EXECUTE FUNCTION tt_events_append_only()",
)


#: One event in one statement, after the task update ``{task}`` (its version checked):
#: the chain head moves on, hashing in SQL the canonical text around the new seq (the
#: UPDATE's right-hand sides see the old head); the event row and its outbox row follow.
#: No row back means the version or the plan was not found, and nothing was written.
_APPEND_ONE = (
    "WITH t AS ({task} RETURNING 1),"
    " h AS (UPDATE tt_heads SET head_seq = head_seq + 1, head_prev = head_hash,"
    " head_hash = encode(sha256(convert_to(head_hash || E'\\n' || %s"
    " || (head_seq + 1)::text || %s, 'UTF8')), 'hex')"
    " WHERE plan_id = %s AND EXISTS (SELECT 1 FROM t)"
    " RETURNING plan_id, head_seq, head_prev, head_hash),"
    " e AS (INSERT INTO tt_events (plan_id, seq, task_id, event, source, dest, actor, at,"
    " note, data, final, prev_hash, hash)"
    " SELECT plan_id, head_seq, %s, %s, %s, %s, %s, %s, %s, %s, %s, head_prev, head_hash"
    " FROM h RETURNING plan_id, seq, task_id, event, dest),"
    " o AS (INSERT INTO tt_outbox (plan_id, seq, kind, payload)"
    " SELECT plan_id, seq, 'event', {payload} FROM e)"
    " SELECT head_seq FROM h"
)


def mask_dsn(dsn: str) -> str:
    """``dsn`` with its password replaced by ``***`` (URL or key=value form)."""
    dsn = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", dsn)
    return re.sub(r"(password\s*=\s*)('[^']*'|\S+)", r"\1***", dsn)


class PostgresStore(SQLStore):
    """Events and task states in PostgreSQL.

    Args:
        dsn: a ``postgresql://`` URL or a libpq connection string.
        schema: the PostgreSQL schema to keep the tables in (created if missing);
            the connection's default (``public``) when omitted.
        migrate: create or upgrade the tables on open (default).
    """

    mark = "%s"
    auto = "BIGSERIAL PRIMARY KEY"
    real = "DOUBLE PRECISION"
    skip_locked = " FOR UPDATE OF o SKIP LOCKED"
    greatest = "GREATEST"
    outbox_payload = (
        "json_build_object('plan', plan_id, 'seq', seq, 'task', task_id, 'event', event,"
        " 'dest', dest)::text"
    )

    def __init__(self, dsn: str, *, schema: str | None = None, migrate: bool = True) -> None:
        import psycopg

        self.dsn = dsn
        self.where = mask_dsn(dsn)
        self.schema = schema
        try:
            self._conn = psycopg.connect(dsn, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise self._error(
                f"cannot connect: {mask_dsn(reason)}", f"không kết nối được: {mask_dsn(reason)}"
            ) from None
        try:
            if schema is not None:
                if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
                    raise self._error(
                        f"invalid schema name {schema!r}", f"tên schema không hợp lệ {schema!r}"
                    )
                self._conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                self._conn.execute(f"SET search_path TO {schema}")
            if migrate:
                self.migrate()
        except BaseException:
            self._conn.close()  # a refused database leaves no connection behind
            raise

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _translate(self, exc: Exception) -> Exception:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return self._error(f"database error: {text}", f"lỗi cơ sở dữ liệu: {text}")

    @contextmanager
    def _write(self) -> Iterator[Any]:
        import psycopg

        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                yield cur
        except psycopg.Error as exc:
            raise self._translate(exc) from None

    @contextmanager
    def _read(self) -> Iterator[Any]:
        import psycopg

        try:
            with self._conn.cursor() as cur:
                yield cur
        except psycopg.Error as exc:
            raise self._translate(exc) from None

    @contextmanager
    def _snapshot(self) -> Iterator[Any]:
        import psycopg

        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield cur
        except psycopg.Error as exc:
            raise self._translate(exc) from None

    def append(
        self, plan: Plan, events: Sequence[Event], versions: Sequence[int] = ()
    ) -> Sequence[Event]:
        """:meth:`SQLStore.append <tuyentruyen.store.sql.SQLStore.append>`; one event
        (``fire``) is one statement, one round trip, in its own transaction.

        The chain head is locked only while the server runs that statement, not across
        round trips to this process, so writers on different tasks of one plan wait on
        each other for microseconds. The hash is computed by PostgreSQL over the same
        canonical text (built here, around the seq it assigns). When the task's version
        moved on, or the plan or task is missing, nothing is written and the shared
        implementation runs instead, raising its :class:`~tuyentruyen.errors.Conflict`
        or error (or succeeding, had the task moved on to where the caller expected).
        """
        import psycopg

        if len(events) != 1 or len(versions) < 1:
            return super().append(plan, events, versions)
        (ev,) = events
        ((update, (params,)),) = self._task_updates(plan, events, versions)
        at = ev.at.isoformat()  # once: the hash covers exactly the stored text
        data = thaw_data(ev.data) if ev.data else None
        before, after = _canonical_around_seq(
            plan.id, ev.task, ev.event, ev.source, ev.dest, ev.actor, at, ev.note,
            {} if data is None else data, ev.final,
        )  # fmt: skip
        statement = _APPEND_ONE.format(task=update, payload=self.outbox_payload)
        values = (
            *params, before, after, plan.id, ev.task, ev.event, ev.source, ev.dest, ev.actor,
            at, ev.note, None if data is None else _ENCODE(data),
            None if ev.final is None else int(ev.final),
        )  # fmt: skip
        try:
            row = self._conn.execute(statement, values, prepare=True).fetchone()
            if row is None:
                return super().append(plan, events, versions)
            seq = int(row[0])
            known = ev.seq - 1
            others = []
            if seq - 1 > known:  # other writers' events came first: the caller needs them
                others = [
                    _event(r)
                    for r in self._conn.execute(
                        "SELECT seq, task_id, event, source, dest, actor, at, note, data, final"
                        " FROM tt_events WHERE plan_id = %s AND seq > %s AND seq < %s"
                        " ORDER BY seq",
                        (plan.id, known, seq),
                        prepare=True,
                    )
                ]
        except psycopg.Error as exc:
            raise self._translate(exc) from None
        return [*others, ev if ev.seq == seq else ev._replace(seq=seq)]

    def _lock_plan(self, cur: Any, plan_id: str) -> tuple[int, str] | None:
        cur.execute(
            "SELECT head_seq, head_hash FROM tt_heads WHERE plan_id = %s FOR UPDATE", (plan_id,)
        )
        row = cur.fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def _schema_version_in_write(self, cur: Any) -> int:
        # Serialise concurrent first opens: only one process creates the tables.
        cur.execute("SELECT pg_advisory_xact_lock(7406113)")
        cur.execute("SELECT to_regclass('tt_meta')")
        row = cur.fetchone()
        if row is None or row[0] is None:
            return 0
        return self._schema_version(cur)

    def _append_only(self, cur: Any) -> None:
        for statement in _APPEND_ONLY:
            cur.execute(statement)
