"""Money at evaluation time: plain numbers taking a currency, and currencies that must agree.

A plain number meets money in two ways: beside it in ``+``/``-`` and ``MIN``/``MAX``
(it takes the currency of the money it is combined with), or as a branch of ``IF``,
``CASE``, ``BLANKVALUE`` or ``NULLVALUE`` whose other branches are money (it takes the
currency the checker knows for them, else that of the money fields those branches are
built from, read on the same record). Money of two currencies never combines: the fault
names both.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from crmkit.errors import ErrorCode, InvalidMoney
from crmkit.values import Money

from ._runtime import Fault, Fn

__all__ = [
    "borrowed_currency",
    "fixed_currency",
    "money_arithmetic",
    "money_extreme",
    "money_in",
    "money_order",
    "money_value",
]

_MISMATCH = ErrorCode.EXPR_CURRENCY_MISMATCH
_APPLY: dict[str, Callable[[Any, Any], Any]] = {"+": operator.add, "-": operator.sub}


def money_value(amount: Decimal, currency: str, pos: int, function: str | None = None) -> Money:
    """Return *amount* as money in *currency*, or fault when it is beyond Money's range."""
    try:
        return Money(amount, currency)
    except InvalidMoney as exc:
        raise Fault(
            exc.reason, function=function, pos=pos, code=ErrorCode.EXPR_OUT_OF_RANGE
        ) from None


def _mismatch(what: str, a: Money, b: Money, pos: int, function: str | None) -> Fault:
    reason = f"{what} money in {a.currency} and money in {b.currency}"
    return Fault(reason, function=function, pos=pos, code=_MISMATCH)


def money_in(currency: str) -> Callable[[Any, str], Money]:
    """Return the reader of a money field fixed to *currency*: other currencies fault."""

    def convert(value: object, name: str) -> Money:
        if isinstance(value, Money):
            if value.currency == currency:
                return value
            reason = f"field {name!r} holds money in {value.currency}, not {currency}"
            raise Fault(reason, code=ErrorCode.EXPR_FIELD_VALUE)
        reason = f"field {name!r} holds a {type(value).__name__}, not Money in {currency}"
        raise Fault(reason, code=ErrorCode.EXPR_FIELD_VALUE)

    return convert


def money_arithmetic(  # noqa: PLR0917  # private, one call site
    op: str,
    left_money: bool,
    right_money: bool,
    left: Fn,
    right: Fn,
    pos: int,
    blank_division: bool,
) -> Fn | None:
    """Compile ``+``/``-`` with money on either side and money ``/`` money; else None."""
    if op in _APPLY:
        apply = _APPLY[op]
        if left_money and right_money:

            def both(r: Any, c: Any) -> Any:
                a = left(r, c)
                if a is None:
                    return None
                b = right(r, c)
                if b is None:
                    return None
                if a.currency != b.currency:
                    raise _mismatch(f"cannot apply '{op}' to", a, b, pos, op)
                return apply(a, b)

            return both

        def with_number(r: Any, c: Any) -> Any:
            a = left(r, c)
            if a is None:
                return None
            b = right(r, c)
            if b is None:
                return None
            if left_money:
                return money_value(apply(a.amount, b), a.currency, pos, op)
            return money_value(apply(a, b.amount), b.currency, pos, op)

        return with_number
    if op == "/" and left_money and right_money:

        def ratio(r: Any, c: Any) -> Any:
            a = left(r, c)
            if a is None:
                return None
            b = right(r, c)
            if b is None:
                return None
            if a.currency != b.currency:
                raise _mismatch("cannot apply '/' to", a, b, pos, "/")
            if not b.amount:
                if blank_division:
                    return None
                raise Fault(
                    "division by zero", function="/", pos=pos, code=ErrorCode.EXPR_DIVISION_BY_ZERO
                )
            return a.amount / b.amount

        return ratio
    return None


def money_order(test: Callable[[Any, Any], bool], op: str, pos: int) -> Callable[[Any, Any], bool]:
    """Wrap an ordering of money so that two currencies fault, naming both."""

    def ordered(a: Money, b: Money) -> bool:
        if a.currency != b.currency:
            raise _mismatch("cannot compare", a, b, pos, op)
        return test(a.amount, b.amount)

    return ordered


def money_extreme(pick: Callable[..., Decimal], name: str, pos: int) -> Callable[..., Money]:
    """Return MIN or MAX over money and plain numbers, which take the money's currency."""

    def extreme(*values: Money | Decimal) -> Money:
        first = next(v for v in values if isinstance(v, Money))
        amounts = []
        for v in values:
            if isinstance(v, Money):
                if v.currency != first.currency:
                    raise _mismatch("mismatched types:", first, v, pos, name)
                amounts.append(v.amount)
            else:
                amounts.append(v)
        return money_value(pick(amounts), first.currency, pos, name)

    return extreme


def fixed_currency(fn: Fn, currency: str, pos: int, function: str, *, constant: bool) -> Fn:
    """Turn the plain number *fn* gives into money in *currency*.

    A *constant* (a literal branch such as the ``0`` of ``IF(won, amount, 0)``) is made
    money once, on the first record, rather than on every record.
    """
    if constant:
        made: list[Money | None] = []

        def constant_in_currency(r: Any, c: Any) -> Any:
            if not made:
                v = fn(r, c)
                made.append(None if v is None else money_value(v, currency, pos, function))
            return made[0]

        return constant_in_currency

    def in_currency(r: Any, c: Any) -> Any:
        v = fn(r, c)
        return None if v is None else money_value(v, currency, pos, function)

    return in_currency


def borrowed_currency(
    fn: Fn, beside: Sequence[Fn], pos: int, function: str, *, constant: bool
) -> Fn:
    """Turn the plain number *fn* gives into money in a currency read from *beside*.

    *beside* reads the money the other branches are built from; the first that is not
    blank gives the currency. When all of them are blank the number cannot be money, and
    the fault says how to fix the formula. A *constant* is made money once per currency.
    """
    made: dict[str, Money] = {}

    def borrowing(r: Any, c: Any) -> Any:
        v = fn(r, c)
        if v is None:
            return None
        for other in beside:
            money = other(r, c)
            if money is not None:
                if not constant:
                    return money_value(v, money.currency, pos, function)
                found = made.get(money.currency)
                if found is None:
                    found = made[money.currency] = money_value(v, money.currency, pos, function)
                return found
        reason = (
            f"{v} has no currency: the money beside it is blank on this record; "
            'give the money field a fixed currency ("money:EUR")'
        )
        raise Fault(reason, function=function, pos=pos, code=ErrorCode.EXPR_NO_CURRENCY)

    return borrowing
