"""People's names: split into parts, case repaired, and folded into a key for matching."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from attrs import frozen

from crmkit.errors import InvalidName

__all__ = ["PersonName", "name_match_key", "parse_name"]


def _fold_table() -> dict[int, str | None]:
    # Combining marks go: Latin accents once NFKD has split them off, Arabic harakat,
    # and the hamza and madda that NFKD splits off أ إ آ ؤ ئ ۀ.
    table: dict[int, str | None] = {
        c: None for c in range(0x10000) if unicodedata.category(chr(c)) in ("Mn", "Me")
    }
    # ZWNJ, ZWJ, tatweel, direction marks, zero-width space, BOM, word joiner: they change
    # how a name looks, never which name it is.
    for point in (0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x0640, 0x061C, 0x2060, 0xFEFF):
        table[point] = None
    for point in range(0x202A, 0x202F):
        table[point] = None
    # Apostrophes join rather than separate: O'Neil and ONeil are one name.
    for char in "'\u2019\u02bc`\u00b4":
        table[ord(char)] = None
    # Arabic and Persian (and Urdu) spellings of one letter meet on the Persian form.
    for variants, target in (
        ("\u064a\u0649", "\u06cc"),  # ي ى → ی
        ("\u0643", "\u06a9"),  # ك → ک
        ("\u0629\u06c3\u06d5\u06c1", "\u0647"),  # ة ۃ ە ہ → ه
        ("\u0671", "\u0627"),  # ٱ → ا (أ إ آ lose their marks above)
    ):
        for char in variants:
            table[ord(char)] = target
    for zero in (0x0660, 0x06F0):  # Arabic-Indic and Persian digits
        for i in range(10):
            table[zero + i] = str(i)
    return table


_FOLD: Final = str.maketrans(_fold_table())
_NOT_WORD: Final = re.compile(r"[\W_]+")
_ARABIC_SCRIPT: Final = re.compile(
    r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"
)


def _fold(text: str) -> str:
    """Case-fold, strip marks and invisible characters, and unify letter variants."""
    # NFKD on both sides of casefold: casefold can produce composed letters and NFKD can
    # produce capitals (ℌ → H).
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return folded.translate(_FOLD)


def name_match_key(text: str) -> str:
    """The key under which two spellings of a name are the same name.

    Case-folded; accents, Arabic harakat, ZWNJ, ZWJ and tatweel removed; Arabic and Persian
    letter variants unified (ي ى ئ → ی, ك → ک, ة → ه, أ إ آ ٱ → ا, ؤ → و); apostrophes
    dropped; other punctuation read as a space; spaces collapsed. ``"José O'Neil"`` and
    ``"jose oneil"`` share a key, as do ``"علي"`` and ``"علی"``.

    Args:
        text: any text.

    Returns:
        The key; empty when *text* has no letters or digits.
    """
    if not isinstance(text, str):
        raise InvalidName(text, "expected text")
    return " ".join(_NOT_WORD.sub(" ", _fold(text)).split())


def _keys(*words: str) -> frozenset[str]:
    return frozenset(_fold(w) for w in words)


_PREFIXES: Final = _keys(
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "hon",
    "آقای", "خانم", "دکتر", "مهندس", "جناب",
)  # fmt: skip
_SUFFIX_FORMS: Final = {
    _fold(form): form
    for form in ("Jr", "Sr", "Jnr", "Snr", "II", "III", "IV", "PhD", "MD", "Esq", "MBA", "CPA")
}
# Words that belong to the family name that follows them (van Gogh, de la Cruz, عبد الله).
_PARTICLES: Final = _keys(
    "van", "von", "de", "del", "della", "der", "den", "da", "di", "du", "dos", "das",
    "la", "le", "ten", "ter", "bin", "ibn", "bint", "al", "el",
    "عبد", "ابو", "بن", "ابن", "آل",
)  # fmt: skip
# Names that begin with Mac but are not Mac + a capitalized name.
_NOT_MAC: Final = frozenset(
    ("machado", "machin", "macias", "mackie", "mackey", "macklin", "macey", "maciel", "macedo")
)


@frozen
class PersonName:
    """A person's name split into its parts.

    Attributes:
        original: the text as given.
        prefix: titles before the name (``Dr.``, ``Mrs``, ``آقای``), or empty.
        first: the given name; for names in Arabic script every given name
            (``محمد رضا``), as they are not told apart into first and middle.
        middle: further given names and initials (``A.``), or empty.
        last: the family name with its particles (``van Gogh``, ``عبد الله``), or empty.
        suffix: generational and degree suffixes (``Jr.``, ``III``, ``PhD``), or empty.
        match_key: :func:`name_match_key` of the first and last names; titles, suffixes and
            middle names are left out because sources disagree on them most.
    """

    original: str
    prefix: str
    first: str
    middle: str
    last: str
    suffix: str
    match_key: str

    @property
    def full(self) -> str:
        """The name to display: prefix, first, middle, last and suffix.

        When that order would be read back differently (a family name of several words
        with no particles, or one that is itself a title or suffix), the family name comes
        first, followed by a comma: ``"Doe Smith, John"``. Either way
        ``parse_name(p.full)`` gives back the same parts.
        """
        parts = (self.prefix, self.first, self.middle, self.last, self.suffix)
        natural = " ".join(p for p in parts if p)
        if _split(natural) == parts:
            return natural
        given = " ".join(p for p in (self.prefix, self.first, self.middle, self.suffix) if p)
        return f"{self.last}, {given}"


def parse_name(raw: str) -> PersonName:
    """Split a person's name into prefix, first, middle, last and suffix.

    Reads ``"Doe, John"``, ``"Dr. John A. Doe Jr."``, ``"john doe"``, ``"محمد رضا احمدی"``.
    The text is NFKC-normalized with whitespace collapsed. A name typed all in capitals or
    all in lower case is given conventional capitals (``MCDONALD`` → ``McDonald``,
    ``o'neil`` → ``O'Neil``, ``jean-luc`` → ``Jean-Luc``, particles such as ``van`` and
    ``al-`` kept lower case); mixed-case text and scripts without case are kept as written.

    Args:
        raw: the name as typed.

    Returns:
        The parts and their match key; *raw* is kept as ``original``.

    Raises:
        InvalidName: when *raw* is empty or has no letters.
    """
    if not isinstance(raw, str):
        raise InvalidName(raw, "expected text")
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not text:
        raise InvalidName(raw, "empty")
    if not any(c.isalpha() for c in text):
        raise InvalidName(raw, "no letters")
    prefix, first, middle, last, suffix = _split(text)
    if text.upper() != text.lower() and text in (text.upper(), text.lower()):
        prefix, first, middle, last, suffix = _recase(prefix, first, middle, last, suffix)
    key = name_match_key(f"{first} {last}")
    if not key:
        raise InvalidName(raw, "no letters in the name itself")
    return PersonName(raw, prefix, first, middle, last, suffix, key)


def _split(text: str) -> tuple[str, str, str, str, str]:
    """Prefix, first, middle, last and suffix of a cleaned name."""
    groups = [g.split() for g in text.split(",")]
    groups = [g for g in groups if g]
    head = groups[0] if groups else []
    rest = [t for g in groups[1:] for t in g]
    if not rest or all(_fold(t).rstrip(".") in _SUFFIX_FORMS for t in rest):
        # "Dr. John A. Doe", "John Doe, Jr."
        tokens = head + rest
        prefix = _take_prefixes(tokens, keep=1)
        suffix = _take_suffixes(tokens, keep=1)
        if len(tokens) == 1:
            # "Dr. Doe" names the family; a lone "Madonna" is a given name
            return _joined(prefix, [] if prefix else tokens, [], tokens if prefix else [], suffix)
        cut = len(tokens) - 1
        while cut >= 2 and _fold(tokens[cut - 1]) in _PARTICLES:
            cut -= 1
        given, family = tokens[:cut], tokens[cut:]
    else:
        # "Doe, John A.", "Doe, Dr. John A., Jr."
        family, given = head, rest
        suffix = _take_suffixes(family, keep=1)
        prefix = _take_prefixes(given, keep=0)
        suffix += _take_suffixes(given, keep=0)
    return _joined(prefix, *_given_split(given), family, suffix)


def _given_split(given: list[str]) -> tuple[list[str], list[str]]:
    if any(_ARABIC_SCRIPT.search(t) for t in given):
        return given, []
    return given[:1], given[1:]


def _joined(*parts: list[str]) -> tuple[str, str, str, str, str]:
    prefix, first, middle, last, suffix = (" ".join(p) for p in parts)
    return prefix, first, middle, last, suffix


def _take_prefixes(tokens: list[str], *, keep: int) -> list[str]:
    taken = 0
    while len(tokens) - taken > keep and _fold(tokens[taken]).rstrip(".") in _PREFIXES:
        taken += 1
    found = tokens[:taken]
    del tokens[:taken]
    return found


def _take_suffixes(tokens: list[str], *, keep: int) -> list[str]:
    end = len(tokens)
    while end > keep and _fold(tokens[end - 1]).rstrip(".") in _SUFFIX_FORMS:
        end -= 1
    found = tokens[end:]
    del tokens[end:]
    return found


def _recase(
    prefix: str, first: str, middle: str, last: str, suffix: str
) -> tuple[str, str, str, str, str]:
    """Conventional capitals for a name typed all in capitals or all in lower case."""
    given = [*first.split(), *middle.split()]
    family = last.split()
    words = [*given, *family]
    # a particle is lower case inside a name ("Vincent van Gogh"), never at its edges
    # ("Van Morrison", "Nguyen Le")
    last_index = len(words) - 1
    cased = [_cap_word(w, at_start=i == 0, at_end=i == last_index) for i, w in enumerate(words)]
    if given and _ARABIC_SCRIPT.search(first) is None:
        first_cased, middle_cased = cased[:1], cased[1 : len(given)]
    else:
        first_cased, middle_cased = cased[: len(given)], []
    suffixes = []
    for word in suffix.split():
        bare = word.rstrip(".")
        form = _SUFFIX_FORMS.get(_fold(bare)) or _cap_word(bare, at_start=True, at_end=True)
        suffixes.append(form + word[len(bare) :])
    return (
        " ".join(_cap_word(w, at_start=True, at_end=True) for w in prefix.split()),
        " ".join(first_cased),
        " ".join(middle_cased),
        " ".join(cased[len(given) :]),
        " ".join(suffixes),
    )


_APOSTROPHE: Final = re.compile(r"(['\u2019])")


def _cap_word(word: str, *, at_start: bool, at_end: bool) -> str:
    """Capitalize one word: hyphenated parts, O'Neil, McDonald, lower-case particles."""
    pieces = word.lower().split("-")
    out = []
    for i, piece in enumerate(pieces):
        # "van" inside a name, "al-" before a hyphen anywhere but at the start of the name
        particle = not (at_start or at_end) if len(pieces) == 1 else i == 0 and not at_start
        if particle and _fold(piece) in _PARTICLES:
            out.append(piece)
        else:
            out.append("".join(_cap_piece(p) for p in _APOSTROPHE.split(piece)))
    return "-".join(out)


def _cap_piece(piece: str) -> str:
    # title(), not upper(): the capital of "ß" is "SS" but its title case is "Ss", and only
    # the latter reads back as a capitalized (mixed-case) name, keeping parse_name idempotent.
    if piece.startswith("mc") and len(piece) > 2:
        return "Mc" + piece[2].title() + piece[3:]
    if piece.startswith("mac") and len(piece) > 5 and piece not in _NOT_MAC:
        return "Mac" + piece[3].title() + piece[4:]
    return piece[:1].title() + piece[1:]
