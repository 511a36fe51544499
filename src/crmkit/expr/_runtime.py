"""Values at evaluation time: reading fields from records and the faults evaluation raises."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from crmkit.errors import ErrorCode, ValidationError
from crmkit.values import Money

from ._types import FieldType

__all__ = [
    "CONVERTERS",
    "NAIVE_MIX",
    "Context",
    "Fault",
    "Fn",
    "as_getter",
    "clock",
    "days_between",
    "plus_days",
    "record_id",
]


Fn = Callable[[Any, Any], Any]
"""A compiled closure: ``fn(record_getter, context) -> value``."""


class Fault(Exception):
    """An evaluation problem, located later against the formula and the record."""

    def __init__(
        self,
        reason: str,
        *,
        function: str | None = None,
        pos: int = 0,
        code: str = ErrorCode.EXPR_BAD_VALUE,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.function = function
        self.pos = pos
        self.code = code


class Context:
    """What an evaluation may read besides the record: the previous record and the clock."""

    __slots__ = ("now", "previous", "today")

    def __init__(self, previous: object, now: datetime | date | None) -> None:
        self.previous = None if previous is None else as_getter(previous)
        self.now: datetime = clock(now)
        self.today: date = self.now.date()


def clock(now: object) -> datetime:
    """Return the evaluation clock for *now*: the current UTC time, or *now* checked.

    A date stands for its midnight in UTC.

    Raises:
        ValidationError: for a naive datetime or anything but a datetime or date.
    """
    if now is None:
        return datetime.now(UTC)
    if isinstance(now, datetime):
        if now.utcoffset() is None:
            raise ValidationError(now, "now must be timezone-aware", field="now")
        return now
    if isinstance(now, date):
        return datetime(now.year, now.month, now.day, tzinfo=UTC)
    raise ValidationError(now, "now must be a datetime or a date", field="now")


class _RecordView:
    """Read-only ``get`` over an attrs record: declared fields first, then ``custom``."""

    __slots__ = ("_names", "_record")

    def __init__(self, record: object, names: frozenset[str]) -> None:
        self._record = record
        self._names = names

    def get(self, name: str, default: object = None) -> object:
        if name in self._names:
            return getattr(self._record, name)
        if "custom" in self._names:
            custom = self._record.custom  # type: ignore[attr-defined]  # declared attrs field
            if isinstance(custom, Mapping):
                return custom.get(name, default)
        return default


_FIELD_NAMES: dict[type, frozenset[str]] = {}
_FIELD = ErrorCode.EXPR_FIELD_VALUE


def as_getter(record: object) -> Any:
    """Return *record* if it is a mapping, else a read-only view of an attrs record.

    Raises:
        Fault: for any other object; formulas read declared fields only.
    """
    if isinstance(record, Mapping):
        return record
    cls = type(record)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        if not attrs.has(cls):
            raise Fault(
                f"cannot read fields from a {cls.__name__}; expected a mapping or record",
                code=ErrorCode.EXPR_BAD_RECORD,
            )
        names = frozenset(a.name for a in attrs.fields(cls))
        _FIELD_NAMES[cls] = names
    return _RecordView(record, names)


def record_id(record: object) -> object:
    """Return the id of *record* when it has one, for error messages."""
    try:
        return record.get("id")  # type: ignore[attr-defined]  # a mapping or a record view
    except Exception:  # an error message must not fail on an odd mapping
        return None


def _kind(value: object) -> str:
    return type(value).__name__


def _number(value: object, name: str) -> Decimal:
    if isinstance(value, bool):
        raise Fault(f"field {name!r} holds {value!r}, not a number", code=_FIELD)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise Fault(f"field {name!r} holds {value!r}, not a finite number", code=_FIELD)
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Fault(f"field {name!r} holds {value!r}, not a finite number", code=_FIELD)
        return Decimal(repr(value))
    raise Fault(f"field {name!r} holds a {_kind(value)}, not a number", code=_FIELD)


def _money(value: object, name: str) -> Money:
    if isinstance(value, Money):
        return value
    raise Fault(f"field {name!r} holds a {_kind(value)}, not Money", code=_FIELD)


def _text(value: object, name: str) -> str:
    if isinstance(value, str):
        return str(value)
    raise Fault(f"field {name!r} holds a {_kind(value)}, not text", code=_FIELD)


def _bool(value: object, name: str) -> bool:
    if value is True or value is False:
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise Fault(f"field {name!r} holds a {_kind(value)}, not TRUE or FALSE", code=_FIELD)


def _date(value: object, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise Fault(f"field {name!r} holds a {_kind(value)}, not a date", code=_FIELD)


def _datetime(value: object, name: str) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise Fault(f"field {name!r} holds a {_kind(value)}, not a datetime", code=_FIELD)


def _multi(value: object, name: str) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(part.strip() for part in value.split(";") if part.strip())
    if isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise Fault(f"field {name!r} holds a {_kind(value)}, not a set of picklist values", code=_FIELD)


CONVERTERS: dict[FieldType, Callable[[Any, str], Any]] = {
    FieldType.NUMBER: _number,
    FieldType.PERCENT: _number,
    FieldType.MONEY: _money,
    FieldType.TEXT: _text,
    FieldType.PICKLIST: _text,
    FieldType.BOOL: _bool,
    FieldType.DATE: _date,
    FieldType.DATETIME: _datetime,
    FieldType.MULTIPICKLIST: _multi,
}
"""Per type: turn a raw record value (never None) into the formula's value, or fault."""

NAIVE_MIX = (
    "cannot {} a datetime without a time zone and one with a time zone "
    "(datetime values must be timezone-aware)"
)
"""The fault for Python's "can't compare offset-naive and offset-aware datetimes"."""

_DAY = timedelta(days=1)
_MICROS_PER_DAY = Decimal(86_400_000_000)


def plus_days(when: date, days: Decimal, pos: int) -> date:
    """Add *days* to a date (whole days, toward zero) or a datetime (exactly)."""
    try:
        if isinstance(when, datetime):
            return when + timedelta(microseconds=int(days * _MICROS_PER_DAY))
        return when + timedelta(days=int(days))
    except OverflowError:
        raise Fault("date out of range", pos=pos, code=ErrorCode.EXPR_OUT_OF_RANGE) from None


def days_between(later: date, earlier: date, pos: int) -> Decimal:
    """Return ``later - earlier`` in days (fractional for datetimes)."""
    try:
        delta = later - earlier
    except TypeError:  # a naive and an aware datetime
        raise Fault(NAIVE_MIX.format("subtract"), function="-", pos=pos) from None
    if isinstance(later, datetime):
        return Decimal(delta // timedelta(microseconds=1)) / _MICROS_PER_DAY
    return Decimal(delta // _DAY)
