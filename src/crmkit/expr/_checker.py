"""Type-checking a syntax tree against the fields a formula may use."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from crmkit.errors import ErrorCode, FormulaError

from ._ast import Binary, Call, Field, Literal, Node, Unary
from ._functions import BUILTINS, Function
from ._location import error_at
from ._regex import PatternError, Regex
from ._rules import NUMERIC, TEXTUAL, Ty, arithmetic_type, base, equality_types_ok
from ._types import FieldType, Reference

__all__ = ["NUMERIC", "SPECIAL", "TEXTUAL", "Checked", "Ty", "check", "equality_types_ok"]

_ORDERED = NUMERIC | TEXTUAL | {FieldType.MONEY, FieldType.DATE, FieldType.DATETIME}
_SCALAR = _ORDERED | {FieldType.BOOL}
_BOOL = frozenset({FieldType.BOOL})
_UNKNOWN_FIELD = ErrorCode.EXPR_UNKNOWN_FIELD
_PATTERN = ErrorCode.EXPR_BAD_PATTERN

SPECIAL = frozenset(
    {
        "IF", "CASE", "AND", "OR", "NOT", "ISBLANK", "BLANKVALUE", "NULLVALUE", "ISCHANGED",
        "PRIORVALUE", "TODAY", "NOW", "CONTAINS", "BEGINS", "REGEX", "ISPICKVAL", "INCLUDES",
        "TEXT", "MIN", "MAX", "ABS", "IN",
    }
)  # fmt: skip
"""Functions the checker and compilers treat one by one rather than through BUILTINS."""


class Checked:
    """The result of checking: node types (by node identity) and what the formula uses."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self.types: dict[int, Ty] = {}
        self.references: set[str] = set()
        self.uses_context = False
        self.patterns: dict[int, Regex] = {}
        # the currency of each money node whose currency is known before evaluation
        self.currencies: dict[int, str] = {}
        self.result: FieldType = FieldType.TEXT

    def type_of(self, node: Node) -> Ty:
        """Return the type the checker gave *node*."""
        return self.types[id(node)]

    def currency_of(self, node: Node) -> str | None:
        """Return the currency of money *node* when it is known before evaluation."""
        return self.currencies.get(id(node))


def _name(ty: Ty) -> str:
    return "NULL" if ty is None else ty.value


def _suggest(name: str, candidates: Iterable[str]) -> str:
    pool = list(candidates)
    folded = [c for c in pool if c.lower() == name.lower()]
    close = folded or difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


class _Checker:
    def __init__(
        self, source: str, fields: Reference, functions: Mapping[str, Function], out: Checked
    ) -> None:
        self.source = source
        self.fields = fields
        self.functions = functions
        self.out = out

    def fail(
        self,
        node: Node,
        reason: str,
        function: str | None = None,
        *,
        code: str = ErrorCode.EXPR_TYPE_MISMATCH,
    ) -> FormulaError:
        return error_at(self.source, node.pos, reason, code=code, function=function)

    def visit(self, node: Node) -> Ty:
        # dispatch on the exact class: node classes are final, and this runs per node
        if type(node) is Field:
            ty = self.field(node)
        elif type(node) is Binary:
            ty = self.binary(node)
        elif type(node) is Call:
            ty = self.call(node)
        else:
            ty = self._visit(node)
        self.out.types[id(node)] = ty
        return ty

    def _visit(self, node: Node) -> Ty:
        if isinstance(node, Literal):
            value = node.value
            if value is None:
                return None
            if isinstance(value, bool):
                return FieldType.BOOL
            if isinstance(value, str):
                return FieldType.TEXT
            return FieldType.NUMBER
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, Unary):
            ty = self.visit(node.operand)
            if ty is None or base(ty) == FieldType.NUMBER:
                return FieldType.NUMBER
            if ty == FieldType.MONEY:
                self.keep_currency(node, [node.operand])
                return ty
            raise self.fail(node, f"'{node.op}' needs a number or money, not {_name(ty)}")
        if isinstance(node, Binary):
            return self.binary(node)
        return self.call(node)

    def field(self, node: Field) -> Ty:
        ref = self.fields
        path = node.path
        if len(path) == 1:
            spec = ref.get(path[0])
            if spec is not None and not isinstance(spec, Reference):
                self.out.references.add(path[0])
                if spec == FieldType.MONEY:
                    self.money_field(node, ref, path[0])
                return spec
        for i, name in enumerate(path):
            spec = ref.get(name)
            so_far = ".".join(path[: i + 1])
            if spec is None:
                hint = _suggest(name, (key for key, _ in ref.fields))
                raise self.fail(node, f"unknown field {so_far!r}{hint}", code=_UNKNOWN_FIELD)
            last = i == len(node.path) - 1
            if isinstance(spec, Reference):
                if last:
                    reason = f"{so_far!r} is a related record; use one of its fields"
                    raise self.fail(node, reason, code=ErrorCode.EXPR_BAD_PATH)
                ref = spec
            elif not last:
                reason = f"{so_far!r} is {spec.value}, not a related record"
                raise self.fail(node, reason, code=ErrorCode.EXPR_BAD_PATH)
            else:
                self.out.references.add(node.dotted)
                if spec == FieldType.MONEY:
                    self.money_field(node, ref, name)
                return spec
        raise AssertionError("a field path is never empty")  # pragma: no cover

    def money_field(self, node: Field, ref: Reference, name: str) -> None:
        code = ref.currency_of(name)
        if code is not None:
            self.out.currencies[id(node)] = code

    def agree(self, parts: Iterable[Node], what: str, where: str | None = None) -> str | None:
        """Return the one currency known for *parts*; refuse money of two currencies."""
        found: str | None = None
        for part in parts:
            code = self.out.currencies.get(id(part))
            if code is None or code == found:
                continue
            if found is not None:
                reason = f"{what} money in {found} and money in {code}"
                raise self.fail(part, reason, where, code=ErrorCode.EXPR_CURRENCY_MISMATCH)
            found = code
        return found

    def keep_currency(
        self, node: Node, parts: Iterable[Node], what: str = "", where: str | None = None
    ) -> None:
        """Give money *node* the currency of its money *parts*, when one is known."""
        code = self.agree(parts, what, where)
        if code is not None:
            self.out.currencies[id(node)] = code

    def binary(self, node: Binary) -> Ty:
        left = self.visit(node.left)
        right = self.visit(node.right)
        op = node.op
        if op in ("AND", "OR"):
            self.expect(node.left, left, _BOOL, op)
            self.expect(node.right, right, _BOOL, op)
            return FieldType.BOOL
        if op in ("=", "<>", "<", "<=", ">", ">="):
            ok = equality_types_ok(left, right)
            if op not in ("=", "<>") and FieldType.BOOL in (base(left), base(right)):
                ok = False
            if not ok:
                raise self.fail(node, f"cannot compare {_name(left)} with {_name(right)}")
            self.agree((node.left, node.right), "cannot compare")
            return FieldType.BOOL
        if op == "&":
            for side, ty in ((node.left, left), (node.right, right)):
                if ty is not None and ty not in TEXTUAL:
                    raise self.fail(side, f"'&' joins text, not {_name(ty)}; use TEXT()")
            return FieldType.TEXT
        result = arithmetic_type(op, left, right)
        if result is None:
            hint = (
                "; use & to join text"
                if op == "+"
                and FieldType.TEXT
                in (
                    base(left),
                    base(right),
                )
                else ""
            )
            raise self.fail(node, f"cannot apply '{op}' to {_name(left)} and {_name(right)}{hint}")
        if FieldType.MONEY in (left, right):
            self.keep_currency(node, (node.left, node.right), f"cannot apply '{op}' to")
            if result != FieldType.MONEY:  # money / money: a plain ratio has no currency
                self.out.currencies.pop(id(node), None)
        return result

    def expect(self, node: Node, ty: Ty, allowed: frozenset[FieldType], where: str) -> None:
        if ty is not None and ty not in allowed:
            wanted = " or ".join(sorted(t.value for t in allowed))
            raise self.fail(node, f"{where} expects {wanted}, not {_name(ty)}", where)

    def unify(self, parent: Node, nodes: list[Node], types: list[Ty], where: str) -> Ty:
        """Return the one type *nodes* share; a plain number beside money becomes money."""
        result: Ty = None
        for node, ty in zip(nodes, types, strict=True):
            if ty is None:
                continue
            if result is None or result == ty:
                result = ty
            elif base(result) == base(ty) and base(ty) in (FieldType.NUMBER, FieldType.TEXT):
                result = base(ty)
            elif {base(result), base(ty)} == {FieldType.MONEY, FieldType.NUMBER}:
                result = FieldType.MONEY
            else:
                raise self.fail(node, f"mismatched types: {_name(result)} and {_name(ty)}", where)
        if result == FieldType.MONEY:
            self.keep_currency(parent, nodes, "mismatched types:", where)
        return result

    def count(self, node: Call, low: int, high: int | None) -> None:
        n = len(node.args)
        if n < low or (high is not None and n > high):
            if high is None:
                wanted = f"at least {low}"
            elif low == high:
                wanted = str(low)
            else:
                wanted = f"{low} to {high}"
            plural = "" if wanted == "1" else "s"
            reason = f"expects {wanted} argument{plural}, got {n}"
            raise self.fail(node, reason, node.name, code=ErrorCode.EXPR_ARITY)

    def call(self, node: Call) -> Ty:
        name = node.name
        if name in SPECIAL:
            return self.special(node)
        if name in BUILTINS:
            spec = BUILTINS[name]
            self.count(node, len(spec.params) - spec.optional, len(spec.params))
            types = [self.visit(arg) for arg in node.args]
            if spec.amountwise and types[0] == FieldType.MONEY:
                # ROUND(amount, 2): the function works on the amount and keeps the currency
                self.keep_currency(node, node.args[:1])
                types[0] = None
                result = FieldType.MONEY
            else:
                result = spec.result
            for i, (arg, ty, allowed) in enumerate(
                zip(node.args, types, spec.params, strict=False)
            ):
                self.expect(arg, ty, allowed, f"{name} argument {i + 1}")
            return result
        host = self.functions.get(name)
        if host is None:
            known = [*SPECIAL, *BUILTINS, *self.functions]
            reason = f"unknown function {name!r}{_suggest(name, known)}"
            raise self.fail(node, reason, code=ErrorCode.EXPR_UNKNOWN_FUNCTION)
        self.count(node, len(host.params), len(host.params))
        for i, (arg, param) in enumerate(zip(node.args, host.params, strict=True)):
            allowed = (
                NUMERIC if param in NUMERIC else TEXTUAL if param in TEXTUAL else frozenset({param})
            )
            self.expect(arg, self.visit(arg), frozenset(allowed), f"{name} argument {i + 1}")
        return host.returns

    def special(self, node: Call) -> Ty:
        name, args = node.name, node.args
        types = [self.visit(arg) for arg in args]
        if name in ("TODAY", "NOW"):
            self.count(node, 0, 0)
            self.out.uses_context = True
            return FieldType.DATE if name == "TODAY" else FieldType.DATETIME
        if name in ("AND", "OR", "NOT"):
            self.count(node, 1, 1 if name == "NOT" else None)
            for arg, ty in zip(args, types, strict=True):
                self.expect(arg, ty, _BOOL, name)
            return FieldType.BOOL
        if name == "IF":
            self.count(node, 3, 3)
            self.expect(args[0], types[0], _BOOL, "IF condition")
            return self.unify(node, list(args[1:]), types[1:], name)
        if name == "CASE":
            self.count(node, 4, None)
            if len(args) % 2:
                reason = "expects a value, pairs of match and result, and an else"
                raise self.fail(node, reason, name, code=ErrorCode.EXPR_ARITY)
            for arg, ty in zip(args[1:-1:2], types[1:-1:2], strict=True):
                if not equality_types_ok(types[0], ty):
                    raise self.fail(arg, f"cannot compare {_name(types[0])} with {_name(ty)}", name)
            self.agree([args[0], *args[1:-1:2]], "cannot compare", name)
            results = [*args[2:-1:2], args[-1]]
            return self.unify(node, results, [*types[2:-1:2], types[-1]], name)
        if name == "ISBLANK":
            self.count(node, 1, 1)
            return FieldType.BOOL
        if name in ("BLANKVALUE", "NULLVALUE"):
            self.count(node, 2, 2)
            return self.unify(node, list(args), types, name)
        if name in ("ISCHANGED", "PRIORVALUE"):
            return self.history(node, types[0])
        if name in ("CONTAINS", "BEGINS", "REGEX", "ISPICKVAL"):
            self.count(node, 2, 2)
            for i, (arg, ty) in enumerate(zip(args, types, strict=True)):
                self.expect(arg, ty, TEXTUAL, f"{name} argument {i + 1}")
            if name == "REGEX":
                self.pattern(node)
            return FieldType.BOOL
        if name == "INCLUDES":
            self.count(node, 2, 2)
            self.expect(args[0], types[0], frozenset({FieldType.MULTIPICKLIST}), name)
            self.expect(args[1], types[1], TEXTUAL, name)
            return FieldType.BOOL
        if name == "IN":
            return self.membership(node, types)
        if name == "TEXT":
            self.count(node, 1, 1)
            self.expect(args[0], types[0], _SCALAR, name)
            return FieldType.TEXT
        if name == "ABS":
            self.count(node, 1, 1)
            self.expect(args[0], types[0], NUMERIC | {FieldType.MONEY}, name)
            if types[0] != FieldType.MONEY:
                return FieldType.NUMBER
            self.keep_currency(node, args)
            return FieldType.MONEY
        # MIN and MAX
        self.count(node, 1, None)
        for arg, ty in zip(args, types, strict=True):
            self.expect(arg, ty, _ORDERED, name)
        return self.unify(node, list(args), types, name)

    def history(self, node: Call, ty: Ty) -> Ty:
        """ISCHANGED and PRIORVALUE: they read the previous record's value of a field."""
        self.count(node, 1, 1)
        if not isinstance(node.args[0], Field):
            raise self.fail(node.args[0], "expects a field", node.name)
        self.out.uses_context = True
        if node.name == "ISCHANGED":
            return FieldType.BOOL
        self.keep_currency(node, node.args)
        return ty

    def membership(self, node: Call, types: list[Ty]) -> Ty:
        self.count(node, 2, None)
        first = types[0]
        if first == FieldType.MULTIPICKLIST:
            raise self.fail(node.args[0], "cannot compare multipicklist; use INCLUDES", "IN")
        for arg, ty in zip(node.args[1:], types[1:], strict=True):
            if not equality_types_ok(first, ty):
                raise self.fail(arg, f"cannot compare {_name(first)} with {_name(ty)}", "IN")
        self.agree(node.args, "cannot compare", "IN")
        return FieldType.BOOL

    def pattern(self, node: Call) -> None:
        arg = node.args[1]
        if not isinstance(arg, Literal) or not isinstance(arg.value, str):
            raise self.fail(arg, "the pattern must be a text literal", "REGEX", code=_PATTERN)
        try:
            self.out.patterns[id(node)] = Regex(arg.value)
        except PatternError as exc:
            if exc.too_large:
                raise self.fail(arg, exc.reason, "REGEX", code=ErrorCode.EXPR_TOO_LARGE) from None
            raise self.fail(arg, f"bad pattern: {exc.reason}", "REGEX", code=_PATTERN) from None


def check(source: str, root: Node, fields: Reference, functions: Mapping[str, Function]) -> Checked:
    """Type-check *root* (parsed from *source*) and return its types and references.

    Raises:
        FormulaError: for an unknown field or function, a wrong argument count or type,
            mismatched branch types, or a formula that is always blank.
    """
    out = Checked(root)
    result = _Checker(source, fields, functions, out).visit(root)
    if result is None:
        reason = "the formula is always blank (NULL)"
        raise error_at(source, root.pos, reason, code=ErrorCode.EXPR_ALWAYS_BLANK)
    out.result = result
    return out
