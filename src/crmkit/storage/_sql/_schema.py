"""Creating the schema on first use, and upgrading one an older crmkit made.

A new database gets its tables from the package's metadata and is stamped at the revision
the metadata describes, in the version table Alembic keeps, exactly as Alembic would stamp
it; this needs no Alembic, so the core install can open a store. Upgrading a database
stamped at an older revision runs the migrations, which need the ``migrations`` extra.
"""

from __future__ import annotations

import sqlalchemy as sa

from . import _alembic
from ._tables import REVISION, VERSION_TABLE, metadata

__all__ = ["ensure_schema"]

_SCHEMA_LOCK = 0x63726D6B6974  # "crmkit": the advisory lock held while creating the schema

# Alembic's own version table (alembic.ddl.impl.DefaultImpl.version_table_impl), so that a
# database stamped here is one Alembic upgrades like any other.
_VERSIONS = sa.Table(
    VERSION_TABLE,
    sa.MetaData(),
    sa.Column("version_num", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
)


def _stamped(connection: sa.Connection) -> list[str]:
    """The revisions the database is stamped at: none for a new database."""
    if not connection.dialect.has_table(connection, VERSION_TABLE):
        return []
    return list(connection.execute(sa.select(_VERSIONS.c.version_num)).scalars())


def ensure_schema(connection: sa.Connection) -> None:
    """Create crmkit's tables if the database has none, else upgrade them to the head.

    A fresh database gets the tables from the package's metadata and is stamped at the head
    revision; one stamped at an older revision is upgraded by the migrations.

    Raises:
        MissingDependency: if the database needs upgrading and Alembic is not installed.
    """
    if connection.dialect.name == "postgresql":
        # two processes opening a new database at once must not both create the tables
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
    stamped = _stamped(connection)
    if stamped == [REVISION]:
        return
    if not stamped:
        metadata.create_all(connection)
        _VERSIONS.create(connection, checkfirst=True)
        connection.execute(_VERSIONS.insert().values(version_num=REVISION))
        return
    _alembic.upgrade(connection)
