"""Shared test set-up: hypothesis profiles, the PostgreSQL fixture, a store of each backend."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from crmkit.storage import MemoryStore, SqlStore, Store

settings.register_profile("dev", max_examples=40, deadline=None)
# CI explores more examples, from a fixed seed so that a landing never depends on luck; the
# dev profile stays random, so local runs keep finding new cases.
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

POSTGRESQL_URL = os.environ.get("CRMKIT_TEST_DATABASE_URL")
REQUIRE_POSTGRESQL = os.environ.get("CRMKIT_REQUIRE_POSTGRESQL") == "1"


def postgresql_url() -> str:
    """Return the test server's URL, or skip (fail, where CI requires it) without one."""
    if not POSTGRESQL_URL:
        if REQUIRE_POSTGRESQL:
            pytest.fail("CRMKIT_REQUIRE_POSTGRESQL=1 but CRMKIT_TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL tests need CRMKIT_TEST_DATABASE_URL (CI sets it)")
    return POSTGRESQL_URL


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The PostgreSQL URL for tests marked ``postgresql``."""
    return postgresql_url()


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[str]:
    """A fresh PostgreSQL URL whose connections use a schema of their own, dropped afterwards.

    Tests running at the same time (or left over from an interrupted run) never see each
    other's tables.
    """
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    try:
        yield name
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        engine.dispose()


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def backend_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store of each backend: memory, SQLite, PostgreSQL."""
    made: Store
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "sqlite":
        made = SqlStore(f"sqlite:///{tmp_path / 'crm.db'}")
    else:
        made = SqlStore(
            request.getfixturevalue("pg_url"), schema=request.getfixturevalue("pg_schema")
        )
    try:
        yield made
    finally:
        made.close()
