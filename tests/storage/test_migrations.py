"""The shipped Alembic migrations build exactly the schema the package creates."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from crmkit._converter import to_dict
from crmkit.activities import Activity, Link
from crmkit.contacts import Contact
from crmkit.errors import MissingDependency
from crmkit.storage import SqlStore, alembic_config
from crmkit.storage._sql._alembic import head_revision
from crmkit.storage._sql._tables import REVISION, VERSION_TABLE, metadata
from crmkit.timeline import due_reminders


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


def test_metadata_revision_is_the_migrations_head() -> None:
    """The revision a new database is stamped at is the last migration's."""
    assert head_revision() == REVISION


def _version_table(engine: sa.Engine) -> tuple[list[Any], dict[str, Any], list[str]]:
    inspector = sa.inspect(engine)
    columns = [
        (c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(VERSION_TABLE)
    ]
    with engine.connect() as connection:
        revisions = _revisions(connection)
    return columns, inspector.get_pk_constraint(VERSION_TABLE), revisions


def _revisions(connection: sa.Connection) -> list[str]:
    versions = sa.table(VERSION_TABLE, sa.column("version_num"))
    return list(connection.execute(sa.select(versions.c.version_num)).scalars())


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_store_stamps_a_new_database_as_alembic_does(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """A store's new database has Alembic's version table at the head, as a stamp leaves it."""
    engine = _engine(backend, request, tmp_path)
    try:
        with engine.begin() as connection:
            command.stamp(alembic_config(connection), "head")
        expected = _version_table(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP TABLE {VERSION_TABLE}")
        SqlStore(engine).contacts.count()

        actual = _version_table(engine)
    finally:
        engine.dispose()

    assert expected == actual


def test_store_upgrades_a_database_of_an_older_revision(tmp_path: Path) -> None:
    """A store opened on a database at an older revision migrates it to the head."""
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
    engine.dispose()

    with SqlStore(url) as store:
        deals = store.deals.count()
        with store.engine.connect() as connection:
            revision = MigrationContext.configure(
                connection, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()

    assert 0 == deals
    assert REVISION == revision


def test_store_creates_a_new_database_without_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Alembic installed, a store still creates and stamps a new database."""
    monkeypatch.setitem(sys.modules, "alembic", None)

    with SqlStore(f"sqlite:///{tmp_path / 'crm.db'}") as store:
        count = store.contacts.count()
        with store.engine.connect() as connection:
            revisions = _revisions(connection)

    assert 0 == count
    assert [REVISION] == revisions


def test_upgrade_without_alembic_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Alembic, a database of an older revision asks for the migrations extra."""
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0001")
    engine.dispose()
    monkeypatch.setitem(sys.modules, "alembic", None)

    with SqlStore(url) as store, pytest.raises(MissingDependency) as caught:
        store.contacts.count()

    assert "optional.missing" == caught.value.code
    assert ("alembic", "migrations") == (caught.value.module, caught.value.extra)
    assert "pip install 'crmkit[migrations]'" in str(caught.value)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_upgrade_from_the_previous_head_adds_activities(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """A database of revision 0002 with records in it gets the activity tables, records kept."""
    engine = _engine(backend, request, tmp_path)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0002")
        old = SqlStore(engine, create=False)  # writes to the 0002 schema as it is
        ann = old.contacts.add(Contact(first_name="Ann", last_name="Lee"))

        store = SqlStore(engine)
        store.activities.add(Activity(subject="Call", links=[Link(kind="contact", id=ann.id)]))
        timeline = store.activities.for_records([Link(kind="contact", id=ann.id)])
        with engine.connect() as connection:
            revisions = _revisions(connection)
    finally:
        engine.dispose()

    assert ["Call"] == [a.subject for a in timeline]
    assert [REVISION] == revisions
    assert "0004" == REVISION


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_upgrade_from_0003_fills_in_first_reminders(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """A database of revision 0003 gets each open activity's first reminder, and uses it."""
    engine = _engine(backend, request, tmp_path)
    due = datetime(2025, 5, 2, 9, tzinfo=UTC)
    stored = datetime(2025, 5, 1, tzinfo=UTC)
    old = sa.table(
        "crm_activities",
        sa.column("id", sa.String),
        sa.column("version", sa.Integer),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("done_at", sa.DateTime(timezone=True)),
        sa.column("doc", sa.JSON),
    )
    rows = [
        {"id": "a1", "done_at": None, "doc": _old_doc("a1", due, None)},
        {"id": "a2", "done_at": due, "doc": _old_doc("a2", due, due)},
        {"id": "a3", "done_at": None, "doc": _old_doc("a3", due + timedelta(days=9), None)},
    ]
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0003")
            connection.execute(
                old.insert(),
                [{**row, "version": 1, "created_at": stored, "updated_at": stored} for row in rows],
            )
        store = SqlStore(engine)
        found = due_reminders(store, due.replace(hour=8), due)
        later = store.activities.reminding_before(due + timedelta(days=30))
    finally:
        engine.dispose()

    assert [("a1", 30)] == [(r.activity.id, r.minutes_before) for r in found]
    assert ["a1", "a3"] == [a.id for a in later]  # the done one is not in the index


def _old_doc(key: str, due: datetime, done: datetime | None) -> dict[str, object]:
    activity = Activity(id=key, subject="Call", due_at=due, reminders=[30], done_at=done)
    loaded: dict[str, object] = json.loads(json.dumps(to_dict(activity), default=str))
    return loaded
