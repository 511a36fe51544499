"""Writing rows to CSV or XLSX, chosen by the file extension, one row at a time."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from crmkit.errors import SourceError

__all__ = ["TableWriter"]

_XLSX = (".xlsx", ".xlsm")


class TableWriter:
    """A CSV or XLSX file written row by row; its folder is created when missing.

    CSV is UTF-8 with a byte order mark, so spreadsheet programs show every script.

    Raises:
        SourceError: if the file cannot be created or the extension is not .csv or .xlsx.
    """

    def __init__(self, path: str | Path, headers: Sequence[str]) -> None:
        self.path = Path(path)
        self.rows = 0
        suffix = self.path.suffix.lower()
        if suffix not in (".csv", ".tsv", ".txt", *_XLSX):
            raise SourceError(
                str(path),
                f"cannot write {suffix or 'files without an extension'} (use .csv or .xlsx)",
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SourceError(str(path), f"cannot create its folder: {exc.strerror}") from exc
        self._fh: IO[str] | None = None
        self._book: Any = None
        if suffix in _XLSX:
            from openpyxl import Workbook  # noqa: PLC0415 - slow to load, needed for .xlsx only

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet("contacts")
            self._sheet.append(list(headers))
        else:
            try:
                self._fh = self.path.open("w", encoding="utf-8-sig", newline="")
            except OSError as exc:
                raise SourceError(str(path), exc.strerror or str(exc)) from exc
            self._csv = csv.writer(self._fh, delimiter="\t" if suffix == ".tsv" else ",")
            self._csv.writerow(headers)

    def write(self, row: Sequence[object]) -> None:
        """Append one row."""
        self.rows += 1
        if self._fh is not None:
            self._csv.writerow(row)
        else:
            self._sheet.append([_xlsx_value(v) for v in row])

    def close(self) -> None:
        """Finish the file."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        elif self._book is not None:
            try:
                self._book.save(self.path)
            except OSError as exc:
                raise SourceError(str(self.path), exc.strerror or str(exc)) from exc
            self._book = None

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _xlsx_value(value: object) -> object:
    # text starting with "=" would become a formula in the reader's spreadsheet program
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value
