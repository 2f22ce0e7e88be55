"""The embedded default store: one SQLite file holds many plans.

WAL journal, ``synchronous=NORMAL``, a busy timeout so several worker processes can
share the file; every write is one ``BEGIN IMMEDIATE`` transaction. Events are made
append-only by triggers.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tuyentruyen.store.sql import SQLStore

__all__ = ["SQLiteStore"]

_APPEND_ONLY = (
    "CREATE TRIGGER tt_events_no_update BEFORE UPDATE ON tt_events"
    " BEGIN SELECT RAISE(ABORT, 'tt_events is append-only'); END",
    "CREATE TRIGGER tt_events_no_delete BEFORE DELETE ON tt_events"
    " BEGIN SELECT RAISE(ABORT, 'tt_events is append-only'); END",
)


class SQLiteStore(SQLStore):
    """Events and task states in the SQLite file at ``path`` (created if missing).

    Args:
        path: the database file.
        busy_timeout: seconds a writer waits for another writer's lock.
        migrate: create or upgrade the schema on open (default).
    """

    batch_rowcount = True

    def __init__(
        self, path: str | os.PathLike[str], *, busy_timeout: float = 30.0, migrate: bool = True
    ) -> None:
        self.path = Path(path)
        self.where = str(self.path)
        if not self.path.parent.is_dir():
            raise self._error(
                f"the folder {self.path.parent} does not exist",
                f"thư mục {self.path.parent} không tồn tại",
            )
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=busy_timeout, check_same_thread=False
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise self._translate(exc) from None
        self.journal_mode = str(mode[0]) if mode else ""
        if migrate:
            try:
                self.migrate()
            except BaseException:
                self._close_quietly()  # a refused file stays closed, not held open
                raise

    def _close_quietly(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _translate(self, exc: sqlite3.Error) -> Exception:
        text = str(exc)
        if "not a database" in text or "malformed" in text:
            return self._error(
                "not a tuyentruyen database (not an SQLite file, or damaged)",
                "không phải cơ sở dữ liệu tuyentruyen (không phải tệp SQLite, hoặc bị hỏng)",
            )
        if "readonly" in text or "read-only" in text:
            return self._error(
                "the database is read-only; nothing was changed",
                "cơ sở dữ liệu chỉ đọc; không có gì bị thay đổi",
            )
        if "unable to open" in text:
            return self._error("cannot open the database file", "không mở được tệp cơ sở dữ liệu")
        return self._error(f"database error: {text}", f"lỗi cơ sở dữ liệu: {text}")

    @contextmanager
    def _write(self) -> Iterator[Any]:
        cur = self._conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._translate(exc) from None
        try:
            yield cur
        except BaseException as exc:
            self._conn.rollback()
            if isinstance(exc, sqlite3.Error):
                raise self._translate(exc) from None
            raise
        else:
            try:
                cur.execute("COMMIT")
            except sqlite3.Error as exc:
                self._conn.rollback()
                raise self._translate(exc) from None
        finally:
            cur.close()

    @contextmanager
    def _read(self) -> Iterator[Any]:
        cur = self._conn.cursor()
        try:
            yield cur
        except sqlite3.Error as exc:
            raise self._translate(exc) from None
        finally:
            cur.close()

    @contextmanager
    def _snapshot(self) -> Iterator[Any]:
        cur = self._conn.cursor()
        try:
            cur.execute("BEGIN")  # deferred: a WAL read transaction sees one snapshot
            try:
                yield cur
            finally:
                self._conn.rollback()  # nothing was written; ends the read transaction
        except sqlite3.Error as exc:
            raise self._translate(exc) from None
        finally:
            cur.close()

    def _schema_version_in_write(self, cur: Any) -> int:
        cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tt_meta'")
        if cur.fetchone() is None:
            return 0
        return self._schema_version(cur)

    def _append_only(self, cur: Any) -> None:
        for statement in _APPEND_ONLY:
            cur.execute(statement)
