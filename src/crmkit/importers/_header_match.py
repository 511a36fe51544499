"""Which field one header names, how sure that is, and the closest field when none.

A header is read, in order, as: a known spelling as it is written (``synonym``); a known
spelling once letter variants and diacritics are folded (``folded``: ``ايميل`` for
``ایمیل``, ``Telefono`` for ``Teléfono``); the same with its number taken out (``Phone 2``,
``E-mail 2 Address``, ``Address line 1``) or as the numbered parts other CRMs export
(``E-mail 1 - Value``, ``Address 1 - City``, ``Organization 1 - Name``); or a close spelling
(``fuzzy``: ``Emial``, ``Compnay``, scored with rapidfuzz). A ``Phone 1 - Type`` column
names the kind of the number beside it (see :func:`phone_field_for`).
"""

from __future__ import annotations

import re
from typing import Final, Literal

from attrs import frozen
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from ._synonyms import SYNONYMS, header_key, plain_key

__all__ = ["Guess", "closest", "guess", "numbered_value", "phone_field_for", "type_of"]

How = Literal["override", "synonym", "folded", "fuzzy", "custom", "carried"]

_FUZZY_MIN_LENGTH: Final = 5
_CLOSEST_MIN: Final = 50.0
_EXACT: Final[dict[str, tuple[str, str]]] = {}
_FOLDED: Final[dict[str, tuple[str, str]]] = {}
for _field, _spellings in SYNONYMS.items():
    for _spelling in _spellings:
        _EXACT.setdefault(plain_key(_spelling), (_field, _spelling))
        _FOLDED.setdefault(header_key(_spelling), (_field, _spelling))
_CHOICES: Final = sorted(_FOLDED)
# "E-mail 1 - Value", "Phone 2 - Type", "Address 1 - Postal Code" (Google Contacts)
_NUMBERED_PART: Final = re.compile(r"^(?P<thing>.*?)\s*(?P<number>\d+)\s*-\s*(?P<part>.+)$")
# a number standing alone: "Phone 2", "E-mail 2 Address", "Address line 1"
_NUMBER: Final = re.compile(r"(?<!\w)\d+(?!\w)")
_TRAILING: Final = re.compile(r"^(.*?\D)\d+$")
_VALUE_PARTS: Final = frozenset({"value", "address", "number", "name"})
_TYPE_PARTS: Final = frozenset({"type", "label"})
_MOBILE_WORDS: Final = frozenset(
    header_key(word)
    for word in (*SYNONYMS["mobile"], "mobil", "móvil", "iphone", "cellulaire", "sms")
)
_HOME_WORDS: Final = frozenset(
    header_key(word) for word in ("home", "privat", "private", "personal", "domicile", "casa")
)


@frozen
class Guess:
    """What a header was read as.

    Attributes:
        field: the field it names.
        how: ``synonym``, ``folded`` or ``fuzzy`` (see the module).
        score: how sure, 0-100.
        spelling: the known spelling it matched.
    """

    field: str
    how: How
    score: float
    spelling: str


def _known(text: str) -> Guess | None:
    return _known_keys(plain_key(text), header_key(text))


def _known_keys(plain: str, folded: str) -> Guess | None:
    found = _EXACT.get(plain)
    if found is not None:
        return Guess(found[0], "synonym", 100.0, found[1])
    found = _FOLDED.get(folded)
    if found is not None:
        return Guess(found[0], "folded", 100.0, found[1])
    return None


def _without_trailing_number(text: str) -> Guess | None:
    # "email_2", "Phone2": the number is glued to the word
    plain, folded = _TRAILING.match(plain_key(text)), _TRAILING.match(header_key(text))
    if plain is None or folded is None:
        return None
    return _known_keys(plain[1], folded[1])


def _numbered(header: str, kinds: frozenset[str]) -> tuple[str, str] | None:
    parts = _NUMBERED_PART.match(" ".join(header.split()))
    if parts is None or plain_key(parts["part"]) not in kinds:
        return None
    return header_key(parts["thing"]), parts["number"]


def type_of(header: str) -> tuple[str, str] | None:
    """For a ``Phone 1 - Type`` (or ``- Label``) header, the thing and number it types.

    Returns:
        The thing's key (``phone``) and number (``1``), or None for any other header.
    """
    return _numbered(header, _TYPE_PARTS)


def numbered_value(header: str) -> tuple[str, str] | None:
    """For a ``Phone 1 - Value`` header, the thing's key and number, as :func:`type_of`."""
    return _numbered(header, _VALUE_PARTS)


def guess(header: str) -> Guess | None:
    """The field *header* names, or None when it names none."""
    if not header_key(header):
        return None
    found = _known(header)
    if found is not None:
        return found
    text = " ".join(header.split())
    parts = _NUMBERED_PART.match(text)
    if parts is not None:
        part = plain_key(parts["part"])
        if part in _TYPE_PARTS:
            return None  # the kind of the value beside it, not a value
        thing = parts["thing"]
        found = _known(thing) if part in _VALUE_PARTS else None
        found = found or _known(f"{thing} {parts['part']}")
        if found is not None:
            return found
    unnumbered = " ".join(_NUMBER.sub(" ", text).split())
    if unnumbered and unnumbered != text:
        found = _known(unnumbered)
        if found is not None:
            return found
    found = _without_trailing_number(text)
    if found is not None:
        return found
    key = header_key(unnumbered or text)
    trailing = _TRAILING.match(key)
    return _fuzzy(trailing[1] if trailing else key)


def _fuzzy(key: str) -> Guess | None:
    if len(key) < _FUZZY_MIN_LENGTH:
        return None
    # one slip (a typo, a swapped pair of letters) per six letters, at least one
    allowed = max(1, len(key) // 6)
    found = process.extractOne(
        key, _CHOICES, scorer=DamerauLevenshtein.distance, score_cutoff=allowed
    )
    if found is None:
        return None
    score = 100.0 * (1 - found[1] / max(len(key), len(found[0])))
    field, spelling = _FOLDED[found[0]]
    return Guess(field, "fuzzy", round(score, 1), spelling)


def closest(header: str) -> Guess | None:
    """The known spelling nearest to *header* (how = ``fuzzy``), however far, if any is near."""
    key = header_key(header)
    if not key:
        return None
    found = process.extractOne(key, _CHOICES, scorer=fuzz.ratio, score_cutoff=_CLOSEST_MIN)
    if found is None:
        return None
    field, spelling = _FOLDED[found[0]]
    return Guess(field, "fuzzy", round(found[1], 1), spelling)


def phone_field_for(kind: str, default: str) -> str:
    """The phone field a number of this kind goes to (``Mobile`` → ``mobile``).

    *kind* is a type cell as Google Contacts writes it (``Mobile``, ``* Work``, ``Home``);
    a kind that is neither mobile nor home keeps *default*.
    """
    key = header_key(kind)
    if not key:
        return default
    if "fax" in key:
        return default
    if key in _MOBILE_WORDS:
        return "mobile"
    if key in _HOME_WORDS or key.startswith("home"):
        return "home_phone"
    return default
