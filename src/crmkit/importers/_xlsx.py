"""Reading a sheet of an XLSX (or XLS, ODS) workbook, within :class:`ReadLimits`.

The header is the row the caller names, or the one :func:`find_header` finds among the
first rows: a report's title and the blank rows under it are left out, not rejected, and
data rows keep their sheet row numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crmkit._optional import require
from crmkit.errors import ErrorCode, SourceError

from ._header import HEADER_SCAN, find_header
from ._limits import ReadLimits
from ._table import SourceRow, Table, cell_text, clean_headers, shape
from ._workbook_guard import check_workbook

__all__ = ["xlsx_table"]


def _sheet(book: Any, name: str, sheet: str | int | None) -> tuple[Any, str]:
    names = list(book.sheet_names)
    if not names:
        raise SourceError(name, "the workbook has no sheets", code=ErrorCode.SOURCE_EMPTY)
    if sheet is None:
        return book.get_sheet_by_index(0), names[0]
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise SourceError(
                name,
                f"no sheet number {sheet} (it has {len(names)})",
                code=ErrorCode.SOURCE_NO_SHEET,
            )
        return book.get_sheet_by_index(sheet), names[sheet]
    if sheet not in names:
        raise SourceError(
            name,
            f"no sheet {sheet!r} (sheets: {', '.join(names)})",
            code=ErrorCode.SOURCE_NO_SHEET,
        )
    return book.get_sheet_by_name(sheet), sheet


def xlsx_table(
    path: Path, sheet: str | int | None, limits: ReadLimits, header_row: int | None = None
) -> Table:
    """Open a workbook's sheet as a :class:`Table` (see :func:`open_source`)."""
    name = str(path)
    # python-calamine comes with the xlsx extra; asked for here, before any row is read
    calamine = require("python_calamine", extra="xlsx")
    # before the library sees the file: it trusts the sizes the file declares
    check_workbook(path, limits)

    def load() -> tuple[Any, str]:
        try:
            book = calamine.CalamineWorkbook.from_path(name)
            return _sheet(book, name, sheet)
        except SourceError:
            raise
        except Exception as exc:  # calamine raises its own untyped errors for bad files
            raise SourceError(
                name, f"not a readable spreadsheet ({exc})", code=ErrorCode.SOURCE_UNREADABLE
            ) from exc

    first_sheet, sheet_name = load()
    # calamine gives rows from the sheet's first row, blank ones above the data included
    scan = header_row if header_row is not None else HEADER_SCAN
    head = [
        (number, [cell_text(c) for c in cells])
        for number, cells in enumerate(itertools.islice(first_sheet.iter_rows(), scan), start=1)
    ]
    del first_sheet
    if header_row is not None:
        if len(head) < header_row:
            raise SourceError(
                name,
                f"the header row {header_row} is past the end of sheet {sheet_name!r}",
                code=ErrorCode.SOURCE_HEADER_ROW,
            )
        found = header_row - 1
    elif not any(cell.strip() for _, cells in head for cell in cells):
        found = 0
    else:
        found = find_header(name, head)
    if not head or not any(cell.strip() for cell in head[found][1]):
        where = "its first row" if header_row is None else f"row {header_row}"
        raise SourceError(
            name,
            f"sheet {sheet_name!r} has no column names in {where}",
            code=ErrorCode.SOURCE_EMPTY,
        )
    headers = clean_headers(head[found][1])
    skip = found + 1

    def rows() -> Iterator[SourceRow]:
        data, _ = load()
        iterator = iter(data.iter_rows())
        for _ in itertools.islice(iterator, skip):
            pass
        cells_read = 0
        for number, cells in enumerate(iterator, start=skip + 1):
            cells_read += len(cells)
            if cells_read > limits.max_cells:
                raise SourceError(
                    name,
                    f"sheet {sheet_name!r} holds more than {limits.max_cells:,} cells"
                    " (ReadLimits.max_cells)",
                    code=ErrorCode.SOURCE_TOO_LARGE,
                )
            yield shape(number, [cell_text(c) for c in cells], len(headers))

    return Table(name, "xlsx", headers, rows, sheet=sheet_name, header_row=skip)
