"""Deals: the table of sales opportunities, with the columns deal lists select on.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
TEXT = sa.String().with_variant(sa.String(collation="C"), "postgresql")
INDEXED = ("updated_at", "pipeline_id", "stage_id", "owner_id", "company_id", "close_date")


def upgrade() -> None:
    """Create the deals table and its indexes."""
    op.create_table(
        "crm_deals",
        sa.Column("id", TEXT, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
        sa.Column("pipeline_id", TEXT, nullable=True),
        sa.Column("stage_id", TEXT, nullable=True),
        sa.Column("owner_id", TEXT, nullable=True),
        sa.Column("company_id", TEXT, nullable=True),
        sa.Column("close_date", sa.Date, nullable=True),
        sa.Column("doc", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_crm_deals"),
    )
    for column in INDEXED:
        op.create_index(f"ix_crm_deals_{column}", "crm_deals", [column])


def downgrade() -> None:
    """Drop the deals table."""
    op.drop_table("crm_deals")
