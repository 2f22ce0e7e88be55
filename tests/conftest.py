"""Shared fixtures and hypothesis profiles.

Profiles: ``dev`` (default, quick) and ``ci`` (more examples; chosen when ``CI`` is set
or with ``HYPOTHESIS_PROFILE=ci``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from tuyentruyen import FixedClock, Plan, Tracker, load_plan
from tuyentruyen.store import SQLiteStore, SQLStore

if TYPE_CHECKING:
    from tuyentruyen.store.postgres import PostgresStore

#: ``open_sql_store(migrate=True)``: a new connection to the test's database.
OpenStore = Callable[..., SQLStore]

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parents[1]
SEED_PLAN = ROOT / "examples" / "quang-ninh-60-nam.yaml"


@pytest.fixture(scope="session")
def seed_plan() -> Plan:
    """The Quảng Ninh 60-year plan from examples/."""
    return load_plan(SEED_PLAN)


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at the end of 2023."""
    return FixedClock(datetime(2023, 12, 31, 17, 0))


@pytest.fixture
def seed_tracker(seed_plan: Plan, clock: FixedClock) -> Tracker:
    """An in-memory tracker on the seed plan."""
    return Tracker(seed_plan, clock=clock)


# --- SQL stores (SQLite and PostgreSQL) ----------------------------------------------

DEFAULT_PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    """The PostgreSQL to test against: ``TUYENTRUYEN_PG_DSN`` or the local default."""
    return os.environ.get("TUYENTRUYEN_PG_DSN") or DEFAULT_PG_DSN


@pytest.fixture(scope="session")
def pg_reachable(pg_dsn: str) -> str:
    """``pg_dsn``, once PostgreSQL answered; skips the test when it cannot be reached,
    or fails it when ``TUYENTRUYEN_REQUIRE_PG=1`` (CI, where a skip hides a broken
    service)."""
    from tuyentruyen.store.postgres import mask_dsn

    try:
        import psycopg

        psycopg.connect(pg_dsn, connect_timeout=5).close()
    except Exception as exc:  # ImportError, or any way of not reaching the server
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = (
            f"PostgreSQL not reachable at {mask_dsn(pg_dsn)}; start it or set TUYENTRUYEN_PG_DSN"
        )
        if os.environ.get("TUYENTRUYEN_REQUIRE_PG") == "1":
            pytest.fail(
                f"{message} (TUYENTRUYEN_REQUIRE_PG=1 forbids skipping: {mask_dsn(reason)})",
                pytrace=False,
            )
        pytest.skip(message)
    return pg_dsn


@pytest.fixture
def pg_schema(pg_reachable: str) -> Iterator[str]:
    """A PostgreSQL schema of this test alone (``tt_`` + 12 hex digits), dropped with
    everything in it afterwards."""
    import psycopg

    schema = "tt_" + uuid.uuid4().hex[:12]
    try:
        yield schema
    finally:
        with psycopg.connect(pg_reachable, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture
def pg_store(pg_reachable: str, pg_schema: str) -> Iterator[PostgresStore]:
    """A migrated :class:`PostgresStore` in a schema of its own."""
    from tuyentruyen.store.postgres import PostgresStore

    store = PostgresStore(pg_reachable, schema=pg_schema)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=["sqlite", "postgres"])
def open_sql_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenStore]:
    """A function opening a store on one fresh database of this test (an SQLite file in
    ``tmp_path``, or a PostgreSQL schema of its own); every call opens a new
    connection to the same database, and all are closed afterwards."""
    opened: list[SQLStore] = []
    if request.param == "sqlite":
        path = tmp_path / "plan.db"

        def open_store(migrate: bool = True) -> SQLStore:
            store = SQLiteStore(path, migrate=migrate)
            opened.append(store)
            return store
    else:
        from tuyentruyen.store.postgres import PostgresStore

        dsn = request.getfixturevalue("pg_reachable")
        schema = request.getfixturevalue("pg_schema")

        def open_store(migrate: bool = True) -> SQLStore:
            store = PostgresStore(dsn, schema=schema, migrate=migrate)
            opened.append(store)
            return store

    try:
        yield open_store
    finally:
        for store in opened:
            store.close()  # type: ignore[attr-defined]


@pytest.fixture
def sql_store(open_sql_store: OpenStore) -> SQLStore:
    """A migrated store on a fresh database; runs once on SQLite, once on PostgreSQL."""
    return open_sql_store()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every Hypothesis test ``property`` (``pytest -m property``: the property
    suite alone, the one held to 3 minutes under the CI profile)."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)
