"""Stores keep a plan's event log; the tracker's state is a replay of it.

:class:`Store` is the protocol every store implements. :class:`MemoryStore` (the
default) keeps events in memory; :class:`EventLogFile` keeps them in a JSON-lines file
written atomically, which the CLI uses.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from tuyentruyen.events import Event
from tuyentruyen.model import Plan
from tuyentruyen.store.eventlog import EventLogFile
from tuyentruyen.store.memory import MemoryStore
from tuyentruyen.store.sql import SQLStore, StoreError, VerifyReport
from tuyentruyen.store.sqlite import SQLiteStore

__all__ = [
    "EventLogFile",
    "MemoryStore",
    "SQLStore",
    "SQLiteStore",
    "Store",
    "StoreError",
    "VerifyReport",
    "open_store",
]


def open_store(target: str | os.PathLike[str]) -> SQLStore:
    """The SQL store ``target`` names: a ``postgresql://`` URL or an SQLite file path."""
    text = os.fspath(target)
    if text.startswith(("postgresql://", "postgres://")):
        from tuyentruyen.store.postgres import PostgresStore

        return PostgresStore(text)
    return SQLiteStore(text)


@runtime_checkable
class Store(Protocol):
    """Where a plan's events are kept.

    ``append`` must be atomic: either every event of the call is kept or none is, and a
    failure leaves what was stored before untouched.

    A store several trackers (or processes) write to at once is *shared*: its
    ``append`` checks each task's version (``versions[k]``: how many events the task had
    before ``events[k]``, as the caller saw it), raises
    :class:`~tuyentruyen.errors.Conflict` when another writer got there first, numbers
    the events itself and returns every event committed since the caller's view (the
    others', then the caller's). A private store returns ``None``: the caller's
    numbering stands.

    A store may also keep each task's current state (the SQL stores do, in
    ``tt_tasks``) and offer ``load_tasks(plan) -> (events, columns)``: the number of
    events and the columns task id, then ``tuyentruyen.store.rows.STATE_COLUMNS``, one
    value per task. A tracker then starts from those rows and reads the log only when a question
    needs it, instead of replaying it on construction.
    """

    def load(self, plan: Plan) -> Sequence[Event]:
        """Every event recorded for ``plan``, in order."""
        ...

    def append(
        self, plan: Plan, events: Sequence[Event], versions: Sequence[int] = ()
    ) -> Sequence[Event] | None:
        """Record ``events`` for ``plan``, all or nothing."""
        ...
