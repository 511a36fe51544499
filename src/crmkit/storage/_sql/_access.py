"""What the SQL repository and its bulk upsert need of the store and of each other.

The repository is made by the store and the bulk upsert by the repository; each side reads
the other through one of these structural types, so neither module imports the one above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa

from crmkit.storage._kinds import RecordKind
from crmkit.storage._protocol import WriteKind
from crmkit.storage._registry import Registry

from ._derived import Derived
from ._lists import ValueList

__all__ = ["StoreAccess", "UpsertTarget"]


class StoreAccess(Protocol):
    """The store as its repositories use it: dialect, registry and connections."""

    dialect: str
    _registry: Registry

    def connection(self) -> AbstractContextManager[sa.Connection]:
        """The connection of the current transaction, or one of its own for a read."""

    def writing(self) -> AbstractContextManager[sa.Connection]:
        """A connection inside a transaction (a savepoint within an outer one)."""

    def repository(self, kind: str) -> Any:
        """The repository of *kind* (raises ValidationError for a kind the store lacks)."""


class UpsertTarget(Protocol):
    """The repository as its bulk upsert uses it: the kind, its table and row makers."""

    _kind: RecordKind[Any]
    _store: StoreAccess
    _table: sa.Table
    _lists: ValueList
    _derived: tuple[Derived, ...]

    def _live(self) -> sa.ColumnElement[bool]: ...

    def _load(self, doc: Mapping[str, Any]) -> Any: ...

    def _row(self, record: Any, deleted_at: datetime | None = None) -> dict[str, Any]: ...

    def _history_row(
        self,
        record: Any,
        action: WriteKind,
        actor: str | None,
        at: datetime,
        changes: Mapping[str, tuple[Any, Any]] | None = None,
    ) -> dict[str, Any]: ...
