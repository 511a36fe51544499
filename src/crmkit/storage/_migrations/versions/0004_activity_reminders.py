"""Reminders: each open activity's first reminder in a column, with a partial index on it.

A scheduler asks for the reminders of a window; the open activities that can have one in
it are a range scan of ``ix_crm_activities_reminders`` (first reminder, id). Stored
activities get the column from their data, as a write would compute it.

Revision ID: 0004
Revises: 0003
Create Date: 2025-04-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from crmkit.activities import first_reminder
from crmkit.storage._activity_kind import ACTIVITY
from crmkit.storage._sql._columns import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
TEXT = sa.String().with_variant(sa.String(collation="C"), "postgresql")

_PAGE = 2000

_ACTIVITIES = sa.table(
    "crm_activities",
    sa.column("id", TEXT),
    sa.column("done_at", TIMESTAMP),
    sa.column("deleted_at", TIMESTAMP),
    sa.column("remind_from", UtcDateTime()),
    sa.column("doc", JSON),
)


def upgrade() -> None:
    """Add ``remind_from`` to the activities, fill it in and index the open ones."""
    op.add_column("crm_activities", sa.Column("remind_from", TIMESTAMP, nullable=True))
    table = _ACTIVITIES
    open_ = sa.select(table.c.id, table.c.doc).where(
        table.c.done_at.is_(None), table.c.deleted_at.is_(None)
    )
    connection = op.get_bind()
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("key"))
        .values(remind_from=sa.bindparam("first"))
    )
    # the open activities page by page, so memory stays flat however many are stored
    after = ""
    while True:
        page = connection.execute(
            open_.where(table.c.id > after).order_by(table.c.id).limit(_PAGE)
        ).all()
        if not page:
            break
        rows = []
        for key, doc in page:
            first = first_reminder(ACTIVITY.from_doc(doc))
            if first is not None:
                rows.append({"key": key, "first": first})
        if rows:
            connection.execute(update, rows)
        after = page[-1][0]
    is_reminding = sa.text("done_at IS NULL AND deleted_at IS NULL AND remind_from IS NOT NULL")
    op.create_index(
        "ix_crm_activities_reminders",
        "crm_activities",
        ["remind_from", "id"],
        sqlite_where=is_reminding,
        postgresql_where=is_reminding,
    )


def downgrade() -> None:
    """Drop the reminders index and column."""
    op.drop_index("ix_crm_activities_reminders", table_name="crm_activities")
    op.drop_column("crm_activities", "remind_from")
