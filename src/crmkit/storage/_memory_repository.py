"""The repository of one record kind in a memory store: reads, writes, filters, pages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

import attrs

from crmkit._record import utcnow
from crmkit.errors import ConflictError, ErrorCode, FieldIssue, NotFound

from ._history import diff
from ._ids import record_ids as record_ids_of
from ._kinds import FilterView, RecordKind
from ._memory_state import MemoryState, Stored
from ._paging import check_limit, check_page_size, decode_cursor, encode_cursor, parse_order
from ._protocol import Page, UpsertResult, Where
from ._schemas import raise_issues
from ._upsert import plan

__all__ = ["MemoryRepository"]

R = TypeVar("R")


class MemoryRepository(Generic[R]):
    """The records of one kind in a :class:`MemoryStore`."""

    def __init__(self, state: MemoryState, kind: RecordKind[R]) -> None:
        self._state = state
        self._kind = kind

    @property
    def kind(self) -> str:
        """The kind of record this repository holds."""
        return self._kind.name

    @property
    def _table(self) -> dict[str, Stored]:
        return self._state.tables.setdefault(self._kind.name, {})

    def _live(self, record_id: str) -> Stored:
        stored = self._table.get(record_id)
        if stored is None or stored.deleted:
            raise NotFound(self._kind.name, record_id)
        return stored

    def get(self, record_id: str) -> R:
        """Return the record with *record_id*; raises NotFound if missing or deleted."""
        with self._state.lock:
            record: R = self._live(record_id).record
            return record

    def get_many(self, record_ids: Iterable[str]) -> dict[str, R]:
        """Return the records with these ids by id; missing and deleted ids are left out."""
        wanted = record_ids_of(record_ids)
        with self._state.lock:
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
        self._state.registry.check_record(kind, record)
        record_id = record.id  # type: ignore[attr-defined]  # every kind's records have ids
        with self._state.lock:
            if record_id in self._table:
                raise ConflictError(
                    f"a {kind.name} with id {record_id!r} already exists",
                    record_id=record_id,
                    key="id",
                    code=ErrorCode.DUPLICATE_KEY,
                )
            record = self._state.registry.written(kind, None, record)
            self._state.put(kind, Stored(record))
            self._state.record_history(kind, record, "add", actor)
        return record

    def update(self, record: R, *, actor: str | None = None) -> R:
        """Replace the stored record if it still has ``record.version``; see the protocol."""
        kind = self._kind
        self._state.registry.check_record(kind, record)
        given: Any = record
        with self._state.lock:
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
            new = self._state.registry.written(kind, old, new)
            self._state.put(kind, Stored(new))
            changes = diff(kind.to_doc(old), kind.to_doc(new))
            self._state.record_history(kind, new, "update", actor, changes)
        result: R = new
        return result

    def delete(self, record_id: str, *, actor: str | None = None) -> None:
        """Soft-delete a record; raises NotFound if missing or already deleted."""
        with self._state.lock:
            old = self._live(record_id).record
            new = attrs.evolve(old, version=old.version + 1, updated_at=utcnow())
            self._state.put(self._kind, Stored(new, deleted=True))
            self._state.record_history(self._kind, new, "delete", actor)

    def restore(self, record_id: str, *, actor: str | None = None) -> R:
        """Bring back a deleted record; NotFound if missing, ConflictError if not deleted."""
        with self._state.lock:
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
            self._state.put(self._kind, Stored(new))
            self._state.record_history(self._kind, new, "restore", actor)
        result: R = new
        return result

    def _matching(self, where: Where) -> list[Any]:
        kind = self._kind
        expression = self._state.registry.compile(kind, where)
        live = [s.record for s in self._table.values() if not s.deleted]
        if kind.object_type is not None:
            live = [r for r in live if r.object_type == kind.object_type]
        if expression is None:
            return live
        names = list(self._state.registry.fields(kind))
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
        with self._state.lock:
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
        with self._state.lock:
            matching = self._matching(where)
        matching.sort(
            key=lambda r: (kind.sort_value(r, order.field), r.id), reverse=order.descending
        )
        return iter(matching)

    def count(self, where: Where = None) -> int:
        """Return how many records match *where*."""
        with self._state.lock:
            return len(self._matching(where))

    def bulk_upsert(
        self, records: Iterable[R], *, key: str = "id", actor: str | None = None
    ) -> UpsertResult:
        """Create or update many records in one transaction; see the protocol."""
        kind = self._kind
        if key != "id":
            kind.check_key_type(key)
        store = self._state
        check = store.registry.check_record
        incoming = [check(kind, r) for r in records]
        with store.transaction():
            table = self._table

            def existing_ids(ids: list[str]) -> dict[str, int]:
                return {i: table[i].record.version for i in ids if i in table}

            def existing_keys(keys: list[str]) -> dict[str, list[str]]:
                found = {}
                for k in keys:
                    ids = store.keys.get((kind.name, key, k), set())
                    live = sorted(i for i in ids if not table[i].deleted)
                    if live:
                        found[k] = live
                return found

            created = updated = 0
            written = store.registry.written
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
                    store.put(kind, Stored(new))
                    changes = diff(kind.to_doc(old), kind.to_doc(new))
                    store.record_history(kind, new, "update", actor, changes)
                    updated += 1
                else:
                    record = written(kind, None, record, problems, index)
                    store.put(kind, Stored(record))
                    store.record_history(kind, record, "add", actor)
                    created += 1
            raise_issues(kind.name, problems)
        return UpsertResult(created, updated)

    def find_by_keys(self, key_type: str, keys: Iterable[str]) -> dict[str, list[R]]:
        """Look records up by match key; see the protocol."""
        kind = self._kind
        kind.check_key_type(key_type)
        found: dict[str, list[R]] = {}
        with self._state.lock:
            table = self._table
            for k in keys:
                ids = self._state.keys.get((kind.name, key_type, k))
                if not ids:
                    continue
                records = [table[i].record for i in sorted(ids) if not table[i].deleted]
                if records:
                    found[k] = records
        return found
