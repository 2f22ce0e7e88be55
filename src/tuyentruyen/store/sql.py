"""What the SQL stores share: schema, migrations, the hash-chained event log, versions.

The SQL layer is plain DB-API (``sqlite3``, ``psycopg`` 3), not an ORM or SQLAlchemy:
every fire is one short transaction of a handful of statements, and the stores must
stay within a small factor of bare ``executemany`` (``benchmarks/``); the schema is
small enough to write once per dialect. See docs/storing-state.md.

Tables (all prefixed ``tt_``): ``tt_meta`` (schema version), ``tt_plans`` (one row per
plan: its normalized definition), ``tt_heads`` (the head of each plan's event chain;
since schema 3, the ``head_*`` columns of ``tt_plans`` are no longer used), ``tt_tasks`` (state
and version of every task of every plan), ``tt_events`` (append-only, hash-chained) and
``tt_outbox`` (rows written in the same transaction as their event, drained later by
notification plugins).

Every event row carries ``prev_hash`` and ``hash`` = SHA-256 of ``prev_hash`` + ``"\\n"``
+ the event's canonical encoding (:func:`canonical`): UTF-8 JSON with sorted keys, no
spaces, of ``plan, seq, task, event, source, dest, actor, at`` (ISO 8601 with offset),
``note, data, final``. The first event of a plan chains from 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

import attrs

from tuyentruyen.errors import Conflict, PlanError, Problem, TuyenTruyenError
from tuyentruyen.events import Event, freeze_data, thaw_data
from tuyentruyen.io import plan_from_dict, plan_to_dict
from tuyentruyen.model import Plan
from tuyentruyen.timeexpr import as_local

__all__ = ["GENESIS", "SCHEMA_VERSION", "SQLStore", "StoreError", "VerifyReport", "canonical"]

#: The database schema this library writes. Older databases are upgraded on open.
SCHEMA_VERSION = 3
#: ``prev_hash`` of a plan's first event.
GENESIS = "0" * 64


class StoreError(TuyenTruyenError):
    """The database cannot be used: not a database, a newer schema, refused connection."""


_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _canonical(
    plan_id: str, seq: int, task: str, event: str, source: str, dest: str, actor: str,
    at: str, note: str | None, data: Any, final: bool | None,
) -> bytes:  # fmt: skip
    return _ENCODE({
        "plan": plan_id, "seq": seq, "task": task, "event": event, "source": source,
        "dest": dest, "actor": actor, "at": at, "note": note, "data": data, "final": final,
    }).encode("utf-8")  # fmt: skip


def canonical(plan_id: str, ev: Event) -> bytes:
    """The canonical encoding of an event that the hash chain covers (``at`` as the ISO
    text stored, ``data`` as a JSON object, ``{}`` when empty)."""
    return _canonical(
        plan_id, ev.seq, ev.task, ev.event, ev.source, ev.dest, ev.actor, ev.at.isoformat(),
        ev.note, thaw_data(ev.data) if ev.data else {}, ev.final,
    )  # fmt: skip


def _link(prev_hash: str, encoded: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + encoded).hexdigest()


def chain(prev_hash: str, plan_id: str, ev: Event) -> str:
    """The hash of ``ev`` following ``prev_hash``."""
    return _link(prev_hash, canonical(plan_id, ev))


@attrs.frozen
class VerifyReport:
    """What ``verify`` found: events checked and the first broken link, if any."""

    plans: int
    events: int
    #: ``(plan id, seq, reason)`` of the first broken link, or None when all is well.
    broken: tuple[str, int, str] | None = None

    @property
    def ok(self) -> bool:
        """True when every link and every task state checks out."""
        return self.broken is None


class Cursor(Protocol):
    """The DB-API cursor subset the stores use."""

    rowcount: int

    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...
    def executemany(self, sql: str, params: Iterable[Sequence[Any]]) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


#: The schema, one migration per version, in a dialect-neutral subset of SQL.
#: ``{auto}`` is the dialect's auto-increment integer key.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # version 1: plans, tasks, the event chain
        "CREATE TABLE tt_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE tt_plans (plan_id TEXT PRIMARY KEY, definition TEXT NOT NULL,"
        " head_seq INTEGER NOT NULL, head_hash TEXT NOT NULL)",
        "CREATE TABLE tt_tasks (plan_id TEXT NOT NULL REFERENCES tt_plans(plan_id),"
        " task_id TEXT NOT NULL, state TEXT NOT NULL, version INTEGER NOT NULL,"
        " PRIMARY KEY (plan_id, task_id))",
        "CREATE TABLE tt_events (plan_id TEXT NOT NULL REFERENCES tt_plans(plan_id),"
        " seq INTEGER NOT NULL, task_id TEXT NOT NULL, event TEXT NOT NULL,"
        " source TEXT NOT NULL, dest TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL,"
        " note TEXT, data TEXT, final INTEGER, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,"
        " PRIMARY KEY (plan_id, seq))",
    ),
    (  # version 2: the notification outbox, written in the event's transaction
        "CREATE TABLE tt_outbox (id {auto}, plan_id TEXT NOT NULL, seq INTEGER NOT NULL,"
        " kind TEXT NOT NULL, payload TEXT NOT NULL, delivered_at TEXT,"
        " attempts INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX tt_outbox_pending ON tt_outbox (delivered_at, id)",
    ),
    (  # version 3: the chain head in a row of its own. In tt_plans it sat beside the
        # plan definition (30 MB for 100,000 tasks), which every append read and rewrote.
        "CREATE TABLE tt_heads (plan_id TEXT PRIMARY KEY REFERENCES tt_plans(plan_id),"
        " head_seq INTEGER NOT NULL, head_hash TEXT NOT NULL)",
        "INSERT INTO tt_heads (plan_id, head_seq, head_hash)"
        " SELECT plan_id, head_seq, head_hash FROM tt_plans",
    ),
)


class SQLStore:
    """Shared logic of :class:`~tuyentruyen.store.SQLiteStore` and
    :class:`~tuyentruyen.store.PostgresStore`. Subclasses give the connection, the
    placeholder style and how a write transaction starts."""

    #: DB-API placeholder.
    mark = "?"
    #: Auto-increment integer primary key of the dialect.
    auto = "INTEGER PRIMARY KEY AUTOINCREMENT"
    #: Name of the database shown in messages (file path, or DSN with the password masked).
    where = ""
    #: SQL building an outbox row's JSON payload from a ``tt_events`` row.
    outbox_payload = "json_object('plan', plan_id, 'seq', seq, 'task', task_id, 'event', event)"
    #: Whether ``executemany`` reports the total of rows it changed (then a batch's
    #: version checks take one round trip).
    batch_rowcount = False

    # --- dialect hooks ----------------------------------------------------------------

    def _write(self) -> AbstractContextManager[Cursor]:
        """A cursor inside a write transaction that commits on exit, rolls back on error."""
        raise NotImplementedError

    def _read(self) -> AbstractContextManager[Cursor]:
        """A cursor for reading."""
        raise NotImplementedError

    def _snapshot(self) -> AbstractContextManager[Cursor]:
        """A cursor whose reads all see one committed state, whatever other writers
        commit meanwhile (``verify`` compares several tables with each other)."""
        return self._read()

    def _lock_plan(self, cur: Cursor, plan_id: str) -> tuple[int, str] | None:
        """Lock the plan's row for this transaction and return its chain head."""
        cur.execute(
            self._q("SELECT head_seq, head_hash FROM tt_heads WHERE plan_id = ?"), (plan_id,)
        )
        row = cur.fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def _append_only(self, cur: Cursor) -> None:
        """Install what makes tt_events append-only in this dialect."""

    # --- helpers ----------------------------------------------------------------------

    def _q(self, sql: str) -> str:
        return sql if self.mark == "?" else sql.replace("?", self.mark)

    def _error(self, en: str, vi: str) -> StoreError:
        return StoreError(f"{self.where}: {en}", f"{self.where}: {vi}")

    # --- schema -----------------------------------------------------------------------

    def _schema_version(self, cur: Cursor) -> int:
        try:
            cur.execute("SELECT value FROM tt_meta WHERE key = 'schema'")
        except Exception:
            return 0
        row = cur.fetchone()
        return 0 if row is None else int(row[0])

    def migrate(self, upto: int = SCHEMA_VERSION) -> int:
        """Create or upgrade the schema, in place, up to ``upto``; returns the version."""
        with self._write() as cur:
            version = self._schema_version_in_write(cur)
            if version > SCHEMA_VERSION:
                raise self._error(
                    f"the database has schema {version}, newer than this tuyentruyen knows "
                    f"({SCHEMA_VERSION}); upgrade tuyentruyen",
                    f"cơ sở dữ liệu có lược đồ {version}, mới hơn phiên bản tuyentruyen này "
                    f"hiểu ({SCHEMA_VERSION}); hãy nâng cấp tuyentruyen",
                )
            for number in range(version + 1, upto + 1):
                for statement in MIGRATIONS[number - 1]:
                    cur.execute(statement.replace("{auto}", self.auto))
                if number == 1:
                    self._append_only(cur)
                    cur.execute(
                        self._q("INSERT INTO tt_meta (key, value) VALUES ('schema', ?)"),
                        (str(number),),
                    )
                else:
                    cur.execute(
                        self._q("UPDATE tt_meta SET value = ? WHERE key = 'schema'"), (str(number),)
                    )
                version = number
        return version

    def _schema_version_in_write(self, cur: Cursor) -> int:
        return self._schema_version(cur)

    # --- plans ------------------------------------------------------------------------

    def plan_ids(self) -> list[str]:
        """Ids of the plans in the database."""
        with self._read() as cur:
            cur.execute("SELECT plan_id FROM tt_plans ORDER BY plan_id")
            return [str(r[0]) for r in cur.fetchall()]

    def load_plan(self, plan_id: str | None = None) -> Plan:
        """The plan stored under ``plan_id`` (optional when the database holds one)."""
        ids = self.plan_ids()
        if plan_id is None:
            if len(ids) != 1:
                raise self._error(
                    f"the database holds {len(ids)} plans ({', '.join(ids) or '-'}); name one",
                    f"cơ sở dữ liệu có {len(ids)} kế hoạch ({', '.join(ids) or '-'}); hãy chọn một",
                )
            plan_id = ids[0]
        with self._read() as cur:
            cur.execute(self._q("SELECT definition FROM tt_plans WHERE plan_id = ?"), (plan_id,))
            row = cur.fetchone()
        if row is None:
            raise self._error(
                f"no plan {plan_id!r} (plans: {', '.join(ids) or '-'})",
                f"không có kế hoạch {plan_id!r} (các kế hoạch: {', '.join(ids) or '-'})",
            )
        return plan_from_dict(json.loads(row[0]))

    def save_plan(self, plan: Plan) -> None:
        """Store ``plan`` (``tuyentruyen init``). Saving a changed plan again updates it;
        a task that has events may not disappear (refused, nothing changed)."""
        plan.validate()
        definition = json.dumps(plan_to_dict(plan), ensure_ascii=False, sort_keys=True)
        with self._write() as cur:
            head = self._lock_plan(cur, plan.id)
            if head is None:
                cur.execute(
                    self._q(
                        "INSERT INTO tt_plans (plan_id, definition, head_seq, head_hash)"
                        " VALUES (?, ?, 0, ?)"
                    ),
                    (plan.id, definition, GENESIS),
                )
                cur.execute(
                    self._q("INSERT INTO tt_heads (plan_id, head_seq, head_hash) VALUES (?, 0, ?)"),
                    (plan.id, GENESIS),
                )
                known: dict[str, int] = {}
            else:
                cur.execute(
                    self._q("SELECT task_id, version FROM tt_tasks WHERE plan_id = ?"), (plan.id,)
                )
                known = {str(r[0]): int(r[1]) for r in cur.fetchall()}
                new_ids = {t.id for t in plan.tasks}
                lost = sorted(t for t, v in known.items() if v > 0 and t not in new_ids)
                if lost:
                    raise PlanError([Problem(
                        "$.tasks",
                        f"tasks {', '.join(lost)} have recorded events and would disappear; "
                        "keep them in the plan (or cancel them)",
                        f"các nhiệm vụ {', '.join(lost)} đã có sự kiện và sẽ bị mất; hãy giữ "
                        "chúng trong kế hoạch (hoặc hủy chúng)",
                    )])  # fmt: skip
                gone = [t for t, v in known.items() if v == 0 and t not in new_ids]
                cur.executemany(
                    self._q("DELETE FROM tt_tasks WHERE plan_id = ? AND task_id = ?"),
                    [(plan.id, t) for t in gone],
                )
                cur.execute(
                    self._q("UPDATE tt_plans SET definition = ? WHERE plan_id = ?"),
                    (definition, plan.id),
                )
            cur.executemany(
                self._q(
                    "INSERT INTO tt_tasks (plan_id, task_id, state, version)"
                    " VALUES (?, ?, 'planned', 0)"
                ),
                [(plan.id, t.id) for t in plan.tasks if t.id not in known],
            )

    # --- events -----------------------------------------------------------------------

    def _rows(self, cur: Cursor, plan_id: str, after: int) -> list[Event]:
        cur.execute(
            self._q(
                "SELECT seq, task_id, event, source, dest, actor, at, note, data, final"
                " FROM tt_events WHERE plan_id = ? AND seq > ? ORDER BY seq"
            ),
            (plan_id, after),
        )
        return [_event(r) for r in cur.fetchall()]

    def load(self, plan: Plan) -> Sequence[Event]:
        """Every event of ``plan``, in order."""
        return self.load_since(plan, 0)

    def load_since(self, plan: Plan, after: int) -> list[Event]:
        """The events of ``plan`` numbered after ``after``."""
        with self._read() as cur:
            return self._rows(cur, plan.id, after)

    def append(
        self, plan: Plan, events: Sequence[Event], versions: Sequence[int] = ()
    ) -> Sequence[Event]:
        """Record ``events`` in one transaction: task states with their version checked,
        the hash-chained event rows and their outbox rows; returns every event committed
        since the caller's view (others' first, then these, renumbered)."""
        if not events:
            return []
        known = events[0].seq - 1
        with self._write() as cur:
            update = self._q(
                "UPDATE tt_tasks SET state = ?, version = version + 1"
                " WHERE plan_id = ? AND task_id = ? AND version = ?"
            )
            if len(versions) < len(events):
                raise ValueError("a shared store needs the task versions")
            params = [(ev.dest, plan.id, ev.task, versions[k]) for k, ev in enumerate(events)]
            if self.batch_rowcount and len(events) > 1:
                # One round trip; the total count tells whether every version matched.
                # If not, undo it and find the first stale event one by one.
                cur.execute("SAVEPOINT tt_versions")
                cur.executemany(update, params)
                if cur.rowcount == len(events):
                    cur.execute("RELEASE tt_versions")
                else:
                    cur.execute("ROLLBACK TO tt_versions")
                    self._update_each(cur, plan, events, params)
            else:
                self._update_each(cur, plan, events, params)
            # The chain head is locked last, after the task rows: writers on different
            # tasks hold it only for the few statements that extend the chain.
            head = self._lock_plan(cur, plan.id)
            if head is None:
                raise self._error(
                    f"plan {plan.id!r} is not in the database; run 'tuyentruyen init' first",
                    f"kế hoạch {plan.id!r} chưa có trong cơ sở dữ liệu; hãy chạy "
                    "'tuyentruyen init' trước",
                )
            seq, prev = head
            others = self._rows(cur, plan.id, known) if seq > known else []
            stored = []
            rows = []
            first = seq + 1
            for ev in events:
                seq += 1
                at = ev.at.isoformat()  # once: the hash covers exactly the stored text
                data = thaw_data(ev.data) if ev.data else None
                digest = _link(prev, _canonical(
                    plan.id, seq, ev.task, ev.event, ev.source, ev.dest, ev.actor, at, ev.note,
                    {} if data is None else data, ev.final,
                ))  # fmt: skip
                rows.append((
                    plan.id, seq, ev.task, ev.event, ev.source, ev.dest, ev.actor, at, ev.note,
                    None if data is None else _ENCODE(data),
                    None if ev.final is None else int(ev.final), prev, digest,
                ))  # fmt: skip
                prev = digest
                stored.append(ev if ev.seq == seq else ev._replace(seq=seq))
            insert_event = self._q(
                "INSERT INTO tt_events (plan_id, seq, task_id, event, source, dest,"
                " actor, at, note, data, final, prev_hash, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            )
            if len(rows) == 1:  # one round trip, no batch machinery
                cur.execute(insert_event, rows[0])
            else:
                cur.executemany(insert_event, rows)
            # The outbox rows come from the event rows just written, in one statement.
            cur.execute(
                self._q(
                    "INSERT INTO tt_outbox (plan_id, seq, kind, payload)"
                    f" SELECT plan_id, seq, 'event', {self.outbox_payload}"
                    " FROM tt_events WHERE plan_id = ? AND seq >= ? ORDER BY seq"
                ),
                (plan.id, first),
            )
            cur.execute(
                self._q("UPDATE tt_heads SET head_seq = ?, head_hash = ? WHERE plan_id = ?"),
                (seq, prev, plan.id),
            )
        return [*others, *stored]

    def _update_each(
        self, cur: Cursor, plan: Plan, events: Sequence[Event], params: Sequence[Sequence[Any]]
    ) -> None:
        """Update task rows one by one; raise :class:`Conflict` at the first whose version
        moved on (the caller's transaction then rolls back)."""
        update = self._q(
            "UPDATE tt_tasks SET state = ?, version = version + 1"
            " WHERE plan_id = ? AND task_id = ? AND version = ?"
        )
        for ev, param in zip(events, params, strict=True):
            cur.execute(update, param)
            if cur.rowcount != 1:
                cur.execute(
                    self._q("SELECT state FROM tt_tasks WHERE plan_id = ? AND task_id = ?"),
                    (plan.id, ev.task),
                )
                row = cur.fetchone()
                if row is None:
                    raise self._error(
                        f"plan {plan.id!r} has no task {ev.task!r} in the database; run "
                        "'tuyentruyen init' first",
                        f"kế hoạch {plan.id!r} chưa có nhiệm vụ {ev.task!r} trong cơ sở dữ liệu; "
                        "hãy chạy 'tuyentruyen init' trước",
                    )
                raise Conflict(ev.task, ev.source, str(row[0]))

    # --- audit ------------------------------------------------------------------------

    def verify(self, plan_id: str | None = None) -> VerifyReport:
        """Recompute every hash chain (and each task's state from its events); report the
        first broken link."""
        ids = [plan_id] if plan_id else self.plan_ids()
        checked = 0
        with self._snapshot() as cur:  # not a mix of before and after a concurrent write
            for pid in ids:
                cur.execute(
                    self._q("SELECT head_seq, head_hash FROM tt_heads WHERE plan_id = ?"), (pid,)
                )
                head = cur.fetchone()
                if head is None:
                    return VerifyReport(len(ids), checked, (pid, 0, "no such plan"))
                cur.execute(
                    self._q(
                        "SELECT seq, task_id, event, source, dest, actor, at, note, data,"
                        " final, prev_hash, hash FROM tt_events WHERE plan_id = ?"
                        " ORDER BY seq"
                    ),
                    (pid,),
                )
                prev, expected_seq = GENESIS, 1
                states: dict[str, tuple[str, int]] = {}
                for row in _iter(cur):
                    # The stored text itself is hashed (at as written, not re-parsed), so
                    # rewriting a time to the same instant in another offset shows too.
                    seq, task, event, source, dest, actor, at, note, data, final = row[:10]
                    if seq != expected_seq:
                        return VerifyReport(len(ids), checked, (pid, expected_seq, "event missing"))
                    if row[10] != prev:
                        return VerifyReport(
                            len(ids), checked, (pid, seq, "prev_hash does not match")
                        )
                    encoded = _canonical(
                        pid, seq, task, event, source, dest, actor, at, note,
                        json.loads(data) if data else {}, None if final is None else bool(final),
                    )  # fmt: skip
                    if _link(prev, encoded) != row[11]:
                        return VerifyReport(
                            len(ids), checked, (pid, seq, "hash does not match the event")
                        )
                    state, version = states.get(task, ("planned", 0))
                    if source != state:
                        return VerifyReport(len(ids), checked, (pid, seq, f"source is not {state}"))
                    states[task] = (dest, version + 1)
                    prev = str(row[11])
                    expected_seq += 1
                    checked += 1
                if (expected_seq - 1, prev) != (int(head[0]), str(head[1])):
                    return VerifyReport(
                        len(ids), checked, (pid, expected_seq, "chain head does not match")
                    )
                cur.execute(
                    self._q("SELECT task_id, state, version FROM tt_tasks WHERE plan_id = ?"),
                    (pid,),
                )
                for task_id, state, version in cur.fetchall():
                    if states.get(str(task_id), ("planned", 0)) != (str(state), int(version)):
                        return VerifyReport(
                            len(ids),
                            checked,
                            (pid, 0, f"task {task_id} state differs from its events"),
                        )
        return VerifyReport(len(ids), checked)


def _iter(cur: Cursor, size: int = 10_000) -> Iterator[Any]:
    fetchmany = getattr(cur, "fetchmany", None)
    if fetchmany is None:  # pragma: no cover
        yield from cur.fetchall()
        return
    while True:
        batch = fetchmany(size)
        if not batch:
            return
        yield from batch


def _event(row: Sequence[Any]) -> Event:
    seq, task, event, source, dest, actor, at, note, data, final = row
    data_map: Mapping[str, Any] | None = json.loads(data) if data else None
    return Event(
        int(seq), str(task), str(event), str(source), str(dest), str(actor),
        as_local(datetime.fromisoformat(str(at))), note,
        freeze_data(data_map), None if final is None else bool(final),
    )  # fmt: skip
