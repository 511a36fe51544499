"""Filter columns: each field a filter may use, as a SQL expression both dialects agree on.

Fields copied into real columns are read from them; the others are read out of the record's
JSON, cast by their declared type. Custom values carry the converter's tags for types JSON
lacks (``{"$decimal": "1.5"}``), so a number reads the tagged form first and then the plain.
Blank text reads as NULL, as it does in Python (see :meth:`RecordKind.read`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from crmkit.storage._kinds import RecordKind
from crmkit.storage._paging import Order

__all__ = ["filter_columns", "sort_column"]


def _utc(value: object) -> object:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp bound in UTC (naive values are taken as UTC), as crmkit stores them."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        """Move the value to UTC; SQLite keeps the UTC wall time."""
        value = _utc(value)
        if dialect.name == "sqlite" and isinstance(value, datetime):
            return value.replace(tzinfo=None)
        return value


class IsoUtcText(sa.types.TypeDecorator[datetime]):
    """A timestamp kept as ISO 8601 text in UTC inside JSON (SQLite compares it as text)."""

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        """Write the value as the converter writes stored timestamps."""
        value = _utc(value)
        return value.isoformat() if isinstance(value, datetime) else value


def _plain(name: str) -> bool:
    r"""Whether SQLite finds *name* by a JSON path: printable ASCII with no quote or escape.

    Documents are stored with JSON's ``\u`` escapes for every other character, and
    SQLite compares a path's labels with the stored text as it is, escapes included.
    """
    return all(" " <= ch <= "~" and ch not in '"\\' for ch in name)


class _Json:
    """Reads a value out of a record's JSON document, for one dialect."""

    def __init__(self, doc: Any, dialect: str) -> None:
        self.doc = doc
        self.dialect = dialect

    def value(self, path: tuple[str, ...], read: str) -> sa.ColumnElement[Any]:
        """The value at *path*: ``read`` is ``text``, ``bool`` or ``json``."""
        if self.dialect == "sqlite" and not all(map(_plain, path)):
            return self._sqlite_member(path, read)
        if self.dialect == "postgresql":
            path = tuple(_pg_element(name) for name in path)
        element = self.doc[path]
        if read == "text":
            return element.as_string()  # type: ignore[no-any-return]  # JSON path ops
        if read == "bool":
            return element.as_boolean()  # type: ignore[no-any-return]  # JSON path ops
        return element  # type: ignore[no-any-return]  # JSON path ops

    def _sqlite_member(self, path: tuple[str, ...], read: str) -> sa.ColumnElement[Any]:
        # Find the odd label among its object's members, whose keys json_each decodes; the
        # labels before it are plain ("custom") and those after it are the converter's tags.
        odd = next(i for i, name in enumerate(path) if not _plain(name))
        parent = "$" + "".join(f'."{name}"' for name in path[:odd])
        members = sa.func.json_each(self.doc, parent).table_valued("key", "value", "type")
        found: sa.ColumnElement[Any] = members.c.value
        tail = path[odd + 1 :]
        if tail:
            inner = "$" + "".join(f'."{name}"' for name in tail)
            nested = sa.func.json_extract(members.c.value, inner)
            found = sa.case((members.c.type == "object", nested))
        if read == "json":
            found = sa.func.json_quote(found)
        query = sa.select(found).where(members.c.key == path[odd])
        return query.scalar_subquery()


def _pg_element(name: str) -> str:
    # SQLAlchemy writes the path as a text[] literal, {a, b}: quote each element in it
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _typed(
    doc: Any, path: tuple[str, ...], type_name: str, *, tagged: bool, dialect: str
) -> sa.ColumnElement[Any]:
    json = _Json(doc, dialect)

    def text(*tail: str) -> sa.ColumnElement[Any]:
        return json.value(path + tail, "text")

    if type_name in ("number", "percent"):
        raw = sa.func.coalesce(text("$decimal"), text()) if tagged else text()
        return sa.cast(raw, sa.Numeric)
    if type_name == "money":
        return sa.cast(text("$money", "amount") if tagged else text("amount"), sa.Numeric)
    if type_name == "bool":
        return json.value(path, "bool")
    if type_name == "date":
        raw = text("$date") if tagged else text()
        if dialect == "sqlite":
            return sa.type_coerce(raw, sa.Date)
        return sa.cast(raw, sa.Date)
    if type_name == "datetime":
        raw = text("$datetime") if tagged else text()
        if dialect == "sqlite":
            return sa.type_coerce(raw, IsoUtcText())
        return sa.type_coerce(sa.cast(raw, sa.DateTime(timezone=True)), UtcDateTime())
    if type_name == "multipicklist":
        return json.value(path, "json")
    return sa.func.nullif(text(), "", type_=sa.String)


def filter_columns(
    kind: RecordKind[Any], fields: dict[str, str], table: sa.Table, dialect: str
) -> dict[str, sa.ColumnElement[Any]]:
    """Return a SQL expression for every field in *fields* (name to type) of *kind*."""
    names = {a.name for a in attrs.fields(kind.record_type)}
    out: dict[str, sa.ColumnElement[Any]] = {}
    for name, type_name in fields.items():
        if name in table.c and name != "doc":
            column: sa.ColumnElement[Any] = table.c[name]
            if type_name == "datetime":
                column = sa.type_coerce(column, UtcDateTime())
            out[name] = column
        elif name in names:
            out[name] = _typed(table.c.doc, (name,), type_name, tagged=False, dialect=dialect)
        else:
            out[name] = _typed(
                table.c.doc, ("custom", name), type_name, tagged=True, dialect=dialect
            )
    return out


def sort_column(table: sa.Table, order: Order) -> sa.ColumnElement[Any]:
    """Return the expression a scan sorts by (blank text sorts as "").

    Text columns are declared with byte-order collation on PostgreSQL, so the order is the
    same as Python's and SQLite's.
    """
    column: sa.ColumnElement[Any] = table.c[order.field]
    if order.type_name == "datetime":
        return sa.type_coerce(column, UtcDateTime())
    if order.field == "id" or not table.c[order.field].nullable:
        return column
    return sa.func.coalesce(column, "", type_=column.type)
