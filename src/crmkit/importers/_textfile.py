"""Opening a text file in the right encoding: byte order marks, UTF-8, then detection."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import IO, Final

from charset_normalizer import from_bytes

from crmkit.errors import ErrorCode, SourceError

__all__ = ["check_encoding", "detect_encoding", "open_text", "read_sample"]

_SAMPLE_BYTES: Final = 256 * 1024
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WINDOWS: Final = ("cp1252", "cp1256", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1257")


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


def check_encoding(name: str, encoding: str, sample: bytes) -> None:
    """Refuse an encoding that is unknown, not a text encoding, or does not fit *sample*.

    Raises:
        SourceError: with the code ``importers.encoding``.
    """
    try:
        # a codec such as hex or rot13 is not a text encoding: decoding says so
        b"".decode(encoding)
        decoder = codecs.getincrementaldecoder(encoding)()
        # the sample may end inside a character; only what comes before it must fit
        decoder.decode(sample[: max(len(sample) - 4, 0)] if len(sample) > 4 else sample)
    except LookupError as exc:
        raise SourceError(
            name, f"unknown encoding {encoding!r}", code=ErrorCode.SOURCE_ENCODING
        ) from exc
    except (UnicodeError, TypeError, ValueError) as exc:
        raise SourceError(
            name,
            f"the text is not {encoding} ({exc}): pass another encoding",
            code=ErrorCode.SOURCE_ENCODING,
        ) from exc


def read_sample(path: Path) -> bytes:
    """The first bytes of *path*, enough to tell its encoding and delimiter.

    Raises:
        SourceError: if the file cannot be read.
    """
    try:
        with path.open("rb") as fh:
            return fh.read(_SAMPLE_BYTES)
    except OSError as exc:
        raise SourceError(
            str(path), exc.strerror or str(exc), code=ErrorCode.SOURCE_UNREADABLE
        ) from exc


def open_text(path: Path, encoding: str) -> IO[str]:
    """*path* opened for reading text in *encoding*, line endings kept.

    Raises:
        SourceError: for an unknown encoding or a file that cannot be opened.
    """
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
