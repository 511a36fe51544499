"""Printing a syntax tree back as canonical source that parses to the same tree."""

from __future__ import annotations

from decimal import Decimal

from ._ast import Binary, Call, Field, Literal, Node, Unary
from ._lexer import KEYWORDS, NAME

__all__ = ["format_name", "to_source"]

_PREC = {
    "OR": 1,
    "AND": 2,
    "=": 4,
    "<>": 4,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "&": 5,
    "+": 6,
    "-": 6,
    "*": 7,
    "/": 7,
    "^": 9,
}
_UNARY = 8
_ATOM = 10
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r"})


def format_name(name: str) -> str:
    """Return *name* as written in a formula: bare when it can be, else in braces."""
    if NAME.fullmatch(name) and name.upper() not in KEYWORDS and name == name.strip():
        return name
    return "{" + name.replace("\\", "\\\\").replace("}", "\\}") + "}"


def _literal(value: Decimal | str | bool | None) -> str:
    if value is None:
        return "NULL"
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, Decimal):
        return str(value)
    return "'" + value.translate(_STRING_ESCAPES) + "'"


def _prec(node: Node) -> int:
    if isinstance(node, Binary):
        return _PREC[node.op]
    if isinstance(node, Unary):
        return _UNARY
    return _ATOM


def _wrap(node: Node, needs: bool) -> str:
    text = to_source(node)
    return f"({text})" if needs else text


def to_source(node: Node) -> str:
    """Return the canonical source of *node*."""
    if isinstance(node, Literal):
        return _literal(node.value)
    if isinstance(node, Field):
        return ".".join(format_name(name) for name in node.path)
    if isinstance(node, Unary):
        # "- -x" rather than "--x" only for readability; both lex the same
        inner = _wrap(node.operand, _prec(node.operand) < _UNARY)
        return f"{node.op}{inner}"
    if isinstance(node, Call):
        return f"{node.name}({', '.join(to_source(arg) for arg in node.args)})"
    prec = _PREC[node.op]
    if node.op == "^":
        left = _wrap(node.left, _prec(node.left) <= prec)
        right = _wrap(node.right, _prec(node.right) < _UNARY)
        return f"{left} ^ {right}"
    left = _wrap(node.left, _prec(node.left) < prec)
    right = _wrap(node.right, _prec(node.right) <= prec)
    return f"{left} {node.op} {right}"
