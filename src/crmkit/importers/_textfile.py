"""Opening a text file in the right encoding: byte order marks, UTF-8, then detection.

Spreadsheets pasted together from several machines hold lines in several encodings: a UTF-8
export with a few lines typed on a Windows machine in cp1252 or cp1256. Such a file is UTF-8
when more of its sample reads as UTF-8 than fails to, and its lines are then decoded one by
one (:class:`LineReader`): a line that is not in the file's encoding is read in the Windows
code page that charset-normalizer finds for it, and remembered, so its row can be reported
rather than bent into mojibake or stopping the whole job.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Final

from charset_normalizer import from_bytes

from crmkit.errors import ErrorCode, SourceError

__all__ = ["LineReader", "by_line", "check_encoding", "detect_encoding", "open_text", "read_sample"]

_SAMPLE_BYTES: Final = 256 * 1024
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WINDOWS: Final = ("cp1252", "cp1256", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1257")
# bytes the encoding could not read, kept by errors="surrogateescape"
_ESCAPED: Final = re.compile("[\udc80-\udcff]")
# decoded UTF-8 beyond ASCII (not a byte that failed)
_MULTIBYTE: Final = re.compile("[^\x00-\x7f\udc80-\udcff]")
# lines whose encoding is told one by one before the commonest one so far is tried first
_TOLD_ALONE: Final = 100


def _mostly_utf8(sample: bytes) -> bool:
    """Whether more of *sample* reads as UTF-8 beyond ASCII than fails to read."""
    text = sample.decode("utf-8", "surrogateescape")
    return len(_MULTIBYTE.findall(text)) >= len(_ESCAPED.findall(text)) > 0


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
            if _mostly_utf8(sample[: max(len(sample) - 3, 0)]):
                return "utf-8"
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


def open_text(path: Path, encoding: str, errors: str = "strict") -> IO[str]:
    """*path* opened for reading text in *encoding*, line endings kept.

    Raises:
        SourceError: for an unknown encoding or a file that cannot be opened.
    """
    try:
        return path.open("r", encoding=encoding, errors=errors, newline="")
    except LookupError as exc:
        raise SourceError(
            str(path), f"unknown encoding {encoding!r}", code=ErrorCode.SOURCE_ENCODING
        ) from exc
    except OSError as exc:  # pragma: no cover - checked by is_file() just before
        raise SourceError(
            str(path), exc.strerror or str(exc), code=ErrorCode.SOURCE_UNREADABLE
        ) from exc


def by_line(encoding: str) -> bool:
    """Whether text in *encoding* can be cut into lines as bytes and each decoded alone."""
    name = codecs.lookup(encoding).name
    return not name.startswith(("utf-16", "utf-32", "utf_16", "utf_32")) and name != "utf-7"


class LineReader:
    """The lines of a text file, each decoded alone, line endings kept.

    A line that is not in *encoding* is read in the Windows code page charset-normalizer
    finds for it, or with its unreadable bytes replaced when none fits, and the reason (with
    its code: ``importers.line_encoding`` for a line read in another code page,
    ``importers.line_unreadable`` for one none reads) is kept in :attr:`notes` under its
    line number (the first line is 1) until :meth:`note_for` takes it.
    """

    def __init__(self, path: Path, encoding: str) -> None:
        self.path = path
        self.encoding = encoding
        # what gives a line back its bytes: the BOM variant would put a BOM before each
        self._bytes_of = "utf-8" if codecs.lookup(encoding).name == "utf-8-sig" else encoding
        self.notes: dict[int, tuple[str, str]] = {}
        self._seen: dict[str, int] = {}

    def __iter__(self) -> Iterator[str]:
        encoding = self._bytes_of
        with open_text(self.path, self.encoding, errors="surrogateescape") as fh:
            for number, line in enumerate(fh, start=1):
                # isascii() is O(1) on str: most lines of most files cost nothing more
                if line.isascii() or _ESCAPED.search(line) is None:
                    yield line
                else:
                    yield self._fallback(number, line.encode(encoding, "surrogateescape"))

    def note_for(self, first: int, count: int) -> tuple[str, str] | None:
        """The notes of lines *first* to *first + count - 1*, in one text, and their code.

        The code is ``importers.line_unreadable`` when one of the lines could not be read
        at all, else ``importers.line_encoding``; None when no line has a note.
        """
        if not self.notes:
            return None
        found = [self.notes.pop(n) for n in range(first, first + count) if n in self.notes]
        if not found:
            return None
        codes = {code for _, code in found}
        code = ErrorCode.LINE_UNREADABLE if ErrorCode.LINE_UNREADABLE in codes else codes.pop()
        return "; ".join(text for text, _ in found), code

    def _fallback(self, number: int, raw: bytes) -> str:
        other = self._other_encoding(raw)
        if other is None:
            self.notes[number] = (
                f"line {number} is not {self.encoding} nor any encoding crmkit can tell:"
                " the bytes it cannot read are shown as \ufffd",
                ErrorCode.LINE_UNREADABLE,
            )
            return raw.decode(self.encoding, "replace")
        self._seen[other] = self._seen.get(other, 0) + 1
        self.notes[number] = (
            f"line {number} is not {self.encoding}: read as {other}, check its text",
            ErrorCode.LINE_ENCODING,
        )
        return raw.decode(other)

    def _other_encoding(self, raw: bytes) -> str | None:
        if sum(self._seen.values()) >= _TOLD_ALONE:
            # many such lines: they are most likely in the encoding most of them had
            commonest = max(self._seen, key=self._seen.__getitem__)
            if _reads(raw, commonest):
                return commonest
        results = from_bytes(raw, cp_isolation=list(_WINDOWS))
        best = results.best()
        if best is None:
            return None
        found = str(best.encoding)
        fitting = {str(name) for match in results for name in match.could_be_from_charset}
        # on one line several Latin code pages fit; cp1252 is the one spreadsheets write,
        # and it is right when it reads every character beyond ASCII as a letter
        if found != "cp1252" and "cp1252" in fitting and _reads(raw, "cp1252"):
            text = raw.decode("cp1252")
            if all(c.isalpha() and "\u00c0" <= c <= "\u00ff" for c in text if ord(c) > 127):
                return "cp1252"
        return found if _reads(raw, found) else None


def _reads(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
