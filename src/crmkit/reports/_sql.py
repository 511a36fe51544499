"""A report as one SQL statement on a SQL store: a GROUP BY over the record table.

The inner select applies the filter and reads each field the report uses once per record,
through the columns store filters use (:func:`~crmkit.storage._sql._columns.filter_columns`),
so a report reads a field as a filter does; the outer one buckets dates, tests the figures'
conditions, groups and adds up. Date buckets are ``strftime``/``date`` on SQLite and
``date_trunc`` on PostgreSQL, in UTC on both.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from crmkit.storage._kinds import RecordKind
from crmkit.storage._sql._columns import filter_columns
from crmkit.storage._sql._store import SqlStore
from crmkit.storage._sql._tables import record_table

from ._plan import GroupPlan, Plan
from ._result import ReportRow, money_or_number, tidy

__all__ = ["sql_rows"]


def _sqlite_bucket(value: Any, bucket: str, week_start: int) -> sa.ColumnElement[Any]:
    if bucket == "day":
        return sa.func.date(value, type_=sa.String)
    if bucket == "week":
        # SQLite numbers weekdays from Sunday (0); week_start counts from Monday (0)
        first = (week_start + 1) % 7
        weekday = sa.cast(sa.func.strftime("%w", value), sa.Integer)
        back = sa.literal("-", sa.String) + sa.cast((weekday - first + 7) % 7, sa.String) + " days"
        return sa.func.date(value, back, type_=sa.String)
    if bucket == "month":
        return sa.func.strftime("%Y-%m-01", value, type_=sa.String)
    if bucket == "quarter":
        month = sa.cast(sa.func.strftime("%m", value), sa.Integer)
        back = sa.literal("-", sa.String) + sa.cast((month - 1) % 3, sa.String) + " months"
        return sa.func.date(value, "start of month", back, type_=sa.String)
    return sa.func.strftime("%Y-01-01", value, type_=sa.String)


def _postgresql_bucket(
    value: Any, type_name: str, bucket: str, week_start: int
) -> sa.ColumnElement[Any]:
    if type_name == "datetime":
        value = sa.func.timezone("UTC", value)
    day = sa.cast(value, sa.Date)
    if bucket == "day":
        return day
    if bucket == "week":
        # PostgreSQL numbers weekdays from Sunday (0) too; date minus integer is a date
        first = (week_start + 1) % 7
        weekday = sa.cast(sa.extract("dow", day), sa.Integer)
        return sa.type_coerce(day - (weekday - first + 7) % 7, sa.Date)
    return sa.cast(sa.func.date_trunc(bucket, value), sa.Date)


def _group(
    group: GroupPlan, columns: dict[str, sa.ColumnElement[Any]], dialect: str
) -> sa.ColumnElement[Any]:
    value = columns[group.field]
    if group.bucket is None:
        return value
    if dialect == "postgresql":
        return _postgresql_bucket(value, group.type_name, group.bucket, group.week_start)
    return _sqlite_bucket(value, group.bucket, group.week_start)


def _json_path(path: tuple[str, ...], dialect: str) -> tuple[str, ...]:
    if dialect == "postgresql":
        return tuple(f'"{name}"' for name in path)  # a text[] literal's quoted elements
    return path


def _money_object(
    kind: RecordKind[Any], table: sa.Table, field: str, dialect: str
) -> sa.ColumnElement[Any]:
    """The money value of *field* as its JSON object: amount and currency, read in one go."""
    path = (field,) if field in kind.fields else ("custom", field, "$money")
    return table.c.doc[_json_path(path, dialect)]


def _read_once(plan: Plan) -> list[str]:
    """Every field the report reads, in a stable order."""
    names: dict[str, None] = {}
    for group in plan.groups:
        names[group.field] = None
    if plan.money is not None:
        names[plan.money] = None
    for figure in plan.values:
        if figure.where is not None:
            names.update(dict.fromkeys(sorted(figure.where.references)))
        if figure.field is not None:
            names[figure.field] = None
    return list(names)


def _figures(
    plan: Plan, outer: dict[str, sa.ColumnElement[Any]]
) -> tuple[list[sa.ColumnElement[Any]], list[str]]:
    """The aggregate columns over the read values, and for each figure what they hold."""
    selected: list[sa.ColumnElement[Any]] = []
    holds = []
    for figure in plan.values:
        value: Any = sa.literal_column("1") if figure.field is None else outer[figure.field]
        if figure.where is not None:
            value = sa.case((figure.where.to_sql(outer, where=True), value))
        if figure.op == "count":
            selected.append(sa.func.count(value))
            holds.append("count")
        elif figure.op == "count_distinct":
            selected.append(sa.func.count(sa.distinct(value)))
            holds.append("count")
        elif figure.op == "avg":  # divided in Python, exactly, as the memory backend does
            selected.extend([sa.func.sum(value), sa.func.count(value)])
            holds.append("avg")
        else:
            selected.append(getattr(sa.func, figure.op)(value))
            holds.append("value")
    return selected, holds


def _statement(
    store: SqlStore, kind: RecordKind[Any], plan: Plan
) -> tuple[sa.Select[Any], list[str]]:
    """The statement and, for each selected figure column, what it holds.

    The inner select reads each field the report uses once per record (a money field as
    its JSON object, so the record's document is parsed once for amount and currency);
    the outer one buckets, tests the figures' conditions and adds up over those values.
    """
    dialect = store.dialect
    table = record_table(kind)
    columns = filter_columns(kind, dict(plan.fields), table, dialect)
    conditions: list[sa.ColumnElement[bool]] = [table.c.deleted_at.is_(None)]
    if plan.where is not None:
        conditions.append(plan.where.to_sql(columns, where=True))
    names = _read_once(plan)
    read: list[sa.ColumnElement[Any]] = []
    for i, name in enumerate(names):
        if plan.fields[name] == "money":
            read.append(_money_object(kind, table, name, dialect).label(f"f{i}"))
        elif dialect == "postgresql" and plan.fields[name] in ("text", "picklist"):
            # Python's order, as a text column has it, for the rows' ORDER BY
            read.append(columns[name].collate("C").label(f"f{i}"))
        else:
            read.append(columns[name].label(f"f{i}"))
    if not read:  # a count of records reads no field
        read.append(sa.literal_column("1").label("one"))
    inner = sa.select(*read).where(*conditions)
    if dialect == "sqlite":
        # a subquery with a LIMIT is not flattened into the outer query: each value is read
        # once per record, not once per use
        inner = inner.limit(sa.literal_column("-1"))
    sub = inner.subquery("records")
    outer: dict[str, sa.ColumnElement[Any]] = {}
    currency: sa.ColumnElement[Any] | None = None
    for i, name in enumerate(names):
        column = sub.c[f"f{i}"]
        if plan.fields[name] == "money":
            amount = column[_json_path(("amount",), dialect)].as_string()
            outer[name] = sa.cast(amount, sa.Numeric)
            if name == plan.money:
                currency = column[_json_path(("currency",), dialect)].as_string()
        else:
            outer[name] = column
    keys = [_group(g, outer, dialect).label(f"g{i}") for i, g in enumerate(plan.groups)]
    if currency is not None:
        keys.append(currency.label("currency"))
    figures, holds = _figures(plan, outer)
    query = sa.select(*keys, *figures).select_from(sub)
    if keys:
        # by the output columns' names: an expression would be written again, its
        # parameters too, and PostgreSQL would no longer see it as the grouped one
        named: list[sa.ColumnElement[Any]] = [sa.literal_column(k.name) for k in keys]
        query = query.group_by(*named).order_by(*[sa.nulls_first(n.asc()) for n in named])
    return query.limit(plan.report.limit + 1), holds


def _group_value(value: object, group: GroupPlan) -> object:
    if value is None:
        return None
    if group.bucket is not None or group.type_name == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    if group.type_name == "bool":
        return bool(value)
    if group.type_name in ("number", "percent"):
        return tidy(Decimal(str(value)))
    return value


def _extreme(value: object, type_name: str | None, currency: str | None) -> object:
    if value is None:
        return None
    if type_name in ("number", "percent", "money"):
        return money_or_number(Decimal(str(value)), type_name, currency)
    if type_name == "date":
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _shown(query: sa.Select[Any], connection: sa.Connection) -> str:
    """The statement as text, with its values in it where the dialect can write them."""
    try:
        return str(query.compile(connection, compile_kwargs={"literal_binds": True}))
    except (sa.exc.CompileError, NotImplementedError):  # a value with no literal form
        return str(query.compile(connection))


def sql_rows(
    store: SqlStore, kind: RecordKind[Any], plan: Plan
) -> tuple[list[ReportRow], bool, str]:
    """Run *plan* over *kind*'s table in *store* as one statement.

    Returns:
        The rows, whether more were left out, and the SQL.
    """
    query, holds = _statement(store, kind, plan)
    with store.connection() as connection:
        found = connection.execute(query).all()
        sql = _shown(query, connection)
    limit = plan.report.limit
    rows = []
    n_keys = len(plan.groups) + (plan.money is not None)
    for raw in found[:limit]:
        currency = raw[n_keys - 1] if plan.money is not None else None
        groups = {g.key: _group_value(raw[i], g) for i, g in enumerate(plan.groups)}
        values: dict[str, object] = {}
        at = n_keys
        for figure, hold in zip(plan.values, holds, strict=True):
            if hold == "count":
                values[figure.key] = int(raw[at])
            elif hold == "avg":
                total, count = raw[at], raw[at + 1]
                at += 1
                mean = None if not count else Decimal(str(total)) / count
                values[figure.key] = money_or_number(mean, figure.type_name, currency)
            elif figure.op == "sum":
                total = None if raw[at] is None else Decimal(str(raw[at]))
                values[figure.key] = money_or_number(total, figure.type_name, currency)
            else:
                values[figure.key] = _extreme(raw[at], figure.type_name, currency)
            at += 1
        rows.append(ReportRow(groups=groups, currency=currency, values=values))
    return rows, len(found) > limit, sql
