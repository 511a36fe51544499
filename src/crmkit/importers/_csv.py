"""Reading CSV: the encoding, the delimiter, and quotes that are never closed.

A quote opened at the start of a cell and never closed makes the CSV format read the rest
of the file, rows and all, as one cell. A quoted cell that runs over more lines than
``ReadLimits.max_quoted_lines``, or one of whose lines holds as many delimiters as a whole
row, is taken for such a quote: the line it opens on is rejected on its own and the lines
after it are read again as rows. Row numbers are the lines where rows start, so every line
of the file is accounted for under the number a text editor shows. (In a file of fewer than
three columns only the line limit applies: a delimiter or two in a note proves nothing.)

The header is the row the caller names, or the one :func:`find_header` finds among the
first rows (a title line and blank lines above it are left out, not rejected). Lines are
decoded one by one (:class:`LineReader`), so a line in another encoding rejects its own
row, with a note, and no other.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from crmkit.errors import ErrorCode, SourceError

from ._formulas import unescape_formula
from ._header import HEADER_SCAN, find_header
from ._limits import ReadLimits
from ._table import RowProblem, SourceRow, Table, clean_headers, shape
from ._textfile import LineReader, by_line, check_encoding, detect_encoding, open_text, read_sample

__all__ = ["csv_table"]

_DELIMITERS: Final = ",;\t|"
# the notes of lines decoded alone: the row is read as usual and carries the note
_LINE_CODES: Final = frozenset({ErrorCode.LINE_ENCODING, ErrorCode.LINE_UNREADABLE})

# (line where the record starts, its cells, its lines, why it cannot be read or None)
_Record = tuple[int, list[str], list[str], RowProblem | None]


class _Runaway(Exception):
    """A quoted cell that runs too far: raised into the CSV reader to stop it."""


def _sniff_delimiter(text: str, header_row: int | None) -> str:
    lines = [line for line in text.splitlines()[(header_row or 1) - 1 :][:50] if line.strip()]
    if not lines:
        return ","
    try:
        found = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    # the sniffer can pick a character that merely appears in the data; trust the first
    # line, or (a title above the header holds none) the line that holds the most
    first = lines[0]
    if not header_row and not any(d in first for d in _DELIMITERS):
        widest = max(lines, key=lambda line: max(map(line.count, _DELIMITERS)))
        most = max(_DELIMITERS, key=widest.count)
        # a one-column file may hold a tab or a comma in a cell or two: no title there
        if 2 * sum(most in line for line in lines) > len(lines):
            first = widest
    counts = {d: first.count(d) for d in _DELIMITERS}
    if found and counts.get(found, 0) > 0:
        return found
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _swallows(cells: list[str], sep: str, width: int) -> bool:
    """Whether a cell over several lines holds a line with a whole row's delimiters.

    Only for three columns or more: with fewer, one delimiter in a note is no sign.
    """
    if width < 3:
        return False
    enough = width - 1
    for cell in cells:
        if "\n" in cell or "\r" in cell:
            for line in cell.splitlines()[1:]:
                if line.count(sep) >= enough:
                    return True
    return False


def _records(
    lines: Iterator[str], sep: str, max_lines: int, decoder: LineReader | None = None
) -> Iterator[_Record]:
    """Each record of the CSV text *lines*, with the line it starts on (the first is 1).

    With the :class:`LineReader` of the lines as *decoder*, a record holding a line read
    in another encoding carries its note as its problem.
    """
    back: deque[str] = deque()
    pending: list[str] = []
    done = 0
    width = 0

    def feed() -> Iterator[str]:
        while back:
            pending.append(back.popleft())
            if len(pending) > max_lines:
                raise _Runaway
            yield pending[-1]
        for line in lines:
            pending.append(line)
            if len(pending) > max_lines:
                raise _Runaway
            yield line

    while True:
        reader = csv.reader(feed(), delimiter=sep)
        try:
            for cells in reader:
                if len(pending) > 1 and width and _swallows(cells, sep, width):
                    raise _Runaway
                width = width or len(cells)
                if decoder is not None and decoder.notes:
                    note = decoder.note_for(done + 1, len(pending))
                    if note is not None:
                        yield done + 1, cells, pending, RowProblem(*note)
                        done += len(pending)
                        pending.clear()
                        continue
                yield done + 1, cells, pending, None
                done += len(pending)
                pending.clear()
            return
        except (_Runaway, csv.Error) as exc:
            runs = len(pending)
            first = pending[0]
            back.extendleft(reversed(pending[1:]))
            pending.clear()
            if isinstance(exc, csv.Error):
                reason = f"line {done + 1} cannot be read as CSV: {exc}"
            else:
                reason = (
                    f"line {done + 1} opens a quoted cell that is not closed where it should"
                    f" be (it runs over {runs} lines or holds whole rows): check its quotes"
                )
            done += 1
            yield done, [first.rstrip("\r\n")], [first], RowProblem(reason, ErrorCode.RUNAWAY_QUOTE)


def csv_table(
    path: Path,
    encoding: str | None,
    delimiter: str | None,
    limits: ReadLimits,
    header_row: int | None = None,
) -> Table:
    """Open a CSV file as a :class:`Table` (see :func:`open_source`)."""
    name = str(path)
    sample = read_sample(path)
    if not sample.strip():
        raise SourceError(name, "the file is empty", code=ErrorCode.SOURCE_EMPTY)
    if encoding is None:
        try:
            encoding = detect_encoding(sample)
        except SourceError as exc:
            raise SourceError(name, exc.reason, code=ErrorCode.SOURCE_ENCODING) from exc
    else:
        # a line-by-line encoding meets a line it cannot read as that line's problem
        check_encoding(name, encoding, b"x,\n" if _lines_alone(encoding) else sample)
    try:
        text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)
    except LookupError as exc:
        raise SourceError(
            name, f"unknown encoding {encoding!r}", code=ErrorCode.SOURCE_ENCODING
        ) from exc
    sep = delimiter or _sniff_delimiter(text, header_row)
    if len(sep) != 1:
        raise SourceError(name, f"the delimiter must be one character, not {sep!r}")
    chosen = encoding
    max_lines = limits.max_quoted_lines

    def records() -> Iterator[_Record]:
        if _lines_alone(chosen):
            reader = LineReader(path, chosen)
            yield from _records(iter(reader), sep, max_lines, reader)
            return
        with open_text(path, chosen) as fh:
            line = 0
            try:
                for record in _records(iter(fh), sep, max_lines):
                    line = record[0]
                    yield record
            except UnicodeError as exc:
                raise SourceError(
                    name,
                    f"text is not {chosen} after line {line}: pass an encoding",
                    code=ErrorCode.SOURCE_ENCODING,
                ) from exc

    skip, header = _header(name, records(), header_row)
    headers = clean_headers(header[1])
    width = len(headers)

    def rows() -> Iterator[SourceRow]:
        found = records()
        for _ in itertools.islice(found, skip):
            pass
        for number, cells, lines, problem in found:
            if problem is not None and problem.code not in _LINE_CODES:
                # the line is the row's only cell past the headers, so rejects keep it whole
                yield SourceRow(number, (*([""] * width), *cells), problem)
                continue
            if "'" in (lines[0] if len(lines) == 1 else "".join(lines)):
                row = shape(number, [unescape_formula(cell) for cell in cells], width)
            else:
                row = shape(number, cells, width)
            yield row if problem is None else _noted(row, problem)

    return Table(name, "csv", headers, rows, encoding=encoding, delimiter=sep, header_row=header[0])


def _noted(row: SourceRow, problem: RowProblem) -> SourceRow:
    """*row*, its cells as read, with the note of a line read in another encoding."""
    reason = problem if row.problem is None else f"{problem}; {row.problem}"
    return SourceRow(row.number, row.cells, RowProblem(reason, problem.code))


def _lines_alone(encoding: str) -> bool:
    try:
        return by_line(encoding)
    except LookupError:
        return False  # an unknown name: the decoder says so, as for any other encoding


def _header(
    name: str, records: Iterator[_Record], header_row: int | None
) -> tuple[int, tuple[int, list[str]]]:
    """How many records come before the data, and the header's line and cells."""
    if header_row is None:
        head = list(itertools.islice(records, HEADER_SCAN))
        for _, cells, _, problem in head:
            if problem is not None:
                # a line that cannot be read before any header: no header can be trusted
                raise SourceError(
                    name, f"cannot read the header row: {problem}", code=ErrorCode.SOURCE_UNREADABLE
                )
            if any(cell.strip() for cell in cells):
                break
        index = find_header(name, [(n, cells if p is None else []) for n, cells, _, p in head])
        return index + 1, (head[index][0], head[index][1])
    for skipped, (number, cells, _, problem) in enumerate(records):
        if number >= header_row:
            if problem is not None:
                raise SourceError(
                    name, f"cannot read the header row: {problem}", code=ErrorCode.SOURCE_UNREADABLE
                )
            if not any(cell.strip() for cell in cells):
                raise SourceError(
                    name, f"line {number} holds no column names", code=ErrorCode.SOURCE_EMPTY
                )
            return skipped + 1, (number, list(cells))
    raise SourceError(
        name,
        f"the header row {header_row} is past the end of the file",
        code=ErrorCode.SOURCE_HEADER_ROW,
    )
