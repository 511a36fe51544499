"""Reading rows from CSV, XLSX, JSON lines and iterables of dicts, one row at a time.

A :class:`Table` knows its headers and can be read more than once (files are reopened), which
the two-pass cleaner needs. Cells are always text: spreadsheets' numbers, dates and booleans
are turned into the text a person would have typed, so every later step sees one kind of value.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from attrs import frozen
from charset_normalizer import from_bytes

from crmkit._optional import require
from crmkit.errors import ErrorCode, SourceError

__all__ = ["SourceRow", "Table", "open_source"]

_SAMPLE_BYTES = 256 * 1024
_DELIMITERS = ",;\t|"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WINDOWS = ("cp1252", "cp1256", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1257")
_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".ods": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


@frozen
class SourceRow:
    """One data row of a source, as text.

    Attributes:
        number: 1-based row number, the header row excluded (the first data row is 1).
        cells: the row's cells, one per header (short rows are padded with empty text),
            then any cells past the last header (a ragged row keeps them all; for a line
            of a JSON-lines file that is not an object, the line itself).
        problem: why the row cannot be read as it is (more cells than headers, a line
            that is not JSON), else None.
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
    """

    name: str
    format: str
    headers: tuple[str, ...]
    _reader: Callable[[], Iterator[SourceRow]]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None

    def rows(self) -> Iterator[SourceRow]:
        """Yield the data rows in order, reading the source from the start.

        Raises:
            SourceError: if the source stops being readable part way (a byte that is not
                in the detected encoding). A JSON line that is not an object is a row
                with a problem, not an error.
        """
        return self._reader()


def open_source(
    source: str | Path | Iterable[Mapping[str, object]],
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
) -> Table:
    """Open a CSV, XLSX or JSON-lines file, or wrap an iterable of dicts, as a :class:`Table`.

    Args:
        source: a path, or any iterable of mappings (the first mapping's keys are the headers).
        format: ``csv``, ``xlsx`` or ``jsonl``; by default chosen from the file extension.
        encoding: the text encoding of a CSV or JSON-lines file; detected when None (byte
            order marks first, then UTF-8, then charset detection).
        delimiter: the CSV delimiter; sniffed among comma, semicolon, tab and pipe when None.
        sheet: the XLSX sheet name or 0-based index; the first sheet when None.

    Raises:
        SourceError: if the file is missing, empty, of an unknown format or not decodable.
    """
    if not isinstance(source, str | Path):
        if isinstance(source, bytes | Mapping) or not isinstance(source, Iterable):
            raise SourceError(repr(source)[:60], "expected a path or an iterable of dicts")
        return _records_table(source)
    path = Path(source)
    if not path.is_file():
        reason = "is a folder, not a file" if path.is_dir() else "no such file"
        raise SourceError(str(path), reason, code=ErrorCode.SOURCE_MISSING)
    kind = format or _FORMATS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(
            str(path),
            f"unknown file type {path.suffix!r} (expected .csv, .xlsx or .jsonl)",
            code=ErrorCode.SOURCE_FORMAT,
        )
    if kind == "csv":
        return _csv_table(path, encoding, delimiter)
    if kind == "xlsx":
        return _xlsx_table(path, sheet)
    if kind == "jsonl":
        return _jsonl_table(path, encoding)
    raise SourceError(
        str(path),
        f"unknown format {kind!r} (expected csv, xlsx or jsonl)",
        code=ErrorCode.SOURCE_FORMAT,
    )


# --- CSV -----------------------------------------------------------------------------------


def detect_encoding(sample: bytes) -> str:
    """Return the encoding of *sample*: from a byte order mark, UTF-8, else by detection."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a sample cut inside a multi-byte character is still UTF-8
        if exc.start < len(sample) - 3:
            found = [str(m.encoding) for m in from_bytes(sample)]
            if not found:
                raise SourceError(
                    "input", "cannot tell the text encoding", code=ErrorCode.SOURCE_ENCODING
                ) from exc
            # on a short sample several code pages fit equally well: prefer the ones
            # spreadsheet programs actually write
            common = [e for e in _WINDOWS if e in found]
            return common[0] if common else found[0]
    return "utf-8"


def _sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        found = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    # the sniffer can pick a character that merely appears in the data; trust the header row
    counts = {d: lines[0].count(d) for d in _DELIMITERS}
    if found and counts.get(found, 0) > 0:
        return found
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_sample(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(_SAMPLE_BYTES)
    except OSError as exc:
        raise SourceError(
            str(path), exc.strerror or str(exc), code=ErrorCode.SOURCE_UNREADABLE
        ) from exc


def _open_text(path: Path, encoding: str) -> IO[str]:
    try:
        return path.open("r", encoding=encoding, newline="")
    except LookupError as exc:
        raise SourceError(
            str(path), f"unknown encoding {encoding!r}", code=ErrorCode.SOURCE_ENCODING
        ) from exc
    except OSError as exc:  # pragma: no cover - checked by is_file() just before
        raise SourceError(
            str(path), exc.strerror or str(exc), code=ErrorCode.SOURCE_UNREADABLE
        ) from exc


def _csv_table(path: Path, encoding: str | None, delimiter: str | None) -> Table:
    sample = _read_sample(path)
    if not sample.strip():
        raise SourceError(str(path), "the file is empty", code=ErrorCode.SOURCE_EMPTY)
    if encoding is None:
        try:
            encoding = detect_encoding(sample)
        except SourceError as exc:
            raise SourceError(str(path), exc.reason, code=ErrorCode.SOURCE_ENCODING) from exc
    try:
        text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample)
    except LookupError as exc:
        raise SourceError(
            str(path), f"unknown encoding {encoding!r}", code=ErrorCode.SOURCE_ENCODING
        ) from exc
    sep = delimiter or _sniff_delimiter(text)
    if len(sep) != 1:
        raise SourceError(str(path), f"the delimiter must be one character, not {sep!r}")
    headers = _csv_headers(path, encoding, sep)
    name = str(path)
    chosen = encoding

    def rows() -> Iterator[SourceRow]:
        with _open_text(path, chosen) as fh:
            reader = csv.reader(fh, delimiter=sep)
            try:
                next(reader, None)
                yield from _shaped(reader, len(headers))
            except UnicodeDecodeError as exc:
                raise SourceError(
                    name,
                    f"text is not {chosen} near row {reader.line_num}: pass an encoding",
                    code=ErrorCode.SOURCE_ENCODING,
                ) from exc
            except csv.Error as exc:
                raise SourceError(
                    name, f"{exc} near line {reader.line_num}", code=ErrorCode.SOURCE_UNREADABLE
                ) from exc

    return Table(name, "csv", headers, rows, encoding=encoding, delimiter=sep)


def _csv_headers(path: Path, encoding: str, sep: str) -> tuple[str, ...]:
    with _open_text(path, encoding) as fh:
        try:
            first = next(csv.reader(fh, delimiter=sep), None)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SourceError(
                str(path), f"cannot read the header row: {exc}", code=ErrorCode.SOURCE_UNREADABLE
            ) from exc
    if not first or not any(cell.strip() for cell in first):
        raise SourceError(
            str(path), "the first row holds no column names", code=ErrorCode.SOURCE_EMPTY
        )
    return _clean_headers(first)


def _clean_headers(cells: Iterable[object]) -> tuple[str, ...]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells, start=1):
        name = " ".join(_text(cell).replace("\ufeff", "").split()) or f"column {index}"
        # two columns with one name would overwrite each other in every mapping
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return tuple(out)


def _shaped(reader: Iterable[list[str]], width: int) -> Iterator[SourceRow]:
    for number, cells in enumerate(reader, start=1):
        yield _shape(number, cells, width)


def _shape(number: int, cells: list[str], width: int) -> SourceRow:
    if len(cells) == width:
        return SourceRow(number, tuple(cells))
    if len(cells) < width:
        return SourceRow(number, (*cells, *([""] * (width - len(cells)))))
    extra = cells[width:]
    if not any(cell.strip() for cell in extra):
        return SourceRow(number, tuple(cells[:width]))
    return SourceRow(number, tuple(cells), f"row has {len(cells)} cells but the header has {width}")


# --- XLSX ----------------------------------------------------------------------------------


def _xlsx_table(path: Path, sheet: str | int | None) -> Table:
    name = str(path)
    # python-calamine comes with the xlsx extra; asked for here, before any row is read
    calamine = require("python_calamine", extra="xlsx")

    def load() -> Any:
        try:
            book = calamine.CalamineWorkbook.from_path(name)
        except Exception as exc:  # calamine raises its own untyped errors for bad files
            raise SourceError(
                name, f"not a readable spreadsheet ({exc})", code=ErrorCode.SOURCE_UNREADABLE
            ) from exc
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

    first_sheet, sheet_name = load()
    header_cells = next(iter(first_sheet.iter_rows()), None)
    if not header_cells or not any(_cell_text(c).strip() for c in header_cells):
        raise SourceError(
            name,
            f"sheet {sheet_name!r} has no column names in its first row",
            code=ErrorCode.SOURCE_EMPTY,
        )
    headers = _clean_headers(_cell_text(c) for c in header_cells)

    def rows() -> Iterator[SourceRow]:
        data, _ = load()
        iterator = iter(data.iter_rows())
        next(iterator, None)
        for number, cells in enumerate(iterator, start=1):
            yield _shape(number, [_cell_text(c) for c in cells], len(headers))

    return Table(name, "xlsx", headers, rows, sheet=sheet_name)


def _cell_text(value: object) -> str:
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


def _text(value: object) -> str:
    return value if isinstance(value, str) else _cell_text(value)


# --- JSON lines and records ---------------------------------------------------------------


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _cell_text(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, list):
        return "; ".join(_json_cell(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def _record_row(number: int, record: Mapping[str, object], keys: tuple[str, ...]) -> SourceRow:
    cells = tuple(_json_cell(record.get(k)) for k in keys)
    extra = [k for k in record if k not in keys and record[k] not in (None, "")]
    if not extra:
        return SourceRow(number, cells)
    # the values of unexpected keys are kept after the known ones, in the problem's order
    problem = f"unexpected key(s) {', '.join(map(str, extra))}"
    return SourceRow(number, (*cells, *(_json_cell(record[k]) for k in extra)), problem)


def _unreadable_line(number: int, line: str, reason: str, width: int) -> SourceRow:
    # the whole line is the row's only cell past the headers, so rejects keep it as it was
    return SourceRow(number, (*([""] * width), line.rstrip("\r\n")), reason)


def _jsonl_table(path: Path, encoding: str | None) -> Table:
    sample = _read_sample(path)
    if not sample.strip():
        raise SourceError(str(path), "the file is empty", code=ErrorCode.SOURCE_EMPTY)
    chosen = encoding or detect_encoding(sample)
    name = str(path)

    def objects() -> Iterator[tuple[int, str, Mapping[str, object] | str]]:
        """Each non-blank line: its row number, its text, and its object or what is wrong."""
        with _open_text(path, chosen) as fh:
            number = 0
            try:
                for line_no, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    number += 1
                    try:
                        value = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield number, line, f"line {line_no} is not JSON: {exc.msg}"
                        continue
                    if not isinstance(value, dict):
                        yield number, line, f"line {line_no} is not a JSON object"
                        continue
                    yield number, line, value
            except UnicodeDecodeError as exc:
                raise SourceError(
                    name,
                    f"text is not {chosen} after row {number}: pass an encoding",
                    code=ErrorCode.SOURCE_ENCODING,
                ) from exc

    first = next((value for _, _, value in objects() if not isinstance(value, str)), None)
    if first is None:
        raise SourceError(name, "the file holds no JSON objects", code=ErrorCode.SOURCE_EMPTY)
    keys = tuple(first.keys())
    headers = _clean_headers(keys)

    def rows() -> Iterator[SourceRow]:
        for number, line, value in objects():
            if isinstance(value, str):
                yield _unreadable_line(number, line, value, len(keys))
            else:
                yield _record_row(number, value, keys)

    return Table(name, "jsonl", headers, rows, encoding=chosen)


def _records_table(records: Iterable[Mapping[str, object]]) -> Table:
    iterator = iter(records)
    one_shot = iterator is records
    first = next(iterator, None)
    if first is None:
        raise SourceError("<records>", "no records given", code=ErrorCode.SOURCE_EMPTY)
    if not isinstance(first, Mapping):
        raise SourceError("<records>", f"expected dicts, got {type(first).__name__}")
    keys = tuple(first.keys())
    headers = _clean_headers(str(k) for k in keys)
    used = [False]

    def rows() -> Iterator[SourceRow]:
        numbered: Iterable[tuple[int, object]]
        if not used[0]:
            used[0] = True
            numbered = itertools.chain([(1, first)], enumerate(iterator, start=2))
        elif one_shot:
            raise SourceError("<records>", "an iterator can be read only once: pass a list")
        else:
            numbered = enumerate(records, start=1)
        for number, record in numbered:
            if not isinstance(record, Mapping):
                raise SourceError("<records>", f"item {number} is not a dict")
            yield _record_row(number, record, keys)

    return Table("<records>", "records", headers, rows)
