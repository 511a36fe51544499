"""Checking a workbook against :class:`ReadLimits` before a spreadsheet library opens it.

The libraries that read XLSX trust what a workbook says: a sheet that declares the whole
grid (``A1:XFD1048576``) makes them allocate for 17 billion cells and abort the process, and
a part that inflates to gigabytes is held in memory whole. So the zip's central directory is
checked first (entries, unpacked sizes, compression ratios), then every XML part is unpacked
here in small chunks, counting the bytes it really holds whatever its header claims, and each
sheet's ``<dimension>`` and the span of its cells are checked against the cell limit.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Final

from crmkit.errors import ErrorCode, SourceError

from ._limits import ReadLimits

__all__ = ["check_workbook"]

_CHUNK: Final = 1 << 16
_RATIO_FROM: Final = 1 << 20
_LOCAL_HEADER: Final = struct.Struct("<4s22xHH")
_DIMENSION: Final = re.compile(
    rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\""
)
_CELL: Final = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,7})(\d{1,10})\"")
_DATA: Final = re.compile(rb"<(?:\w+:)?sheetData\b")
_CARRY: Final = 1 << 16


def _too_large(name: str, reason: str) -> SourceError:
    return SourceError(name, reason, code=ErrorCode.SOURCE_TOO_LARGE)


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_workbook(path: Path, limits: ReadLimits) -> None:
    """Refuse a workbook that claims, or unpacks to, more than *limits* allow.

    A file that is not a zip (an ``.xls``) is left to the spreadsheet library.

    Raises:
        SourceError: ``importers.too_large`` past a limit, ``importers.unreadable`` for a
            zip that is broken.
    """
    name = str(path)
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as book, path.open("rb") as raw:
            entries = book.infolist()
            _check_directory(name, entries, limits)
            unpacked = 0
            for entry in entries:
                if not entry.filename.endswith((".xml", ".rels")):
                    continue
                sheet = entry.filename.startswith("xl/worksheets/")
                scan = _SheetScan(name, entry.filename, limits) if sheet else None
                for chunk in _unpacked(name, raw, entry):
                    unpacked += len(chunk)
                    if unpacked > limits.max_unpacked_bytes:
                        raise _too_large(
                            name,
                            f"its parts unpack to more than {limits.max_unpacked_bytes:,} bytes"
                            f" (ReadLimits.max_unpacked_bytes), at {entry.filename}",
                        )
                    if scan is not None:
                        scan.feed(chunk)
    except (zipfile.BadZipFile, zlib.error, struct.error, OSError) as exc:
        raise SourceError(
            name, f"not a readable workbook ({exc})", code=ErrorCode.SOURCE_UNREADABLE
        ) from exc


def _check_directory(name: str, entries: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    if len(entries) > limits.max_entries:
        raise _too_large(
            name,
            f"it holds {len(entries):,} files (ReadLimits.max_entries is {limits.max_entries:,})",
        )
    total = sum(e.file_size for e in entries)
    if total > limits.max_unpacked_bytes:
        raise _too_large(
            name,
            f"it says it unpacks to {total:,} bytes"
            f" (ReadLimits.max_unpacked_bytes is {limits.max_unpacked_bytes:,})",
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > _RATIO_FROM and ratio > limits.max_ratio:
            raise _too_large(
                name,
                f"{entry.filename} unpacks to {ratio:,.0f} times its size"
                f" (ReadLimits.max_ratio is {limits.max_ratio:,.0f})",
            )


def _unpacked(name: str, raw: IO[bytes], entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The bytes of *entry*, unpacked in small chunks from its data, not from its header."""
    raw.seek(entry.header_offset)
    magic, name_len, extra_len = _LOCAL_HEADER.unpack(raw.read(_LOCAL_HEADER.size))
    if magic != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {entry.filename}")
    raw.seek(entry.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
    left = entry.compress_size
    if entry.compress_type == zipfile.ZIP_STORED:
        while left > 0 and (piece := raw.read(min(_CHUNK, left))):
            left -= len(piece)
            yield piece
        return
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        raise SourceError(
            name,
            f"{entry.filename} is packed with method {entry.compress_type}, which is not read",
            code=ErrorCode.SOURCE_UNREADABLE,
        )
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    while left > 0 and not inflate.eof and (piece := raw.read(min(_CHUNK, left))):
        left -= len(piece)
        data = inflate.decompress(piece, _CHUNK)
        while True:
            if data:
                yield data
            if not inflate.unconsumed_tail or inflate.eof:
                break
            data = inflate.decompress(inflate.unconsumed_tail, _CHUNK)


class _SheetScan:
    """The declared dimension and the span of the cells of one sheet, checked as it unpacks."""

    def __init__(self, name: str, part: str, limits: ReadLimits) -> None:
        self._name = name
        self._part = part
        self._limit = limits.max_cells
        self._carry = b""
        self._head = True
        self._rows = (0, 0)
        self._columns = (0, 0)

    def feed(self, chunk: bytes) -> None:
        """Scan the next unpacked bytes of the sheet."""
        text = self._carry + chunk
        # a tag is never cut in two: what follows the last ">" waits for the next chunk
        end = text.rfind(b">") + 1
        self._carry = text[end:][-_CARRY:]
        text = text[:end]
        if self._head:
            found = _DIMENSION.search(text)
            if found is not None:
                self._dimension(found)
            if found is not None or _DATA.search(text):
                self._head = False
        low_row, high_row = self._rows
        low_col, high_col = self._columns
        for letters, digits in _CELL.findall(text):
            row, column = int(digits), _column(letters)
            if not low_row:
                low_row, high_row, low_col, high_col = row, row, column, column
                continue
            low_row, high_row = min(low_row, row), max(high_row, row)
            low_col, high_col = min(low_col, column), max(high_col, column)
        if low_row:
            self._rows, self._columns = (low_row, high_row), (low_col, high_col)
            self._check((high_row - low_row + 1) * (high_col - low_col + 1), "its cells span")

    def _dimension(self, found: re.Match[bytes]) -> None:
        first_col, first_row, last_col, last_row = found.groups()
        if last_col is None or last_row is None:
            return
        rows = abs(int(last_row) - int(first_row)) + 1
        columns = abs(_column(last_col) - _column(first_col)) + 1
        self._check(rows * columns, "it declares")

    def _check(self, cells: int, what: str) -> None:
        if cells > self._limit:
            raise _too_large(
                self._name,
                f"sheet {self._part}: {what} {cells:,} cells"
                f" (ReadLimits.max_cells is {self._limit:,})",
            )
