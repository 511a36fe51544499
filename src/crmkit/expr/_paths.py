"""The field paths of a formula: listing them (references) and renaming one (rename_field)."""

from __future__ import annotations

from functools import lru_cache

from crmkit.errors import ErrorCode, FormulaError

from ._ast import Binary, Call, Field, Node, Unary
from ._location import error_at
from ._parser import parse
from ._printer import to_source

__all__ = ["references", "rename_field"]

_NOT_TEXT = ErrorCode.EXPR_NOT_TEXT


def _rename(node: Node, old: tuple[str, ...], new: tuple[str, ...]) -> Node:
    if isinstance(node, Field):
        if node.path[: len(old)] == old:
            return Field(new + node.path[len(old) :], pos=node.pos)
        return node
    if isinstance(node, Unary):
        return Unary(node.op, _rename(node.operand, old, new), pos=node.pos)
    if isinstance(node, Binary):
        return Binary(
            node.op, _rename(node.left, old, new), _rename(node.right, old, new), pos=node.pos
        )
    if isinstance(node, Call):
        return Call(node.name, tuple(_rename(a, old, new) for a in node.args), pos=node.pos)
    return node


def _path(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str) and value:
        parts = tuple(value.split("."))
        if all(parts):
            return parts
    if isinstance(value, tuple) and value and all(isinstance(p, str) and p for p in value):
        return value
    reason = f"{what} must be a field path such as 'company.industry', not {value!r}"
    raise FormulaError(reason, code=ErrorCode.EXPR_BAD_PATH)


def rename_field(source: str, old: str | tuple[str, ...], new: str | tuple[str, ...]) -> str:
    """Return *source* with every reference to field *old* renamed to *new*, canonically printed.

    Paths are dotted (``"company"`` also renames ``company.industry``); pass a tuple of names
    for a name that itself contains a dot. The result is the canonical source of the
    rewritten formula (comments and spacing are not kept); a formula that does not use *old*
    comes back canonical too.

    Raises:
        FormulaError: if *source* does not parse or a path is empty.
    """
    old_path, new_path = _path(old, "old"), _path(new, "new")
    return to_source(_rename(parse(source), old_path, new_path))


def _collect(node: Node, out: set[str]) -> None:
    if isinstance(node, Field):
        out.add(node.dotted)
    elif isinstance(node, Unary):
        _collect(node.operand, out)
    elif isinstance(node, Binary):
        _collect(node.left, out)
        _collect(node.right, out)
    elif isinstance(node, Call):
        for arg in node.args:
            _collect(arg, out)


@lru_cache(maxsize=1024)
def _references_cached(source: str) -> frozenset[str]:
    found: set[str] = set()
    _collect(parse(source), found)
    return frozenset(found)


def references(source: str) -> frozenset[str]:
    """Return the field paths *source* uses, without checking it against any fields.

    For ordering formulas whose types are not known yet (a formula field that uses
    another). Paths are dotted as :attr:`Expression.references` lists them
    (``"company.industry"``); names used only as function names are not fields.

    Raises:
        FormulaError: if *source* does not parse.
    """
    if not isinstance(source, str):
        raise error_at(
            "", 0, f"a formula must be text, not {type(source).__name__}", code=_NOT_TEXT
        )
    return _references_cached(source)
