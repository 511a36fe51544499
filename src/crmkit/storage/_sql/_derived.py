"""Rows derived from a record and kept in a table beside it: match keys, activity links.

Every write path (add, update, delete, restore, bulk upsert) rewrites a record's derived rows
in the same transaction as the record, through :class:`Derived`, so a lookup through them
never sees a record they do not describe.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from attrs import frozen

from crmkit.storage._activity_kind import sort_instant
from crmkit.storage._kinds import RecordKind

from ._lists import ValueList
from ._tables import ACTIVITY_LINKS, KEYS, keys_of

__all__ = ["Derived", "key_rows", "link_rows"]

Rows = Callable[[Any, bool], list[dict[str, Any]]]
"""The derived rows of a record, given whether it is live (not deleted)."""


@frozen
class Derived:
    """One table of rows derived from the records of one kind.

    Attributes:
        table: the table.
        rows: the rows of a record, given whether the record is live.
        owned: the condition selecting the rows of the records whose ids a given condition
            on the table's record id column selects.
        record_id: the table's column holding the record's id.
        conflict: how a bulk write treats a row whose key is stored: ``"ignore"`` or None.
    """

    table: sa.Table
    rows: Rows
    owned: Callable[[sa.ColumnElement[bool]], sa.ColumnElement[bool]]
    record_id: str
    conflict: str | None = None

    def insert(self, connection: sa.Connection, record: Any) -> None:
        """Write the rows of a new live *record*."""
        rows = self.rows(record, True)
        if rows:
            connection.execute(self.table.insert(), rows)

    def replace(
        self, connection: sa.Connection, old: Any, new: Any, *, was_live: bool, live: bool
    ) -> None:
        """Replace the rows of *old* (live or not) by those of *new*, if they differ."""
        before = self.rows(old, was_live)
        after = self.rows(new, live)
        if before == after:
            return
        column = self.table.c[self.record_id]
        if before:
            connection.execute(self.table.delete().where(self.owned(column == old.id)))
        if after:
            connection.execute(self.table.insert(), after)

    def forget(self, connection: sa.Connection, lists: ValueList, ids: Sequence[str]) -> None:
        """Delete the rows of the records with *ids* (before writing them anew)."""
        if not ids:
            return
        stale = self.table.delete().where(
            self.owned(lists.contains(self.table.c[self.record_id], "ids"))
        )
        for chunk in lists.chunks(ids):
            connection.execute(stale, {"ids": chunk})


def key_rows(kind: RecordKind[Any]) -> Derived:
    """The match keys of *kind*'s records (kept while a record is deleted, for restore)."""
    name = kind.name

    def rows(record: Any, live: bool) -> list[dict[str, Any]]:
        return [
            {"kind": name, "key_type": t, "key": k, "record_id": record.id}
            for t, k in kind.keys(record)
        ]

    return Derived(KEYS, rows, lambda ids: keys_of(name, ids), "record_id", "ignore")


def _links(activity: Any, live: bool) -> list[dict[str, Any]]:
    if not live or not activity.links:
        return []
    at = sort_instant(activity)
    return [
        {"activity_id": activity.id, "kind": link.kind, "record_id": link.id, "sort_at": at}
        for link in activity.links
    ]


def link_rows() -> Derived:
    """The links of live activities, each with the activity's sort instant."""
    return Derived(ACTIVITY_LINKS, _links, lambda ids: ids, "activity_id")
