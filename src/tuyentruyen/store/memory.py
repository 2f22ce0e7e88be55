"""In-memory store: events live as long as the process."""

from __future__ import annotations

from collections.abc import Sequence

from tuyentruyen.events import Event, EventRow, from_row, to_row
from tuyentruyen.model import Plan

__all__ = ["MemoryStore"]


class MemoryStore:
    """Keeps each plan's events in a list. One instance can hold many plans."""

    def __init__(self) -> None:
        self._logs: dict[str, list[EventRow]] = {}

    def load(self, plan: Plan) -> Sequence[Event]:
        """The events recorded for ``plan`` (a read-only view)."""
        return tuple(map(from_row, self._logs.get(plan.id, ())))

    def append(self, plan: Plan, events: Sequence[Event], versions: Sequence[int] = ()) -> None:
        """Record ``events`` for ``plan`` (a private store: versions are not checked)."""
        self._logs.setdefault(plan.id, []).extend(map(to_row, events))
