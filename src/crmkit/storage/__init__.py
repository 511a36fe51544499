"""Pluggable storage: one repository per record kind, in memory or in a SQL database.

``MemoryStore()`` keeps records in this process; ``SqlStore(url_or_engine)`` and
``open_store(url)`` keep them in SQLite (the embedded default, ``sqlite:///crm.db``) or
PostgreSQL through SQLAlchemy. Both fulfil :class:`Store`: filters in the expression language,
keyset pagination, transactions with savepoints, soft delete, versioned updates that never
lose a write, indexed match-key lookups and a change history. See ``docs/storage.md``.

Activities (``store.activities``, an :class:`ActivityRepository`) add the two reads a CRM
makes most: the timeline of records and the open work of owners, each an index range scan
on SQL backends (``docs/activities-store.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmkit._lazy import lazy_names

from ._activity_kind import sort_instant
from ._activity_scope import ActivityScope
from ._deals import loading_history
from ._kinds import CustomRecord, RecordKind
from ._memory import MemoryStore
from ._protocol import ActivityRepository, HistoryEntry, Page, Repository, Store, UpsertResult

if TYPE_CHECKING:
    from ._sql import SqlStore, alembic_config, open_store

__all__ = [
    "ActivityRepository",
    "ActivityScope",
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
    "loading_history",
    "open_store",
    "sort_instant",
]

# The SQL backend imports SQLAlchemy, which costs more than the rest of crmkit together; it
# is imported when one of its names is first asked for, so a memory store never pays for it.
__getattr__, __dir__ = lazy_names(
    __name__, "._sql", {"SqlStore", "alembic_config", "open_store"}, globals()
)
