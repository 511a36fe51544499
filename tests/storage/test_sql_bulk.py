"""The SQLite batch writer stores rows exactly as a SQLAlchemy Core insert does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.exc as sa_exc

from crmkit.storage._sql._bulk import SqliteWriter


def _wide(metadata: sa.MetaData, name: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("doc", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("n", sa.Integer, nullable=True),
    )


def _tables() -> tuple[sa.MetaData, sa.Table, sa.Table]:
    metadata = sa.MetaData()
    wide = _wide(metadata, "wide")
    narrow = sa.Table("narrow", metadata, sa.Column("id", sa.String, primary_key=True))
    return metadata, wide, narrow


ROWS = [
    {"id": "a", "at": datetime(2024, 5, 1, 12, 30, tzinfo=UTC), "doc": {"x": [1, "é"]}, "n": 3},
    {"id": "b", "at": None, "doc": None, "n": None},
]


# the writer formats timestamps itself: naive, other offsets, no microseconds, early years
TIMESTAMPS = [
    {"id": "c", "at": datetime(2024, 5, 1, 12, 30, 5, 7), "doc": None, "n": None},
    {
        "id": "d",
        "at": datetime(5, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=-7))),
        "doc": None,
        "n": None,
    },
    {
        "id": "e",
        "at": datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        "doc": None,
        "n": None,
    },
    {"id": "f", "at": date(2024, 2, 29), "doc": None, "n": None},
]


def _written_both_ways(rows: list[dict[str, Any]], *, typed: bool) -> tuple[Any, Any]:
    """Write *rows* with the writer and with a Core insert; read both tables back.

    Returns (ours, core): the raw stored values, and with *typed* also the rows as
    SQLAlchemy reads them.
    """
    metadata, wide, _ = _tables()
    engine = sa.create_engine("sqlite://")
    copy = _wide(metadata, "wide_core")
    metadata.create_all(engine)
    with engine.begin() as connection:
        SqliteWriter(wide, [c.name for c in wide.c], None, engine.dialect).write(connection, rows)
        connection.execute(copy.insert(), rows)
        ours = [connection.exec_driver_sql("SELECT * FROM wide ORDER BY id").all()]
        core = [connection.exec_driver_sql("SELECT * FROM wide_core ORDER BY id").all()]
        if typed:
            ours.append(connection.execute(sa.select(wide).order_by(wide.c.id)).all())
            core.append(connection.execute(sa.select(copy).order_by(copy.c.id)).all())
    return ours, core


def test_timestamps_are_stored_as_a_core_insert_stores_them() -> None:
    """The writer's own timestamp text is the text SQLAlchemy writes, whatever the value."""
    ours, core = _written_both_ways(TIMESTAMPS, typed=False)

    assert core == ours


def test_rows_read_back_as_a_core_insert_wrote_them() -> None:
    """Every column, None included (NULL, as crmkit's JSON columns keep it), reads back the same."""
    ours, core = _written_both_ways(ROWS, typed=True)

    assert core == ours


def test_a_single_column_table_is_written() -> None:
    """A writer of one column sends each row as a one-item tuple."""
    metadata, _, narrow = _tables()
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        SqliteWriter(narrow, ["id"], None, engine.dialect).write(
            connection, [{"id": "x"}, {"id": "y"}]
        )
        ids = connection.execute(sa.select(narrow.c.id).order_by(narrow.c.id)).scalars().all()

    assert ["x", "y"] == ids


def test_update_replaces_and_ignore_keeps() -> None:
    """On a taken key, ``update`` writes the new values and ``ignore`` keeps the old."""
    metadata, wide, _ = _tables()
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    names = [c.name for c in wide.c]
    with engine.begin() as connection:
        SqliteWriter(wide, names, None, engine.dialect).write(connection, ROWS)
        SqliteWriter(wide, names, "update", engine.dialect).write(connection, [{**ROWS[0], "n": 4}])
        SqliteWriter(wide, names, "ignore", engine.dialect).write(connection, [{**ROWS[1], "n": 9}])
        found = dict(connection.execute(sa.select(wide.c.id, wide.c.n)).all())

    assert {"a": 4, "b": None} == found


def test_a_taken_key_raises_integrity_error() -> None:
    """Without a conflict rule a taken key raises SQLAlchemy's IntegrityError."""
    metadata, wide, _ = _tables()
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    writer = SqliteWriter(wide, [c.name for c in wide.c], None, engine.dialect)
    with engine.begin() as connection:
        writer.write(connection, ROWS)
        with pytest.raises(sa_exc.IntegrityError, match=r"UNIQUE constraint failed: wide\.id"):
            writer.write(connection, ROWS[:1])
