"""Keeping spreadsheet programs from running cell text as a formula, and reading it back.

A CSV cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as
a formula by the spreadsheet program that opens the file (OWASP's "CSV injection"). crmkit
writes such a cell with a ``'`` in front, which those programs take as "this is text".
So that a value already written that way survives, a cell that begins with ``'`` and whose
first character other than ``'`` is one of the six gets one ``'`` more.

Reading undoes exactly that: a cell that begins with ``'`` and whose first character other
than ``'`` is one of the six loses its first ``'``. Every text read back from a file crmkit
wrote is the text it was given.
"""

from __future__ import annotations

from typing import Final

__all__ = ["TRIGGERS", "escape_formula", "unescape_formula"]

#: The characters that make a spreadsheet program read a cell as a formula.
TRIGGERS: Final = frozenset("=+-@\t\r")


def escape_formula(value: str) -> str:
    """*value* as a CSV cell no spreadsheet program runs as a formula."""
    first = value[:1]
    if (first in TRIGGERS and first) or (first == "'" and value.lstrip("'")[:1] in TRIGGERS):
        return "'" + value
    return value


def unescape_formula(cell: str) -> str:
    """The text :func:`escape_formula` was given for *cell* (other cells unchanged)."""
    if cell[:1] == "'":
        rest = cell.lstrip("'")[:1]
        if rest and rest in TRIGGERS:
            return cell[1:]
    return cell
