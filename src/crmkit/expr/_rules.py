"""The type rules of operators: which types meet, and what type their result has."""

from __future__ import annotations

from ._types import FieldType

__all__ = ["NUMERIC", "TEXTUAL", "Ty", "arithmetic_type", "base", "equality_types_ok"]

Ty = FieldType | None
"""A node's type; None is the type of the ``NULL`` literal, which fits anywhere."""

NUMERIC = frozenset({FieldType.NUMBER, FieldType.PERCENT})
TEXTUAL = frozenset({FieldType.TEXT, FieldType.PICKLIST})


def base(ty: Ty) -> Ty:
    """Return the type *ty* behaves as: number for percent, text for picklist."""
    if ty in NUMERIC:
        return FieldType.NUMBER
    if ty in TEXTUAL:
        return FieldType.TEXT
    return ty


def equality_types_ok(left: Ty, right: Ty) -> bool:
    """Tell whether values of these types may be compared with ``=``."""
    if left is None or right is None:
        return True
    a, b = base(left), base(right)
    if a == b:
        return a != FieldType.MULTIPICKLIST
    return {a, b} == {FieldType.MONEY, FieldType.NUMBER}


_N, _M = FieldType.NUMBER, FieldType.MONEY
_ARITHMETIC: dict[tuple[str, Ty, Ty], FieldType] = {
    ("+", _N, _N): _N,
    ("-", _N, _N): _N,
    ("*", _N, _N): _N,
    ("/", _N, _N): _N,
    ("^", _N, _N): _N,
    ("+", _M, _M): _M,
    ("-", _M, _M): _M,
    # a plain number next to money is an amount in that money's currency
    ("+", _M, _N): _M,
    ("+", _N, _M): _M,
    ("-", _M, _N): _M,
    ("-", _N, _M): _M,
    ("*", _M, _N): _M,
    ("*", _N, _M): _M,
    ("/", _M, _N): _M,
    ("/", _M, _M): _N,
}


def arithmetic_type(op: str, left: Ty, right: Ty) -> Ty:
    """Return the type of ``left op right`` for ``+ - * / ^``, or None if not allowed.

    Money adds to money and to plain numbers (which take its currency), scales by a
    number, and divided by money gives a plain number (a ratio); money times money, money
    as a divisor of a number and a power of money have no meaning and are refused.
    """
    a = FieldType.NUMBER if left is None else base(left)
    b = FieldType.NUMBER if right is None else base(right)
    num = FieldType.NUMBER
    dates = (FieldType.DATE, FieldType.DATETIME)
    found = _ARITHMETIC.get((op, a, b))
    if found is not None:
        return found
    if a in dates and b == num and op in "+-":
        return a
    if b in dates and a == num and op == "+":
        return b
    if a in dates and a == b and op == "-":
        return num
    return None
