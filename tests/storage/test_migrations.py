"""The shipped Alembic migrations build exactly the schema the package creates."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from crmkit.storage import SqlStore, alembic_config
from crmkit.storage._sql._schema import head_revision
from crmkit.storage._sql._tables import VERSION_TABLE, metadata


def _engine(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> sa.Engine:
    if backend == "sqlite":
        return sa.create_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    schema = request.getfixturevalue("pg_schema")
    return sa.create_engine(
        request.getfixturevalue("pg_url"), connect_args={"options": f"-csearch_path={schema}"}
    )


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_migrated_schema_equals_created_schema(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Upgrading an empty database to head leaves no difference from the package metadata."""
    engine = _engine(backend, request, tmp_path)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "version_table": VERSION_TABLE}
            )
            differences = compare_metadata(context, metadata)
            revision = context.get_current_revision()
    finally:
        engine.dispose()

    assert [] == differences
    assert head_revision() == revision


def test_store_on_migrated_database(tmp_path: Path) -> None:
    """A store opened on a database the migrations built uses it as is."""
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    engine.dispose()

    with SqlStore(url) as store:
        assert 0 == store.contacts.count()


def test_downgrade_removes_everything(tmp_path: Path) -> None:
    """Downgrading to base drops every crmkit table."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'crm.db'}")
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
        command.downgrade(alembic_config(connection), "base")
    tables = set(sa.inspect(engine).get_table_names())
    engine.dispose()

    assert set() == tables - {VERSION_TABLE}


def test_alembic_config_refuses_what_is_not_a_connection() -> None:
    """A URL where a connection belongs is refused at once, not deep inside a migration."""
    with pytest.raises(TypeError, match="needs a SQLAlchemy Connection, got str"):
        alembic_config("sqlite:///crm.db")  # type: ignore[arg-type]
