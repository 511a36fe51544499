"""The typed, immutable syntax tree a formula parses into.

Every node records ``pos``, the offset of its first character in the source, for error
messages; positions take no part in equality, so a re-parsed tree equals the original.
"""

from __future__ import annotations

from decimal import Decimal

from attrs import field, frozen

__all__ = ["BINARY_OPS", "Binary", "Call", "Field", "Literal", "Node", "Unary"]

BINARY_OPS = frozenset({"+", "-", "*", "/", "^", "&", "=", "<>", "<", "<=", ">", ">=", "AND", "OR"})


@frozen
class Literal:
    """A constant: a non-negative Decimal, a string, a bool, or None for ``NULL``."""

    value: Decimal | str | bool | None
    pos: int = field(default=0, eq=False, kw_only=True)


@frozen
class Field:
    """A field reference; ``path`` has one name per hop (``("company", "industry")``)."""

    path: tuple[str, ...]
    pos: int = field(default=0, eq=False, kw_only=True)

    @property
    def dotted(self) -> str:
        """The path joined with dots, as :attr:`Expression.references` lists it."""
        return ".".join(self.path)


@frozen
class Unary:
    """A prefix ``-`` or ``+`` applied to *operand*."""

    op: str
    operand: Node
    pos: int = field(default=0, eq=False, kw_only=True)


@frozen
class Binary:
    """An infix operator, in its canonical spelling (``=``, ``<>``, ``AND``, ``OR``...)."""

    op: str
    left: Node
    right: Node
    pos: int = field(default=0, eq=False, kw_only=True)


@frozen
class Call:
    """A function call; ``name`` is upper case (``NOT x`` and ``!x`` parse as ``NOT(x)``)."""

    name: str
    args: tuple[Node, ...]
    pos: int = field(default=0, eq=False, kw_only=True)


Node = Literal | Field | Unary | Binary | Call
