"""Activities: their table, the table of their links, and the indexes of the two hot reads.

A record's timeline is a range scan of the links by (kind, record id, sort instant, activity
id); an owner's open work one of a partial index on open activities by (owner, due instant,
id).

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
        sa.Column("sort_at", TIMESTAMP, nullable=True),
        sa.Column("doc", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_crm_activities"),
    )
    op.create_index("ix_crm_activities_updated_at", "crm_activities", ["updated_at"])
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
        sa.Column("activity_id", TEXT, nullable=False),
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("record_id", TEXT, nullable=False),
        sa.Column("sort_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("activity_id", "kind", "record_id", name="pk_crm_activity_links"),
    )
    op.create_index(
        "ix_crm_activity_links_timeline",
        "crm_activity_links",
        ["kind", "record_id", "sort_at", "activity_id"],
    )


def downgrade() -> None:
    """Drop the activities tables."""
    op.drop_table("crm_activity_links")
    op.drop_table("crm_activities")
