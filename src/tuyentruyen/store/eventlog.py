"""A JSON-lines event log file, the CLI's state until the SQL stores.

The first line is a header ``{"tuyentruyen": "event-log", "schema": 1, "plan": ID}``;
every other line is one event. Each append rewrites the file through a temporary file,
``fsync`` and an atomic rename, so a crash leaves either the old or the new log, never
half a line.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tuyentruyen.errors import StateFileError
from tuyentruyen.events import Event
from tuyentruyen.io import event_from_dict, event_to_dict
from tuyentruyen.model import Plan

__all__ = ["EventLogFile"]

_MAGIC = "event-log"
_SCHEMA = 1


class EventLogFile:
    """Events of one plan in a JSON-lines file at ``path``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def _error(self, line: int | None, en: str, vi: str) -> StateFileError:
        where = f"{self.path}:{line}" if line else str(self.path)
        return StateFileError(f"{where}: {en}", f"{where}: {vi}")

    def load(self, plan: Plan) -> Sequence[Event]:
        """The events in the file (none if it does not exist yet)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ()
        except (OSError, UnicodeDecodeError) as exc:
            raise self._error(
                None, f"cannot read the state file: {exc}", f"không đọc được tệp trạng thái: {exc}"
            ) from None
        events: list[Event] = []
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
            if not header_seen:
                header_seen = True
                if not isinstance(raw, dict) or raw.get("tuyentruyen") != _MAGIC:
                    raise self._error(
                        number,
                        "not a tuyentruyen event log",
                        "không phải nhật ký sự kiện của tuyentruyen",
                    )
                if raw.get("plan") != plan.id:
                    raise self._error(
                        number,
                        f"this log belongs to plan {raw.get('plan')!r}, not {plan.id!r}",
                        f"nhật ký này thuộc kế hoạch {raw.get('plan')!r}, không phải {plan.id!r}",
                    )
                continue
            if not isinstance(raw, dict):
                raise self._error(
                    number,
                    "an event must be a JSON object",
                    "mỗi sự kiện phải là một đối tượng JSON",
                )
            try:
                events.append(event_from_dict(raw))
            except ValueError as exc:
                raise self._error(number, f"bad event: {exc}", f"sự kiện sai: {exc}") from None
        return events

    def append(self, plan: Plan, events: Sequence[Event]) -> None:
        """Add ``events`` atomically (temporary file, fsync, rename)."""
        try:
            old = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            header = {"tuyentruyen": _MAGIC, "schema": _SCHEMA, "plan": plan.id}
            old = json.dumps(header, ensure_ascii=False) + "\n"
        lines = "".join(
            json.dumps(event_to_dict(e), ensure_ascii=False, sort_keys=True) + "\n" for e in events
        )
        directory = self.path.parent if str(self.path.parent) else Path(".")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(old)
                handle.write(lines)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
