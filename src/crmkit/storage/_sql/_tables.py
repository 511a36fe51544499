"""The SQL schema: one table per record kind, the match-key index and the history.

Every record table holds the whole record as JSON (``doc``, JSONB on PostgreSQL) beside the
columns filters and sorting use most, copied out of the record on every write.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from crmkit.storage._activity_kind import ACTIVITY
from crmkit.storage._deals import DEAL
from crmkit.storage._kinds import AFFILIATION, COMPANY, CONTACT, OBJECTS_TABLE, RecordKind

__all__ = [
    "ACTIVITY_LINKS",
    "HISTORY",
    "KEYS",
    "REVISION",
    "VERSION_TABLE",
    "keys_of",
    "metadata",
    "record_table",
]

REVISION = "0004"
"""The migration revision this metadata describes: the head of ``_migrations/versions``."""

VERSION_TABLE = "crmkit_alembic_version"
"""Where Alembic keeps the schema revision; named so it never meets a host app's own."""

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
# byte order on PostgreSQL, as in Python and SQLite, whatever the database's collation
TEXT = sa.String().with_variant(sa.String(collation="C"), "postgresql")
_SQL_TYPES: dict[str, Any] = {
    "text": TEXT,
    "picklist": TEXT,
    "datetime": TIMESTAMP,
    "date": sa.Date,
}
_INDEXED = frozenset({"owner_id", "lifecycle_stage", "updated_at", "object_type"})
# what deal lists and forecasts select on: a pipeline's stage, an owner's or a company's
# deals, the deals closing in a month
_DEAL_INDEXED = _INDEXED | {"pipeline_id", "stage_id", "company_id", "close_date"}
_BASE = ("id", "version", "created_at", "updated_at", "deleted_at", "doc")


def _table(
    name: str,
    extra: list[str],
    kind: RecordKind[Any] | None,
    indexed: frozenset[str] = _INDEXED,
) -> sa.Table:
    columns: list[sa.schema.SchemaItem] = [
        sa.Column("id", TEXT, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
    ]
    for column in extra:
        type_name = kind.fields.get(column, "text") if kind is not None else "text"
        columns.append(sa.Column(column, _SQL_TYPES[type_name], nullable=column != "object_type"))
    columns.append(sa.Column("doc", JSON, nullable=False))
    table = sa.Table(name, metadata, *columns)
    for column in ("updated_at", *extra):
        if column in indexed:
            sa.Index(None, table.c[column])
    return table


def _extra(kind: RecordKind[Any]) -> list[str]:
    return [c for c in kind.columns if c not in _BASE]


CONTACTS = _table(CONTACT.table, _extra(CONTACT), CONTACT)
COMPANIES = _table(COMPANY.table, _extra(COMPANY), COMPANY)
AFFILIATIONS = _table(AFFILIATION.table, _extra(AFFILIATION), AFFILIATION)
DEALS = _table(DEAL.table, _extra(DEAL), DEAL, _DEAL_INDEXED)
OBJECTS = _table(OBJECTS_TABLE, ["object_type", "owner_id"], None)
# no updated_at index: activities are read by record and by owner, through the two below
ACTIVITIES = _table(ACTIVITY.table, _extra(ACTIVITY), ACTIVITY, frozenset())
# an owner's open work by due: open activities only, where the database has partial indexes
_OPEN = sa.and_(ACTIVITIES.c.done_at.is_(None), ACTIVITIES.c.deleted_at.is_(None))
sa.Index(
    "ix_crm_activities_open_work",
    ACTIVITIES.c.owner_id,
    ACTIVITIES.c.due_instant,
    ACTIVITIES.c.id,
    sqlite_where=_OPEN,
    postgresql_where=_OPEN,
)
# the reminders a scheduler's window may hold: open activities with reminders, by the first
_REMINDING = sa.and_(_OPEN, ACTIVITIES.c.remind_from.is_not(None))
sa.Index(
    "ix_crm_activities_reminders",
    ACTIVITIES.c.remind_from,
    ACTIVITIES.c.id,
    sqlite_where=_REMINDING,
    postgresql_where=_REMINDING,
)

# Keyed by what a timeline reads: a record's links are one range of the primary key, newest
# last, and on SQLite (a table without rowid) the rows are stored in that order, so a page
# of a timeline is one contiguous read. The activity's sort instant is copied here for it.
ACTIVITY_LINKS = sa.Table(
    "crm_activity_links",
    metadata,
    sa.Column("kind", TEXT, primary_key=True),
    sa.Column("record_id", TEXT, primary_key=True),
    sa.Column("sort_at", TIMESTAMP, primary_key=True),
    sa.Column("activity_id", TEXT, primary_key=True),
    sa.Index(None, "activity_id"),
    sqlite_with_rowid=False,
)
"""Which records each live activity is linked to, with the activity's sort instant."""

KEYS = sa.Table(
    "crm_keys",
    metadata,
    sa.Column("kind", TEXT, primary_key=True),
    sa.Column("key_type", TEXT, primary_key=True),
    sa.Column("key", TEXT, primary_key=True),
    sa.Column("record_id", TEXT, primary_key=True),
    sa.Index(None, "record_id"),
)

HISTORY = sa.Table(
    "crm_history",
    metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("record_id", TEXT, nullable=False),
    sa.Column("action", sa.String, nullable=False),
    sa.Column("actor", sa.String, nullable=True),
    sa.Column("at", TIMESTAMP, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    # an add has no changes: NULL, not a JSON null that costs a serialization per row
    sa.Column(
        "changes",
        sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql"),
        nullable=True,
    ),
    sa.Index(None, "record_id", "seq"),
)


def record_table(kind: RecordKind[Any]) -> sa.Table:
    """Return the table that holds the records of *kind*."""
    return metadata.tables[kind.table]


def keys_of(kind: str, record_ids: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    """The key index rows of the records of *kind* that *record_ids* selects by record id.

    The kind is compared as ``kind || ''``: without statistics SQLite would otherwise walk
    the primary key's ``kind`` prefix, every key of the kind, rather than the record id index.
    """
    return sa.and_(KEYS.c.kind.concat("") == kind, record_ids)
