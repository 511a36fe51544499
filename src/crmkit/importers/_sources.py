"""Opening a source: a CSV, XLSX, JSON-lines or vCard file, or an iterable of dicts, as a Table.

Each format has a module of its own (``_csv``, ``_xlsx``, ``_jsonl``, ``_vcard``); all give back a
:class:`Table` of :class:`SourceRow` values, read within :class:`ReadLimits`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

from crmkit.errors import ConfigError, ErrorCode, SourceError

from ._csv import csv_table
from ._header import check_header_row
from ._jsonl import jsonl_table, records_table
from ._limits import ReadLimits
from ._table import SourceRow, Table
from ._vcard import vcard_table
from ._xlsx import xlsx_table

__all__ = ["ReadLimits", "SourceRow", "Table", "open_source"]

_FORMATS: Final = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".ods": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".vcf": "vcard",
    ".vcard": "vcard",
}


def open_source(
    source: str | Path | Iterable[Mapping[str, object]],
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int | None = None,
    limits: ReadLimits | None = None,
    header_row: int | None = None,
) -> Table:
    """Open a CSV, XLSX or JSON-lines file, or wrap an iterable of dicts, as a :class:`Table`.

    Args:
        source: a path, or any iterable of mappings (the first mapping's keys are the headers).
        format: ``csv``, ``xlsx``, ``jsonl`` or ``vcard``; by default chosen from the file
            extension (``.vcf`` is vCard, read with the ``vcard`` extra).
        encoding: the text encoding of a CSV or JSON-lines file; detected when None (byte
            order marks first, then UTF-8, then charset detection).
        delimiter: the CSV delimiter; sniffed among comma, semicolon, tab and pipe when None.
        sheet: the XLSX sheet name or 0-based index; the first sheet when None.
        limits: how much a file may hold (cells of a sheet, bytes a workbook unpacks to,
            lines of a quoted CSV cell); :class:`ReadLimits` defaults when None.
        header_row: the line of a CSV file, or the row of a sheet, that holds the column
            names (1 for the first); when None, the first of the first 30 rows that looks
            like a header (see ``docs/importing.md``). The rows above it are not data and
            never rejected; ``Table.header_row`` says which row was taken.

    Raises:
        SourceError: if the file is missing, empty, of an unknown format, not decodable in
            its encoding (``importers.encoding``), or past a read limit
            (``importers.too_large``), or if *header_row* is not a row number of at least 1
            or lies past the end (``importers.header_row``).
        ConfigError: if *limits* is not a :class:`ReadLimits`.
    """
    if limits is None:
        limits = ReadLimits()
    elif not isinstance(limits, ReadLimits):
        raise ConfigError("limits", f"expected a ReadLimits, not {type(limits).__name__}")
    if not isinstance(source, str | Path):
        if isinstance(source, bytes | Mapping) or not isinstance(source, Iterable):
            raise SourceError(repr(source)[:60], "expected a path or an iterable of dicts")
        return records_table(source)
    path = Path(source)
    check_header_row(str(path), header_row)
    if not path.is_file():
        reason = "is a folder, not a file" if path.is_dir() else "no such file"
        raise SourceError(str(path), reason, code=ErrorCode.SOURCE_MISSING)
    kind = format or _FORMATS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(
            str(path),
            f"unknown file type {path.suffix!r} (expected .csv, .xlsx, .jsonl or .vcf)",
            code=ErrorCode.SOURCE_FORMAT,
        )
    if kind == "csv":
        return csv_table(path, encoding, delimiter, limits, header_row)
    if kind == "xlsx":
        return xlsx_table(path, sheet, limits, header_row)
    if kind == "jsonl":
        return jsonl_table(path, encoding)
    if kind == "vcard":
        return vcard_table(path, encoding)
    raise SourceError(
        str(path),
        f"unknown format {kind!r} (expected csv, xlsx, jsonl or vcard)",
        code=ErrorCode.SOURCE_FORMAT,
    )
