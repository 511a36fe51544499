"""Pluggable storage: one repository per record kind, in memory or in a SQL database.

``MemoryStore()`` keeps records in this process; ``SqlStore(url_or_engine)`` and
``open_store(url)`` keep them in SQLite (the embedded default, ``sqlite:///crm.db``) or
PostgreSQL through SQLAlchemy. Both fulfil :class:`Store`: filters in the expression language,
keyset pagination, transactions with savepoints, soft delete, versioned updates that never
lose a write, indexed match-key lookups and a change history. See ``docs/storage.md``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._kinds import CustomRecord, RecordKind
from ._memory import MemoryStore
from ._protocol import HistoryEntry, Page, Repository, Store, UpsertResult

if TYPE_CHECKING:
    from ._sql import SqlStore, alembic_config, open_store

__all__ = [
    "CustomRecord",
    "HistoryEntry",
    "MemoryStore",
    "Page",
    "RecordKind",
    "Repository",
    "SqlStore",
    "Store",
    "UpsertResult",
    "alembic_config",
    "open_store",
]

# The SQL backend imports SQLAlchemy, which costs more than the rest of crmkit together; it
# is imported when one of its names is first asked for, so a memory store never pays for it.
_SQL_NAMES = frozenset({"SqlStore", "alembic_config", "open_store"})


def __getattr__(name: str) -> object:
    if name not in _SQL_NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("._sql", __name__), name)
    globals()[name] = value  # later lookups find it without coming here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
