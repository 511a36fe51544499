"""The rows of a report run, and the values in them as both backends give them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from attrs import field, frozen

from crmkit.values import Money

from ._model import Report

__all__ = ["ReportResult", "ReportRow", "bucket_start", "sort_key", "tidy"]


@frozen
class ReportRow:
    """One row of a report: the values it is grouped by and its figures.

    Attributes:
        groups: each grouping's value by its key (``owner_id``, ``close_date:month``); a
            date bucket's value is the date it starts on; a blank value is None.
        currency: the currency of the row's money figures, when the report has any (None
            for the records without an amount); otherwise None.
        values: each figure by its key (``count``, ``sum_amount``): counts are ints,
            sums, averages, minimums and maximums of numbers are Decimals, of money Money,
            of dates dates; None when no record of the row has a value.
    """

    groups: dict[str, object] = field(hash=False)
    currency: str | None
    values: dict[str, object] = field(hash=False)

    def to_dict(self) -> dict[str, object]:
        """Return the row as one flat mapping: groups, then the currency, then the figures."""
        out: dict[str, object] = dict(self.groups)
        out["currency"] = self.currency
        out.update(self.values)
        return out


@frozen
class ReportResult:
    """The rows a report gave, in group order (blanks first), and whether more were left out.

    Attributes:
        report: the report that ran.
        rows: the rows, at most ``report.limit`` of them.
        truncated: True when the report had more rows than its limit: the rows are the
            first ``limit`` of them, and the rest were left out.
        sql: the SQL statement that computed the rows on a SQL store (for debugging);
            None when the rows were computed in Python.
    """

    report: Report
    rows: tuple[ReportRow, ...]
    truncated: bool
    sql: str | None = field(default=None, eq=False)

    def to_rows(self) -> list[dict[str, object]]:
        """Return the rows as flat mappings with the same keys, for CSV."""
        return [row.to_dict() for row in self.rows]


def tidy(value: Decimal) -> Decimal:
    """Return *value* without trailing zeros after the point, never in exponent form.

    SQLite adds up in floating point and SQLAlchemy reads its sums back with ten decimal
    places; Python adds up exactly: the same number, written the same way.
    """
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def sort_key(values: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    """The order of rows: by each group value in turn, blanks first."""
    return tuple((v is not None, v) for v in values)


def bucket_start(value: date, bucket: str, week_start: int) -> date:
    """Return the first day of the *bucket* (``day`` ... ``year``) that *value* falls in.

    A datetime is bucketed by its date in UTC; *week_start* is the first weekday of a
    week (0 for Monday).
    """
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    if bucket == "day":
        return value
    if bucket == "week":
        return value - timedelta(days=(value.weekday() - week_start) % 7)
    if bucket == "month":
        return value.replace(day=1)
    if bucket == "quarter":
        return date(value.year, (value.month - 1) // 3 * 3 + 1, 1)
    return date(value.year, 1, 1)


def money_or_number(amount: Decimal | None, type_name: str | None, currency: str | None) -> object:
    """A figure over a number or money field as a row holds it."""
    if amount is None:
        return None
    amount = tidy(Decimal(amount))
    if type_name == "money" and currency is not None:
        return Money(amount, currency)
    return amount
