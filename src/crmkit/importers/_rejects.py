"""The rejects output: every original cell of each rejected row, plus row, column, reason, code.

Rejected rows are spooled to a scratch file while the input is read, because a ragged row
may hold more cells than the header and the widest such row decides the output's header
(``extra_1``, ``extra_2``...). The rejects file is written from the spool at the end.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Final

from ._rows import RowResult
from ._tabular import TableWriter

__all__ = ["RejectsSpool", "reject_headers"]

_TAIL: Final = ("row", "column", "reason", "code")


def reject_headers(headers: tuple[str, ...], extra: int) -> list[str]:
    """The rejects header: the input's, ``extra_1``... for surplus cells, then where and why.

    Why is the reason in words, then its codes (one per distinct cause, joined with
    ``"; "``) for a program to branch on.

    A name the input already uses gets a ``crmkit_`` prefix, so no column is shadowed.
    """
    taken = set(headers)
    surplus = []
    for index in range(1, extra + 1):
        name = f"extra_{index}"
        surplus.append(f"crmkit_{name}" if name in taken else name)
    tail = [f"crmkit_{name}" if name in taken else name for name in _TAIL]
    return [*headers, *surplus, *tail]


class RejectsSpool:
    """Rejected rows kept in a scratch CSV until the rejects file can be written."""

    def __init__(self, scratch: Path, headers: tuple[str, ...]) -> None:
        self._path = scratch / "rejects.csv"
        self._headers = headers
        self._fh: IO[str] | None = self._path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._fh)
        self._widest = len(headers)
        self.rows = 0

    def add(self, result: RowResult) -> None:
        """Keep one rejected row: its cells, its number, columns at fault, reasons and codes."""
        columns = "; ".join(dict.fromkeys(p.column for p in result.problems))
        codes = "; ".join(dict.fromkeys(p.code for p in result.problems))
        self._widest = max(self._widest, len(result.cells))
        self._csv.writerow([str(result.number), columns, result.summary, codes, *result.cells])
        self.rows += 1

    def write(
        self, path: str | Path, *, option: str = "rejects", escape_formulas: bool = True
    ) -> TableWriter:
        """Write the rejects file under a temporary name; the caller publishes or discards it.

        Cells that a spreadsheet program would run as formulas are escaped unless
        *escape_formulas* is False (see :class:`TableWriter`).

        Raises:
            ConfigError: for an extension other than .csv or .xlsx.
            SourceError: if the file cannot be written.
        """
        self._close()
        width = len(self._headers)
        extra = self._widest - width
        headers = reject_headers(self._headers, extra)
        writer = TableWriter(path, headers, option=option, escape_formulas=escape_formulas)
        try:
            with self._path.open(encoding="utf-8", newline="") as fh:
                for number, columns, reason, codes, *cells in csv.reader(fh):
                    padded = [*cells, *([""] * (self._widest - len(cells)))]
                    writer.write([*padded, number, columns, reason, codes])
            writer.finish()
        except BaseException:
            writer.discard()
            raise
        return writer

    def _close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def close(self) -> None:
        """Drop the spool."""
        self._close()
        self._path.unlink(missing_ok=True)
