"""The in-memory backend: the whole contract in a few dicts, for tests and small scripts."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import attrs
from attrs import frozen

from crmkit._record import utcnow
from crmkit.contacts import Affiliation, Company, Contact
from crmkit.errors import ConflictError, ErrorCode, FieldIssue, NotFound
from crmkit.fields import Schema
from crmkit.pipeline import Deal

from ._deals import PipelinesIn, deal_kind
from ._history import diff
from ._ids import record_ids as record_ids_of
from ._kinds import CustomRecord, FilterView, RecordKind
from ._paging import check_limit, check_page_size, decode_cursor, encode_cursor, parse_order
from ._protocol import HistoryEntry, Page, UpsertResult, Where, WriteKind
from ._registry import FieldsIn, Registry
from ._schemas import raise_issues
from ._upsert import plan

__all__ = ["MemoryStore"]

R = TypeVar("R")


@frozen
class _Stored:
    record: Any
    deleted: bool = False


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
        self._lock = threading.RLock()
        self._registry = Registry()
        self._tables: dict[str, dict[str, _Stored]] = {}
        self._keys: dict[tuple[str, str, str], set[str]] = {}
        self._history: dict[str, list[HistoryEntry]] = {}
        self._undo: list[list[Callable[[], None]]] = []
        self._repositories: dict[str, _MemoryRepository[Any]] = {}

    @property
    def contacts(self) -> _MemoryRepository[Contact]:
        """The people."""
        return self.repository("contact")

    @property
    def companies(self) -> _MemoryRepository[Company]:
        """The organizations."""
        return self.repository("company")

    @property
    def affiliations(self) -> _MemoryRepository[Affiliation]:
        """The links between people and organizations."""
        return self.repository("affiliation")

    @property
    def deals(self) -> _MemoryRepository[Deal]:
        """The sales opportunities; every write passes its pipeline's checks."""
        return self.repository("deal")

    def use_pipelines(self, pipelines: PipelinesIn) -> None:
        """Enforce *pipelines* (replacing any given before) on every write of a deal.

        Their custom deal fields become filterable. A deal of any other pipeline is refused.

        Raises:
            ConfigError: for an item that is not a Pipeline, a shared id, or a custom field
                two pipelines type differently.
        """
        kind, fields = deal_kind(pipelines)
        with self._lock:
            self._registry.define_fields(kind.name, fields)
            self._registry.replace_kind(kind)
            self.repository(kind.name)._kind = kind

    def repository(self, kind: str) -> _MemoryRepository[Any]:
        """Return the repository of *kind* (a built-in kind or a registered object type).

        Raises:
            ValidationError: if no such kind is known.
        """
        found = self._repositories.get(kind)
        if found is None:
            found = _MemoryRepository(self, self._registry.kind(kind))
            self._repositories[kind] = found
        return found

    def register_object_type(
        self, object_type: str, fields: FieldsIn
    ) -> _MemoryRepository[CustomRecord]:
        """Declare a custom object type with its fields and return its repository.

        *fields* is a :class:`~crmkit.fields.Schema` or field types by name, as for
        :meth:`define_fields`. Registering again adds fields. Raises ConfigError for a bad
        name, type or schema.
        """
        self._registry.register_object_type(object_type, fields)
        return self.repository(object_type)

    def objects(self, object_type: str) -> _MemoryRepository[CustomRecord]:
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

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them or none; a nested block is a savepoint."""
        with self._lock:
            log: list[Callable[[], None]] = []
            self._undo.append(log)
            try:
                yield
            except BaseException:
                self._undo.pop()
                for undo in reversed(log):
                    undo()
                raise
            self._undo.pop()
            if self._undo:
                self._undo[-1].extend(log)

    def history(self, record_id: str) -> list[HistoryEntry]:
        """Return every change to the record, oldest first."""
        with self._lock:
            return list(self._history.get(record_id, ()))

    def close(self) -> None:
        """Nothing to release; present for the protocol."""

    # -- writes shared by the repositories; each one logs how to undo itself

    def _log(self, undo: Callable[[], None]) -> None:
        if self._undo:
            self._undo[-1].append(undo)

    def _put(self, kind: RecordKind[Any], stored: _Stored) -> None:
        table = self._tables.setdefault(kind.name, {})
        record_id = stored.record.id
        before = table.get(record_id)
        self._index(kind, before, remove=True)
        table[record_id] = stored
        self._index(kind, stored, remove=False)

        def undo() -> None:
            self._index(kind, stored, remove=True)
            if before is None:
                del table[record_id]
            else:
                table[record_id] = before
                self._index(kind, before, remove=False)

        self._log(undo)

    def _index(self, kind: RecordKind[Any], stored: _Stored | None, *, remove: bool) -> None:
        if stored is None:
            return
        record_id = stored.record.id
        for key_type, key in kind.keys(stored.record):
            slot = (kind.name, key_type, key)
            if remove:
                ids = self._keys.get(slot)
                if ids is not None:
                    ids.discard(record_id)
                    if not ids:
                        del self._keys[slot]
            else:
                self._keys.setdefault(slot, set()).add(record_id)

    def _record_history(
        self,
        kind: RecordKind[Any],
        record: Any,
        action: WriteKind,
        actor: str | None,
        changes: Mapping[str, tuple[Any, Any]] | None = None,
    ) -> None:
        entry = HistoryEntry(
            kind=kind.name,
            record_id=record.id,
            action=action,
            actor=actor,
            at=utcnow(),
            version=record.version,
            changes=dict(changes or {}),
        )
        entries = self._history.setdefault(record.id, [])
        entries.append(entry)
        self._log(lambda: entries.remove(entry))


class _MemoryRepository(Generic[R]):
    """The records of one kind in a :class:`MemoryStore`."""

    def __init__(self, store: MemoryStore, kind: RecordKind[R]) -> None:
        self._store = store
        self._kind = kind

    @property
    def kind(self) -> str:
        """The kind of record this repository holds."""
        return self._kind.name

    @property
    def _table(self) -> dict[str, _Stored]:
        return self._store._tables.setdefault(self._kind.name, {})

    def _live(self, record_id: str) -> _Stored:
        stored = self._table.get(record_id)
        if stored is None or stored.deleted:
            raise NotFound(self._kind.name, record_id)
        return stored

    def get(self, record_id: str) -> R:
        """Return the record with *record_id*; raises NotFound if missing or deleted."""
        with self._store._lock:
            record: R = self._live(record_id).record
            return record

    def get_many(self, record_ids: Iterable[str]) -> dict[str, R]:
        """Return the records with these ids by id; missing and deleted ids are left out."""
        wanted = record_ids_of(record_ids)
        with self._store._lock:
            table = self._table
            found: dict[str, R] = {}
            for record_id in wanted:
                stored = table.get(record_id)
                if stored is not None and not stored.deleted:
                    found[record_id] = stored.record
            return found

    def add(self, record: R, *, actor: str | None = None) -> R:
        """Store a new record; raises ConflictError if the id is taken."""
        kind = self._kind
        self._store._registry.check_record(kind, record)
        record_id = record.id  # type: ignore[attr-defined]  # every kind's records have ids
        with self._store._lock:
            if record_id in self._table:
                raise ConflictError(
                    f"a {kind.name} with id {record_id!r} already exists",
                    record_id=record_id,
                    key="id",
                    code=ErrorCode.DUPLICATE_KEY,
                )
            record = self._store._registry.written(kind, None, record)
            self._store._put(kind, _Stored(record))
            self._store._record_history(kind, record, "add", actor)
        return record

    def update(self, record: R, *, actor: str | None = None) -> R:
        """Replace the stored record if it still has ``record.version``; see the protocol."""
        kind = self._kind
        self._store._registry.check_record(kind, record)
        given: Any = record
        with self._store._lock:
            old = self._live(given.id).record
            if old.version != given.version:
                raise ConflictError(
                    f"{kind.name} {given.id!r} was changed meanwhile: stored version "
                    f"{old.version}, given {given.version}",
                    record_id=given.id,
                    code=ErrorCode.STALE_VERSION,
                    key="version",
                )
            new = attrs.evolve(
                given, version=old.version + 1, created_at=old.created_at, updated_at=utcnow()
            )
            new = self._store._registry.written(kind, old, new)
            self._store._put(kind, _Stored(new))
            changes = diff(kind.to_doc(old), kind.to_doc(new))
            self._store._record_history(kind, new, "update", actor, changes)
        result: R = new
        return result

    def delete(self, record_id: str, *, actor: str | None = None) -> None:
        """Soft-delete a record; raises NotFound if missing or already deleted."""
        with self._store._lock:
            old = self._live(record_id).record
            new = attrs.evolve(old, version=old.version + 1, updated_at=utcnow())
            self._store._put(self._kind, _Stored(new, deleted=True))
            self._store._record_history(self._kind, new, "delete", actor)

    def restore(self, record_id: str, *, actor: str | None = None) -> R:
        """Bring back a deleted record; NotFound if missing, ConflictError if not deleted."""
        with self._store._lock:
            stored = self._table.get(record_id)
            if stored is None:
                raise NotFound(self._kind.name, record_id)
            if not stored.deleted:
                raise ConflictError(
                    f"{self._kind.name} {record_id!r} is not deleted",
                    record_id=record_id,
                    code=ErrorCode.NOT_DELETED,
                )
            new = attrs.evolve(
                stored.record, version=stored.record.version + 1, updated_at=utcnow()
            )
            self._store._put(self._kind, _Stored(new))
            self._store._record_history(self._kind, new, "restore", actor)
        result: R = new
        return result

    def _matching(self, where: Where) -> list[Any]:
        kind = self._kind
        expression = self._store._registry.compile(kind, where)
        live = [s.record for s in self._table.values() if not s.deleted]
        if kind.object_type is not None:
            live = [r for r in live if r.object_type == kind.object_type]
        if expression is None:
            return live
        names = list(self._store._registry.fields(kind))
        return [r for r in live if expression.evaluate(FilterView(kind, r, names)) is True]

    def find(
        self,
        where: Where = None,
        *,
        order_by: str = "id",
        limit: int = 100,
        after: str | None = None,
    ) -> Page[R]:
        """Return one page of the records that match *where*; see the protocol."""
        kind = self._kind
        order = parse_order(kind, order_by)
        check_limit(limit)
        position = None if after is None else decode_cursor(order, after)
        with self._store._lock:
            matching = self._matching(where)

        def sort_key(record: Any) -> tuple[Any, str]:
            return (kind.sort_value(record, order.field), record.id)

        if position is not None:
            if order.descending:
                matching = [r for r in matching if sort_key(r) < position]
            else:
                matching = [r for r in matching if sort_key(r) > position]
        matching.sort(key=sort_key, reverse=order.descending)
        records = matching[:limit]
        next_after = None
        if len(matching) > limit:
            last = records[-1]
            next_after = encode_cursor(kind.sort_value(last, order.field), last.id)
        return Page(records, next_after)

    def find_all(
        self, where: Where = None, *, order_by: str = "id", page_size: int = 1000
    ) -> Iterator[R]:
        """Iterate over every record that matches *where*; see the protocol.

        The records in memory are filtered and sorted once, when this is called; *page_size*
        is checked as SQL stores check it, so code moves between backends unchanged.
        """
        kind = self._kind
        order = parse_order(kind, order_by)
        check_page_size(page_size)
        with self._store._lock:
            matching = self._matching(where)
        matching.sort(
            key=lambda r: (kind.sort_value(r, order.field), r.id), reverse=order.descending
        )
        return iter(matching)

    def count(self, where: Where = None) -> int:
        """Return how many records match *where*."""
        with self._store._lock:
            return len(self._matching(where))

    def bulk_upsert(
        self, records: Iterable[R], *, key: str = "id", actor: str | None = None
    ) -> UpsertResult:
        """Create or update many records in one transaction; see the protocol."""
        kind = self._kind
        if key != "id":
            kind.check_key_type(key)
        store = self._store
        check = store._registry.check_record
        incoming = [check(kind, r) for r in records]
        with store.transaction():
            table = self._table

            def existing_ids(ids: list[str]) -> dict[str, int]:
                return {i: table[i].record.version for i in ids if i in table}

            def existing_keys(keys: list[str]) -> dict[str, list[str]]:
                found = {}
                for k in keys:
                    ids = store._keys.get((kind.name, key, k), set())
                    live = sorted(i for i in ids if not table[i].deleted)
                    if live:
                        found[k] = live
                return found

            created = updated = 0
            written = store._registry.written
            problems: list[FieldIssue] = []
            for index, write in enumerate(plan(kind, incoming, key, existing_ids, existing_keys)):
                record: Any = write.record
                if write.existed:
                    old = table[write.target].record
                    new = attrs.evolve(
                        record,
                        id=write.target,
                        version=old.version + 1,
                        created_at=old.created_at,
                        updated_at=utcnow(),
                    )
                    new = written(kind, old, new, problems, index)
                    store._put(kind, _Stored(new))
                    changes = diff(kind.to_doc(old), kind.to_doc(new))
                    store._record_history(kind, new, "update", actor, changes)
                    updated += 1
                else:
                    record = written(kind, None, record, problems, index)
                    store._put(kind, _Stored(record))
                    store._record_history(kind, record, "add", actor)
                    created += 1
            raise_issues(kind.name, problems)
        return UpsertResult(created, updated)

    def find_by_keys(self, key_type: str, keys: Iterable[str]) -> dict[str, list[R]]:
        """Look records up by match key; see the protocol."""
        kind = self._kind
        kind.check_key_type(key_type)
        found: dict[str, list[R]] = {}
        with self._store._lock:
            table = self._table
            for k in keys:
                ids = self._store._keys.get((kind.name, key_type, k))
                if not ids:
                    continue
                records = [table[i].record for i in sorted(ids) if not table[i].deleted]
                if records:
                    found[k] = records
        return found
