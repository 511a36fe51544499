"""Fixtures for the expression language tests: database engines for the SQL compiler."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa


@pytest.fixture(scope="session")
def sqlite_engine() -> Iterator[sa.Engine]:
    """An in-memory SQLite engine shared by the session."""
    engine = sa.create_engine("sqlite://")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[sa.Engine]:
    """An engine on the PostgreSQL test server (skips with the reason when there is none)."""
    engine = sa.create_engine(pg_url)
    yield engine
    engine.dispose()
