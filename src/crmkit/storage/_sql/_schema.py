"""Creating the schema on first use, and upgrading it with the package's Alembic migrations."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ._tables import VERSION_TABLE, metadata

__all__ = ["MIGRATIONS", "alembic_config", "ensure_schema", "head_revision"]

_SCHEMA_LOCK = 0x63726D6B6974  # "crmkit": the advisory lock held while creating the schema

MIGRATIONS = Path(__file__).resolve().parent.parent / "_migrations"
"""The package's own Alembic migration folder."""


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """Return an Alembic configuration for crmkit's migrations, optionally on *connection*.

    ``alembic.command.upgrade(alembic_config(conn), "head")`` upgrades a database by hand.

    Raises:
        TypeError: if *connection* is not a SQLAlchemy connection.
    """
    if connection is not None and not isinstance(connection, sa.Connection):
        raise TypeError(
            f"alembic_config needs a SQLAlchemy Connection, got {type(connection).__name__}"
        )
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """Return the revision the package's schema is at."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise RuntimeError("crmkit's migrations are missing")
    return head


def ensure_schema(connection: sa.Connection) -> None:
    """Create crmkit's tables if the database has none, else upgrade them to the head.

    A fresh database gets the tables from the package's metadata and is stamped at the head
    revision; one stamped at an older revision is upgraded by the migrations.
    """
    if connection.dialect.name == "postgresql":
        # two processes opening a new database at once must not both create the tables
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    current = context.get_current_revision()
    head = head_revision()
    if current == head:
        return
    if current is None:
        metadata.create_all(connection)
        context.stamp(ScriptDirectory.from_config(alembic_config()), head)
        return
    command.upgrade(alembic_config(connection), "head")
