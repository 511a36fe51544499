"""Finding the header row of a sheet or CSV file that does not start with it.

Reports exported from Excel or a CRM often open with a title line, a date and blank rows
before the column names. The header is the first of the first rows that looks like one:
at least two different text cells, at least half of them names the column mapping knows
(``E-mail``, ``Mobile``, ``نام``); failing that, the first such row of text cells (no
numbers or dates) that fills more than half the width of most rows below it; failing that,
the first row that is not blank. The rows above it are neither data nor rejects: they are
left out, and the :class:`Table` says which row held the header.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Final

from crmkit.errors import ErrorCode, SourceError

from ._mapping import map_columns

__all__ = ["HEADER_SCAN", "check_header_row", "find_header"]

#: How many rows are looked at for the header when it is not given.
HEADER_SCAN: Final = 30
_NUMBER: Final = re.compile(r"[\s\d.,:/+()%$€£-]*")


def check_header_row(name: str, header_row: int | None) -> None:
    """Refuse a header row that is not a whole number of at least 1.

    Raises:
        SourceError: with the code ``importers.header_row``.
    """
    given: object = header_row  # callers are not type-checked: check what really came
    if given is None:
        return
    if not isinstance(given, int) or isinstance(given, bool) or given < 1:
        raise SourceError(
            name,
            f"the header row must be a row number of at least 1, not {header_row!r}",
            code=ErrorCode.SOURCE_HEADER_ROW,
        )


def _filled(cells: Sequence[str]) -> list[str]:
    return [cell.strip() for cell in cells if cell.strip()]


def _width(cells: Sequence[str]) -> int:
    """Cells up to the last one that is not blank."""
    for index in range(len(cells) - 1, -1, -1):
        if cells[index].strip():
            return index + 1
    return 0


def _text_cells(cells: Sequence[str]) -> list[str] | None:
    """The filled cells of a row that could be column names, or None if it cannot be."""
    filled = _filled(cells)
    # exports repeat a header ("Phone", "Phone"); a title row is one cell, or one repeated
    if len(set(filled)) < 2:
        return None
    if any(_NUMBER.fullmatch(cell) for cell in filled):
        return None
    return filled


def _known(cells: Sequence[str]) -> bool:
    texts = _text_cells(cells)
    if texts is None:
        return False
    known = len(map_columns(texts).rules)
    return known >= 2 and 2 * known >= len(texts)


def _common_width(widths: Sequence[int]) -> int:
    """The width most rows have (the wider one on a tie), 0 for none."""
    counts = Counter(width for width in widths if width)
    return max(counts, key=lambda width: (counts[width], width)) if counts else 0


def find_header(name: str, rows: Sequence[tuple[int, Sequence[str]]]) -> int:
    """The index in *rows* (the first rows of a source, with their numbers) of the header.

    Raises:
        SourceError: if every row is blank (code ``importers.empty``).
    """
    for index, (_, cells) in enumerate(rows):
        if _known(cells):
            return index
    widths = [_width(cells) for _, cells in rows]
    for index, (_, cells) in enumerate(rows):
        texts = _text_cells(cells)
        if texts is not None and 2 * len(texts) > _common_width(widths[index + 1 :]):
            return index
    for index, width in enumerate(widths):
        if width:
            return index
    raise SourceError(name, "the first row holds no column names", code=ErrorCode.SOURCE_EMPTY)
