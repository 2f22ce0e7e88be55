"""Helpers shared by the tests that use SQL stores."""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from typing import Any

from tuyentruyen.store import SQLiteStore, SQLStore
from tuyentruyen.store.postgres import PostgresStore

_FORK = multiprocessing.get_context("fork")


def reopen(store: SQLStore, **kwargs: Any) -> SQLStore:
    """A new store object (new connection) on the same database."""
    if isinstance(store, SQLiteStore):
        return SQLiteStore(store.path, **kwargs)
    assert isinstance(store, PostgresStore)
    return PostgresStore(store.dsn, schema=store.schema, **kwargs)


def in_processes(store: SQLStore, work: Callable[[SQLStore], Any], n: int = 3) -> list[Any]:
    """Run ``work`` in ``n`` processes at once, each with a connection of its own to
    ``store``'s database, released together; returns what each returned."""
    results: Any = _FORK.Queue()
    start = _FORK.Barrier(n)

    def run() -> None:
        try:
            own = reopen(store)
            start.wait(30)
            try:
                results.put(("ok", work(own)))
            finally:
                own.close()  # type: ignore[attr-defined]
        except BaseException:
            results.put(("error", traceback.format_exc()))

    procs = [_FORK.Process(target=run) for _ in range(n)]
    for p in procs:
        p.start()
    out = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    errors = [value for status, value in out if status != "ok"]
    assert not errors, errors[0]
    return [value for _, value in out]
