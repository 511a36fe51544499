"""Initial schema: contacts, companies, affiliations, custom objects, match keys, history.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
TEXT = sa.String().with_variant(sa.String(collation="C"), "postgresql")


def _record_table(name: str, *extra: sa.Column[object], indexed: tuple[str, ...]) -> None:
    op.create_table(
        name,
        sa.Column("id", TEXT, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("deleted_at", TIMESTAMP, nullable=True),
        *extra,
        sa.Column("doc", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )
    for column in indexed:
        op.create_index(f"ix_{name}_{column}", name, [column])


def upgrade() -> None:
    """Create every table."""
    _record_table(
        "crm_contacts",
        sa.Column("first_name", TEXT, nullable=True),
        sa.Column("last_name", TEXT, nullable=True),
        sa.Column("email", TEXT, nullable=True),
        sa.Column("phone", TEXT, nullable=True),
        sa.Column("owner_id", TEXT, nullable=True),
        sa.Column("lifecycle_stage", TEXT, nullable=True),
        indexed=("updated_at", "owner_id", "lifecycle_stage"),
    )
    _record_table(
        "crm_companies",
        sa.Column("name", TEXT, nullable=True),
        sa.Column("domain", TEXT, nullable=True),
        sa.Column("email", TEXT, nullable=True),
        sa.Column("phone", TEXT, nullable=True),
        sa.Column("owner_id", TEXT, nullable=True),
        indexed=("updated_at", "owner_id"),
    )
    _record_table(
        "crm_affiliations",
        sa.Column("contact_id", TEXT, nullable=True),
        sa.Column("company_id", TEXT, nullable=True),
        indexed=("updated_at",),
    )
    _record_table(
        "crm_objects",
        sa.Column("object_type", TEXT, nullable=False),
        sa.Column("owner_id", TEXT, nullable=True),
        indexed=("updated_at", "object_type", "owner_id"),
    )
    op.create_table(
        "crm_keys",
        sa.Column("kind", TEXT, nullable=False),
        sa.Column("key_type", TEXT, nullable=False),
        sa.Column("key", TEXT, nullable=False),
        sa.Column("record_id", TEXT, nullable=False),
        sa.PrimaryKeyConstraint("kind", "key_type", "key", "record_id", name="pk_crm_keys"),
    )
    op.create_index("ix_crm_keys_record_id", "crm_keys", ["record_id"])
    op.create_table(
        "crm_history",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=False),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("record_id", TEXT, nullable=False),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("actor", sa.String, nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("changes", JSON, nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_crm_history"),
    )
    op.create_index("ix_crm_history_record_id_seq", "crm_history", ["record_id", "seq"])


def downgrade() -> None:
    """Drop every table."""
    for table in (
        "crm_history",
        "crm_keys",
        "crm_objects",
        "crm_affiliations",
        "crm_companies",
        "crm_contacts",
    ):
        op.drop_table(table)
