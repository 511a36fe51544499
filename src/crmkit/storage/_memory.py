"""The in-memory backend: the whole contract in a few dicts, for tests and small scripts."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from crmkit.contacts import Affiliation, Company, Contact
from crmkit.fields import Schema
from crmkit.pipeline import Deal

from ._activity_kind import ACTIVITY
from ._deals import PipelinesIn, deal_kind
from ._ids import record_ids as record_ids_of
from ._kinds import CustomRecord
from ._memory_activities import MemoryActivityRepository
from ._memory_repository import MemoryRepository
from ._memory_state import MemoryState
from ._protocol import HistoryEntry
from ._registry import FieldsIn

__all__ = ["MemoryStore"]

R = TypeVar("R")


class MemoryStore:
    """A store that keeps everything in this process's memory.

    It fulfils the same contract as the SQL backend (filters, pagination, transactions with
    savepoints, soft delete, history), so tests can use it as a fake. Nothing is persisted.

    Example:
        >>> store = MemoryStore()
        >>> store.contacts.count()
        0
    """

    def __init__(self) -> None:
        self._state = MemoryState()
        self._registry = self._state.registry
        self._repositories: dict[str, MemoryRepository[Any]] = {}

    @property
    def contacts(self) -> MemoryRepository[Contact]:
        """The people."""
        return self.repository("contact")

    @property
    def companies(self) -> MemoryRepository[Company]:
        """The organizations."""
        return self.repository("company")

    @property
    def affiliations(self) -> MemoryRepository[Affiliation]:
        """The links between people and organizations."""
        return self.repository("affiliation")

    @property
    def deals(self) -> MemoryRepository[Deal]:
        """The sales opportunities; every write passes its pipeline's checks."""
        return self.repository("deal")

    @property
    def activities(self) -> MemoryActivityRepository:
        """The tasks, calls, meetings, e-mails and notes, done ones included."""
        found = self.repository(ACTIVITY.name)
        assert isinstance(found, MemoryActivityRepository)  # noqa: S101 - made so below
        return found

    def use_pipelines(self, pipelines: PipelinesIn) -> None:
        """Enforce *pipelines* (replacing any given before) on every write of a deal.

        Their custom deal fields become filterable. A deal of any other pipeline is refused.

        Raises:
            ConfigError: for an item that is not a Pipeline, a shared id, or a custom field
                two pipelines type differently.
        """
        kind, fields = deal_kind(pipelines)
        with self._state.lock:
            self._registry.define_fields(kind.name, fields)
            self._registry.replace_kind(kind)
            self.repository(kind.name)._kind = kind

    def repository(self, kind: str) -> MemoryRepository[Any]:
        """Return the repository of *kind* (a built-in kind or a registered object type).

        Raises:
            ValidationError: if no such kind is known.
        """
        found = self._repositories.get(kind)
        if found is None:
            made = MemoryActivityRepository if kind == ACTIVITY.name else MemoryRepository
            found = made(self._state, self._registry.kind(kind))
            self._repositories[kind] = found
        return found

    def register_object_type(
        self, object_type: str, fields: FieldsIn
    ) -> MemoryRepository[CustomRecord]:
        """Declare a custom object type with its fields and return its repository.

        *fields* is a :class:`~crmkit.fields.Schema` or field types by name, as for
        :meth:`define_fields`. Registering again adds fields. Raises ConfigError for a bad
        name, type or schema.
        """
        self._registry.register_object_type(object_type, fields)
        return self.repository(object_type)

    def objects(self, object_type: str) -> MemoryRepository[CustomRecord]:
        """Return the repository of a registered custom object type.

        Raises:
            ValidationError: if the type is not registered.
        """
        self._registry.object_type(object_type)
        return self.repository(object_type)

    def define_fields(self, kind: str, fields: FieldsIn) -> None:
        """Declare the custom fields of *kind*: a whole schema, or field types by name.

        See :meth:`Store.define_fields`.

        Raises:
            ConfigError: for an unknown kind, a bad type name, or a schema that does not
                fit the kind.
        """
        self._registry.define_fields(kind, fields)

    def schema(self, kind: str) -> Schema:
        """Return the one schema of *kind*: its built-in fields and its custom fields.

        Raises:
            ValidationError: if no such kind is known.
        """
        return self._registry.schema(self._registry.kind(kind))

    def transaction(self) -> AbstractContextManager[None]:
        """Group writes: all of them or none; a nested block is a savepoint."""
        return self._state.transaction()

    def history(self, record_id: str) -> list[HistoryEntry]:
        """Return every change to the record, oldest first."""
        with self._state.lock:
            return list(self._state.history.get(record_id, ()))

    def histories(self, record_ids: Iterable[str]) -> dict[str, list[HistoryEntry]]:
        """Return the changes of each of the records by id, oldest first."""
        wanted = record_ids_of(record_ids)
        with self._state.lock:
            return {i: list(self._state.history.get(i, ())) for i in wanted}

    def close(self) -> None:
        """Nothing to release; present for the protocol."""
