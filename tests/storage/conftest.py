"""The ``store`` fixture: every contract test runs on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmkit.storage import MemoryStore, SqlStore, Store

BACKENDS = [
    "memory",
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgresql),
]


def _make_store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """Return a fresh, empty store of *backend*."""
    if backend == "memory":
        return MemoryStore()
    if backend == "sqlite":
        return SqlStore(f"sqlite:///{tmp_path / 'crm.db'}")
    pg_url = request.getfixturevalue("pg_url")
    schema = request.getfixturevalue("pg_schema")
    return SqlStore(pg_url, schema=schema)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store of each backend."""
    made = _make_store(request.param, request, tmp_path)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def sql_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store of each SQL backend."""
    made = _make_store(request.param, request, tmp_path)
    try:
        yield made
    finally:
        made.close()
