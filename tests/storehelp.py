"""Helpers shared by the tests that use SQL stores."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from tuyentruyen.store import SQLiteStore, SQLStore
from tuyentruyen.store.postgres import PostgresStore


def reopen(store: SQLStore, **kwargs: Any) -> SQLStore:
    """A new store object (new connection) on the same database."""
    if isinstance(store, SQLiteStore):
        return SQLiteStore(store.path, **kwargs)
    assert isinstance(store, PostgresStore)
    return PostgresStore(store.dsn, schema=store.schema, **kwargs)


def on_own_connections(store: SQLStore, work: Callable[[SQLStore], None], n: int = 3) -> None:
    """Run ``work`` at once in ``n`` threads, each on a connection of its own to
    ``store``'s database (as separate processes would have)."""

    def run() -> None:
        own = reopen(store)
        try:
            work(own)
        finally:
            own.close()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=run) for _ in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
