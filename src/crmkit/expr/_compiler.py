"""Compiling a checked syntax tree to nested Python closures.

Every closure takes ``(record, context)``: *record* has a ``get(name)`` method (a mapping,
or a view of an attrs record) and *context* is a :class:`~._runtime.Context` or None.
Common shapes (a field compared with a literal, a field times a literal, ``IF``/``AND`` of
two parts) get closures of their own so that the hot path is a few calls deep.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from crmkit.errors import ErrorCode
from crmkit.values import Money

from ._arithmetic import ArithmeticCompiler
from ._ast import Binary, Call, Field, Literal, Node, Unary
from ._calls import Fn, located
from ._checker import NUMERIC, TEXTUAL, Checked, Ty
from ._compare import COMPARE
from ._functions import BUILTINS, Function
from ._money import money_in
from ._runtime import CONVERTERS, Fault, as_getter
from ._types import FieldType

__all__ = ["compile_tree"]


_ZERO = Decimal(0)
# Per type, the class a record value of that type usually has and that its converter
# returns unchanged: a value of exactly this class skips the converter. (A datetime in a
# date field, a Decimal subclass, a set for a multi-picklist... take the converter.)
_FAST: dict[FieldType, type] = {
    FieldType.NUMBER: Decimal,
    FieldType.PERCENT: Decimal,
    FieldType.TEXT: str,
    FieldType.PICKLIST: str,
    FieldType.MONEY: Money,
    FieldType.DATE: date,
    FieldType.DATETIME: datetime,
    FieldType.BOOL: bool,
}
_NEVER = type(None)  # no non-blank value has this class, so every value is converted


class _AlwaysConvert:
    """No value has this class: every value read, blanks included, takes the converter."""


def _const(value: object) -> Fn:
    return lambda r, c: value


class _Compiler(ArithmeticCompiler):
    def __init__(
        self,
        checked: Checked,
        blanks_as_zero: bool,
        functions: Mapping[str, Function],
        blank_division: bool,
    ) -> None:
        self.checked = checked
        self.blanks_as_zero = blanks_as_zero
        self.functions = functions
        self.blank_division = blank_division

    def ty(self, node: Node) -> Ty:
        return self.checked.types[id(node)]

    def reader(self, node: Field) -> tuple[Callable[[Any, str], Any], type, object]:
        """For a field: its converter, the class that skips it, and what a blank reads as."""
        ty = cast(FieldType, self.ty(node))  # a field always has a declared type
        currency = self.checked.currency_of(node)
        if currency is not None:
            # a value in another currency must fault, so every value is converted
            zero = Money.zero(currency) if self.blanks_as_zero else None
            return money_in(currency), _AlwaysConvert, zero
        blank: object = _ZERO if self.blanks_as_zero and ty in NUMERIC else None
        return CONVERTERS[ty], _FAST.get(ty, _NEVER), blank

    def compile(self, node: Node) -> Fn:
        # exact-class tests, most frequent first: this runs once per node of every formula
        if type(node) is Field:
            return self.field(node)
        if type(node) is Binary:
            return self.binary(node)
        if type(node) is Call:
            return self.call(node)
        if isinstance(node, Literal):
            return _const(node.value)
        if isinstance(node, Unary):
            inner = self.compile(node.operand)
            if node.op == "+":
                return inner

            def negate(r: Any, c: Any) -> Any:
                v = inner(r, c)
                return None if v is None else -v

            return negate
        raise AssertionError(f"not a node: {node!r}")  # pragma: no cover

    # -- fields --------------------------------------------------------------------------
    def field(self, node: Field) -> Fn:
        convert, fast, blank = self.reader(node)
        pos = node.pos
        leaf = node.path[-1]
        dotted = node.dotted

        def slow(v: object) -> Any:
            try:
                return convert(v, dotted)
            except Fault as fault:
                raise located(fault, pos, None) from None

        if len(node.path) == 1:

            def read(r: Any, c: Any) -> Any:
                v = r.get(leaf)
                if v.__class__ is fast:
                    return v
                if v is None:
                    return blank
                return slow(v)

            return read
        hops = node.path[:-1]

        def read_related(r: Any, c: Any) -> Any:
            for hop in hops:
                r = r.get(hop)
                if r is None:
                    return blank
                try:
                    r = as_getter(r)
                except Fault as fault:
                    raise located(fault, pos, None) from None
            v = r.get(leaf)
            if v is None:
                return blank
            return v if v.__class__ is fast else slow(v)

        return read_related

    def simple_field(self, node: Node) -> tuple[str, type, Callable[[Any], Any]] | None:
        """For a one-name number or text field read without blanks-as-zero: its parts."""
        if not isinstance(node, Field) or len(node.path) != 1:
            return None
        ty = self.ty(node)
        if not (ty in TEXTUAL or (ty in NUMERIC and not self.blanks_as_zero)):
            return None
        return self.field_parts(node)

    def field_parts(self, node: Field) -> tuple[str, type, Callable[[Any], Any]]:
        """For a one-name field: its name, its fast class and its converting read."""
        convert, fast, _ = self.reader(node)
        pos, dotted = node.pos, node.dotted

        def slow(v: object) -> Any:
            try:
                return convert(v, dotted)
            except Fault as fault:
                raise located(fault, pos, None) from None

        return node.path[0], fast, slow

    # -- operators -----------------------------------------------------------------------
    def amount_of(self, node: Node, other: Node) -> Fn:
        """Compile *node*, reading a Money's amount when compared with a plain number."""
        if self.ty(node) == FieldType.MONEY and self.ty(other) in NUMERIC:
            # a blank read as zero money takes the general read, which knows that zero
            if isinstance(node, Field) and len(node.path) == 1 and self.reader(node)[2] is None:
                name, fast, slow = self.field_parts(node)

                def field_amount(r: Any, c: Any) -> Any:
                    v = r.get(name)
                    if v.__class__ is not fast:
                        if v is None:
                            return None
                        v = slow(v)
                    return v.amount

                return field_amount
            fn = self.compile(node)

            def amount(r: Any, c: Any) -> Any:
                v = fn(r, c)
                return None if v is None else v.amount

            return amount
        return self.compile(node)

    def binary(self, node: Binary) -> Fn:
        op = node.op
        if op in COMPARE:
            return self.compare(node)
        left, right = self.compile(node.left), self.compile(node.right)
        if op == "AND":
            return lambda r, c: left(r, c) is True and right(r, c) is True
        if op == "OR":
            return lambda r, c: left(r, c) is True or right(r, c) is True
        if op == "&":

            def concat(r: Any, c: Any) -> str:
                return (left(r, c) or "") + (right(r, c) or "")

            return concat
        return self.arithmetic(node, left, right)

    # -- calls ---------------------------------------------------------------------------
    def call(self, node: Call) -> Fn:
        name = node.name
        special = getattr(self, f"call_{name.lower()}", None)
        if special is not None:
            fn: Fn = special(node)
            return fn
        if name in BUILTINS:
            return self.strict(node, BUILTINS[name].impl, None)
        host = self.functions[name]
        return self.strict(node, host.impl, host.returns)

    def strict(self, node: Call, impl: Callable[..., Any], host_result: FieldType | None) -> Fn:
        """A call whose result is blank when any argument is blank."""
        args = [self.compile(arg) for arg in node.args]
        name, pos = node.name, node.pos
        host = host_result is not None

        def invoke(*values: Any) -> Any:
            try:
                result = impl(*values)
            except Fault as fault:
                raise located(fault, pos, name) from None
            except Exception as exc:
                if not host:
                    raise
                raise Fault(
                    f"{type(exc).__name__}: {exc}",
                    function=name,
                    pos=pos,
                    code=ErrorCode.EXPR_FUNCTION_FAILED,
                ) from exc
            if host and host_result == FieldType.MONEY and not isinstance(result, Money | None):
                raise Fault(
                    f"returned a {type(result).__name__}, not Money",
                    function=name,
                    pos=pos,
                    code=ErrorCode.EXPR_FUNCTION_FAILED,
                )
            if host and host_result in NUMERIC and isinstance(result, int | float):
                if isinstance(result, bool):
                    raise Fault(
                        "returned a bool, not a number",
                        function=name,
                        pos=pos,
                        code=ErrorCode.EXPR_FUNCTION_FAILED,
                    )
                return CONVERTERS[FieldType.NUMBER](result, name)
            return result

        if len(args) == 1:
            (only,) = args

            def call1(r: Any, c: Any) -> Any:
                v = only(r, c)
                return None if v is None else invoke(v)

            return call1

        def call_n(r: Any, c: Any) -> Any:
            values = []
            for arg in args:
                v = arg(r, c)
                if v is None:
                    return None
                values.append(v)
            return invoke(*values)

        return call_n


def compile_tree(
    checked: Checked,
    *,
    blanks_as_zero: bool,
    functions: Mapping[str, Function],
    blank_division: bool = False,
) -> Fn:
    """Compile a checked tree to one closure ``fn(record_getter, context)``.

    With *blank_division*, ``/`` by zero gives blank instead of raising.
    """
    return _Compiler(checked, blanks_as_zero, functions, blank_division).compile(checked.root)
