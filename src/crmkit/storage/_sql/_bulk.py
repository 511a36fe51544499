"""Bulk writes on PostgreSQL through psycopg 3: batches sent with COPY.

An executemany through psycopg runs one statement per row (pipelined, but each row is still
bound and executed on its own), a multi-row ``VALUES`` list costs the driver a parse of the
whole text per batch, and array parameters cost it an escape per element. ``COPY`` streams
rows in the driver's C code. Records go through a temporary table so that the upsert keeps
its ``ON CONFLICT`` semantics; history rows, which never conflict, are copied straight in.
"""

from __future__ import annotations

import json
import operator
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlalchemy.dialects import postgresql, sqlite

__all__ = ["CopyWriter", "SqliteWriter", "copy_supported"]

_PREPARER = postgresql.dialect().identifier_preparer  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy


def copy_supported(connection: sa.Connection) -> bool:
    """Whether *connection* is PostgreSQL through psycopg 3, which can COPY."""
    dialect = connection.dialect
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


class CopyWriter:
    """Writes batches of rows into *table* with COPY.

    Args:
        table: the table written.
        columns: the columns each row gives, by name.
        conflict: ``"update"`` to replace the row with the same primary key, ``"ignore"`` to
            skip rows whose key exists (both through a temporary table), None to copy
            straight into *table*.
    """

    def __init__(self, table: sa.Table, columns: Sequence[str], conflict: str | None) -> None:
        quote = _PREPARER.quote
        self._columns = list(columns)
        self._json = [isinstance(table.c[n].type, sa.JSON) for n in columns]
        names = ", ".join(quote(n) for n in columns)
        target = _PREPARER.format_table(table)
        self._prepare: list[str] = []
        self._finish: str | None = None
        if conflict is None:
            self._copy = f"COPY {target} ({names}) FROM STDIN"
            return
        stage = quote(f"crmkit_load_{table.name}")
        # created once per transaction, emptied per batch; its columns are the table's own
        self._prepare = [
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} "
            f"(LIKE {target} INCLUDING DEFAULTS) ON COMMIT DROP",
            f"TRUNCATE {stage}",
        ]
        self._copy = f"COPY {stage} ({names}) FROM STDIN"
        # S608: every name is the table's own, quoted; no value is ever spliced in
        finish = f"INSERT INTO {target} ({names}) SELECT {names} FROM {stage}"  # noqa: S608
        if conflict == "update":
            keys = [c.name for c in table.primary_key.columns]
            updates = ", ".join(
                f"{quote(n)} = EXCLUDED.{quote(n)}" for n in columns if n not in keys
            )
            finish += f" ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {updates}"
        else:
            finish += " ON CONFLICT DO NOTHING"
        self._finish = finish

    def write(self, connection: sa.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Write *rows* (mappings holding every column of the writer).

        Raises:
            sqlalchemy.exc.IntegrityError: for a row that breaks a constraint, as
                SQLAlchemy would raise it.
        """
        if not rows:
            return
        raw: Any = connection.connection.driver_connection
        columns = self._columns
        json_at = [i for i, is_json in enumerate(self._json) if is_json]
        dumps = json.dumps
        try:
            with raw.cursor() as cursor:
                for statement in self._prepare:
                    cursor.execute(statement)
                with cursor.copy(self._copy) as copy:
                    write_row = copy.write_row
                    for row in rows:
                        values = [row[name] for name in columns]
                        for i in json_at:
                            value = values[i]
                            # a missing document is NULL, as the JSON columns store it
                            values[i] = None if value is None else dumps(value)
                        write_row(values)
                if self._finish is not None:
                    try:
                        cursor.execute(self._finish)
                    except raw.IntegrityError as exc:
                        raise sa_exc.IntegrityError(self._finish, None, exc) from exc
        except sa_exc.IntegrityError:
            raise
        except raw.Error as exc:
            # the driver's own error, as SQLAlchemy would wrap it
            raise sa_exc.DBAPIError.instance(self._copy, None, exc, raw.Error) from exc


_SQLITE_DATETIME_FORMAT = sqlite.DATETIME._storage_format


def _sqlite_processor(
    column_type: sa.types.TypeEngine[Any], dialect: sa.Dialect
) -> Callable[[Any], Any] | None:
    """The column's bind processor on SQLite, with a quicker one for plain timestamps.

    SQLAlchemy formats a timestamp field by field through ``%``; ``isoformat`` cut before
    the offset writes the very same text (the wall time, always with microseconds) for a
    fraction of the cost. Anything but a ``datetime`` still goes to SQLAlchemy's own.
    """
    impl = column_type.dialect_impl(dialect)
    process = impl.bind_processor(dialect)
    if (
        process is None
        or type(impl) is not sqlite.DATETIME
        or impl._storage_format != _SQLITE_DATETIME_FORMAT
    ):
        return process
    fallback = process
    # the last timestamp written and its text: a batch's history rows share one instant
    # (one tuple, replaced whole, so that threads sharing the writer never mix two)
    memo: list[tuple[object, str]] = [(None, "")]

    def quick(value: Any) -> Any:
        if type(value) is datetime:
            last = memo[0]
            if last[0] is value:
                return last[1]
            written = value.isoformat(" ", "microseconds")[:26]
            memo[0] = (value, written)
            return written
        return fallback(value)

    return quick


class SqliteWriter:
    """Writes batches of rows into *table* on SQLite with the driver's own executemany.

    SQLite's driver binds and runs an executemany in C; what costs is SQLAlchemy building a
    parameter dict per row. This writer converts the values with the columns' own SQLAlchemy
    bind processors (so they are stored exactly as a Core insert stores them) into tuples.

    Args:
        table: the table written.
        columns: the columns each row gives, by name.
        conflict: ``"update"``, ``"ignore"`` or None, as for :class:`CopyWriter`.
        dialect: the SQLite dialect of the connection.
    """

    def __init__(
        self,
        table: sa.Table,
        columns: Sequence[str],
        conflict: str | None,
        dialect: sa.Dialect,
    ) -> None:
        quote = dialect.identifier_preparer.quote
        self._columns = list(columns)
        processors = [_sqlite_processor(table.c[n].type, dialect) for n in columns]
        self._converted = [(i, p) for i, p in enumerate(processors) if p is not None]
        # itemgetter of one name returns the bare value: wrap it so that every row is a tuple
        getter = operator.itemgetter(*columns)
        self._pick: Callable[[Mapping[str, Any]], tuple[Any, ...]] = (
            getter if len(self._columns) > 1 else lambda row: (getter(row),)
        )
        names = ", ".join(quote(n) for n in columns)
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({names}) "
        sql += f"VALUES ({marks})"
        if conflict == "update":
            keys = [c.name for c in table.primary_key.columns]
            updates = ", ".join(
                f"{quote(n)} = excluded.{quote(n)}" for n in columns if n not in keys
            )
            sql += f" ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {updates}"
        elif conflict == "ignore":
            sql += " ON CONFLICT DO NOTHING"
        self._sql = sql

    def write(self, connection: sa.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Write *rows* (mappings holding every column of the writer).

        Raises:
            sqlalchemy.exc.IntegrityError: for a row that breaks a constraint, as
                SQLAlchemy would raise it.
        """
        if not rows:
            return
        pick = self._pick
        converted = self._converted
        values: list[Sequence[Any]]
        if not converted:
            values = [pick(row) for row in rows]
        else:
            # only the few columns with a bind processor (timestamps, JSON) are touched
            values = []
            append = values.append
            for row in rows:
                items = list(pick(row))
                for index, process in converted:
                    value = items[index]
                    if value is not None:
                        items[index] = process(value)
                append(items)
        raw: Any = connection.connection.driver_connection
        cursor = raw.cursor()
        try:
            cursor.executemany(self._sql, values)
        except sqlite3.IntegrityError as exc:
            raise sa_exc.IntegrityError(self._sql, None, exc) from exc
        except sqlite3.Error as exc:
            # the driver's own error, as SQLAlchemy would wrap it ("database is locked"...)
            raise sa_exc.DBAPIError.instance(self._sql, None, exc, sqlite3.Error) from exc
        finally:
            cursor.close()
