"""Address parts as compared and blocked on: street lines, postcodes, cities and regions.

Every part is read from a record's first address that has it. The parts of a list of
records are read in one pass over their addresses, and not at all when no record has one
(a contact list of e-mails and phones pays nothing for the address rules).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import compress
from operator import attrgetter
from typing import Any, Final

from crmkit.contacts import name_match_key

__all__ = [
    "ADDRESS_PARTS",
    "address_columns",
    "address_reader",
    "postal_key",
    "street_key",
    "typed_address_keys",
]

#: The fields read from a record's addresses.
ADDRESS_PARTS: Final = ("street", "postal_code", "city", "region", "country")

Key = Callable[[str], str | None]


def postal_key(text: str) -> str:
    """A postal code as compared: spaces left out, upper case (``sw1a 1aa`` = ``SW1A1AA``)."""
    return "".join(text.split()).upper()


# the long and the short forms of street types: either one compares as the short one
_STREET_WORDS: Final = {
    "street": "st", "str": "st", "road": "rd", "avenue": "ave", "av": "ave", "lane": "ln",
    "drive": "dr", "crescent": "cres", "place": "pl", "parade": "pde", "court": "ct",
    "terrace": "tce", "boulevard": "blvd", "highway": "hwy", "square": "sq", "close": "cl",
    "strasse": "str", "straße": "str", "north": "n", "south": "s", "east": "e", "west": "w",
}  # fmt: skip


def street_key(text: str) -> str:
    """A street line as compared: case, accents and punctuation out, street types short.

    ``12 Smith Street`` and ``12, SMITH ST.`` give the same key (``12 smith st``).
    """
    words = name_match_key(text.replace(",", " ").replace(".", " ")).split()
    return " ".join(_STREET_WORDS.get(w, w) for w in words)


def _part_of(part: str, key: Key) -> Callable[[Sequence[Any]], object]:
    """Read *part* (its key) from the first of a record's addresses that has it."""
    if part == "street":

        def street(addresses: Sequence[Any]) -> object:
            for address in addresses:
                for line in address.lines:
                    if line:
                        return key(line)
            return None

        return street

    def read(addresses: Sequence[Any]) -> object:
        for address in addresses:
            value = getattr(address, part)
            if value:
                return key(value)
        return None

    return read


def address_reader(part: str, key: Key) -> Callable[[Any], object]:
    """Return a function reading *part*'s key from one record."""
    read = _part_of(part, key)
    return lambda record: read(record.addresses)


def address_columns(records: Sequence[Any], keys: Mapping[str, Key]) -> dict[str, list[Any]]:
    """Per part in *keys*, the column of its keys, reading each record's addresses once."""
    homes = list(map(attrgetter("addresses"), records))
    rows = list(compress(range(len(homes)), homes))
    out: dict[str, list[Any]] = {}
    for part, key in keys.items():
        column: list[Any] = [None] * len(homes)
        read = _part_of(part, key)
        for row in rows:
            column[row] = read(homes[row])
        out[part] = column
    return out


def _text_or_none(key: Callable[[str], str]) -> Callable[[object], str | None]:
    def run(value: object) -> str | None:
        return (key(value) or None) if isinstance(value, str) and value else None

    return run


def typed_address_keys() -> dict[str, Callable[[object], str | None]]:
    """The key of each address part given as text, column by column (see ``Columns``)."""
    return {
        "street": _text_or_none(street_key),
        "postal_code": _text_or_none(postal_key),
        "region": _text_or_none(name_match_key),
    }
