"""What every reader gives back: a :class:`Table` of :class:`SourceRow` values, cells as text.

A :class:`Table` knows its headers and can be read more than once (files are reopened), which
the two-pass cleaner needs. Cells are always text: spreadsheets' numbers, dates and booleans
are turned into the text a person would have typed, so every later step sees one kind of value.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta

from attrs import frozen

from crmkit.errors import ErrorCode

__all__ = ["RowProblem", "SourceRow", "Table", "cell_text", "clean_headers", "shape"]


class RowProblem(str):
    """Why a row cannot be read as it is, in words, carrying the stable code of the cause.

    A ``str``, so it travels wherever a row's problem text does (to a worker process and
    back), and the code goes with it.
    """

    code: str

    def __new__(cls, reason: str, code: str = ErrorCode.MALFORMED_ROW) -> RowProblem:
        made = super().__new__(cls, reason)
        made.code = code
        return made

    def __reduce__(self) -> tuple[type[RowProblem], tuple[str, str]]:
        return (RowProblem, (str(self), self.code))


@frozen
class SourceRow:
    """One data row of a source, as text.

    Attributes:
        number: where the row is, as a person finds it: the line of a CSV or JSON-lines
            file where it starts (with the header on line 1, a CSV's first data row is 2),
            the row of a sheet (the first is row 1, whichever holds the header), or the
            1-based position of a record in a list of dicts.
        cells: the row's cells, one per header (short rows are padded with empty text),
            then any cells past the last header (a ragged row keeps them all; for a line
            that cannot be read as a row, the line itself).
        problem: why the row cannot be read as it is (more cells than headers, a line
            that is not JSON, a quote that is never closed), else None; a
            :class:`RowProblem` carries its code.
    """

    number: int
    cells: tuple[str, ...]
    problem: str | None = None


@frozen
class Table:
    """An opened source: its headers and a way to read its rows (again and again for files).

    Attributes:
        name: the file path, or ``"<records>"`` for an iterable of dicts.
        format: ``csv``, ``xlsx``, ``jsonl`` or ``records``.
        headers: the column names, in order.
        encoding: the text encoding used (CSV and JSON lines), else None.
        delimiter: the CSV delimiter, else None.
        sheet: the sheet read (XLSX), else None.
        header_row: the line (CSV) or sheet row (XLSX) that holds the headers: 1 unless
            a title or blank rows stand above them (they are not data rows).
    """

    name: str
    format: str
    headers: tuple[str, ...]
    _reader: Callable[[], Iterator[SourceRow]]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int = 1

    def rows(self) -> Iterator[SourceRow]:
        """Yield the data rows in order, reading the source from the start.

        Raises:
            SourceError: if the source stops being readable part way (a byte that is not
                in the encoding, a sheet past a read limit). A line that cannot be read as
                a row is a row with a problem, not an error.
        """
        return self._reader()


def clean_headers(cells: Iterable[object]) -> tuple[str, ...]:
    """Column names from a header row: spaces folded, blanks named, repeats numbered."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells, start=1):
        text = cell if isinstance(cell, str) else cell_text(cell)
        name = " ".join(text.replace("\ufeff", "").split()) or f"column {index}"
        # two columns with one name would overwrite each other in every mapping
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return tuple(out)


def shape(number: int, cells: list[str], width: int) -> SourceRow:
    """A row of *width* cells: a short one padded, a long one kept whole and flagged."""
    if len(cells) == width:
        return SourceRow(number, tuple(cells))
    if len(cells) < width:
        return SourceRow(number, (*cells, *([""] * (width - len(cells)))))
    extra = cells[width:]
    if not any(cell.strip() for cell in extra):
        return SourceRow(number, tuple(cells[:width]))
    return SourceRow(number, tuple(cells), f"row has {len(cells)} cells but the header has {width}")


def cell_text(value: object) -> str:
    """The text a person would have typed for a spreadsheet cell's value."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e17:
            # whole numbers (phone numbers, ids, years) lose nothing as integers
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)
