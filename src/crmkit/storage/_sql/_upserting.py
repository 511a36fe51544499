"""The SQL backend's bulk upsert: plan against the stored records, then write in batches.

A batch is written with one statement per table (or one COPY on PostgreSQL through
psycopg), not one round of statements per record; that is what keeps a bulk upsert close to
a plain insert of the same rows.
"""

from __future__ import annotations

import functools
import gc
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import attrs
import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite

from crmkit._record import utcnow
from crmkit.errors import FieldIssue
from crmkit.storage._history import diff
from crmkit.storage._protocol import UpsertResult
from crmkit.storage._schemas import raise_issues
from crmkit.storage._upsert import Planned, plan

from ._access import UpsertTarget
from ._bulk import CopyWriter, SqliteWriter, copy_supported
from ._errors import conflict
from ._tables import HISTORY, KEYS

__all__ = ["CHUNK", "BulkUpsert", "chunks", "no_cycle_collection"]

_Writer = CopyWriter | SqliteWriter
_Writers = tuple[_Writer, _Writer, tuple[_Writer, ...]]  # records, history, derived rows

CHUNK = 500  # ids or keys per IN (...) list: well under every driver's parameter limit
WRITE_CHUNK = 2_000  # rows per executemany batch of a bulk upsert


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Yield *items* in slices of at most *size*."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Hold off the cycle collector while a bulk write checks its records and builds rows.

    A batch is tens of thousands of live records and rows, none of them in a reference
    cycle (refcounting frees them); without this the collector would scan them all again
    at every full collection the allocations trigger, which costs a fifth of a bulk write.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _lock_id(text: str) -> int:
    digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class BulkUpsert:
    """The bulk upsert of one SQL repository, with its statements and writers."""

    def __init__(self, repository: UpsertTarget) -> None:
        self._repository = repository
        self._statement: Any = None
        self._versions: sa.Select[*tuple[Any, ...]] | None = None
        self._writers: _Writers | None = None

    def run(self, incoming: list[Any], key: str, actor: str | None) -> UpsertResult:
        """Upsert *incoming* (checked records of the kind, at least one) by *key*."""
        repository = self._repository
        kind = repository._kind
        store = repository._store
        table = repository._table
        lock = store.dialect == "postgresql"
        lists = repository._lists
        with store.writing() as connection:
            if key != "id" and lock:
                self._lock_keys(connection, incoming, key)

            def existing_ids(ids: list[str]) -> dict[str, int]:
                found: dict[str, int] = {}
                query = self._versions_query(lock)
                for chunk in lists.chunks(ids):
                    found.update((i, v) for i, v in connection.execute(query, {"ids": chunk}))
                return found

            def existing_keys(keys: list[str]) -> dict[str, list[str]]:
                found: dict[str, list[str]] = {}
                query = (
                    sa.select(KEYS.c.key, KEYS.c.record_id)
                    .join(table, table.c.id == KEYS.c.record_id)
                    .where(
                        KEYS.c.kind == kind.name,
                        KEYS.c.key_type == key,
                        lists.contains(KEYS.c.key, "keys"),
                        repository._live(),
                    )
                    .order_by(KEYS.c.record_id)
                )
                for chunk in lists.chunks(keys):
                    for k, record_id in connection.execute(query, {"keys": chunk}):
                        found.setdefault(k, []).append(record_id)
                return found

            writes = plan(kind, incoming, key, existing_ids, existing_keys)
            now = utcnow()
            problems: list[FieldIssue] = []
            for start in range(0, len(writes), WRITE_CHUNK):
                batch = writes[start : start + WRITE_CHUNK]
                self._write_batch(connection, batch, actor, now, (start, problems))
            # every batch was checked, so the error lists the problems of all of them
            raise_issues(kind.name, problems)
        updated = sum(w.existed for w in writes)
        return UpsertResult(len(writes) - updated, updated)

    def _versions_query(self, lock: bool) -> sa.Select[*tuple[Any, ...]]:
        """The stored version of each of the ids bound as ``ids``."""
        query = self._versions
        if query is None:
            table = self._repository._table
            query = sa.select(table.c.id, table.c.version).where(
                self._repository._lists.contains(table.c.id, "ids")
            )
            if lock:
                # the versions compared must stay the stored ones until commit
                query = query.with_for_update()
            self._versions = query
        return query

    def _upsert_statement(self) -> Any:
        if self._statement is None:
            table = self._repository._table
            dialect = self._repository._store.dialect
            insert: Any = (postgresql if dialect == "postgresql" else sqlite).insert
            statement = insert(table)
            self._statement = statement.on_conflict_do_update(
                index_elements=[table.c.id],
                set_={c.name: statement.excluded[c.name] for c in table.c if c.name != "id"},
            )
        return self._statement

    def _derived_statement(self, table: sa.Table, conflict: str | None) -> Any:
        if conflict is None:
            return table.insert()
        dialect = self._repository._store.dialect
        insert: Any = (postgresql if dialect == "postgresql" else sqlite).insert
        return insert(table).on_conflict_do_nothing()

    def _write_batch(
        self,
        connection: sa.Connection,
        batch: Sequence[Planned],
        actor: str | None,
        now: datetime,
        found: tuple[int, list[FieldIssue]],
    ) -> None:
        """Write one batch of a bulk upsert: records, derived rows (match keys...) and history.

        *found* is the batch's position in the upsert and the list the schema's problems
        go to.
        """
        repository = self._repository
        table = repository._table
        kind = repository._kind
        name = kind.name
        written = repository._store._registry.written
        start, problems = found
        lists = repository._lists
        old_docs: dict[str, Any] = {}
        targets = [w.target for w in batch if w.existed]
        if targets:
            query = sa.select(table.c.id, table.c.doc).where(lists.contains(table.c.id, "ids"))
            for chunk in lists.chunks(targets):
                old_docs.update((i, d) for i, d in connection.execute(query, {"ids": chunk}))
        rows = []
        derived_tables = repository._derived
        derived: list[list[dict[str, Any]]] = [[] for _ in derived_tables]
        history = []
        for offset, write in enumerate(batch):
            record: Any = write.record
            if write.existed:
                old_doc = old_docs[write.target]
                old: Any = repository._load(old_doc)
                record = attrs.evolve(
                    record,
                    id=write.target,
                    version=old.version + 1,
                    created_at=old.created_at,
                    updated_at=now,
                )
                record = written(kind, old, record, problems, start + offset)
                row = repository._row(record)
                changes = diff(old_doc, row["doc"])
                history.append(repository._history_row(record, "update", actor, now, changes))
            else:
                record = written(kind, None, record, problems, start + offset)
                row = repository._row(record)
                history.append(repository._history_row(record, "add", actor, now))
            rows.append(row)
            for found_rows, side in zip(derived, derived_tables, strict=True):
                found_rows.extend(side.rows(record, True))
        copiers = self._copy_writers(connection)
        try:
            if copiers is None:
                connection.execute(self._upsert_statement(), rows)
            else:
                copiers[0].write(connection, rows)
        except sa_exc.IntegrityError as exc:
            raise conflict(exc, name) from exc
        for side in derived_tables:
            side.forget(connection, lists, targets)
        if copiers is None:
            for found_rows, side in zip(derived, derived_tables, strict=True):
                if found_rows:
                    statement = self._derived_statement(side.table, side.conflict)
                    connection.execute(statement, found_rows)
            connection.execute(HISTORY.insert(), history)
        else:
            for found_rows, writer in zip(derived, copiers[2], strict=True):
                writer.write(connection, found_rows)
            copiers[1].write(connection, history)

    def _copy_writers(self, connection: sa.Connection) -> _Writers | None:
        """The batch writers of records, history and derived rows.

        COPY on PostgreSQL through psycopg, the driver's executemany on SQLite, None (a Core
        executemany) for other drivers.
        """
        if self._writers is not None:
            return self._writers
        table = self._repository._table
        dialect = connection.dialect
        make: Any
        if copy_supported(connection):
            make = CopyWriter
        elif dialect.name == "sqlite" and dialect.driver == "pysqlite":
            make = functools.partial(SqliteWriter, dialect=dialect)
        else:
            return None
        self._writers = (
            make(table, [c.name for c in table.c], "update"),
            make(
                HISTORY,
                ["kind", "record_id", "action", "actor", "at", "version", "changes"],
                None,
            ),
            tuple(
                make(d.table, [c.name for c in d.table.c], d.conflict)
                for d in self._repository._derived
            ),
        )
        return self._writers

    def _lock_keys(self, connection: sa.Connection, records: list[Any], key: str) -> None:
        """Hold a transaction lock on every key, so concurrent upserts never both create."""
        kind = self._repository._kind
        ids = sorted(
            {
                _lock_id(f"{kind.name}\0{key}\0{k}")
                for r in records
                for t, k in kind.keys(r)
                if t == key
            }
        )
        if ids:
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:ids AS bigint[])) AS k"),
                {"ids": ids},
            )
