"""The SQL backend's repository: one kind's records, through SQLAlchemy Core."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Generic, TypeVar

import attrs
import sqlalchemy as sa
import sqlalchemy.exc as sa_exc

from crmkit._record import utcnow
from crmkit.errors import ConflictError, ErrorCode, NotFound
from crmkit.storage._history import diff
from crmkit.storage._ids import record_ids as record_ids_of
from crmkit.storage._kinds import RecordKind
from crmkit.storage._paging import all_pages, check_limit, decode_cursor, encode_cursor, parse_order
from crmkit.storage._protocol import Page, UpsertResult, Where, WriteKind

from ._access import StoreAccess
from ._columns import filter_columns, sort_column
from ._counts import CountStatements
from ._derived import Derived, key_rows
from ._errors import conflict
from ._lists import ValueList
from ._tables import HISTORY, KEYS, record_table
from ._upserting import BulkUpsert, no_cycle_collection

__all__ = ["SqlRepository"]

R = TypeVar("R")


class SqlRepository(Generic[R]):
    """The records of one kind in a :class:`~crmkit.storage.SqlStore`."""

    def __init__(self, store: StoreAccess, kind: RecordKind[R]) -> None:
        self._store = store
        self._kind = kind
        self._table = record_table(kind)
        self._columns: dict[str, sa.ColumnElement[Any]] | None = None
        extra = [c.name for c in self._table.c if c.name not in _BASE_COLUMNS]
        self._extra = [c for c in extra if c != "object_type"]
        self._lists = ValueList(store.dialect)
        self._live_clause: sa.ColumnElement[bool] | None = None
        self._counts = CountStatements(self._table, self._live)
        self._statements: dict[str, Any] = {}
        self._derived = self._derived_tables(kind)
        self._bulk = BulkUpsert(self)
        self._readers = [
            (name, kind.getters.get(name) or operator.attrgetter(name)) for name in self._extra
        ]

    @property
    def kind(self) -> str:
        """The kind of record this repository holds."""
        return self._kind.name

    def use_kind(self, kind: RecordKind[R]) -> None:
        """Take *kind* (the same table, new write checks) in place of the current kind."""
        self._kind = kind
        self._columns = None
        self._live_clause = None
        self._counts.clear()
        self._statements = {}
        self._derived = self._derived_tables(kind)

    def _derived_tables(self, kind: RecordKind[R]) -> tuple[Derived, ...]:
        """The tables of rows derived from each record, rewritten with it."""
        return (key_rows(kind),)

    def forget_columns(self) -> None:
        """Drop the cached filter columns (the kind's custom fields changed)."""
        self._columns = None
        self._counts.clear()

    # -- rows

    def _live(self) -> sa.ColumnElement[bool]:
        condition = self._live_clause
        if condition is None:  # built once: SQLAlchemy clauses are immutable
            condition = self._table.c.deleted_at.is_(None)
            if self._kind.object_type is not None:
                condition = sa.and_(condition, self._table.c.object_type == self._kind.object_type)
            self._live_clause = condition
        return condition

    def _of_kind(self) -> sa.ColumnElement[bool]:
        if self._kind.object_type is not None:
            return self._table.c.object_type == self._kind.object_type
        return sa.true()

    def _row(self, record: Any, deleted_at: datetime | None = None) -> dict[str, Any]:
        kind = self._kind
        row = {
            "id": record.id,
            "version": record.version,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "deleted_at": deleted_at,
            "doc": kind.to_doc(record),
        }
        for name, read in self._readers:
            value = read(record)
            row[name] = None if value == "" else value
        if kind.object_type is not None:
            row["object_type"] = kind.object_type
        return row

    def _history_row(
        self,
        record: Any,
        action: WriteKind,
        actor: str | None,
        at: datetime,
        changes: Mapping[str, tuple[Any, Any]] | None = None,
    ) -> dict[str, Any]:
        return {
            "kind": self._kind.name,
            "record_id": record.id,
            "action": action,
            "actor": actor,
            "at": at,
            "version": record.version,
            "changes": {k: list(v) for k, v in changes.items()} if changes else None,
        }

    def _load(self, doc: Mapping[str, Any]) -> R:
        return self._kind.from_doc(doc)

    # -- reads

    def _statement(self, name: str) -> Any:
        """A read statement of this repository, built once with bound parameters.

        Building a statement costs SQLAlchemy more than running a point read: ``get`` and
        ``get_many`` and ``find_by_keys`` reuse theirs, with the values (a list as one) bound.
        """
        found = self._statements.get(name)
        if found is None:
            table = self._table
            if name == "get":
                found = sa.select(table.c.doc).where(table.c.id == sa.bindparam("id"))
            elif name == "get_many":
                found = sa.select(table.c.id, table.c.doc).where(
                    self._lists.contains(table.c.id, "ids")
                )
            else:  # the key lookup: the key type and the keys are its parameters
                found = (
                    sa.select(KEYS.c.key, table.c.id, table.c.doc)
                    .join(table, table.c.id == KEYS.c.record_id)
                    .where(
                        KEYS.c.kind == self._kind.name,
                        KEYS.c.key_type == sa.bindparam("key_type"),
                        self._lists.contains(KEYS.c.key, "keys"),
                    )
                    .order_by(KEYS.c.key, table.c.id)
                )
            found = found.where(self._live())
            self._statements[name] = found
        return found

    def get(self, record_id: str) -> R:
        """Return the record with *record_id*; raises NotFound if missing or deleted."""
        query = self._statement("get")
        with self._store.connection() as connection:
            doc = connection.execute(query, {"id": record_id}).scalar_one_or_none()
        if doc is None:
            raise NotFound(self._kind.name, record_id)
        return self._load(doc)

    def get_many(self, record_ids: Iterable[str]) -> dict[str, R]:
        """Return the records with these ids by id; missing and deleted ids are left out."""
        wanted = record_ids_of(record_ids)
        found: dict[str, R] = {}
        if not wanted:
            return found
        query = self._statement("get_many")
        with self._store.connection() as connection:
            for chunk in self._lists.chunks(wanted):
                for record_id, doc in connection.execute(query, {"ids": chunk}):
                    found[record_id] = self._load(doc)
        return {i: found[i] for i in wanted if i in found}

    def _filter(self, where: Where, *, bare: bool = False) -> sa.ColumnElement[bool] | None:
        """Return *where* as a clause (None for none); *bare*: as ``to_sql(where=True)``."""
        expression = self._store._registry.compile(self._kind, where)
        if expression is None:
            return None
        if self._columns is None:
            fields = self._store._registry.fields(self._kind)
            self._columns = filter_columns(self._kind, fields, self._table, self._store.dialect)
        clause: sa.ColumnElement[bool] = expression.to_sql(self._columns, where=bare)
        return clause

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
        table = self._table
        order = parse_order(kind, order_by)
        check_limit(limit)
        conditions = [self._live()]
        clause = self._filter(where)
        if clause is not None:
            conditions.append(clause)
        sort = sort_column(table, order)
        if after is not None:
            value, last_id = decode_cursor(order, after)
            if order.descending:
                conditions.append(
                    sa.or_(sort < value, sa.and_(sort == value, table.c.id < last_id))
                )
            else:
                conditions.append(
                    sa.or_(sort > value, sa.and_(sort == value, table.c.id > last_id))
                )
        if order.descending:
            ordering = [sort.desc(), table.c.id.desc()]
        else:
            ordering = [sort.asc(), table.c.id.asc()]
        if order.field == "id":
            ordering = ordering[1:]
        query = sa.select(table.c.doc).where(*conditions).order_by(*ordering).limit(limit + 1)
        with self._store.connection() as connection:
            docs = connection.execute(query).scalars().all()
        records = [self._load(doc) for doc in docs[:limit]]
        next_after = None
        if len(docs) > limit:
            last: Any = records[-1]
            next_after = encode_cursor(kind.sort_value(last, order.field), last.id)
        return Page(records, next_after)

    def find_all(
        self, where: Where = None, *, order_by: str = "id", page_size: int = 1000
    ) -> Iterator[R]:
        """Iterate over every record that matches *where*, in keyset pages; see the protocol."""
        # compiled once: each page's query reuses the filter
        expression = self._store._registry.compile(self._kind, where)
        return all_pages(self.find, expression, order_by, page_size)

    def count(self, where: Where = None) -> int:
        """Return how many records match *where*."""
        # bare, a count can use an index; a page keeps the coalesce: SQLite without stats
        # would take the index even for a filter most rows pass, and sort every match
        query = self._counts.of(self._filter(where, bare=True))
        with self._store.connection() as connection:
            return int(connection.execute(query).scalar_one())

    def find_by_keys(self, key_type: str, keys: Iterable[str]) -> dict[str, list[R]]:
        """Look records up by match key; see the protocol."""
        kind = self._kind
        kind.check_key_type(key_type)
        wanted = list(dict.fromkeys(keys))
        loaded: dict[str, R] = {}
        found: dict[str, list[R]] = {}
        if not wanted:
            return found
        query = self._statement("keys")
        with self._store.connection() as connection:
            for chunk in self._lists.chunks(wanted):
                rows = connection.execute(query, {"key_type": key_type, "keys": chunk})
                for key, record_id, doc in rows:
                    record = loaded.get(record_id)
                    if record is None:
                        record = loaded[record_id] = self._load(doc)
                    found.setdefault(key, []).append(record)
        return {k: found[k] for k in wanted if k in found}

    # -- writes

    def add(self, record: R, *, actor: str | None = None) -> R:
        """Store a new record; raises ConflictError if the id is taken."""
        kind = self._kind
        given: Any = self._store._registry.check_record(kind, record)
        try:
            with self._store.writing() as connection:
                given = self._store._registry.written(kind, None, given)
                connection.execute(self._table.insert(), [self._row(given)])
                for derived in self._derived:
                    derived.insert(connection, given)
                connection.execute(
                    HISTORY.insert(), [self._history_row(given, "add", actor, utcnow())]
                )
        except sa_exc.IntegrityError as exc:
            raise conflict(exc, self._kind.name, given.id) from exc
        stored: R = given
        return stored

    def _stored(self, connection: sa.Connection, record_id: str) -> Any:
        table = self._table
        query = sa.select(table.c.version, table.c.deleted_at, table.c.doc).where(
            table.c.id == record_id, self._of_kind()
        )
        return connection.execute(query).first()

    def _replace(
        self,
        connection: sa.Connection,
        old: Any,
        new: Any,
        *,
        deleted_at: datetime | None,
        action: WriteKind,
        actor: str | None,
        changes: Mapping[str, tuple[Any, Any]] | None = None,
    ) -> None:
        """Write *new* over *old* if the stored version is still old's; else ConflictError.

        *old* is live except for a restore; *new* is live unless *deleted_at* is set.
        """
        table = self._table
        row = self._row(new, deleted_at)
        del row["id"]
        result = connection.execute(
            table.update().where(table.c.id == old.id, table.c.version == old.version).values(**row)
        )
        if result.rowcount != 1:
            raise ConflictError(
                f"{self._kind.name} {old.id!r} was changed meanwhile (version {old.version})",
                record_id=old.id,
                key="version",
                code=ErrorCode.STALE_VERSION,
            )
        for derived in self._derived:
            derived.replace(
                connection, old, new, was_live=action != "restore", live=deleted_at is None
            )
        connection.execute(
            HISTORY.insert(), [self._history_row(new, action, actor, new.updated_at, changes)]
        )

    def update(self, record: R, *, actor: str | None = None) -> R:
        """Replace the stored record if it still has ``record.version``; see the protocol."""
        kind = self._kind
        given: Any = self._store._registry.check_record(kind, record)
        with self._store.writing() as connection:
            stored = self._stored(connection, given.id)
            if stored is None or stored.deleted_at is not None:
                raise NotFound(kind.name, given.id)
            if stored.version != given.version:
                raise ConflictError(
                    f"{kind.name} {given.id!r} was changed meanwhile: stored version "
                    f"{stored.version}, given {given.version}",
                    record_id=given.id,
                    code=ErrorCode.STALE_VERSION,
                    key="version",
                )
            old: Any = self._load(stored.doc)
            new = attrs.evolve(
                given, version=stored.version + 1, created_at=old.created_at, updated_at=utcnow()
            )
            new = self._store._registry.written(kind, old, new)
            changes = diff(stored.doc, kind.to_doc(new))
            self._replace(
                connection, old, new, deleted_at=None, action="update", actor=actor, changes=changes
            )
        result: R = new
        return result

    def delete(self, record_id: str, *, actor: str | None = None) -> None:
        """Soft-delete a record; raises NotFound if missing or already deleted."""
        with self._store.writing() as connection:
            stored = self._stored(connection, record_id)
            if stored is None or stored.deleted_at is not None:
                raise NotFound(self._kind.name, record_id)
            old: Any = self._load(stored.doc)
            now = utcnow()
            new = attrs.evolve(old, version=old.version + 1, updated_at=now)
            self._replace(connection, old, new, deleted_at=now, action="delete", actor=actor)

    def restore(self, record_id: str, *, actor: str | None = None) -> R:
        """Bring back a deleted record; NotFound if missing, ConflictError if not deleted."""
        with self._store.writing() as connection:
            stored = self._stored(connection, record_id)
            if stored is None:
                raise NotFound(self._kind.name, record_id)
            if stored.deleted_at is None:
                raise ConflictError(
                    f"{self._kind.name} {record_id!r} is not deleted",
                    record_id=record_id,
                    code=ErrorCode.NOT_DELETED,
                )
            old: Any = self._load(stored.doc)
            new = attrs.evolve(old, version=old.version + 1, updated_at=utcnow())
            self._replace(connection, old, new, deleted_at=None, action="restore", actor=actor)
        result: R = new
        return result

    def bulk_upsert(
        self, records: Iterable[R], *, key: str = "id", actor: str | None = None
    ) -> UpsertResult:
        """Create or update many records in one transaction; see the protocol."""
        kind = self._kind
        if key != "id":
            kind.check_key_type(key)
        check = self._store._registry.check_record
        with no_cycle_collection():
            incoming: list[Any] = [check(kind, r) for r in records]
            if not incoming:
                return UpsertResult()
            return self._bulk.run(incoming, key, actor)


_BASE_COLUMNS = frozenset({"id", "version", "created_at", "updated_at", "deleted_at", "doc"})
