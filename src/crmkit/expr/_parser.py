"""Parsing tokens into the syntax tree, by recursive descent.

Precedence, loosest first: ``OR ||``, ``AND &&``, prefix ``NOT !``, comparisons, ``&``,
``+ -``, ``* /``, prefix ``- +``, ``^`` (right-associative, so ``-2^2`` is ``-(2^2)``).
"""

from __future__ import annotations

from functools import lru_cache

from crmkit.errors import ErrorCode

from ._ast import Binary, Call, Field, Literal, Node, Unary
from ._lexer import tokenize
from ._location import error_at

__all__ = ["MAX_DEPTH", "MAX_NESTING", "parse"]

MAX_NESTING = 40
"""Deepest nesting of parentheses, calls and prefix operators accepted."""
MAX_DEPTH = 100
"""Deepest syntax tree accepted (a chain ``a + b + c`` is as deep as it is long)."""

_CONSTANTS: dict[str, bool | None] = {"TRUE": True, "FALSE": False, "NULL": None}
# Infix operators: spelling -> (binding power, canonical op); the printer uses the same powers.
_INFIX: dict[str, tuple[int, str]] = {
    "OR": (1, "OR"),
    "||": (1, "OR"),
    "AND": (2, "AND"),
    "&&": (2, "AND"),
    "=": (4, "="),
    "==": (4, "="),
    "!=": (4, "<>"),
    "<>": (4, "<>"),
    "<": (4, "<"),
    "<=": (4, "<="),
    ">": (4, ">"),
    ">=": (4, ">="),
    "&": (5, "&"),
    "+": (6, "+"),
    "-": (6, "-"),
    "*": (7, "*"),
    "/": (7, "/"),
    "^": (9, "^"),
}
_NOT_OPERAND = 4  # NOT binds looser than comparisons: NOT a = b is NOT(a = b)
_SIGN_OPERAND = 9  # a sign binds looser than ^: -2^2 is -(2^2)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.i = 0
        self.depth = 0
        self.tree_depth = 0  # depth of the node last returned by expr/prefix
        self.powers = 0  # right operands of ^ being parsed: each is one more level of recursion

    def fail(self, reason: str) -> Exception:
        kind, value, pos = self.tokens[self.i]
        if kind == "eof":
            found = "end of formula"
        else:
            end = self.tokens[self.i + 1][2]
            found = repr(self.source[pos:end].strip() or str(value))
        return error_at(self.source, pos, f"{reason}, found {found}", code=ErrorCode.EXPR_SYNTAX)

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            reason = f"formula nested deeper than {MAX_NESTING} levels"
            raise error_at(self.source, pos, reason, code=ErrorCode.EXPR_TOO_LARGE)

    def expect(self, op: str, what: str) -> None:
        kind, value, _ = self.tokens[self.i]
        if kind != "op" or value != op:
            raise self.fail(f"expected {what}")
        self.i += 1

    def parse(self) -> Node:
        node = self.expr(0)
        if self.tokens[self.i][0] != "eof":
            raise self.fail("expected an operator or the end of the formula")
        return node

    def deeper(self, depth: int, pos: int) -> None:
        if depth > MAX_DEPTH:
            reason = f"formula nested deeper than {MAX_DEPTH} levels"
            raise error_at(self.source, pos, reason, code=ErrorCode.EXPR_TOO_LARGE)
        self.tree_depth = depth

    def expr(self, min_power: int) -> Node:
        left = self.prefix()
        left_depth = self.tree_depth
        tokens = self.tokens
        while True:
            kind, value, pos = tokens[self.i]
            if kind == "op":
                info = _INFIX.get(value)
            elif kind == "name":
                info = _INFIX.get(value.upper())
            else:
                self.tree_depth = left_depth
                return left
            if info is None or info[0] < min_power:
                self.tree_depth = left_depth
                return left
            power, op = info
            self.i += 1
            # ^ is right-associative; every other operator is left-associative
            right = self.power_operand(power, pos) if op == "^" else self.expr(power + 1)
            left = Binary(op, left, right, pos=pos)
            left_depth = max(left_depth, self.tree_depth) + 1
            self.deeper(left_depth, pos)

    def power_operand(self, power: int, pos: int) -> Node:
        # a chain 1^1^1... recurses once per operator: refuse it at the tree's depth limit
        # before the recursion gets there, rather than after Python's stack has run out
        self.powers += 1
        if self.powers > MAX_DEPTH:
            reason = f"formula nested deeper than {MAX_DEPTH} levels"
            raise error_at(self.source, pos, reason, code=ErrorCode.EXPR_TOO_LARGE)
        right = self.expr(power)
        self.powers -= 1
        return right

    def prefix(self) -> Node:
        kind, value, pos = self.tokens[self.i]
        if kind in {"num", "str"}:
            self.i += 1
            self.tree_depth = 1
            return Literal(value, pos=pos)
        if kind == "op":
            if value == "(":
                self.i += 1
                self.enter(pos)
                node: Node = self.expr(0)
                self.depth -= 1
                self.expect(")", "')'")
                return node
            if value in ("-", "+", "!"):
                self.i += 1
                self.enter(pos)
                if value == "!":
                    node = Call("NOT", (self.expr(_NOT_OPERAND),), pos=pos)
                else:
                    node = Unary(value, self.expr(_SIGN_OPERAND), pos=pos)
                self.depth -= 1
                self.deeper(self.tree_depth + 1, pos)
                return node
            raise self.fail("expected a value")
        if kind == "name":
            word = value.upper()
            nxt = self.tokens[self.i + 1]
            if nxt[0] == "op" and nxt[1] == "(":
                return self.call(word, pos)
            if word in _CONSTANTS:
                self.i += 1
                self.tree_depth = 1
                return Literal(_CONSTANTS[word], pos=pos)
            if word == "NOT":
                self.i += 1
                self.enter(pos)
                node = Call("NOT", (self.expr(_NOT_OPERAND),), pos=pos)
                self.depth -= 1
                self.deeper(self.tree_depth + 1, pos)
                return node
            if word in ("AND", "OR"):
                raise self.fail("expected a value")
            return self.path()
        if kind == "braced":
            return self.path()
        raise self.fail("expected a value")

    def call(self, name: str, pos: int) -> Node:
        self.i += 2  # the name and "("
        self.enter(pos)
        args: list[Node] = []
        tokens = self.tokens
        deepest = 0
        if not (tokens[self.i][0] == "op" and tokens[self.i][1] == ")"):
            args.append(self.expr(0))
            deepest = self.tree_depth
            while tokens[self.i][0] == "op" and tokens[self.i][1] == ",":
                self.i += 1
                args.append(self.expr(0))
                deepest = max(deepest, self.tree_depth)
        self.expect(")", "',' or ')'")
        self.depth -= 1
        self.deeper(deepest + 1, pos)
        return Call(name, tuple(args), pos=pos)

    def path(self) -> Node:
        tokens = self.tokens
        _, first, pos = tokens[self.i]
        self.i += 1
        names = [first]
        while tokens[self.i][0] == "op" and tokens[self.i][1] == ".":
            self.i += 1
            kind, value, _ = tokens[self.i]
            is_keyword = kind == "name" and value.upper() in _CONSTANTS
            if kind not in ("name", "braced") or is_keyword:
                raise self.fail("expected a field name after '.'")
            names.append(value)
            self.i += 1
        self.tree_depth = 1
        return Field(tuple(names), pos=pos)


@lru_cache(maxsize=2048)
def _parse_cached(source: str) -> Node:
    return _Parser(source).parse()


def parse(source: str) -> Node:
    """Parse *source* into a syntax tree (cached by source text).

    Raises:
        FormulaError: with the line, column and a caret excerpt, if *source* does not parse
            or is beyond the limits on length, nesting and number size.
    """
    if not isinstance(source, str):
        raise error_at(
            "",
            0,
            f"a formula must be text, not {type(source).__name__}",
            code=ErrorCode.EXPR_NOT_TEXT,
        )
    return _parse_cached(source)
