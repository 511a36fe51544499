"""crmkit's Alembic migrations: their configuration, their head, and upgrading with them.

Alembic comes with the ``migrations`` extra and is imported through
:func:`crmkit._optional.require` when one of these is called: a store creates a new
database's schema without it (see :mod:`._schema`), and only a database made by an older
crmkit needs the migrations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from crmkit._optional import require

from ._tables import VERSION_TABLE

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["MIGRATIONS", "alembic_config", "head_revision", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent.parent / "_migrations"
"""The package's own Alembic migration folder."""

_EXTRA = "migrations"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """Return an Alembic configuration for crmkit's migrations, optionally on *connection*.

    ``alembic.command.upgrade(alembic_config(conn), "head")`` upgrades a database by hand.

    Raises:
        TypeError: if *connection* is not a SQLAlchemy connection.
        MissingDependency: if Alembic is not installed (``pip install 'crmkit[migrations]'``).
    """
    if connection is not None and not isinstance(connection, sa.Connection):
        raise TypeError(
            f"alembic_config needs a SQLAlchemy Connection, got {type(connection).__name__}"
        )
    config: Config = require("alembic.config", extra=_EXTRA).Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """Return the revision the package's migrations end at.

    Raises:
        MissingDependency: if Alembic is not installed.
    """
    scripts = require("alembic.script", extra=_EXTRA).ScriptDirectory
    head: str | None = scripts.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships its migrations
        raise RuntimeError("crmkit's migrations are missing")
    return head


def upgrade(connection: sa.Connection) -> None:
    """Upgrade crmkit's tables on *connection* from the revision they are stamped at.

    Raises:
        MissingDependency: if Alembic is not installed.
        alembic.util.CommandError: for a database stamped with several revisions.
    """
    migration = require("alembic.runtime.migration", extra=_EXTRA)
    context = migration.MigrationContext.configure(
        connection, opts={"version_table": VERSION_TABLE}
    )
    context.get_current_revision()  # refuses a database stamped with several revisions
    require("alembic.command", extra=_EXTRA).upgrade(alembic_config(connection), "head")
