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

import functools
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from hashlib import sha256
from typing import Any, Protocol

import attrs

from tuyentruyen._bulk import gc_paused
from tuyentruyen.errors import Conflict, PlanError, Problem, TuyenTruyenError
from tuyentruyen.events import Event, freeze_data, thaw_data
from tuyentruyen.io import plan_from_dict, plan_to_dict
from tuyentruyen.lifecycle import PROGRESS_RANK
from tuyentruyen.model import Plan
from tuyentruyen.store.rows import (
    INITIAL,
    LOAD_COLUMNS,
    RANKS,
    SPEC_COLUMNS,
    STATE_COLUMNS,
    TaskState,
    replay_states,
    spec_row,
    tasks_from_rows,
)
from tuyentruyen.timeexpr import as_local

__all__ = ["GENESIS", "SCHEMA_VERSION", "SQLStore", "StoreError", "VerifyReport", "canonical"]

#: The database schema this library writes. Older databases are upgraded on open.
SCHEMA_VERSION = 8
#: ``prev_hash`` of a plan's first event.
GENESIS = "0" * 64


class StoreError(TuyenTruyenError):
    """The database cannot be used: not a database, a newer schema, refused connection."""


_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
#: A JSON string literal, as the encoder above writes it.
_STR: Callable[[str], str] = json.encoder.encode_basestring
_FINAL = {None: "null", True: "true", False: "false"}


def _canonical(
    plan_id: str, seq: int, task: str, event: str, source: str, dest: str, actor: str,
    at: str, note: str | None, data: Any, final: bool | None,
) -> bytes:  # fmt: skip
    """The canonical JSON, written out field by field in sorted-key order: the same
    bytes as ``json.dumps(..., sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)`` of the event's mapping (a property test holds them equal),
    at a fraction of the cost on the write path."""
    before, after = _canonical_around_seq(
        plan_id, task, event, source, dest, actor, at, note, data, final
    )
    return f"{before}{int(seq)}{after}".encode()


def _canonical_around_seq(
    plan_id: str, task: str, event: str, source: str, dest: str, actor: str,
    at: str, note: str | None, data: Any, final: bool | None,
) -> tuple[str, str]:  # fmt: skip
    """The canonical JSON's text before and after the event's ``seq`` (its decimal
    digits go between): a store that numbers events in SQL hashes it there."""
    return (
        f'{{"actor":{_STR(actor)},"at":{_STR(at)},"data":{_ENCODE(data) if data else "{}"},'
        f'"dest":{_STR(dest)},"event":{_STR(event)},"final":{_FINAL[final]},'
        f'"note":{"null" if note is None else _STR(note)},"plan":{_STR(plan_id)},"seq":',
        f',"source":{_STR(source)},"task":{_STR(task)}}}',
    )


def _canonical_by_json(
    plan_id: str, seq: int, task: str, event: str, source: str, dest: str, actor: str,
    at: str, note: str | None, data: Any, final: bool | None,
) -> bytes:  # fmt: skip
    """The canonical encoding's definition, which :func:`_canonical` must equal."""
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


#: Columns schema 4 adds to ``tt_tasks``: the task's definition, then its state.
_V4_COLUMNS = (
    ("position", "INTEGER"), ("title", "TEXT"), ("lead", "TEXT"), ("section", "TEXT"),
    ("plan_due", "TEXT"), ("plan_due_text", "TEXT"), ("window_start", "TEXT"),
    ("window_end", "TEXT"), ("window_text", "TEXT"), ("ongoing", "INTEGER"), ("extra", "TEXT"),
    ("peak", "INTEGER NOT NULL DEFAULT 0"), ("final", "INTEGER NOT NULL DEFAULT 0"),
    ("last_at", "{real}"), ("first_issued_at", "{real}"), ("first_started_at", "{real}"),
    ("first_reported_at", "{real}"), ("first_done_at", "{real}"),
)  # fmt: skip

#: The schema, one migration per version: statements in a dialect-neutral subset of SQL
#: (``{auto}`` is the dialect's auto-increment integer key, ``{real}`` its double) or
#: Python steps run in the same transaction.
MIGRATIONS: tuple[tuple[str | Callable[[SQLStore, Cursor], None], ...], ...] = (
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
    (  # version 4: tasks as rows, with the state the tracker needs to open without
        # replaying the log; tt_plans.definition keeps the plan without its tasks.
        *(f"ALTER TABLE tt_tasks ADD COLUMN {name} {kind}" for name, kind in _V4_COLUMNS),
        lambda store, cur: store._fill_task_rows(cur),
        "CREATE INDEX tt_tasks_position ON tt_tasks (plan_id, position)",
    ),
    (  # version 5: the prev_hash of the head event beside the head. PostgreSQL extends
        # the chain in one statement with it (an UPDATE's right-hand sides see the old
        # head_hash, its RETURNING only the new values).
        "ALTER TABLE tt_heads ADD COLUMN head_prev TEXT",
        "UPDATE tt_heads SET head_prev = (SELECT prev_hash FROM tt_events e"
        " WHERE e.plan_id = tt_heads.plan_id AND e.seq = tt_heads.head_seq)",
    ),
    (  # version 6: delivery of each outbox row by each notification backend
        "CREATE TABLE tt_deliveries (outbox_id INTEGER NOT NULL, backend TEXT NOT NULL,"
        " status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
        " next_at {real}, lease_until {real}, sent_at {real},"
        " PRIMARY KEY (outbox_id, backend))",
    ),
    (  # version 7: reminders queued once per key, whoever runs 'remind' and how often
        "ALTER TABLE tt_outbox ADD COLUMN msg_key TEXT",
        "CREATE UNIQUE INDEX tt_outbox_key ON tt_outbox (plan_id, msg_key)",
    ),
    (  # version 8: which claim holds a delivery (two deliverers never both think so)
        "ALTER TABLE tt_deliveries ADD COLUMN claimed_by TEXT",
    ),
)

_RANK = dict(PROGRESS_RANK)
_NO_TIMES: tuple[None, ...] = (None,) * len(RANKS)


class SQLStore:
    """Shared logic of :class:`~tuyentruyen.store.SQLiteStore` and
    :class:`~tuyentruyen.store.PostgresStore`. Subclasses give the connection, the
    placeholder style and how a write transaction starts."""

    #: DB-API placeholder.
    mark = "?"
    #: Auto-increment integer primary key of the dialect.
    auto = "INTEGER PRIMARY KEY AUTOINCREMENT"
    #: Double-precision float column type of the dialect.
    real = "REAL"
    #: The dialect's two-argument maximum.
    greatest = "max"
    #: Name of the database shown in messages (file path, or DSN with the password masked).
    where = ""
    #: SQL building an outbox row's JSON payload from a ``tt_events`` row.
    outbox_payload = (
        "json_object('plan', plan_id, 'seq', seq, 'task', task_id, 'event', event, 'dest', dest)"
    )
    #: What makes concurrent claimers of outbox rows skip each other's (PostgreSQL).
    skip_locked = ""
    #: Whether ``executemany`` reports the total of rows it changed (then a batch's
    #: version checks take one round trip).
    batch_rowcount = False
    #: Task states read by :meth:`load_plan` for the :meth:`load_tasks` that follows.
    _preloaded: tuple[Plan, int, list[Sequence[Any]]] | None = None

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
                    if callable(statement):
                        statement(self, cur)
                    else:
                        cur.execute(
                            statement.replace("{auto}", self.auto).replace("{real}", self.real)
                        )
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

    def _choose(self, plan_id: str | None) -> str:
        """``plan_id``, or the only plan's id; a clear error if there is no such plan."""
        ids = self.plan_ids()
        if plan_id is None:
            if len(ids) != 1:
                raise self._error(
                    f"the database holds {len(ids)} plans ({', '.join(ids) or '-'}); name one",
                    f"cơ sở dữ liệu có {len(ids)} kế hoạch ({', '.join(ids) or '-'}); hãy chọn một",
                )
            return ids[0]
        if plan_id not in ids:
            raise self._error(
                f"no plan {plan_id!r} (plans: {', '.join(ids) or '-'})",
                f"không có kế hoạch {plan_id!r} (các kế hoạch: {', '.join(ids) or '-'})",
            )
        return plan_id

    def load_plan(self, plan_id: str | None = None) -> Plan:
        """The plan stored under ``plan_id`` (optional when the database holds one).

        The plan was checked when it was saved; loading rebuilds it from its rows with
        only the checks that keep a tracker safe (units and dependencies exist). A plan
        edited behind the library's back into an invalid one raises
        :class:`~tuyentruyen.errors.PlanError`; ``verify`` runs every check.
        """
        plan_id = self._choose(plan_id)
        with self._snapshot() as cur:
            cur.execute(self._q("SELECT definition FROM tt_plans WHERE plan_id = ?"), (plan_id,))
            header = json.loads(cur.fetchone()[0])
            cur.execute(self._q("SELECT head_seq FROM tt_heads WHERE plan_id = ?"), (plan_id,))
            head = int(cur.fetchone()[0])
            # Definitions and the states a summary needs in one scan, for load_tasks;
            # a tracker reads the rest of the state columns before its first event.
            cur.execute(
                self._q(
                    f"SELECT {', '.join(LOAD_COLUMNS)}"
                    " FROM tt_tasks WHERE plan_id = ? ORDER BY position"
                ),
                (plan_id,),
            )
            with gc_paused():
                rows = cur.fetchall()
        with gc_paused():
            cut = len(LOAD_COLUMNS) - 3
            tasks = tasks_from_rows(rows)
            plan = attrs.evolve(plan_from_dict({**header, "tasks": []}), tasks=tasks)
            columns = list(zip(*rows, strict=True))
            self._preloaded = (plan, head, [columns[0], *columns[cut:]] if rows else [])
        return self._trusted(plan)

    def _trusted(self, plan: Plan) -> Plan:
        """``plan`` marked as checked, after the checks a tracker relies on."""
        index = plan.task_index
        sound = (
            len(index) == len(plan.tasks)
            and {t.lead for t in plan.tasks} <= plan.unit_index.keys()
            and all(
                d.task in index and d.state in _RANK
                for t in plan.tasks
                if t.depends_on
                for d in t.depends_on
            )
        )
        if not sound and plan.problems:
            raise PlanError(plan.problems, source=self.where)
        object.__setattr__(plan, "problems", ())  # the cached result of the full checks
        return plan

    def _plan_rows_problems(self, plan_id: str) -> list[Problem]:
        """What :meth:`load_plan` would refuse in a stored plan (a definition that does
        not parse, a lead unit or a dependency that does not exist), found without
        building the plan: ``verify`` of a 250,000-task plan stays in seconds."""
        with self._read() as cur:
            cur.execute(self._q("SELECT definition FROM tt_plans WHERE plan_id = ?"), (plan_id,))
            try:
                header = json.loads(cur.fetchone()[0])
                units = {str(u["id"]) for u in header.get("units", ())}
            except (ValueError, TypeError, KeyError, AttributeError):
                return [
                    Problem("$", "the plan definition is damaged", "định nghĩa kế hoạch bị hỏng")
                ]
            cur.execute(
                self._q("SELECT task_id, lead, extra FROM tt_tasks WHERE plan_id = ?"), (plan_id,)
            )
            rows = cur.fetchall()
        ids = {r[0] for r in rows}
        found = []
        for task_id, lead, extra in rows:
            if lead not in units:
                found.append(Problem(
                    "$.tasks", f"task {task_id}: unknown unit {lead!r}",
                    f"nhiệm vụ {task_id}: không có đơn vị {lead!r}", task=task_id,
                ))  # fmt: skip
            try:
                deps = json.loads(extra).get("depends_on", ()) if extra else ()
                bad = [d["task"] for d in deps if d["task"] not in ids or d["state"] not in _RANK]
            except (ValueError, TypeError, KeyError, AttributeError):
                bad = ["?"]
            if bad:
                found.append(Problem(
                    "$.tasks", f"task {task_id}: invalid dependency on {', '.join(bad)}",
                    f"nhiệm vụ {task_id}: phụ thuộc không hợp lệ vào {', '.join(bad)}",
                    task=task_id,
                ))  # fmt: skip
        return found

    def _plan_header(self, plan: Plan) -> str:
        """``tt_plans.definition``: the normalized plan without its tasks."""
        body = plan_to_dict(plan)
        body.pop("tasks", None)
        return json.dumps(body, ensure_ascii=False, sort_keys=True)

    def save_plan(self, plan: Plan) -> None:
        """Store ``plan`` (``tuyentruyen init``). Saving a changed plan again updates it;
        a task that has events may not disappear (refused, nothing changed)."""
        plan.validate()
        definition = self._plan_header(plan)
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
                        f"UPDATE tt_tasks SET {', '.join(c + ' = ?' for c in SPEC_COLUMNS)}"
                        " WHERE plan_id = ? AND task_id = ?"
                    ),
                    [
                        (*spec_row(k, t), plan.id, t.id)
                        for k, t in enumerate(plan.tasks)
                        if t.id in known
                    ],
                )
            cur.executemany(
                self._q(
                    f"INSERT INTO tt_tasks (plan_id, task_id, state, version,"
                    f" {', '.join(SPEC_COLUMNS)}) VALUES (?, ?, 'planned', 0,"
                    f" {', '.join('?' for _ in SPEC_COLUMNS)})"
                ),
                [
                    (plan.id, t.id, *spec_row(k, t))
                    for k, t in enumerate(plan.tasks)
                    if t.id not in known
                ],
            )

    def _fill_task_rows(self, cur: Cursor) -> None:
        """Schema 4 migration: task definitions from ``tt_plans.definition`` into their
        rows, and each task's state columns from its events."""
        cur.execute("SELECT plan_id, definition FROM tt_plans")
        for plan_id, text in cur.fetchall():
            plan = plan_from_dict(json.loads(text))
            cur.executemany(
                self._q(
                    f"UPDATE tt_tasks SET {', '.join(c + ' = ?' for c in SPEC_COLUMNS)}"
                    " WHERE plan_id = ? AND task_id = ?"
                ),
                [(*spec_row(k, t), plan_id, t.id) for k, t in enumerate(plan.tasks)],
            )
            cur.execute(
                self._q(
                    "SELECT seq, task_id, event, source, dest, actor, at, note, data, final"
                    " FROM tt_events WHERE plan_id = ? ORDER BY seq"
                ),
                (plan_id,),
            )
            states = replay_states(_event(r) for r in _iter(cur))
            cur.executemany(
                self._q(
                    f"UPDATE tt_tasks SET {', '.join(c + ' = ?' for c in STATE_COLUMNS)}"
                    " WHERE plan_id = ? AND task_id = ?"
                ),
                [(*state, plan_id, task) for task, state in states.items()],
            )
            cur.execute(
                self._q("UPDATE tt_plans SET definition = ? WHERE plan_id = ?"),
                (self._plan_header(plan), plan_id),
            )

    def load_tasks(self, plan: Plan) -> tuple[int, list[Sequence[Any]]]:
        """The number of events of ``plan`` and every task's stored state, as columns:
        task ids, then :data:`~tuyentruyen.store.rows.STATE_COLUMNS`, in the plan's
        order, read together (one consistent view): what a tracker starts from without
        replaying the log. ``(0, [])`` for a plan not in the database."""
        preloaded, self._preloaded = self._preloaded, None
        if preloaded is not None and preloaded[0] is plan:
            return preloaded[1], preloaded[2]  # read with the plan, in the same view
        with self._snapshot() as cur:
            cur.execute(self._q("SELECT head_seq FROM tt_heads WHERE plan_id = ?"), (plan.id,))
            head = cur.fetchone()
            if head is None:  # not saved yet: firing says to run 'tuyentruyen init'
                return 0, []
            cur.execute(
                self._q(
                    f"SELECT task_id, {', '.join(STATE_COLUMNS)} FROM tt_tasks"
                    " WHERE plan_id = ? ORDER BY position"
                ),
                (plan.id,),
            )
            rows = cur.fetchall()
        return int(head[0]), list(zip(*rows, strict=True))

    def _not_saved(self, plan: Plan) -> StoreError:
        return self._error(
            f"plan {plan.id!r} is not in the database; run 'tuyentruyen init' first",
            f"kế hoạch {plan.id!r} chưa có trong cơ sở dữ liệu; hãy chạy 'tuyentruyen init' trước",
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
        if len(versions) < len(events):
            raise ValueError("a shared store needs the task versions")
        with self._write() as cur:
            runs = self._task_updates(plan, events, versions)
            if self.batch_rowcount and len(events) > 1:
                # One round trip per run of alike events; the total count tells whether
                # every version matched. If not, undo it and find the first stale event.
                cur.execute("SAVEPOINT tt_versions")
                changed = 0
                for update, params in runs:
                    cur.executemany(update, params)
                    changed += cur.rowcount
                if changed == len(events):
                    cur.execute("RELEASE tt_versions")
                else:
                    cur.execute("ROLLBACK TO tt_versions")
                    self._update_each(cur, plan, events, runs)
            else:
                self._update_each(cur, plan, events, runs)
            # The chain head is locked last, after the task rows: writers on different
            # tasks hold it only for the few statements that extend the chain.
            head = self._lock_plan(cur, plan.id)
            if head is None:
                raise self._not_saved(plan)
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
                self._q(
                    "UPDATE tt_heads SET head_seq = ?, head_hash = ?, head_prev = ?"
                    " WHERE plan_id = ?"
                ),
                (seq, prev, rows[-1][11], plan.id),
            )
        return [*others, *stored]

    # --- notification delivery ----------------------------------------------------------

    def claim_outbox(
        self, backend: str, now: float, limit: int = 500, lease: float = 300.0
    ) -> list[tuple[int, str, int, str, str, int]]:
        """Outbox rows ``backend`` has still to deliver at Unix time ``now``, claimed for
        ``lease`` seconds (another deliverer skips them meanwhile; a crashed one's claim
        runs out and the row is tried again): ``(id, plan, seq, kind, payload, attempt)``
        where ``attempt`` counts this one."""
        with self._write() as cur:
            cur.execute(
                self._q(
                    "SELECT o.id, o.plan_id, o.seq, o.kind, o.payload, COALESCE(d.attempts, 0) + 1"
                    " FROM tt_outbox o LEFT JOIN tt_deliveries d"
                    " ON d.outbox_id = o.id AND d.backend = ?"
                    " WHERE d.outbox_id IS NULL OR (d.status NOT IN ('sent', 'failed')"
                    " AND (d.lease_until IS NULL OR d.lease_until <= ?)"
                    " AND (d.next_at IS NULL OR d.next_at <= ?))"
                    f" ORDER BY o.id LIMIT ?{self.skip_locked}"
                ),
                (backend, now, now, limit),
            )
            rows = [
                (int(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), int(r[5]))
                for r in cur.fetchall()
            ]
            # The claim itself re-checks the row: a deliverer whose read predates another's
            # committed claim (PostgreSQL: READ COMMITTED) finds it taken and skips it.
            token = uuid.uuid4().hex
            cur.executemany(
                self._q(
                    "INSERT INTO tt_deliveries (outbox_id, backend, status, attempts,"
                    " lease_until, claimed_by) VALUES (?, ?, 'sending', 1, ?, ?)"
                    " ON CONFLICT (outbox_id, backend) DO UPDATE"
                    " SET status = 'sending', attempts = tt_deliveries.attempts + 1,"
                    " lease_until = excluded.lease_until, claimed_by = excluded.claimed_by"
                    " WHERE tt_deliveries.status NOT IN ('sent', 'failed')"
                    " AND (tt_deliveries.lease_until IS NULL OR tt_deliveries.lease_until <= ?)"
                    " AND (tt_deliveries.next_at IS NULL OR tt_deliveries.next_at <= ?)"
                ),
                [(r[0], backend, now + lease, token, now, now) for r in rows],
            )
            if not rows:
                return rows
            cur.execute(
                self._q("SELECT outbox_id FROM tt_deliveries WHERE backend = ? AND claimed_by = ?"),
                (backend, token),
            )
            mine = {int(r[0]) for r in cur.fetchall()}
        return [r for r in rows if r[0] in mine]

    def record_delivery(
        self,
        outbox_id: int,
        backend: str,
        *,
        now: float,
        error: str | None = None,
        retry_at: float | None = None,
    ) -> None:
        """The result of a claimed delivery: sent (no ``error``), to be retried at
        ``retry_at``, or failed for good (an ``error`` and no ``retry_at``)."""
        self.record_deliveries(backend, [(outbox_id, error, retry_at)], now=now)

    def record_deliveries(
        self,
        backend: str,
        results: Sequence[tuple[int, str | None, float | None]],
        *,
        now: float,
    ) -> None:
        """:meth:`record_delivery` for many ``(outbox id, error, retry_at)`` results, in
        one transaction."""
        rows = []
        for outbox_id, error, retry_at in results:
            status = "sent" if error is None else ("retry" if retry_at is not None else "failed")
            rows.append(
                (status, error, retry_at, now if error is None else None, outbox_id, backend)
            )
        with self._write() as cur:
            cur.executemany(
                self._q(
                    "UPDATE tt_deliveries SET status = ?, last_error = ?, next_at = ?,"
                    " sent_at = ?, lease_until = NULL WHERE outbox_id = ? AND backend = ?"
                ),
                rows,
            )

    def queue(self, plan_id: str, messages: Sequence[tuple[str, str, str]]) -> int:
        """Queue ``(key, kind, payload JSON)`` messages in the outbox, each key once per
        plan however often (or from however many processes) it is queued; returns how
        many were new."""
        if not messages:
            return 0
        with self._write() as cur:
            cur.executemany(
                self._q(
                    "INSERT INTO tt_outbox (plan_id, seq, kind, payload, msg_key)"
                    " VALUES (?, 0, ?, ?, ?) ON CONFLICT (plan_id, msg_key) DO NOTHING"
                ),
                [(plan_id, kind, payload, key) for key, kind, payload in messages],
            )
            return int(cur.rowcount)  # rows inserted: a known key inserts none

    def load_plan_header(self, plan_id: str) -> Plan:
        """The plan stored under ``plan_id`` without its tasks (units, reporting rules…):
        cheap whatever the number of tasks."""
        plan_id = self._choose(plan_id)
        with self._read() as cur:
            cur.execute(self._q("SELECT definition FROM tt_plans WHERE plan_id = ?"), (plan_id,))
            return plan_from_dict({**json.loads(cur.fetchone()[0]), "tasks": []})

    def deadline_rows(self, plan_id: str) -> list[tuple[str, str, str, str | None, str | None]]:
        """``(task_id, lead, state, plan_due, window_end)`` of every task, in plan order
        (dates as ISO text): what reminders are computed from without loading the plan."""
        with self._read() as cur:
            cur.execute(
                self._q(
                    "SELECT task_id, lead, state, plan_due, window_end FROM tt_tasks"
                    " WHERE plan_id = ? ORDER BY position"
                ),
                (plan_id,),
            )
            return [tuple(r) for r in cur.fetchall()]

    def reporters(self, plan_id: str, start: datetime, end: datetime) -> set[str]:
        """Units that recorded a ``report`` at a moment in ``[start, end)``."""
        with self._read() as cur:
            cur.execute(
                self._q(
                    "SELECT DISTINCT actor, at FROM tt_events"
                    " WHERE plan_id = ? AND event = 'report'"
                ),
                (plan_id,),
            )
            return {
                str(actor)
                for actor, at in cur.fetchall()
                if start <= datetime.fromisoformat(str(at)) < end
            }

    def outbox_keys(self, plan_id: str) -> set[str]:
        """The idempotency keys already queued for ``plan_id``."""
        with self._read() as cur:
            cur.execute(
                self._q("SELECT msg_key FROM tt_outbox WHERE plan_id = ? AND msg_key IS NOT NULL"),
                (plan_id,),
            )
            return {str(r[0]) for r in cur.fetchall()}

    def outbox_status(self) -> list[tuple[Any, ...]]:
        """Every delivery not yet sent: ``(outbox id, plan, seq, kind, backend, status,
        attempts, last error, next attempt)``, failed ones first."""
        with self._read() as cur:
            cur.execute(
                "SELECT o.id, o.plan_id, o.seq, o.kind, d.backend, d.status, d.attempts,"
                " d.last_error, d.next_at FROM tt_deliveries d JOIN tt_outbox o"
                " ON o.id = d.outbox_id WHERE d.status <> 'sent'"
                " ORDER BY d.status = 'failed' DESC, o.id, d.backend"
            )
            return [tuple(r) for r in cur.fetchall()]

    def pending_count(self, backend: str) -> int:
        """Outbox rows ``backend`` has not delivered (nor given up on)."""
        with self._read() as cur:
            cur.execute(
                self._q(
                    "SELECT count(*) FROM tt_outbox o WHERE NOT EXISTS (SELECT 1 FROM"
                    " tt_deliveries d WHERE d.outbox_id = o.id AND d.backend = ?"
                    " AND d.status IN ('sent', 'failed'))"
                ),
                (backend,),
            )
            return int(cur.fetchone()[0])

    def _task_update(self, rank: int, report: bool) -> str:
        """The version-checked update of a task row for an event to a state of progress
        ``rank``: the new state and the columns a tracker opens from. A step forward
        raises the rank by one, so only that rank's ``first_*_at`` can be unset (the
        same as :func:`tuyentruyen.store.rows.advance` for any lifecycle path)."""
        return _task_update_sql(self.mark, self.greatest, rank, report)

    def _task_updates(
        self, plan: Plan, events: Sequence[Event], versions: Sequence[int]
    ) -> list[tuple[str, list[tuple[Any, ...]]]]:
        """The task updates of ``events`` as runs of ``(statement, parameters)``: one
        statement per run of consecutive events of the same kind, in order."""
        runs: list[tuple[str, list[tuple[Any, ...]]]] = []
        rank_of, plan_id, update = _RANK, plan.id, self._task_update
        key: tuple[int, bool] | None = None
        params: list[tuple[Any, ...]] = []
        for ev, version in zip(events, versions, strict=False):
            ts = ev.at.timestamp()
            rank = rank_of.get(ev.dest, 0)
            report = ev.event == "report"
            if (rank, report) != key:
                key, params = (rank, report), []
                runs.append((update(rank, report), params))
            if report:
                row: tuple[Any, ...] = (ev.dest, ts, int(bool(ev.final)))
            else:
                row = (ev.dest, ts)
            params.append((*row, ts, plan_id, ev.task, version) if rank else (
                *row, plan_id, ev.task, version))  # fmt: skip
        return runs

    def _update_each(
        self,
        cur: Cursor,
        plan: Plan,
        events: Sequence[Event],
        runs: Sequence[tuple[str, Sequence[Sequence[Any]]]],
    ) -> None:
        """Update task rows one by one; raise :class:`Conflict` at the first whose version
        moved on (the caller's transaction then rolls back)."""
        each = ((update, param) for update, params in runs for param in params)
        for ev, (update, param) in zip(events, each, strict=True):
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
        """Recompute every hash chain (and each task's state from its events) and check
        every plan's rows; report the first broken link."""
        ids = [plan_id] if plan_id else self.plan_ids()
        checked = 0
        for pid in ids:
            if pid not in self.plan_ids():
                return VerifyReport(len(ids), checked, (pid, 0, "no such plan"))
            problems = self._plan_rows_problems(pid)
            if problems:
                reason = "; ".join(p.message("en") for p in problems)
                return VerifyReport(len(ids), checked, (pid, 0, f"invalid plan: {reason}"))
        with self._snapshot() as cur:  # not a mix of before and after a concurrent write
            for pid in ids:
                count, broken = self._verify_plan(cur, pid)
                checked += count
                if broken is not None:
                    return VerifyReport(len(ids), checked, (pid, *broken))
        return VerifyReport(len(ids), checked)

    def _verify_plan(self, cur: Cursor, pid: str) -> tuple[int, tuple[int, str] | None]:
        """Events of plan ``pid`` checked, and ``(seq, reason)`` of its first broken link."""
        cur.execute(
            self._q("SELECT head_seq, head_hash, head_prev FROM tt_heads WHERE plan_id = ?"), (pid,)
        )
        head = cur.fetchone()
        if head is None:
            return 0, (0, "no such plan")
        cur.execute(
            self._q(
                "SELECT seq, task_id, event, source, dest, actor, at, note, data, final,"
                " prev_hash, hash FROM tt_events WHERE plan_id = ? ORDER BY seq"
            ),
            (pid,),
        )
        prev, expected, back = GENESIS, 1, None
        states: dict[str, list[Any]] = {}
        rank_of = _RANK
        texts: dict[str, str] = {}
        enc, put, plan_json = texts.get, texts.setdefault, _STR(pid)
        for batch in iter(lambda: _fetch(cur), []):
            for seq, task, event, source, dest, actor, at, note, data, final, back, h in batch:
                if seq != expected:
                    return expected - 1, (expected, "event missing")
                if back != prev:
                    return expected - 1, (seq, "prev_hash does not match")
                # The link of _canonical, written out here with each distinct text's JSON
                # form computed once. The stored text itself is hashed (at as written,
                # not re-parsed): a time rewritten to the same instant in another offset
                # shows too.
                linked = sha256((
                    f'{prev}\n{{"actor":{enc(actor) or put(actor, _STR(actor))},'
                    f'"at":{enc(at) or put(at, _STR(at))},'
                    f'"data":{_ENCODE(json.loads(data)) if data else "{}"},'
                    f'"dest":{enc(dest) or put(dest, _STR(dest))},'
                    f'"event":{enc(event) or put(event, _STR(event))},'
                    f'"final":{_FINAL.get(final, "?")},'
                    f'"note":{"null" if note is None else _STR(note)},"plan":{plan_json},'
                    f'"seq":{seq},"source":{enc(source) or put(source, _STR(source))},'
                    f'"task":{enc(task) or put(task, _STR(task))}}}'
                ).encode())  # fmt: skip
                if linked.hexdigest() != h:
                    return expected - 1, (seq, "hash does not match the event")
                # Each task's state columns as replay gives them, times kept as the
                # stored text until the end (fewer conversions over a million rows).
                st = states.get(task)
                if st is None:
                    st = states[task] = ["planned", 0, 0, 0, None, None, None, None, None]
                if source != st[0]:
                    return expected - 1, (seq, f"source is not {st[0]}")
                st[0] = dest
                st[1] += 1
                rank = rank_of.get(dest, 0)
                while st[2] < rank:
                    st[2] += 1
                    st[4 + st[2]] = at
                if event == "report":
                    st[3] = 1 if final else 0
                st[4] = at
                prev = h
                expected += 1
        checked = expected - 1
        if (checked, prev, back) != (int(head[0]), str(head[1]), head[2]):
            return checked, (expected, "chain head does not match")
        cur.execute(
            self._q(f"SELECT task_id, {', '.join(STATE_COLUMNS)} FROM tt_tasks WHERE plan_id = ?"),
            (pid,),
        )
        seconds: dict[str, float] = {}
        for task_id, *stored in cur.fetchall():
            st = states.get(str(task_id))
            replayed = (
                INITIAL
                if st is None
                else TaskState(*st[:4], *(_seconds(t, seconds) for t in st[4:]))
            )
            if replayed != TaskState._make(stored):
                return checked, (0, f"task {task_id} state differs from its events")
        return checked, None


def _seconds(text: str | None, cache: dict[str, float]) -> float | None:
    """Unix time of a stored ISO 8601 time (``None`` stays ``None``), memoized."""
    if text is None:
        return None
    found = cache.get(text)
    if found is None:
        found = cache[text] = datetime.fromisoformat(text).timestamp()
    return found


@functools.cache
def _task_update_sql(mark: str, greatest: str, rank: int, report: bool) -> str:
    sets = ["state = ?", "version = version + 1", "last_at = ?"]
    if report:
        sets.append("final = ?")
    if rank:
        first = STATE_COLUMNS[4 + rank]
        sets += [f"peak = {greatest}(peak, {rank})", f"{first} = COALESCE({first}, ?)"]
    sql = f"UPDATE tt_tasks SET {', '.join(sets)} WHERE plan_id = ? AND task_id = ? AND version = ?"
    return sql.replace("?", mark)


def _fetch(cur: Cursor) -> list[Any]:
    """The next rows of a large result, 10,000 at a time."""
    return cur.fetchmany(10_000)  # type: ignore[attr-defined, no-any-return]


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
