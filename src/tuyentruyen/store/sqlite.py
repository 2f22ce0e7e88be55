"""The embedded default store: one SQLite file holds many plans.

WAL journal, ``synchronous=NORMAL``, a busy timeout so several worker processes can
share the file; every write is one ``BEGIN IMMEDIATE`` transaction. Events are made
append-only by triggers.

A file this process may not write (no write permission on it or on its folder, where
SQLite keeps the ``-wal`` and ``-shm`` files, or read-only media) is opened read-only:
every read works, every write raises :class:`~tuyentruyen.store.StoreError` and the
file is left exactly as it was.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tuyentruyen.store.sql import SCHEMA_VERSION, SQLStore, StoreError

__all__ = ["SQLiteStore"]

_APPEND_ONLY = (
    "CREATE TRIGGER tt_events_no_update BEFORE UPDATE ON tt_events"
    " BEGIN SELECT RAISE(ABORT, 'tt_events is append-only'); END",
    "CREATE TRIGGER tt_events_no_delete BEFORE DELETE ON tt_events"
    " BEGIN SELECT RAISE(ABORT, 'tt_events is append-only'); END",
)

#: What identifies the database file's content on disk, for a reader that holds no lock.
_Stamp = tuple[int, int, int, int] | None


class _ReadOnly(StoreError):
    """SQLite refused to write: the file is read-only after all."""


def _stamp(path: Path) -> _Stamp:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _can_write(path: Path, *, folder: bool = False) -> bool:
    """Whether this process may write ``path`` (create files in it, for a folder)."""
    mode = os.W_OK | os.X_OK if folder else os.W_OK
    if os.access in os.supports_effective_ids:
        return os.access(path, mode, effective_ids=True)
    return os.access(path, mode)  # pragma: no cover


def _uses_wal(path: Path) -> bool:
    """Whether the database header asks for WAL (byte 19, the read version, is 2)."""
    try:
        with path.open("rb") as f:
            header = f.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[19] == 2


def _wal_has_frames(path: Path) -> bool:
    try:
        return os.path.getsize(f"{path}-wal") > 0
    except OSError:
        return False


class SQLiteStore(SQLStore):
    """Events and task states in the SQLite file at ``path`` (created if missing).

    Args:
        path: the database file.
        busy_timeout: seconds a writer waits for another writer's lock.
        migrate: create or upgrade the schema on open (default).
        read_only: open read-only even when the file could be written.

    A file this process cannot write is opened read-only whatever ``read_only`` says;
    :attr:`read_only` tells which way it was opened. A read-only database must already
    have the current schema: an older one cannot be upgraded and is refused.
    """

    batch_rowcount = True

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = 30.0,
        migrate: bool = True,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self.where = str(self.path)
        self._timeout = busy_timeout
        #: Set while the connection reads a WAL file as immutable (see _connect_read_only).
        self._pinned: _Stamp = None
        folder = self.path.parent
        if not folder.is_dir():
            raise self._error(
                f"the folder {folder} does not exist",
                f"thư mục {folder} không tồn tại",
            )
        exists = self.path.exists()
        if not exists and read_only:
            raise self._error("the database file does not exist", "tệp cơ sở dữ liệu không tồn tại")
        if not exists and not _can_write(folder, folder=True):
            raise self._error(
                f"cannot create the database: no permission to write the folder {folder}",
                f"không tạo được cơ sở dữ liệu: không có quyền ghi thư mục {folder}",
            )
        #: Why writes are refused, in English and Vietnamese; None when they are not.
        self._why_read_only: tuple[str, str] | None = (
            ("opened with read_only=True", "được mở với read_only=True")
            if read_only
            else self._no_write_access()
        )
        if self._why_read_only is None:
            try:
                self._open_read_write(migrate)
                return
            except _ReadOnly:
                # SQLite found the file read-only although permissions said otherwise
                # (a -wal or -shm file this user cannot write, say): read it as such.
                self._close_quietly()
                if not exists:
                    raise
                self._why_read_only = (
                    "SQLite cannot write the file or its -wal and -shm files",
                    "SQLite không ghi được tệp hoặc các tệp -wal, -shm của nó",
                )
        try:
            self._connect_read_only()
            if migrate:
                self._check_schema_read_only()
        except BaseException:
            self._close_quietly()
            raise

    @property
    def read_only(self) -> bool:
        """True when the database was opened read-only: reads work, writes are refused."""
        return self._why_read_only is not None

    # --- opening ----------------------------------------------------------------------

    def _no_write_access(self) -> tuple[str, str] | None:
        """Why this process cannot write the database file, or None when it can."""
        if not self.path.exists():
            return None  # it is created below, in a folder known to be writable
        try:
            media = bool(os.statvfs(self.path).f_flag & os.ST_RDONLY)
        except (AttributeError, OSError):  # pragma: no cover - no statvfs
            media = False
        if media:
            return ("the file system is mounted read-only", "hệ thống tệp chỉ cho phép đọc")
        if not _can_write(self.path):
            return ("no permission to write the file", "không có quyền ghi tệp")
        folder = self.path.parent
        if not _can_write(folder, folder=True):
            # WAL needs the -wal and -shm files beside the database, in that folder.
            return (
                f"no permission to write its folder {folder}, where SQLite keeps the"
                " -wal and -shm files",
                f"không có quyền ghi thư mục {folder} chứa nó, nơi SQLite giữ các tệp -wal và -shm",
            )
        return None

    def _open_read_write(self, migrate: bool) -> None:
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, timeout=self._timeout, check_same_thread=False
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise self._translate(exc) from None
        self.journal_mode = str(mode[0]) if mode else ""
        # A current schema needs no write transaction: opening to read then never
        # waits for another process's write lock.
        if migrate and self.schema_version() != SCHEMA_VERSION:
            try:
                self.migrate()
            except BaseException:
                self._close_quietly()  # a refused file stays closed, not held open
                raise

    def _connect_read_only(self) -> None:
        """Connect without ever writing, and without creating any file.

        A WAL database whose -wal file has frames (a writer has it open) is opened
        ``mode=ro``: SQLite reads that -wal through the writer's -shm, with the usual
        locks. Otherwise every committed transaction is in the database file itself, and
        it is opened ``immutable=1``: ``mode=ro`` would create a -wal and a -shm file,
        owned by this user (the database's owner might then be unable to write them),
        or fail in a folder this user cannot write. An immutable reader takes no lock
        and sees no change, so :meth:`_read` reconnects when the file changed or a -wal
        has frames, and refuses a read during which the file changed.
        """
        wal = _uses_wal(self.path)
        # Stamped before the -wal is looked at: a writer that starts after the look is
        # seen by the stamp (its checkpoint changes the file). The stamp's times have the
        # file system's granularity: a second writer that wrote, checkpointed and closed
        # within one tick of the last change could go unseen.
        stamp = _stamp(self.path)
        pinned = stamp if wal and not _wal_has_frames(self.path) else None
        query = "mode=ro&immutable=1" if pinned is not None else "mode=ro"
        try:
            self._conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?{query}",
                uri=True,
                isolation_level=None,
                timeout=self._timeout,
                check_same_thread=False,
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            self._conn.execute("PRAGMA query_only = ON")  # a second guard against writes
            self._conn.execute("PRAGMA foreign_keys = ON")
            mode = self._conn.execute("PRAGMA journal_mode").fetchone()
            self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise self._translate(exc) from None
        self._pinned = pinned
        if wal:
            self.journal_mode = "wal"  # an immutable connection reports "delete"
        else:
            self.journal_mode = str(mode[0]) if mode else ""

    def schema_version(self) -> int:
        """The schema version the database records (0: it has no tuyentruyen tables)."""
        with self._read() as cur:
            return self._schema_version_in_write(cur)

    def _check_schema_read_only(self) -> None:
        version = self.schema_version()
        if version == SCHEMA_VERSION:
            return
        en, vi = self._why_read_only or ("", "")
        if version > SCHEMA_VERSION:  # the same refusal as SQLStore.migrate's
            raise self._error(
                f"the database has schema {version}, newer than this tuyentruyen knows "
                f"({SCHEMA_VERSION}); upgrade tuyentruyen",
                f"cơ sở dữ liệu có lược đồ {version}, mới hơn phiên bản tuyentruyen này "
                f"hiểu ({SCHEMA_VERSION}); hãy nâng cấp tuyentruyen",
            )
        if version == 0:
            raise self._error(
                f"the database holds no tuyentruyen tables, and it is read-only ({en}), "
                "so they cannot be created",
                f"cơ sở dữ liệu không có bảng nào của tuyentruyen, và nó chỉ đọc ({vi}) "
                "nên không tạo được các bảng",
            )
        raise self._error(
            f"the database has schema {version}, older than this tuyentruyen's "
            f"({SCHEMA_VERSION}), and it is read-only ({en}), so it cannot be upgraded; "
            "open it once with write access to upgrade it",
            f"cơ sở dữ liệu có lược đồ {version}, cũ hơn lược đồ của phiên bản tuyentruyen "
            f"này ({SCHEMA_VERSION}), và nó chỉ đọc ({vi}) nên không nâng cấp được; hãy mở "
            "nó một lần với quyền ghi để nâng cấp",
        )

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

    # --- errors -----------------------------------------------------------------------

    def _read_only_error(self) -> StoreError:
        en, vi = self._why_read_only or ("", "")
        return _ReadOnly(
            f"{self.where}: the database is read-only ({en}); nothing was changed",
            f"{self.where}: cơ sở dữ liệu chỉ đọc ({vi}); không có gì bị thay đổi",
        )

    def _translate(self, exc: sqlite3.Error) -> Exception:
        text = str(exc)
        if "not a database" in text or "malformed" in text:
            return self._error(
                "not a tuyentruyen database (not an SQLite file, or damaged)",
                "không phải cơ sở dữ liệu tuyentruyen (không phải tệp SQLite, hoặc bị hỏng)",
            )
        if "readonly" in text or "read-only" in text:
            if self._why_read_only is not None:
                return self._read_only_error()
            return _ReadOnly(
                f"{self.where}: the database is read-only; nothing was changed",
                f"{self.where}: cơ sở dữ liệu chỉ đọc; không có gì bị thay đổi",
            )
        if "unable to open" in text:
            return self._error("cannot open the database file", "không mở được tệp cơ sở dữ liệu")
        return self._error(f"database error: {text}", f"lỗi cơ sở dữ liệu: {text}")

    # --- transactions -----------------------------------------------------------------

    def _fresh(self) -> None:
        """Before a read on an immutable connection: reconnect if the file changed or a
        writer has started (its -wal has frames), so the read sees the current state."""
        if _stamp(self.path) != self._pinned or _wal_has_frames(self.path):
            self._conn.close()
            self._pinned = None
            self._connect_read_only()

    def _unchanged(self) -> None:
        """After a read on an immutable connection: the file must not have changed during
        it (no lock kept a checkpoint from rewriting pages being read)."""
        if _stamp(self.path) != self._pinned:
            raise self._error(
                "the database changed while it was being read; try again",
                "cơ sở dữ liệu thay đổi trong khi đang được đọc; hãy thử lại",
            )

    @contextmanager
    def _write(self) -> Iterator[Any]:
        if self._why_read_only is not None:
            raise self._read_only_error()
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
        if self._pinned is not None:
            self._fresh()
        cur = self._conn.cursor()
        try:
            yield cur
        except sqlite3.Error as exc:
            raise self._translate(exc) from None
        finally:
            cur.close()
        if self._pinned is not None:
            self._unchanged()

    @contextmanager
    def _snapshot(self) -> Iterator[Any]:
        if self._pinned is not None:
            self._fresh()
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
        if self._pinned is not None:
            self._unchanged()

    def _schema_version_in_write(self, cur: Any) -> int:
        cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tt_meta'")
        if cur.fetchone() is None:
            return 0
        return self._schema_version(cur)

    def _append_only(self, cur: Any) -> None:
        for statement in _APPEND_ONLY:
            cur.execute(statement)
