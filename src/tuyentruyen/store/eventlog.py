"""A JSON-lines event log file, the CLI's state until the SQL stores.

The first line is a header ``{"tuyentruyen": "event-log", "schema": 1, "plan": ID}``;
every other line is one event. An empty (or blank) file is a new log. A header with a
``schema`` other than 1 is refused: a newer schema was written by a newer tuyentruyen.

Each append rewrites the file through a temporary file in the same folder, ``fsync``
and an atomic rename, so a crash leaves either the old or the new log, never half a
line. The rewritten file keeps the old file's permission bits (a new file gets
``0o666`` less the umask, like any file a program creates).

Concurrent writers: an append holds an exclusive ``fcntl.flock`` on a sidecar lock
file ``<path>.lock`` (created beside the log and left there; removing a lock file
would race with a writer about to take it) while it reads the log, checks and
rewrites it. Under that lock it checks that the first new event is the next in
sequence (its ``seq`` is the number of events already in the file plus one); if
another writer got there first, :class:`~tuyentruyen.errors.LogConflict` is raised and
nothing is written, so two stale trackers or two CLI processes cannot fork the log.
Readers take no lock: thanks to the atomic rename they always see a whole log. On
platforms without ``fcntl`` (Windows) only the sequence check protects the log.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from tuyentruyen.errors import LogConflict, StateFileError
from tuyentruyen.events import Event
from tuyentruyen.io import event_from_dict, event_to_dict
from tuyentruyen.model import Plan

if sys.platform != "win32":
    import fcntl

__all__ = ["EventLogFile", "os_error_reason"]

_MAGIC = "event-log"
_SCHEMA = 1

#: Common ``errno`` values in words, in English and Vietnamese (the OS's own
#: ``strerror`` is English only).
_OS_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOENT: ("no such file or folder", "không tìm thấy tệp hoặc thư mục"),
    errno.EACCES: ("permission denied", "không có quyền truy cập"),
    errno.EPERM: ("operation not permitted", "thao tác không được phép"),
    errno.EISDIR: ("is a folder, not a file", "là một thư mục, không phải tệp"),
    errno.ENOTDIR: (
        "part of the path is not a folder",
        "một phần của đường dẫn không phải là thư mục",
    ),
    errno.ENOSPC: ("no space left on the device", "hết dung lượng trên thiết bị lưu trữ"),
    errno.EROFS: ("read-only file system", "hệ thống tệp chỉ cho phép đọc"),
}


def os_error_reason(exc: OSError) -> tuple[str, str]:
    """What went wrong in ``exc``, in English and in Vietnamese, without the file name.

    Common errors (missing file, permission, folder instead of file, no space, …) are
    translated; any other keeps the operating system's own words.
    """
    known = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    if known is not None:
        return known
    text = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno is None:
        return text, f"lỗi hệ thống: {text}"
    return text, f"lỗi hệ thống (errno {exc.errno}): {text}"


def _default_mode() -> int:
    """``0o666`` less the process umask: the mode ``open()`` would give a new file.

    Reading the umask means setting it and putting it straight back; this happens
    only when a log file is created.
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


class EventLogFile:
    """Events of one plan in a JSON-lines file at ``path``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    @property
    def lock_path(self) -> Path:
        """The sidecar file an append locks: ``<path>.lock``."""
        return self.path.with_name(self.path.name + ".lock")

    # --- errors -------------------------------------------------------------------------

    def _error(self, line: int | None, en: str, vi: str) -> StateFileError:
        where = f"{self.path}:{line}" if line else str(self.path)
        return StateFileError(f"{where}: {en}", f"{where}: {vi}")

    def _read_error(self, exc: OSError) -> StateFileError:
        en, vi = os_error_reason(exc)
        return self._error(
            None, f"cannot read the state file: {en}", f"không đọc được tệp trạng thái: {vi}"
        )

    def _write_error(self, exc: OSError) -> StateFileError:
        """``exc`` (raised on the lock or temporary file) as an error about the log."""
        folder = self.path.parent
        if exc.errno == errno.ENOENT and not folder.is_dir():
            return self._error(
                None,
                f"cannot write the state file: the folder {folder} does not exist",
                f"không ghi được tệp trạng thái: thư mục {folder} không tồn tại",
            )
        en, vi = os_error_reason(exc)
        return self._error(
            None, f"cannot write the state file: {en}", f"không ghi được tệp trạng thái: {vi}"
        )

    # --- reading ------------------------------------------------------------------------

    def _decode(self, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self._error(
                None,
                f"not UTF-8 text (byte {exc.start})",
                f"không phải văn bản UTF-8 (byte {exc.start})",
            ) from None

    def _check_header(self, raw: Any, number: int, plan: Plan) -> None:
        if not isinstance(raw, dict) or raw.get("tuyentruyen") != _MAGIC:
            raise self._error(
                number,
                "not a tuyentruyen event log",
                "không phải nhật ký sự kiện của tuyentruyen",
            )
        schema = raw.get("schema")
        is_int = isinstance(schema, int) and not isinstance(schema, bool)
        if isinstance(schema, int) and is_int and schema > _SCHEMA:
            raise self._error(
                number,
                f"written by a newer tuyentruyen (log schema {schema}; this version reads "
                f"schema {_SCHEMA}): upgrade tuyentruyen to use it",
                f"được ghi bởi phiên bản tuyentruyen mới hơn (định dạng nhật ký phiên bản "
                f"{schema}; phiên bản này đọc định dạng {_SCHEMA}): hãy nâng cấp tuyentruyen",
            )
        if not is_int or schema != _SCHEMA:
            raise self._error(
                number,
                f"unknown log schema {schema!r} (this version reads schema {_SCHEMA})",
                f"không biết định dạng nhật ký phiên bản {schema!r} "
                f"(phiên bản này đọc định dạng {_SCHEMA})",
            )
        if raw.get("plan") != plan.id:
            raise self._error(
                number,
                f"this log belongs to plan {raw.get('plan')!r}, not {plan.id!r}",
                f"nhật ký này thuộc kế hoạch {raw.get('plan')!r}, không phải {plan.id!r}",
            )

    def _lines(self, text: str, plan: Plan) -> list[tuple[int, Any]]:
        """``(line number, JSON value)`` of each event line, after checking the header."""
        found: list[tuple[int, Any]] = []
        header_seen = False
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise self._error(
                    number, f"not JSON ({exc.msg})", f"không phải JSON ({exc.msg})"
                ) from None
            if header_seen:
                found.append((number, raw))
            else:
                header_seen = True
                self._check_header(raw, number, plan)
        return found

    def load(self, plan: Plan) -> Sequence[Event]:
        """The events in the file (none if it does not exist yet or is empty)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return ()
        except OSError as exc:
            raise self._read_error(exc) from None
        events: list[Event] = []
        for number, value in self._lines(self._decode(raw), plan):
            if not isinstance(value, dict):
                raise self._error(
                    number,
                    "an event must be a JSON object",
                    "mỗi sự kiện phải là một đối tượng JSON",
                )
            try:
                events.append(event_from_dict(value))
            except ValueError as exc:
                raise self._error(number, f"bad event: {exc}", f"sự kiện sai: {exc}") from None
        return events

    # --- writing ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the exclusive lock on ``<path>.lock`` (blocks until it is free)."""
        try:
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
            fd = os.open(self.lock_path, flags, 0o666)
        except OSError as exc:
            raise self._write_error(exc) from None
        try:
            if sys.platform != "win32":
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except OSError as exc:
                    raise self._write_error(exc) from None
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def append(self, plan: Plan, events: Sequence[Event], versions: Sequence[int] = ()) -> None:
        """Add ``events`` atomically (lock, check the sequence, temporary file, fsync,
        rename).

        Raises :class:`~tuyentruyen.errors.LogConflict`, writing nothing, when the first
        event is not the next in the file (another writer appended since this log was
        read), and :class:`~tuyentruyen.errors.StateFileError` when the file cannot be
        read or written.
        """
        if not events:
            return
        first = events[0].seq
        added = "".join(
            json.dumps(event_to_dict(e), ensure_ascii=False, sort_keys=True) + "\n" for e in events
        ).encode("utf-8")
        with self._locked():
            try:
                with self.path.open("rb") as handle:
                    old: bytes | None = handle.read()
                    mode = os.stat(handle.fileno()).st_mode & 0o7777
            except FileNotFoundError:
                old, mode = None, _default_mode()
            except OSError as exc:
                raise self._read_error(exc) from None
            text = "" if old is None else self._decode(old)
            if old is None or not text.strip():  # missing or empty: a new log
                header = {"tuyentruyen": _MAGIC, "schema": _SCHEMA, "plan": plan.id}
                old = (json.dumps(header, ensure_ascii=False) + "\n").encode("utf-8")
                count = 0
            else:
                count = len(self._lines(text, plan))
                if not old.endswith(b"\n"):  # never glue an event onto the last line
                    old += b"\n"
            if count != first - 1:
                raise LogConflict(str(self.path), first, count + 1)
            self._replace(old + added, mode)

    def _replace(self, content: bytes, mode: int) -> None:
        """Make ``content`` the file's content, all at once, with permission ``mode``."""
        folder = self.path.parent
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=folder)
        except OSError as exc:
            raise self._write_error(exc) from None
        try:
            with os.fdopen(fd, "wb") as handle:
                if sys.platform != "win32":
                    os.fchmod(handle.fileno(), mode)
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise self._write_error(exc) from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # Make the rename itself durable (best effort: not every system can sync a folder).
        with contextlib.suppress(OSError, AttributeError):
            dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
