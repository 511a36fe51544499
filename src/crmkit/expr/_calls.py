"""Compiling function calls with special blank handling (IF, CASE, AND, ISBLANK, ...)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from ._ast import Binary, Call, Field, Literal, Node, Unary
from ._checker import NUMERIC, TEXTUAL, Checked, Ty
from ._functions import Function, text_of
from ._money import borrowed_currency, fixed_currency, money_extreme
from ._runtime import Fault, Fn
from ._types import FieldType

__all__ = ["CallCompiler", "Fn", "located"]

_MONEY_LEAVES = frozenset({"PRIORVALUE"})
"""Money calls whose value is read, not built from money arguments, for its currency."""


def located(fault: Fault, pos: int, function: str | None) -> Fault:
    """Give *fault* the position and function of the call it came from, if it has none."""
    if fault.function is None:
        fault.function = function
        fault.pos = pos
    return fault


class CallCompiler:
    """The ``call_<name>`` methods of the compiler, one per special function."""

    checked: Checked
    blanks_as_zero: bool
    functions: Mapping[str, Function]

    def compile(self, node: Node) -> Fn:
        """Compile any node (provided by the compiler)."""
        raise NotImplementedError

    def ty(self, node: Node) -> Ty:
        """Return the checked type of *node* (provided by the compiler)."""
        raise NotImplementedError

    def amount_of(self, node: Node, other: Node) -> Fn:
        """Compile *node*, reading Money's amount next to a number (provided by the compiler)."""
        raise NotImplementedError

    def strict(self, node: Call, impl: Callable[..., Any], host_result: FieldType | None) -> Fn:
        """Compile a call that is blank on a blank argument (provided by the compiler)."""
        raise NotImplementedError

    def simple_field(self, node: Node) -> tuple[str, type, Callable[[Any], Any]] | None:
        """Return the parts of a plain one-name field read (provided by the compiler)."""
        raise NotImplementedError

    def field_parts(self, node: Field) -> tuple[str, type, Callable[[Any], Any]]:
        """Return a one-name field's name, fast class and converting read (from the compiler)."""
        raise NotImplementedError

    def branches(self, parent: Call, nodes: list[Node]) -> list[Fn]:
        """Compile the branches of *parent*; plain numbers among money branches become money."""
        fns = [self.compile(n) for n in nodes]
        if self.ty(parent) != FieldType.MONEY:
            return fns
        currency = self.checked.currency_of(parent)
        sources: list[Fn] | None = None
        for i, n in enumerate(nodes):
            if self.ty(n) not in NUMERIC:
                continue
            constant = isinstance(n, Literal)
            if currency is not None:
                fns[i] = fixed_currency(fns[i], currency, n.pos, parent.name, constant=constant)
                continue
            if sources is None:
                sources = [
                    fn
                    for branch in nodes
                    if self.ty(branch) == FieldType.MONEY
                    for fn in self.currency_sources(branch)
                ]
            fns[i] = borrowed_currency(fns[i], sources, n.pos, parent.name, constant=constant)
        return fns

    def currency_sources(self, node: Node) -> list[Fn]:
        """Return reads of the money values money *node* takes its currency from.

        Only the money fields (and host calls) under *node* are read, never its arithmetic:
        the currency of ``amount / qty`` is known on a record where ``qty`` is zero.
        """
        if isinstance(node, Field):
            return [self.compile(node)]
        if isinstance(node, Call) and (node.name in _MONEY_LEAVES or node.name in self.functions):
            return [self.compile(node)]
        children = node.args if isinstance(node, Call) else ()
        if isinstance(node, Unary):
            children = (node.operand,)
        elif isinstance(node, Binary):
            children = (node.left, node.right)
        money = [child for child in children if self.ty(child) == FieldType.MONEY]
        return [fn for child in money for fn in self.currency_sources(child)]

    def extreme(self, node: Call, pick: Callable[..., Any]) -> Fn:
        """MIN or MAX: of money (plain numbers take its currency), or of other values."""
        if self.ty(node) == FieldType.MONEY:
            return self.strict(node, money_extreme(pick, node.name, node.pos), None)
        return self.strict(node, lambda *values: pick(values), None)

    def call_if(self, node: Call) -> Fn:
        test = self.compile(node.args[0])
        yes, no = self.branches(node, list(node.args[1:]))
        return lambda r, c: yes(r, c) if test(r, c) else no(r, c)

    def call_and(self, node: Call) -> Fn:
        parts = [self.compile(arg) for arg in node.args]
        if len(parts) == 2:
            first, second = parts
            return lambda r, c: first(r, c) is True and second(r, c) is True
        return lambda r, c: all(part(r, c) is True for part in parts)

    def call_or(self, node: Call) -> Fn:
        parts = [self.compile(arg) for arg in node.args]
        if len(parts) == 2:
            first, second = parts
            return lambda r, c: first(r, c) is True or second(r, c) is True
        return lambda r, c: any(part(r, c) is True for part in parts)

    def call_not(self, node: Call) -> Fn:
        arg = node.args[0]
        if isinstance(arg, Call) and arg.name == "ISBLANK":
            fused = self.field_blank(arg.args[0], negate=True)
            if fused is not None:
                return fused
        inner = self.compile(arg)
        return lambda r, c: inner(r, c) is not True

    def call_case(self, node: Call) -> Fn:
        subject = self.amount_of(node.args[0], node.args[1])
        *results, otherwise = self.branches(node, [*node.args[2:-1:2], node.args[-1]])
        matches = [self.compile(arg) for arg in node.args[1:-1:2]]
        pairs = list(zip(matches, results, strict=True))

        def case(r: Any, c: Any) -> Any:
            x = subject(r, c)
            if x is not None:
                for match, result in pairs:
                    v = match(r, c)
                    if v is not None and v == x:
                        return result(r, c)
            return otherwise(r, c)

        return case

    def call_in(self, node: Call) -> Fn:
        value_node, *candidates = node.args
        # an always-blank candidate never matches, and a blank value matches nothing
        live = [arg for arg in candidates if self.ty(arg) is not None]
        if self.ty(value_node) is None or not live:
            return lambda r, c: False
        if all(isinstance(arg, Literal) for arg in live):
            return self.in_literals(value_node, live)
        value = self.compile(value_node)
        money = self.ty(value_node) == FieldType.MONEY
        # a money value meets a plain number by its amount, as "=" does
        whole = [
            self.amount_of(arg, value_node)
            for arg in live
            if not (money and self.ty(arg) in NUMERIC)
        ]
        by_amount = [self.compile(arg) for arg in live if money and self.ty(arg) in NUMERIC]

        def member(r: Any, c: Any) -> bool:
            x = value(r, c)
            if x is None:
                return False
            for candidate in whole:
                y = candidate(r, c)
                if y is not None and x == y:
                    return True
            if by_amount:
                amount = x.amount
                for candidate in by_amount:
                    y = candidate(r, c)
                    if y is not None and amount == y:
                        return True
            return False

        return member

    def in_literals(self, value_node: Node, live: list[Node]) -> Fn:
        # The checker lets only mutually comparable scalars in, whose == agrees with hashing
        # (Decimal("1.0") and Decimal("1") hash alike), so a set lookup is the same test.
        choices = frozenset(arg.value for arg in live if isinstance(arg, Literal))
        parts = self.simple_field(value_node)
        if parts is not None:
            name, fast, slow = parts

            def field_in(r: Any, c: Any) -> bool:
                v = r.get(name)
                if v.__class__ is not fast:
                    if v is None:
                        return False
                    v = slow(v)
                return v in choices

            return field_in
        value = self.amount_of(value_node, live[0])

        def value_in(r: Any, c: Any) -> bool:
            v = value(r, c)
            return v is not None and v in choices

        return value_in

    def is_blank(self, node: Node) -> Callable[[Any], bool]:
        ty = self.ty(node)
        if ty in TEXTUAL:
            return lambda v: v is None or v == ""
        if ty == FieldType.MULTIPICKLIST:
            return lambda v: not v
        return lambda v: v is None

    def field_blank(self, node: Node, *, negate: bool) -> Fn | None:
        """``ISBLANK(field)`` (or its negation) in one closure, for a one-name field."""
        if not isinstance(node, Field) or len(node.path) != 1:
            return None
        ty = self.ty(node)
        if self.blanks_as_zero and (ty in NUMERIC or self.checked.currency_of(node) is not None):
            return None  # a blank reads as zero, which is not blank
        name, fast, slow = self.field_parts(node)
        if ty in TEXTUAL:

            def text_blank(r: Any, c: Any) -> bool:
                v = r.get(name)
                if v is None:
                    return not negate
                if v.__class__ is not fast:
                    v = slow(v)
                return (v == "") is not negate

            return text_blank
        if ty == FieldType.MULTIPICKLIST:
            return None
        # any other converted value is never blank; converting still reports a wrong type

        def value_blank(r: Any, c: Any) -> bool:
            v = r.get(name)
            if v is None:
                return not negate
            if v.__class__ is not fast:
                slow(v)
            return negate

        return value_blank

    def call_isblank(self, node: Call) -> Fn:
        fused = self.field_blank(node.args[0], negate=False)
        if fused is not None:
            return fused
        inner = self.compile(node.args[0])
        blank = self.is_blank(node.args[0])
        return lambda r, c: blank(inner(r, c))

    def call_blankvalue(self, node: Call) -> Fn:
        inner, default = self.branches(node, list(node.args))
        blank = self.is_blank(node.args[0])

        def blankvalue(r: Any, c: Any) -> Any:
            v = inner(r, c)
            return default(r, c) if blank(v) else v

        return blankvalue

    def call_nullvalue(self, node: Call) -> Fn:
        inner, default = self.branches(node, list(node.args))

        def nullvalue(r: Any, c: Any) -> Any:
            v = inner(r, c)
            return default(r, c) if v is None else v

        return nullvalue

    def call_ischanged(self, node: Call) -> Fn:
        read = self.compile(node.args[0])

        def ischanged(r: Any, c: Any) -> bool:
            previous = c.previous
            if previous is None:
                return False
            return bool(read(r, c) != read(previous, c))

        return ischanged

    def call_priorvalue(self, node: Call) -> Fn:
        read = self.compile(node.args[0])

        def priorvalue(r: Any, c: Any) -> Any:
            previous = c.previous
            return None if previous is None else read(previous, c)

        return priorvalue

    def call_today(self, node: Call) -> Fn:
        return lambda r, c: c.today

    def call_now(self, node: Call) -> Fn:
        return lambda r, c: c.now

    def predicate(self, node: Call, test: Callable[[Any, Any], bool]) -> Fn:
        first, second = (self.compile(arg) for arg in node.args)

        def predicate(r: Any, c: Any) -> bool:
            a = first(r, c)
            if a is None:
                return False
            b = second(r, c)
            if b is None:
                return False
            return test(a, b)

        return predicate

    def call_contains(self, node: Call) -> Fn:
        return self.predicate(node, lambda a, b: b in a)

    def call_begins(self, node: Call) -> Fn:
        return self.predicate(node, str.startswith)

    def call_ispickval(self, node: Call) -> Fn:
        return self.predicate(node, operator.eq)

    def call_includes(self, node: Call) -> Fn:
        return self.predicate(node, lambda a, b: b in a)

    def call_regex(self, node: Call) -> Fn:
        matches = self.checked.patterns[id(node)].matches
        pos = node.pos

        def test(text: str, _: object) -> bool:
            try:
                return matches(text)
            except Fault as fault:
                raise located(fault, pos, "REGEX") from None

        return self.predicate(node, test)

    def call_text(self, node: Call) -> Fn:
        return self.strict(node, text_of, None)

    def call_abs(self, node: Call) -> Fn:
        return self.strict(node, abs, None)

    def call_min(self, node: Call) -> Fn:
        return self.extreme(node, min)

    def call_max(self, node: Call) -> Fn:
        return self.extreme(node, max)
