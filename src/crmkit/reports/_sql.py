"""A report as one SQL statement on a SQL store: a GROUP BY over the record table.

The inner select reads each grouping's value, the currency and each figure's input from
the columns filters use (:func:`~crmkit.storage._sql._columns.filter_columns`); the outer
one groups and adds up. Date buckets are ``strftime``/``date`` on SQLite and
``date_trunc`` on PostgreSQL, in UTC on both.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from crmkit.storage._deals import DEAL
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


def _currency(table: sa.Table, field: str, dialect: str) -> sa.ColumnElement[Any]:
    names = DEAL.fields
    path: tuple[str, ...] = (
        (field, "currency") if field in names else ("custom", field, "$money", "currency")
    )
    if dialect == "postgresql":
        path = tuple(f'"{name}"' for name in path)  # a text[] literal's quoted elements
    return table.c.doc[path].as_string()  # type: ignore[no-any-return]  # JSON path ops


def _statement(store: SqlStore, plan: Plan) -> tuple[sa.Select[Any], list[str]]:
    """The statement and, for each selected figure column, what it holds."""
    dialect = store.dialect
    table = record_table(DEAL)
    columns = filter_columns(DEAL, dict(plan.fields), table, dialect)
    conditions: list[sa.ColumnElement[bool]] = [table.c.deleted_at.is_(None)]
    if plan.where is not None:
        conditions.append(plan.where.to_sql(columns, where=True))
    inner: list[sa.ColumnElement[Any]] = [
        _group(g, columns, dialect).label(f"g{i}") for i, g in enumerate(plan.groups)
    ]
    if plan.money is not None:
        inner.append(_currency(table, plan.money, dialect).label("currency"))
    for i, figure in enumerate(plan.values):
        value: Any = sa.literal(1) if figure.field is None else columns[figure.field]
        if figure.where is not None:
            value = sa.case((figure.where.to_sql(columns, where=True), value))
        inner.append(value.label(f"v{i}"))
    sub = sa.select(*inner).where(*conditions).subquery("records")
    keys = [sub.c[f"g{i}"] for i in range(len(plan.groups))]
    if plan.money is not None:
        keys.append(sub.c.currency)
    selected: list[sa.ColumnElement[Any]] = list(keys)
    holds = []
    for i, figure in enumerate(plan.values):
        column = sub.c[f"v{i}"]
        if figure.op == "count":
            selected.append(sa.func.count(column))
            holds.append("count")
        elif figure.op == "count_distinct":
            selected.append(sa.func.count(sa.distinct(column)))
            holds.append("count")
        elif figure.op == "avg":  # divided in Python, exactly, as the memory backend does
            selected.extend([sa.func.sum(column), sa.func.count(column)])
            holds.append("avg")
        else:
            selected.append(getattr(sa.func, figure.op)(column))
            holds.append("value")
    query = sa.select(*selected)
    if keys:
        order = []
        for key, group in zip(keys, [*plan.groups, None], strict=False):
            text = group is None or (
                group.bucket is None and group.type_name in ("text", "picklist")
            )
            ordered: sa.ColumnElement[Any] = key
            if dialect == "postgresql" and text:
                ordered = key.collate("C")  # Python's order, as a text column has it
            order.append(sa.nulls_first(ordered.asc()))
        query = query.group_by(*keys).order_by(*order)
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


def sql_rows(store: SqlStore, plan: Plan) -> tuple[list[ReportRow], bool, str]:
    """Run *plan* as one statement on *store*; return its rows, if it cut any, and the SQL."""
    query, holds = _statement(store, plan)
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
