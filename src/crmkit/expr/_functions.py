"""Built-in functions with strict blank handling, and host-registered :class:`Function`."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from attrs import field, frozen

from crmkit.errors import ConfigError, ErrorCode
from crmkit.values import Money

from ._runtime import Fault
from ._types import FieldType

__all__ = ["BUILTINS", "MAX_TEXT", "Builtin", "Function", "text_of"]

MAX_TEXT = 100_000
"""Longest text a function may build, in characters."""
_MAX_POWER = 1000
_MAX_DIGITS = 100
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")

_N = frozenset({FieldType.NUMBER, FieldType.PERCENT})
_T = frozenset({FieldType.TEXT, FieldType.PICKLIST})
_D = frozenset({FieldType.DATE, FieldType.DATETIME})


@frozen
class Builtin:
    """A built-in function whose result is blank when any argument is blank."""

    params: tuple[frozenset[FieldType], ...]
    result: FieldType
    impl: Callable[..., object]
    optional: int = 0
    amountwise: bool = False
    """Whether the first argument may be money: the function then rounds (or so) its amount
    and gives money of its currency."""


def _whole(value: Decimal, what: str) -> int:
    if value != value.to_integral_value():
        raise Fault(f"{what} must be a whole number, not {value}")
    return int(value)


def _count(value: Decimal) -> int:
    # Character counts and positions: fractions truncate, negatives mean none.
    return max(0, int(value))


def _left(text: str, n: Decimal) -> str:
    return text[: _count(n)]


def _right(text: str, n: Decimal) -> str:
    count = _count(n)
    return text[len(text) - count :] if count else ""


def _mid(text: str, start: Decimal, length: Decimal) -> str:
    first = max(1, int(start)) - 1
    return text[first : first + _count(length)]


def _find(search: str, text: str, start: Decimal = Decimal(1)) -> Decimal:
    first = int(start)
    if first < 1 or first > len(text) + 1:
        return Decimal(0)
    return Decimal(text.find(search, first - 1) + 1)


def _substitute(text: str, old: str, new: str) -> str:
    if not old:
        return text
    growth = text.count(old) * (len(new) - len(old))
    if len(text) + growth > MAX_TEXT:
        raise Fault(f"result longer than {MAX_TEXT} characters", code=ErrorCode.EXPR_OUT_OF_RANGE)
    return text.replace(old, new)


def _value(text: str) -> Decimal:
    cleaned = text.strip()
    if len(cleaned) > 40 or not _NUMBER_TEXT.fullmatch(cleaned):
        raise Fault(f"cannot read {text!r} as a number")
    return Decimal(cleaned)


def _round(value: Decimal, digits: Decimal = Decimal(0)) -> Decimal:
    places = _whole(digits, "the number of digits")
    if abs(places) > _MAX_DIGITS:
        raise Fault(
            f"the number of digits must be within ±{_MAX_DIGITS}", code=ErrorCode.EXPR_OUT_OF_RANGE
        )
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _on_amount(impl: Callable[..., Decimal]) -> Callable[..., Decimal | Money]:
    """Let *impl*, a function of a number, take money: it works on the amount alone."""

    def amountwise(value: Decimal | Money, *rest: Decimal) -> Decimal | Money:
        if isinstance(value, Money):
            return Money(impl(value.amount, *rest), value.currency)
        return impl(value, *rest)

    return amountwise


def _ceiling(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


def _floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_FLOOR)


def _mod(value: Decimal, divisor: Decimal) -> Decimal:
    if not divisor:
        raise Fault("division by zero", code=ErrorCode.EXPR_DIVISION_BY_ZERO)
    rest = value % divisor
    # The result takes the sign of the divisor, as spreadsheets do.
    if rest and (rest < 0) != (divisor < 0):
        rest += divisor
    return rest


def _sqrt(value: Decimal) -> Decimal:
    if value < 0:
        raise Fault(f"no square root of a negative number ({value})")
    return value.sqrt()


def power(base: Decimal, exponent: Decimal) -> Decimal:
    """Raise *base* to *exponent*, refusing results that would not fit the number limits."""
    if abs(exponent) > _MAX_POWER:
        raise Fault(f"exponent beyond ±{_MAX_POWER}", code=ErrorCode.EXPR_OUT_OF_RANGE)
    if not base and exponent < 0:
        raise Fault(f"{base} ^ {exponent} divides by zero", code=ErrorCode.EXPR_DIVISION_BY_ZERO)
    try:
        if exponent == exponent.to_integral_value():
            return base ** int(exponent)
        return base**exponent
    except InvalidOperation:
        raise Fault(f"{base} ^ {exponent} is not a real number") from None


def _date(year: Decimal, month: Decimal, day: Decimal) -> date:
    try:
        return date(_whole(year, "year"), _whole(month, "month"), _whole(day, "day"))
    except (ValueError, OverflowError) as exc:
        raise Fault(f"no such date: {exc}") from None


def _datevalue(value: str | datetime) -> date:
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Fault(f"cannot read {value!r} as a date (expected YYYY-MM-DD)") from None


def _weekday(value: date) -> Decimal:
    # Sunday is 1 and Saturday is 7, as in spreadsheets.
    return Decimal(value.isoweekday() % 7 + 1)


def _addmonths(value: date, months: Decimal) -> date:
    total = value.year * 12 + value.month - 1 + int(months)
    year, month = divmod(total, 12)
    if not 1 <= year <= 9999:
        raise Fault("date out of range", code=ErrorCode.EXPR_OUT_OF_RANGE)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def text_of(value: object) -> str:
    """Return the text ``TEXT()`` gives for *value* (never blank)."""
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Money):
        return f"{format(value.amount, 'f')} {value.currency}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


BUILTINS: dict[str, Builtin] = {
    "LEN": Builtin((_T,), FieldType.NUMBER, lambda s: Decimal(len(s))),
    "LEFT": Builtin((_T, _N), FieldType.TEXT, _left),
    "RIGHT": Builtin((_T, _N), FieldType.TEXT, _right),
    "MID": Builtin((_T, _N, _N), FieldType.TEXT, _mid),
    "UPPER": Builtin((_T,), FieldType.TEXT, str.upper),
    "LOWER": Builtin((_T,), FieldType.TEXT, str.lower),
    "TRIM": Builtin((_T,), FieldType.TEXT, lambda s: s.strip(" ")),
    "FIND": Builtin((_T, _T, _N), FieldType.NUMBER, _find, optional=1),
    "SUBSTITUTE": Builtin((_T, _T, _T), FieldType.TEXT, _substitute),
    "VALUE": Builtin((_T,), FieldType.NUMBER, _value),
    "ROUND": Builtin((_N, _N), FieldType.NUMBER, _on_amount(_round), optional=1, amountwise=True),
    "CEILING": Builtin((_N,), FieldType.NUMBER, _on_amount(_ceiling), amountwise=True),
    "FLOOR": Builtin((_N,), FieldType.NUMBER, _on_amount(_floor), amountwise=True),
    "MOD": Builtin((_N, _N), FieldType.NUMBER, _mod),
    "SQRT": Builtin((_N,), FieldType.NUMBER, _sqrt),
    "POWER": Builtin((_N, _N), FieldType.NUMBER, power),
    "DATE": Builtin((_N, _N, _N), FieldType.DATE, _date),
    "DATEVALUE": Builtin((frozenset({*_T, FieldType.DATETIME}),), FieldType.DATE, _datevalue),
    "YEAR": Builtin((_D,), FieldType.NUMBER, lambda d: Decimal(d.year)),
    "MONTH": Builtin((_D,), FieldType.NUMBER, lambda d: Decimal(d.month)),
    "DAY": Builtin((_D,), FieldType.NUMBER, lambda d: Decimal(d.day)),
    "WEEKDAY": Builtin((_D,), FieldType.NUMBER, _weekday),
    "ADDMONTHS": Builtin((frozenset({FieldType.DATE}), _N), FieldType.DATE, _addmonths),
}
"""Functions with a fixed signature whose result is blank when an argument is blank."""

_HOST_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _upper_name(name: object) -> str:
    if not isinstance(name, str) or not _HOST_NAME.fullmatch(name):
        raise ConfigError("functions", f"a function name must be an identifier, not {name!r}")
    return name.upper()


def _type(spec: object) -> FieldType:
    try:
        return FieldType(str(spec).lower())
    except ValueError:
        raise ConfigError("functions", f"unknown type {spec!r}") from None


def _types(specs: Sequence[object]) -> tuple[FieldType, ...]:
    if isinstance(specs, str):
        specs = [specs]
    return tuple(_type(spec) for spec in specs)


@frozen
class Function:
    """A pure function the host application adds to the language.

    The function is called with formula values (``Decimal`` for numbers, ``str`` for text,
    ``date``...) and never with a blank: when an argument is blank the result is blank.
    An exception it raises becomes a :class:`~crmkit.errors.FormulaError` naming it.

    Attributes:
        name: the name formulas call it by (case-insensitive, stored upper case).
        params: the type of each parameter.
        returns: the type of the result.
        impl: the Python callable.
        sql: optional; builds the SQLAlchemy expression from the arguments' expressions,
            so :meth:`Expression.to_sql` can use the function.

    Raises:
        ConfigError: if the name is not an identifier or a type is unknown.
    """

    name: str = field(converter=_upper_name)
    params: tuple[FieldType, ...] = field(converter=_types)
    returns: FieldType = field(converter=_type)
    impl: Callable[..., object]
    sql: Callable[..., Any] | None = None
