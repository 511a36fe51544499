"""``-`` on the command line: read the input from stdin, write the clean file to stdout.

The readers open a file more than once (the header, the phone regions, the rows), so stdin
is first copied to a temporary file, named for what its first bytes say it is (a workbook,
JSON lines, else CSV). The clean file is written to a temporary CSV and then copied to
stdout, without the byte order mark that CSV files get for spreadsheet programs.
"""

from __future__ import annotations

import codecs
import io
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Final

__all__ = ["STDIO", "spooled_input", "stdout_output"]

#: The name that means stdin as an input and stdout as an output.
STDIO: Final = "-"
_WORKBOOK: Final = b"PK\x03\x04"


def _binary_stdin() -> BinaryIO:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return buffer  # type: ignore[no-any-return]
    # a stdin replaced by a text stream (a test, an embedding program): its text as UTF-8
    return io.BytesIO(sys.stdin.read().encode("utf-8"))


def _suffix(head: bytes) -> str:
    if head.startswith(_WORKBOOK):
        return ".xlsx"
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text[:1] == b"{":
        return ".jsonl"
    if text[:11].upper() == b"BEGIN:VCARD":
        return ".vcf"
    return ".csv"


@contextmanager
def spooled_input(name: str, folder: Path) -> Iterator[str]:
    """*name*, or for ``-`` the path of a file in *folder* holding what stdin gave."""
    if name != STDIO:
        yield name
        return
    source = _binary_stdin()
    head = source.read(64 * 1024)
    path = folder / f"stdin{_suffix(head)}"
    with path.open("wb") as fh:
        fh.write(head)
        shutil.copyfileobj(source, fh)
    yield str(path)


@contextmanager
def stdout_output(name: str, folder: Path) -> Iterator[str]:
    """*name*, or for ``-`` a CSV in *folder* that is copied to stdout when the block ends.

    Nothing is copied when the block raises: a failed job writes no partial output.
    """
    if name != STDIO:
        yield name
        return
    path = folder / "stdout.csv"
    yield str(path)
    if not path.is_file():
        return
    data = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    buffer = getattr(sys.stdout, "buffer", None)
    sys.stdout.flush()
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:
        sys.stdout.write(data.decode("utf-8"))
