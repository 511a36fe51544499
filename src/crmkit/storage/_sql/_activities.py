"""The activities of a SQL store: link checks, the link table, timelines and open work.

A record's timeline is a range scan of the primary key of ``crm_activity_links`` (kind,
record id, sort instant, activity id), newest first; several records' timelines are those
scans joined by ``UNION ALL``, each cut at the page size, merged and cut again. An owner's
open work is a range scan of the partial index ``ix_crm_activities_open_work`` (owner, due
instant, id).
"""

from __future__ import annotations

import copy
import heapq
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from crmkit.activities import Activity, Link
from crmkit.storage._activity_kind import check_links
from crmkit.storage._activity_queries import (
    Position,
    check_end,
    check_links_given,
    check_owners,
    check_until,
    cursor_after,
    position_of,
)
from crmkit.storage._activity_scope import ActivityScope
from crmkit.storage._kinds import RecordKind
from crmkit.storage._protocol import Page, UpsertResult

from ._access import StoreAccess
from ._columns import UtcDateTime
from ._counts import CountStatements
from ._derived import Derived, link_rows
from ._repository import SqlRepository
from ._tables import ACTIVITY_LINKS, record_table
from ._upserting import no_cycle_collection

__all__ = ["SqlActivityRepository"]

_LINKS = ACTIVITY_LINKS
_BRANCHES = 100  # records per UNION ALL: well under SQLite's 500 compound terms


def _at(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    return sa.type_coerce(column, UtcDateTime())


class SqlActivityRepository(SqlRepository[Activity]):
    """The activities of a :class:`~crmkit.storage.SqlStore`."""

    def __init__(self, store: StoreAccess, kind: RecordKind[Activity]) -> None:
        super().__init__(store, kind)
        # the timeline queries by shape: (records, with a cursor, with the documents)
        self._timelines: dict[tuple[int, bool, bool], Any] = {}
        # the reader's scope (see scoped), or None for every activity
        self._scope: sa.ColumnElement[bool] | None = None

    def _derived_tables(self, kind: RecordKind[Activity]) -> tuple[Derived, ...]:
        # activities have no match keys: their links are their only derived rows
        return (link_rows(),)

    # -- link checks

    def _check(
        self, connection: sa.Connection, activities: Sequence[Any], *, batch: bool = False
    ) -> None:
        checked = [self._kind.check_record(a) for a in activities]
        lists = self._lists
        kept: dict[str, set[tuple[str, str]]] = {}
        ids = [a.id for a in checked if a.links]
        if ids:
            query = sa.select(_LINKS.c.activity_id, _LINKS.c.kind, _LINKS.c.record_id).where(
                lists.contains(_LINKS.c.activity_id, "ids")
            )
            for chunk in lists.chunks(ids):
                for activity_id, kind, record_id in connection.execute(query, {"ids": chunk}):
                    kept.setdefault(activity_id, set()).add((kind, record_id))

        def exists(kind: str, wanted: list[str]) -> list[str]:
            table = record_table(self._store._registry.kind(kind))
            query = sa.select(table.c.id).where(
                lists.contains(table.c.id, "ids"), table.c.deleted_at.is_(None)
            )
            if self._store.dialect == "postgresql":
                # a linked record cannot be deleted until this write commits
                query = query.with_for_update(read=True)
            found: list[str] = []
            for chunk in lists.chunks(wanted):
                found.extend(connection.execute(query, {"ids": chunk}).scalars().all())
            return found

        check_links(checked, exists, kept, batch=batch)

    def add(self, record: Activity, *, actor: str | None = None) -> Activity:
        """Store a new activity; its contact, company and deal links must be stored."""
        with self._store.writing() as connection:
            self._check(connection, [record])
            return super().add(record, actor=actor)

    def update(self, record: Activity, *, actor: str | None = None) -> Activity:
        """Replace the stored activity if it still has ``record.version``; new links are checked."""
        with self._store.writing() as connection:
            self._check(connection, [record])
            return super().update(record, actor=actor)

    def bulk_upsert(
        self, records: Iterable[Activity], *, key: str = "id", actor: str | None = None
    ) -> UpsertResult:
        """Create or update many activities in one transaction; every new link is checked first."""
        incoming = list(records)
        with no_cycle_collection(), self._store.writing() as connection:
            self._check(connection, incoming, batch=True)
            return super().bulk_upsert(incoming, key=key, actor=actor)

    # -- scopes

    def scoped(self, scope: ActivityScope) -> SqlActivityRepository:
        """Return these activities as a reader of *scope* sees them, for reading only.

        Every read of the copy runs the scope inside its one query: the owner test, the
        scope's own filter, and per linked kind an ``EXISTS`` over the activity's links
        joined to that kind's table with the kind's filter.
        """
        if scope.everything:
            return self
        view = copy.copy(self)
        clause = self._scope_clause(scope)
        # a view of a view sees what both scopes let through
        view._scope = clause if self._scope is None else sa.and_(self._scope, clause)
        view._live_clause = sa.and_(self._live(), clause)
        view._statements = {}
        view._timelines = {}
        view._counts = CountStatements(view._table, view._live)
        return view

    def _scope_clause(self, scope: ActivityScope) -> sa.ColumnElement[bool]:
        table = self._table
        parts: list[sa.ColumnElement[bool]] = []
        if scope.owners:
            parts.append(table.c.owner_id.in_(sorted(scope.owners)))
        if isinstance(scope.own, str):
            own = self._filter(scope.own, bare=True)
            if own is not None:
                parts.append(own)
        registry = self._store._registry
        for name, source in sorted(scope.linked.items()):
            if name == self._kind.name or name not in registry.kinds:
                continue  # a kind the store does not know holds no record to see
            other = self._store.repository(name)
            links = _LINKS.alias("scope_links")
            conditions = [
                links.c.activity_id == table.c.id,
                links.c.kind == name,
                other._table.c.id == links.c.record_id,
                other._live(),
            ]
            if source is not True:
                clause = other._filter(source, bare=True)
                if clause is not None:
                    conditions.append(clause)
            inner = sa.select(sa.literal(1)).select_from(links).where(*conditions)
            parts.append(sa.exists(inner.correlate(table)))
        return sa.or_(*parts) if parts else sa.false()

    # -- timelines

    def for_records(
        self,
        links: Iterable[Link],
        *,
        limit: int = 50,
        before: str | tuple[datetime, str] | None = None,
    ) -> Page[Activity]:
        """Return the activities of any of the records *links* name, newest first."""
        pairs = check_links_given(links)
        position = position_of(before, limit)
        if not pairs:
            return Page([], None)
        with self._store.connection() as connection:
            if len(pairs) <= _BRANCHES:
                query = self._timeline(len(pairs), keyset=position is not None, docs=True)
                params = _parameters(pairs, limit, position)
                docs = list(connection.execute(query, params).scalars())
            else:
                docs = self._many_records(connection, pairs, limit, position)
        records = [self._load(doc) for doc in docs[:limit]]
        next_after = cursor_after(records[-1]) if len(docs) > limit else None
        return Page(records, next_after)

    def _many_records(
        self,
        connection: sa.Connection,
        pairs: list[tuple[str, str]],
        limit: int,
        position: Position | None,
    ) -> list[Any]:
        """The docs of the newest activities of more records than one query takes."""
        tops: list[list[tuple[datetime, str]]] = []
        for start in range(0, len(pairs), _BRANCHES):
            chunk = pairs[start : start + _BRANCHES]
            query = self._timeline(len(chunk), keyset=position is not None, docs=False)
            rows = connection.execute(query, _parameters(chunk, limit, position))
            tops.append([(_utc(at), activity_id) for activity_id, at in rows])
        newest: dict[str, None] = {}
        for _, activity_id in heapq.merge(*tops, reverse=True):
            newest[activity_id] = None
            if len(newest) > limit:
                break
        table = self._table
        query = sa.select(table.c.id, table.c.doc).where(
            self._lists.contains(table.c.id, "ids"), self._live()
        )
        docs: dict[str, Any] = {}
        for chunk_ids in self._lists.chunks(list(newest)):
            docs.update((i, d) for i, d in connection.execute(query, {"ids": chunk_ids}))
        return [docs[i] for i in newest if i in docs]

    def _timeline(self, count: int, *, keyset: bool, docs: bool) -> Any:
        """The timeline query of *count* records (built once per shape, then reused)."""
        cache = self._timelines
        query = cache.get((count, keyset, docs))
        if query is not None:
            return query
        limit = sa.bindparam("n", type_=sa.Integer)
        branches = []
        for i in range(count):
            branch = sa.select(_LINKS.c.activity_id, _LINKS.c.sort_at).where(
                _LINKS.c.kind == sa.bindparam(f"k{i}", type_=sa.String),
                _LINKS.c.record_id == sa.bindparam(f"r{i}", type_=sa.String),
            )
            if self._scope is not None:  # cut each scan to the reader's before it is cut short
                table = self._table
                branch = branch.join_from(_LINKS, table, table.c.id == _LINKS.c.activity_id)
                branch = branch.where(self._scope)
            if keyset:
                branch = branch.where(
                    sa.tuple_(_LINKS.c.sort_at, _LINKS.c.activity_id)
                    < sa.tuple_(
                        sa.bindparam("t", type_=UtcDateTime()),
                        sa.bindparam("i", type_=sa.String),
                    )
                )
            branch = branch.order_by(_LINKS.c.sort_at.desc(), _LINKS.c.activity_id.desc())
            branches.append(branch.limit(limit))
        if count == 1:
            top = branches[0].subquery("t")
        else:
            scans = [sa.select(b.subquery(f"b{i}")) for i, b in enumerate(branches)]
            merged = sa.union_all(*scans).subquery("u")
            top = (
                sa.select(merged.c.activity_id, merged.c.sort_at)
                .distinct()
                .order_by(merged.c.sort_at.desc(), merged.c.activity_id.desc())
                .limit(limit)
                .subquery("t")
            )
        if not docs:
            query = sa.select(top.c.activity_id, top.c.sort_at).order_by(
                top.c.sort_at.desc(), top.c.activity_id.desc()
            )
        else:
            table = self._table
            query = (
                sa.select(table.c.doc)
                .join_from(top, table, table.c.id == top.c.activity_id)
                .where(self._live())
                .order_by(top.c.sort_at.desc(), top.c.activity_id.desc())
            )
        cache[(count, keyset, docs)] = query
        return query

    # -- open work

    def open_for_owner(
        self,
        owner_ids: str | Iterable[str],
        *,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[Activity]:
        """Return the open activities of the owners, soonest due first (undated last)."""
        owners = check_owners(owner_ids)
        end = check_until(until, limit)
        if not owners:
            return []
        table = self._table
        if len(owners) == 1:
            owned = table.c.owner_id == sa.bindparam("owner", type_=sa.String)
            chunks: list[dict[str, Any]] = [{"owner": owners[0]}]
        else:
            owned = self._lists.contains(table.c.owner_id, "owners")
            chunks = [{"owners": chunk} for chunk in self._lists.chunks(owners)]
        # the conditions of the partial index, as it states them, so that it is used
        open_ = [owned, table.c.done_at.is_(None), table.c.deleted_at.is_(None)]
        if self._scope is not None:
            open_.append(self._scope)
        dated = sa.select(_at(table.c.due_instant), table.c.id, table.c.doc).where(
            *open_, table.c.due_instant.is_not(None)
        )
        if end is not None:
            dated = dated.where(_at(table.c.due_instant) <= end)
        dated = dated.order_by(table.c.due_instant, table.c.id)
        undated = sa.select(table.c.id, table.c.doc).where(*open_, table.c.due_instant.is_(None))
        undated = undated.order_by(table.c.id)
        if limit is not None:
            dated, undated = dated.limit(limit), undated.limit(limit)
        found: list[tuple[datetime, str, Any]] = []
        blank: list[tuple[str, Any]] = []
        with self._store.connection() as connection:
            for params in chunks:
                found.extend((_utc(d), i, doc) for d, i, doc in connection.execute(dated, params))
            if end is None and (limit is None or len(found) < limit):
                for params in chunks:
                    blank.extend((i, d) for i, d in connection.execute(undated, params))
        if len(chunks) > 1:  # each chunk came in order; together they are sorted here
            found.sort(key=lambda row: (row[0], row[1]))
            blank.sort(key=lambda row: row[0])
        docs = [row[2] for row in found] + [row[1] for row in blank]
        if limit is not None:
            docs = docs[:limit]
        return [self._load(doc) for doc in docs]

    # -- reminders

    def reminding_before(self, until: datetime) -> list[Activity]:
        """Return the open activities whose first reminder is before *until*, earliest first."""
        end = check_end(until)
        table = self._table
        # the conditions of the partial index, as it states them, so that it is used
        conditions = [
            table.c.done_at.is_(None),
            table.c.deleted_at.is_(None),
            table.c.remind_from.is_not(None),
            _at(table.c.remind_from) < end,
        ]
        if self._scope is not None:  # a reader's view: only the activities they see
            conditions.append(self._scope)
        query = sa.select(table.c.doc).where(*conditions).order_by(table.c.remind_from, table.c.id)
        with self._store.connection() as connection:
            docs = connection.execute(query).scalars().all()
        return [self._load(doc) for doc in docs]


def _parameters(
    pairs: Sequence[tuple[str, str]], limit: int, position: Position | None
) -> dict[str, Any]:
    params: dict[str, Any] = {"n": limit + 1}
    for i, (kind, record_id) in enumerate(pairs):
        params[f"k{i}"] = kind
        params[f"r{i}"] = record_id
    if position is not None:
        params["t"], params["i"] = position
    return params


def _utc(value: datetime) -> datetime:
    # SQLite gives back the UTC wall time it keeps; PostgreSQL an aware instant
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
