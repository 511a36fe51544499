"""A report computed in Python over records read from any store (the memory backend's way)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from crmkit.storage._kinds import FilterView, RecordKind
from crmkit.values import Money

from ._plan import Plan, ValuePlan
from ._result import ReportRow, bucket_start, money_or_number, sort_key, tidy

__all__ = ["python_rows"]


def _group_value(value: object, type_name: str, bucket: str | None, week_start: int) -> object:
    if value is None:
        return None
    if bucket is not None:
        assert isinstance(value, date)  # noqa: S101 - a date or datetime field, by the plan
        return bucket_start(value, bucket, week_start)
    if type_name in ("number", "percent"):
        return tidy(Decimal(str(value)))
    return value


def _number(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Money):
        return value.amount
    return Decimal(str(value))


def _ordered(value: object) -> Any:
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    if isinstance(value, int | float):
        return Decimal(str(value))
    return value


class _Figure:
    """The running state of one aggregate in one row."""

    __slots__ = ("count", "distinct", "extreme", "total")

    def __init__(self) -> None:
        self.count = 0
        self.total: Decimal | None = None
        self.extreme: Any = None
        self.distinct: set[object] = set()

    def add(self, op: str, value: object, counted: bool) -> None:
        if op == "count":
            self.count += counted if value is None else 1
            return
        if value is None:
            return
        if op == "count_distinct":
            self.distinct.add(_ordered(value))
        elif op in ("sum", "avg"):
            number = _number(value)
            assert number is not None  # noqa: S101 - value is not None
            self.total = number if self.total is None else self.total + number
            self.count += 1
        else:
            value = _ordered(value)
            best = self.extreme
            if best is None or (value < best if op == "min" else value > best):
                self.extreme = value

    def result(self, figure: ValuePlan, currency: str | None) -> object:
        op = figure.op
        if op == "count":
            return self.count
        if op == "count_distinct":
            return len(self.distinct)
        if op == "sum":
            return money_or_number(self.total, figure.type_name, currency)
        if op == "avg":
            mean = None if self.total is None else self.total / self.count
            return money_or_number(mean, figure.type_name, currency)
        if figure.type_name in ("number", "percent", "money"):
            return money_or_number(self.extreme, figure.type_name, currency)
        return self.extreme


def python_rows(
    plan: Plan, kind: RecordKind[Any], records: Iterable[Any]
) -> tuple[list[ReportRow], bool]:
    """Compute *plan* over *records* (already filtered); return its rows and if it cut any."""
    names = list(plan.fields)
    read = kind.read
    groups = plan.groups
    figures = plan.values
    money = plan.money
    rows: dict[tuple[object, ...], list[_Figure]] = {}
    for record in records:
        found: list[object] = [
            _group_value(read(record, g.field), g.type_name, g.bucket, g.week_start) for g in groups
        ]
        if money is not None:
            amount = read(record, money)
            found.append(amount.currency if isinstance(amount, Money) else None)
        key = tuple(found)
        state = rows.get(key)
        if state is None:
            state = rows[key] = [_Figure() for _ in figures]
        view = None
        for figure, running in zip(figures, state, strict=True):
            if figure.where is not None:
                view = view or FilterView(kind, record, names)
                if figure.where.evaluate(view) is not True:
                    continue
            value = None if figure.field is None else read(record, figure.field)
            running.add(figure.op, value, figure.field is None)
    if not groups and money is None and not rows:  # one row over all, as SQL gives it
        rows[()] = [_Figure() for _ in figures]
    limit = plan.report.limit
    ordered = sorted(rows, key=sort_key)
    out = []
    for key in ordered[:limit]:
        currency = key[-1] if money is not None else None
        assert currency is None or isinstance(currency, str)  # noqa: S101 - a code or None
        group_values = key[: len(groups)]
        out.append(
            ReportRow(
                groups={g.key: v for g, v in zip(groups, group_values, strict=True)},
                currency=currency,
                values={
                    f.key: s.result(f, currency) for f, s in zip(figures, rows[key], strict=True)
                },
            )
        )
    return out, len(ordered) > limit
