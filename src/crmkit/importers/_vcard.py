"""Reading a vCard file (``.vcf``: versions 2.1, 3.0 and 4.0) as a :class:`Table`.

Each card is one row; its columns are named for the fields they feed (``name``,
``first_name``, ``email``, ``email_2``, ``mobile``, ``phone``, ``home_phone``, ``company``,
``address``, ``city``...), so the column mapping reads them without configuration. A card
is parsed with vobject (the ``vcard`` extra): folded lines, escapes, ``QUOTED-PRINTABLE``
and ``CHARSET`` of 2.1 cards, and TYPE parameters written either way (``TEL;CELL`` and
``TEL;TYPE=CELL``). A telephone is a mobile, a home phone or a phone by its TYPE. Every other
property becomes a column of its own, named for the property (``NICKNAME``, ``X-SKYPE``),
which a clean carries unchanged; a ``X-CRMKIT-COLUMN`` property (what crmkit writes for a
column of no vCard property) is read back under the column name it carries. Only binary
properties (``PHOTO``, ``LOGO``, ``SOUND``, ``KEY``) and the card's own bookkeeping
(``VERSION``, ``PRODID``) are not read. A card that cannot be parsed is a row with a
problem (``importers.invalid_vcard``), its lines kept; the other cards are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from crmkit._optional import require
from crmkit.errors import ErrorCode, SourceError

from ._table import RowProblem, SourceRow, Table
from ._textfile import check_encoding, detect_encoding, open_text, read_sample

__all__ = ["COLUMN_PROPERTY", "NAME_PARAM", "vcard_table"]

#: The property crmkit writes for a column that no vCard property holds.
COLUMN_PROPERTY: Final = "X-CRMKIT-COLUMN"
#: Its parameter naming the column.
NAME_PARAM: Final = "X-NAME"
_SKIPPED: Final = frozenset({"VERSION", "PRODID", "PHOTO", "LOGO", "SOUND", "KEY"})
_LISTED: Final = ("email", "mobile", "phone", "home_phone")
_FIRST: Final = ("name", "prefix", "first_name", "middle_name", "last_name", "suffix")
_AFTER: Final = (
    "company", "job_title", "address", "city", "state", "postal_code", "country", "website",
    "birth_date", "tags", "notes",
)  # fmt: skip
_JOIN: Final = "; "
_PLAIN: Final = {"TITLE": "job_title", "URL": "website", "BDAY": "birth_date", "NOTE": "notes",
                 "CATEGORIES": "tags"}  # fmt: skip


def _types(prop: Any) -> set[str]:
    kinds = {str(t).upper() for t in prop.params.get("TYPE", ())}
    kinds.update(str(t).upper() for t in getattr(prop, "singletonparams", ()))
    return {part for kind in kinds for part in kind.split(",")}


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return _JOIN.join(str(v) for v in value if str(v).strip())
    return str(value).strip()


def _tel_field(prop: Any) -> str:
    kinds = _types(prop)
    if "CELL" in kinds:
        return "mobile"
    if "HOME" in kinds and "WORK" not in kinds:
        return "home_phone"
    return "phone"


def _card_values(card: Any) -> dict[str, list[str]]:
    """The card's values by column, several values of one column in order."""
    out: dict[str, list[str]] = {}

    def put(column: str, value: str) -> None:
        if value:
            out.setdefault(column, []).append(value)

    for prop in card.getChildren():
        name = prop.name.upper()
        value = prop.value
        if name in _SKIPPED:
            continue
        if name == "FN":
            put("name", _text(value))
        elif name == "N":
            for column, part in zip(
                _FIRST[1:],
                (value.prefix, value.given, value.additional, value.family, value.suffix),
                strict=True,
            ):
                put(column, _text(part))
        elif name == "EMAIL":
            put("email", _text(value).removeprefix("mailto:"))
        elif name == "TEL":
            put(_tel_field(prop), _text(value).removeprefix("tel:"))
        elif name == "ORG":
            put("company", _text(value))
        elif name in _PLAIN:
            put(_PLAIN[name], _text(value))
        elif name == "ADR":
            _address(value, put, first="address" not in out and "city" not in out)
        elif name == COLUMN_PROPERTY:
            put(str(prop.params.get(NAME_PARAM, [name])[0]), _text(value))
        else:
            put(name, _text(value))
    names = out.get("name", [])
    others = {v for column in _LISTED for v in out.get(column, ())}
    if names and set(names) <= others and not any(p in out for p in _FIRST[1:]):
        # an FN that only repeats the card's address or number (what a writer puts in the
        # name it must give a card without one) is no name
        del out["name"]
    return out


def _address(value: Any, put: Any, *, first: bool) -> None:
    street = _text([p for p in (value.box, value.extended, value.street) if p])
    parts = (street, _text(value.city), _text(value.region), _text(value.code))
    country = _text(value.country)
    if first:
        for column, part in zip(("address", "city", "state", "postal_code"), parts, strict=True):
            put(column, part)
        put("country", country)
    else:
        # a second address is kept whole, in a column of its own
        put("ADR", ", ".join(p for p in (*parts, country) if p))


def _cards(path: Path, encoding: str, name: str) -> Iterator[tuple[int, str]]:
    """Each card's first line number and its text (lines between BEGIN and END:VCARD)."""
    with open_text(path, encoding) as fh:
        lines: list[str] = []
        start = 0
        line_no = 0
        try:
            for line_no, line in enumerate(fh, start=1):
                upper = line.strip().upper()
                if upper == "BEGIN:VCARD":
                    if lines:
                        yield start, "".join(lines)  # a card with no END: read what it has
                    lines, start = [line], line_no
                elif lines:
                    lines.append(line)
                    if upper == "END:VCARD":
                        yield start, "".join(lines)
                        lines = []
        except UnicodeError as exc:
            raise SourceError(
                name,
                f"text is not {encoding} after line {line_no}: pass an encoding",
                code=ErrorCode.SOURCE_ENCODING,
            ) from exc
        if lines:
            yield start, "".join(lines)


def _parse(text: str) -> dict[str, list[str]] | RowProblem:
    vobject = require("vobject", extra="vcard")
    if not text.rstrip().upper().endswith("END:VCARD"):
        text = text.rstrip("\r\n") + "\r\nEND:VCARD\r\n"
    try:
        card = vobject.readOne(text, allowQP=True)
        return _card_values(card)
    except Exception as exc:  # vobject raises many kinds: each is one unreadable card
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return RowProblem(f"not a readable vCard: {first}", ErrorCode.INVALID_VCARD)


def vcard_table(path: Path, encoding: str | None) -> Table:
    """Open a vCard file as a :class:`Table`, one row per card (see the module).

    Raises:
        SourceError: if the file holds no card (``importers.invalid_vcard``), is empty, or
            is not text in its encoding.
        MissingDependency: without vobject (the ``vcard`` extra).
    """
    require("vobject", extra="vcard")
    sample = read_sample(path)
    name = str(path)
    if not sample.strip():
        raise SourceError(name, "the file is empty", code=ErrorCode.SOURCE_EMPTY)
    if encoding is not None:
        check_encoding(name, encoding, sample)
    chosen = encoding or detect_encoding(sample)
    counts: dict[str, int] = {}
    cards = 0
    for _, text in _cards(path, chosen, name):
        cards += 1
        parsed = _parse(text)
        if isinstance(parsed, RowProblem):
            continue
        for column, values in parsed.items():
            counts[column] = max(counts.get(column, 0), len(values))
    if not cards:
        reason = "no vCard in the file (no BEGIN:VCARD line)"
        raise SourceError(name, reason, code=ErrorCode.INVALID_VCARD)
    columns = _columns(counts)
    headers = tuple(header for header, _, _ in columns)

    def rows() -> Iterator[SourceRow]:
        for number, text in _cards(path, chosen, name):
            parsed = _parse(text)
            if isinstance(parsed, RowProblem):
                # the card's lines are the row's only cell past the headers, for the rejects
                yield SourceRow(number, (*([""] * len(headers)), text.rstrip("\r\n")), parsed)
                continue
            yield SourceRow(number, _cells(parsed, columns))

    return Table(name, "vcard", headers, rows, encoding=chosen)


def _columns(counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(header, column, index) for every column: listed ones numbered, others joined (-1)."""
    out: list[tuple[str, str, int]] = []
    known = (*_FIRST, *_LISTED, *_AFTER)
    for column in known:
        if column not in counts and column not in ("name", "email"):
            continue
        if column in _LISTED:
            out.append((column, column, 0))
            out.extend((f"{column}_{n + 1}", column, n) for n in range(1, counts.get(column, 1)))
        else:
            out.append((column, column, -1))
    out.extend((column, column, -1) for column in counts if column not in known)
    return out


def _cells(values: dict[str, list[str]], columns: list[tuple[str, str, int]]) -> tuple[str, ...]:
    cells = []
    for _, column, index in columns:
        found = values.get(column, [])
        if index < 0:
            cells.append(_JOIN.join(found))
        else:
            cells.append(found[index] if index < len(found) else "")
    return tuple(cells)
