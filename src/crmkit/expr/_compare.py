"""Compiling comparisons, and ``IF`` over a field compared with a literal, to closures.

``IF(stage = 'won', amount * 0.05, 0)`` is the commonest shape of a formula: its test reads
one field and its else branch is often a constant. Compiled as one closure that reads the
field and returns the constant itself, most records take a single call instead of three.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from ._ast import Binary, Call, Literal, Node
from ._calls import CallCompiler, Fn
from ._money import money_order
from ._runtime import NAIVE_MIX, Fault
from ._types import FieldType

__all__ = ["COMPARE", "CompareCompiler"]

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
"""The comparison operators and the Python test of each (on values that are not blank)."""
_ORDERINGS = frozenset({"<", "<=", ">", ">="})  # money of two currencies has no order

_FieldTest = tuple[str, type, Callable[[Any], Any], Callable[[Any, Any], bool], object]


def _const(value: object) -> Fn:
    return lambda r, c: value


def _aware_only(test: Callable[[Any, Any], bool], op: str, pos: int) -> Callable[[Any, Any], bool]:
    """Wrap a datetime comparison so that mixing naive and aware values faults clearly."""

    def checked(a: Any, b: Any) -> bool:
        try:
            return test(a, b)
        except TypeError:
            raise Fault(NAIVE_MIX.format("compare"), function=op, pos=pos) from None

    return checked


class CompareCompiler(CallCompiler):
    """Comparisons, and the fused ``IF`` over a field-versus-literal test."""

    def field_test(self, node: Node) -> _FieldTest | None:
        """For ``field op literal`` on a plain field: its name, read parts, test and literal."""
        if not isinstance(node, Binary) or node.op not in COMPARE:
            return None
        right = node.right
        if not isinstance(right, Literal) or right.value is None:
            return None
        parts = self.simple_field(node.left)
        if parts is None:
            return None
        name, fast, slow = parts
        return name, fast, slow, COMPARE[node.op], right.value

    def compare(self, node: Binary) -> Fn:
        test = COMPARE[node.op]
        if isinstance(node.right, Literal) and node.right.value is None:
            return _const(False)
        if isinstance(node.left, Literal) and node.left.value is None:
            return _const(False)
        parts = self.field_test(node)
        if parts is not None:
            name, fast, slow, test, lit = parts

            # Kept apart from field_with_literal: a shared factory costs a free variable
            # (the blank value) on every evaluation, measured ~5% slower.
            def field_vs_literal(r: Any, c: Any) -> bool:
                v = r.get(name)
                if v.__class__ is not fast:
                    if v is None:
                        return False
                    v = slow(v)
                return test(v, lit)

            return field_vs_literal
        left = self.amount_of(node.left, node.right)
        right = self.amount_of(node.right, node.left)
        if self.ty(node.left) == FieldType.DATETIME or self.ty(node.right) == FieldType.DATETIME:
            test = _aware_only(test, node.op, node.pos)
        if node.op in _ORDERINGS and self.ty(node.left) == self.ty(node.right) == FieldType.MONEY:
            test = money_order(test, node.op, node.pos)

        def compare(r: Any, c: Any) -> bool:
            a = left(r, c)
            if a is None:
                return False
            b = right(r, c)
            if b is None:
                return False
            return test(a, b)

        return compare

    def call_if(self, node: Call) -> Fn:
        test_node, yes_node, no_node = node.args
        result = self.ty(node)
        # Only where each branch already has the result's type: a branch the IF converts is
        # left to the general form.
        fits = self.ty(yes_node) in (None, result) and self.ty(no_node) in (None, result)
        parts = self.field_test(test_node) if fits else None
        if parts is None:
            return super().call_if(node)
        name, fast, slow, test, lit = parts
        yes = self.compile(yes_node)
        if isinstance(no_node, Literal) and test is operator.eq:
            otherwise = no_node.value

            # = written out rather than a call to operator.eq: this runs for every record
            def if_field_equals_else_value(r: Any, c: Any) -> Any:
                v = r.get(name)
                if v.__class__ is not fast:
                    if v is None:
                        return otherwise
                    v = slow(v)
                return yes(r, c) if v == lit else otherwise

            return if_field_equals_else_value
        if isinstance(no_node, Literal):
            otherwise = no_node.value

            def if_field_else_value(r: Any, c: Any) -> Any:
                v = r.get(name)
                if v.__class__ is not fast:
                    if v is None:
                        return otherwise
                    v = slow(v)
                return yes(r, c) if test(v, lit) else otherwise

            return if_field_else_value
        no = self.compile(no_node)

        def if_field(r: Any, c: Any) -> Any:
            v = r.get(name)
            if v.__class__ is not fast:
                if v is None:
                    return no(r, c)
                v = slow(v)
            return yes(r, c) if test(v, lit) else no(r, c)

        return if_field
