"""Activities: their table, the table of their links, and the indexes of the two hot reads.

A record's timeline is a range scan of the links' primary key (kind, record id, sort
instant, activity id; on SQLite the table is stored in that order); an owner's open work one
of a partial index on open activities by (owner, due instant, id).

Revision ID: 0003
Revises: 0002
Create Date: 2025-03-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
TEXT = sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    """Create the activities and activity links tables with their indexes."""
    op.create_table(
        "crm_activities",
        sa.Column("id", TEXT, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
        sa.Column("kind", TEXT, nullable=True),
        sa.Column("owner_id", TEXT, nullable=True),
        sa.Column("done_at", TIMESTAMP, nullable=True),
        sa.Column("due_instant", TIMESTAMP, nullable=True),
        sa.Column("doc", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_crm_activities"),
    )
    is_open = sa.text("done_at IS NULL AND deleted_at IS NULL")
    op.create_index(
        "ix_crm_activities_open_work",
        "crm_activities",
        ["owner_id", "due_instant", "id"],
        sqlite_where=is_open,
        postgresql_where=is_open,
    )
    op.create_table(
        "crm_activity_links",
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("record_id", TEXT, nullable=False),
        sa.Column("sort_at", TIMESTAMP, nullable=False),
        sa.Column("activity_id", TEXT, nullable=False),
        sa.PrimaryKeyConstraint(
            "kind", "record_id", "sort_at", "activity_id", name="pk_crm_activity_links"
        ),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_crm_activity_links_activity_id", "crm_activity_links", ["activity_id"])


def downgrade() -> None:
    """Drop the activities tables."""
    op.drop_table("crm_activity_links")
    op.drop_table("crm_activities")
