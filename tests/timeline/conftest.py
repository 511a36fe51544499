"""The ``store`` fixture of the timeline tests: every test runs on memory, SQLite, PostgreSQL."""

from __future__ import annotations

import pytest

from crmkit.storage import Store


@pytest.fixture
def store(backend_store: Store) -> Store:
    """A fresh, empty store of each backend."""
    return backend_store
