"""Writing rows to CSV, XLSX or vCard, chosen by the file extension, one row at a time.

A file is written under a temporary name next to its target and renamed into place only
when it is complete, so a job that stops part way never leaves a half-written output.
No cell is written as a formula: text goes to XLSX as text cells, and CSV cells that a
spreadsheet program would run are escaped (see ``_formulas``) unless asked otherwise.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

from crmkit._optional import require
from crmkit.errors import ConfigError, ErrorCode, SourceError

from ._formulas import TRIGGERS, escape_formula
from ._vcard_write import VcardWriter

__all__ = ["TableWriter", "check_outputs", "check_target", "write_error"]

_XLSX: Final = (".xlsx", ".xlsm")
_VCARD: Final = ".vcf"
_WRITABLE: Final = (".csv", ".tsv", ".txt", *_XLSX, _VCARD)
# the first characters of a cell that may need escaping
_FIRST: Final = frozenset({*TRIGGERS, "'"})


def write_error(path: str | Path, reason: str) -> SourceError:
    """A :class:`SourceError` for a file that cannot be written, saying so."""
    error = SourceError(str(path), reason, code=ErrorCode.SOURCE_WRITE)
    # the error's own message speaks of reading; this one is about writing
    error.args = (f"cannot write {path}: {reason}",)
    return error


def check_target(path: str | Path, option: str = "path") -> Path:
    """Check that *path* has an extension crmkit can write, before any work starts.

    Raises:
        ConfigError: naming *option*, for an extension other than .csv, .xlsx or .vcf.
        MissingDependency: for .xlsx without openpyxl installed (the ``xlsx`` extra), or
            .vcf without vobject (the ``vcard`` extra).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in _WRITABLE:
        what = f"unknown format {suffix!r}" if suffix else "no file extension"
        raise ConfigError(option, f"cannot write {path}: {what} (use .csv, .xlsx or .vcf)")
    if suffix in _XLSX:
        # openpyxl comes with the xlsx extra: a missing one is reported before any work
        require("openpyxl", extra="xlsx")
    if suffix == _VCARD:
        require("vobject", extra="vcard")
    return target


def check_outputs(source: str | Path | None, outputs: dict[str, str | Path | None]) -> None:
    """Refuse outputs that would overwrite the input or each other.

    Args:
        source: the input file, or None.
        outputs: option name -> output path (None for an output not asked for).

    Raises:
        ConfigError: naming the option, if an output is the input or another output.
    """
    seen: dict[Path, str] = {}
    if source is not None:
        seen[Path(source).resolve()] = "input"
    for option, path in outputs.items():
        if path is None:
            continue
        check_target(path, option)
        resolved = Path(path).resolve()
        if resolved in seen:
            other = seen[resolved]
            what = "the input" if other == "input" else f"the {other} output"
            raise ConfigError(option, f"{path} would overwrite {what}")
        seen[resolved] = option


class TableWriter:
    """A CSV, XLSX or vCard file written row by row; its folder is created when missing.

    CSV is UTF-8 with a byte order mark, so spreadsheet programs show every script. Rows go
    to a temporary file beside the target; :meth:`close` renames it into place, and leaving
    a ``with`` block through an exception (or :meth:`discard`) removes it instead.

    A CSV cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
    a ``'`` in front, so that no spreadsheet program runs it as a formula; crmkit's readers
    take the ``'`` off again. ``escape_formulas=False`` writes every cell as it is, for a
    program that reads the file. XLSX text is always written as text cells, unchanged.

    Raises:
        ConfigError: naming *option*, if the extension is not .csv, .xlsx or .vcf.
        MissingDependency: for .xlsx without openpyxl installed (the ``xlsx`` extra).
        SourceError: if the file cannot be created.
    """

    def __init__(
        self,
        path: str | Path,
        headers: Sequence[str],
        *,
        option: str = "path",
        escape_formulas: bool = True,
    ) -> None:
        self.path = check_target(path, option)
        self._option = option
        self._escape = escape_formulas
        self.rows = 0
        suffix = self.path.suffix.lower()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_error(path, f"cannot create its folder: {exc.strerror}") from exc
        try:
            handle, name = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent
            )
        except OSError as exc:
            raise write_error(path, exc.strerror or str(exc)) from exc
        self._temp = Path(name)
        # a temporary file is private to its owner; the output gets an ordinary file's mode
        os.chmod(name, self.path.stat().st_mode & 0o777 if self.path.exists() else 0o644)
        self._fh: IO[str] | None = None
        self._book: Any = None
        self._cards: VcardWriter | None = None
        if suffix == _VCARD:
            self._fh = open(handle, "w", encoding="utf-8", newline="")  # noqa: SIM115 - a descriptor, closed in close()
            self._cards = VcardWriter(self._fh, headers)
        elif suffix in _XLSX:
            os.close(handle)
            self._book = require("openpyxl", extra="xlsx").Workbook(write_only=True)
            self._sheet = self._book.create_sheet("contacts")
            self._cell = require("openpyxl.cell", extra="xlsx").WriteOnlyCell
            self._sheet.append([self._xlsx_value(v) for v in headers])
        else:
            self._fh = open(handle, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - a descriptor, closed in close()
            self._csv = csv.writer(self._fh, delimiter="\t" if suffix == ".tsv" else ",")
            self._csv.writerow(self._csv_row(headers))
        self._done = False

    def write(self, row: Sequence[object]) -> None:
        """Append one row."""
        self.rows += 1
        if self._cards is not None:
            self._cards.write(row)
        elif self._fh is not None:
            self._csv.writerow(self._csv_row(row))
        else:
            self._sheet.append([self._xlsx_value(v) for v in row])

    def write_card(self, values: dict[str, str]) -> None:
        """Append one card given as column → value, columns of its own (a ``.vcf`` only).

        Raises:
            ConfigError: naming the option, for a file that is not ``.vcf``.
        """
        if self._cards is None:
            raise ConfigError(self._option, f"{self.path} is no vCard file")
        self.rows += 1
        self._cards.write_values(values)

    def _csv_row(self, row: Sequence[object]) -> Sequence[object]:
        if not self._escape:
            return row
        # most rows have no cell to escape: look before building a new row
        for value in row:
            if isinstance(value, str) and value[:1] in _FIRST:
                return [escape_formula(v) if isinstance(v, str) else v for v in row]
        return row

    def _xlsx_value(self, value: object) -> object:
        if isinstance(value, str) and value[:1] == "=":
            # openpyxl writes text that begins with "=" as a formula: make it a text cell
            cell = self._cell(self._sheet, value=value)
            cell.data_type = "s"
            return cell
        return value

    def finish(self) -> None:
        """Complete the temporary file without putting it in place yet (see :meth:`publish`)."""
        if self._done:
            return
        self._done = True
        try:
            if self._fh is not None:
                self._fh.close()
            elif self._book is not None:
                self._book.save(self._temp)
        except OSError as exc:
            self.discard()
            raise write_error(self.path, exc.strerror or str(exc)) from exc
        finally:
            self._fh = None
            self._book = None

    def publish(self) -> None:
        """Rename the finished file into place (:meth:`finish` first if needed)."""
        self.finish()
        try:
            self._temp.replace(self.path)
        except OSError as exc:
            self.discard()
            raise write_error(self.path, exc.strerror or str(exc)) from exc

    def close(self) -> None:
        """Finish the file and put it in place."""
        self.publish()

    def discard(self) -> None:
        """Drop what was written: the target is left as it was."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self._book = None
        self._done = True
        self._temp.unlink(missing_ok=True)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.discard()
