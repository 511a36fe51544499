"""Compiling arithmetic: ``+ - * / ^`` on numbers, money and dates, blanks kept blank.

The closures repeat their blank checks inline: a shared wrapper would add a call (or a
free variable for the blank value) to every evaluation.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from crmkit.errors import ErrorCode

from ._ast import Binary, Literal
from ._calls import Fn, located
from ._compare import CompareCompiler
from ._functions import power
from ._money import money_arithmetic
from ._runtime import Fault, days_between, plus_days
from ._types import FieldType

__all__ = ["ArithmeticCompiler"]

_ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}
_DATES = (FieldType.DATE, FieldType.DATETIME)


class ArithmeticCompiler(CompareCompiler):
    """The arithmetic operators of the compiler."""

    blank_division: bool

    def arithmetic(self, node: Binary, left: Fn, right: Fn) -> Fn:
        op, pos = node.op, node.pos
        lt, rt = self.ty(node.left), self.ty(node.right)
        if FieldType.MONEY in (lt, rt):
            money = money_arithmetic(
                op,
                lt == FieldType.MONEY,
                rt == FieldType.MONEY,
                left,
                right,
                pos,
                self.blank_division,
            )
            if money is not None:
                return money
        # The closures below repeat their blank checks inline: a shared wrapper would add a
        # call (or a free variable for the blank value) to every evaluation.
        if op == "/" and self.blank_division:

            def divide_or_blank(r: Any, c: Any) -> Any:
                a = left(r, c)
                if a is None:
                    return None
                b = right(r, c)
                if not b:  # blank or zero: SQL's ``a / NULLIF(b, 0)``
                    return None
                return a / b

            return divide_or_blank
        if op == "/":

            def divide(r: Any, c: Any) -> Any:
                a = left(r, c)
                if a is None:
                    return None
                b = right(r, c)
                if b is None:
                    return None
                if not b:
                    raise Fault(
                        "division by zero",
                        function="/",
                        pos=pos,
                        code=ErrorCode.EXPR_DIVISION_BY_ZERO,
                    )
                return a / b

            return divide
        if op == "^":

            def raise_to(r: Any, c: Any) -> Any:
                a = left(r, c)
                if a is None:
                    return None
                b = right(r, c)
                if b is None:
                    return None
                try:
                    return power(a, b)
                except Fault as fault:
                    raise located(fault, pos, "^") from None

            return raise_to
        if lt in _DATES or rt in _DATES:
            return self.date_arithmetic(node, left, right)
        apply = _ARITH[op]
        parts = self.simple_field(node.left)
        if parts is not None and isinstance(node.right, Literal) and node.right.value is not None:
            name, fast, slow = parts
            lit = node.right.value
            if op == "*":
                # * written out rather than a call to operator.mul: a commission, a weighted
                # amount, a price times a quantity
                def field_times_literal(r: Any, c: Any) -> Any:
                    v = r.get(name)
                    if v.__class__ is not fast:
                        if v is None:
                            return None
                        v = slow(v)
                    return v * lit

                return field_times_literal

            def field_with_literal(r: Any, c: Any) -> Any:
                v = r.get(name)
                if v.__class__ is not fast:
                    if v is None:
                        return None
                    v = slow(v)
                return apply(v, lit)

            return field_with_literal

        def arith(r: Any, c: Any) -> Any:
            a = left(r, c)
            if a is None:
                return None
            b = right(r, c)
            if b is None:
                return None
            return apply(a, b)

        return arith

    def date_arithmetic(self, node: Binary, left: Fn, right: Fn) -> Fn:
        pos = node.pos
        lt, rt = self.ty(node.left), self.ty(node.right)
        if node.op == "-" and lt in _DATES and rt in _DATES:

            def combine(a: Any, b: Any) -> Any:
                return days_between(a, b, pos)
        elif node.op == "-":

            def combine(a: Any, b: Any) -> Any:
                return plus_days(a, -b, pos)
        elif lt in _DATES:

            def combine(a: Any, b: Any) -> Any:
                return plus_days(a, b, pos)
        else:

            def combine(a: Any, b: Any) -> Any:
                return plus_days(b, a, pos)

        def dates(r: Any, c: Any) -> Any:
            a = left(r, c)
            if a is None:
                return None
            b = right(r, c)
            if b is None:
                return None
            return combine(a, b)

        return dates
