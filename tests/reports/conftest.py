"""Report tests: a store of each backend that knows the test pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from report_cases import PIPELINE

from crmkit.storage import MemoryStore, SqlStore, Store

BACKENDS = ["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def make_store(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """Return a fresh store of *backend* that knows the test pipeline."""
    made: Store
    if backend == "memory":
        made = MemoryStore()
    elif backend == "sqlite":
        made = SqlStore(f"sqlite:///{tmp_path / 'crm.db'}")
    else:
        made = SqlStore(
            request.getfixturevalue("pg_url"), schema=request.getfixturevalue("pg_schema")
        )
    made.use_pipelines([PIPELINE])
    return made


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store of each backend, with the test pipeline."""
    made = make_store(request.param, request, tmp_path)
    try:
        yield made
    finally:
        made.close()
