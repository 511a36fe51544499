"""Comparators: similarity from 0 to 1 between two normalized, non-blank, unequal values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from itertools import product
from typing import Final

import jellyfish
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler, Levenshtein

from ._match_field import Comparator, MatchField
from ._nicknames import canonical_first_names

__all__ = [
    "Similarity",
    "comparer",
    "date_swapped",
    "first_name_similarity",
    "name_similarity",
    "nickname_of",
    "phone_similarity",
    "phone_tail",
]

Similarity = Callable[[object, object], float]

_jw = JaroWinkler.normalized_similarity
_lev = Levenshtein.normalized_similarity


def _pairwise(score: Callable[[str, str], float]) -> Similarity:
    """Lift a string scorer to tuples of values (best pair counts)."""

    def run(a: object, b: object) -> float:
        if isinstance(a, tuple) or isinstance(b, tuple):
            left = a if isinstance(a, tuple) else (a,)
            right = b if isinstance(b, tuple) else (b,)
            return max(run(x, y) for x, y in product(left, right))
        return score(str(a), str(b))

    return run


def _shared(a: object, b: object) -> float:
    if isinstance(a, tuple) or isinstance(b, tuple):
        left = a if isinstance(a, tuple) else (a,)
        right = b if isinstance(b, tuple) else (b,)
        return 0.0 if set(left).isdisjoint(right) else 1.0
    return 1.0 if a == b else 0.0


#: Trailing digits two phone numbers must share to be one number written with and without
#: its country code (``+98 912 345 6789`` and an unreadable ``912 345 6789``).
PHONE_TAIL: Final = 7


def phone_similarity(a: str, b: str) -> float:
    """Similarity of two phone keys: E.164 numbers (``+...``) or digits kept as typed.

    Two valid numbers are the same or different. A number kept as typed (no ``+``) agrees
    with another whose digits are the same, or end with all of its digits when it has at
    least :data:`PHONE_TAIL` of them: the same number with and without its country code.
    """
    if a == b:
        return 1.0
    if a[:1] == "+" and b[:1] == "+":
        return 0.0
    da, db = a.lstrip("+"), b.lstrip("+")
    if da == db:
        return 1.0
    short, long = (da, db) if len(da) <= len(db) else (db, da)
    if len(short) >= PHONE_TAIL and long.endswith(short):
        return 1.0 if len(short) > PHONE_TAIL else 0.9
    return 0.0


def phone_tail(key: str) -> str:
    """The trailing digits of a phone key that blocking puts records together by."""
    return key[-(PHONE_TAIL + 1) :].lstrip("+")


def name_similarity(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two name keys, word order ignored."""
    best = _jw(a, b)
    if best < 1.0 and (" " in a or " " in b):
        # word order does not make a different name ("Reza Mohammad" / "Mohammad Reza")
        best = max(best, _jw(" ".join(sorted(a.split())), " ".join(sorted(b.split()))))
    return best


def nickname_of(a: str, b: str) -> bool:
    """Return True when first names *a* and *b* stand for the same formal name."""
    if not canonical_first_names(a).isdisjoint(canonical_first_names(b)):
        return True
    head_a, _, rest_a = a.partition(" ")
    head_b, _, rest_b = b.partition(" ")
    if (rest_a or rest_b) and head_a and head_b:
        return not canonical_first_names(head_a).isdisjoint(canonical_first_names(head_b))
    return False


def first_name_similarity(a: str, b: str) -> float:
    """Similarity of two first-name keys: nicknames agree, an initial fits weakly."""
    if nickname_of(a, b):
        return 1.0
    if len(a) == 1 or len(b) == 1:
        # an initial fits any name that starts with it, weakly
        return 0.85 if a[0] == b[0] else 0.0
    return name_similarity(a, b)


_phonetic_cache: dict[str, str] = {}


def _sound(text: str) -> str:
    found = _phonetic_cache.get(text)
    if found is None:
        words = text.split()
        found = " ".join(jellyfish.metaphone(w) for w in words) if text.isascii() else text
        if len(_phonetic_cache) < 200_000:
            _phonetic_cache[text] = found
    return found


def _phonetic(a: str, b: str) -> float:
    if _sound(a) == _sound(b):
        return 1.0
    if a.isascii() and b.isascii() and jellyfish.nysiis(a) == jellyfish.nysiis(b):
        return 0.9
    return 0.0


def date_swapped(a: date, b: date) -> bool:
    """Return True when *a* and *b* differ only by a day/month swap (03/04 vs 04/03)."""
    return a.year == b.year and a.day == b.month and a.month == b.day


def _one_digit_apart(a: date, b: date) -> bool:
    """Whether *a* and *b* written as ``YYYY-MM-DD`` differ in exactly one digit."""
    return sum(x != y for x, y in zip(a.isoformat(), b.isoformat(), strict=True)) == 1


def _date(tolerance: float) -> Similarity:
    def run(a: object, b: object) -> float:
        if not isinstance(a, date) or not isinstance(b, date):
            return _shared(a, b)
        if date_swapped(a, b):
            return 0.8
        days = abs((a - b).days)
        if tolerance and days <= tolerance:
            return 0.9
        if _one_digit_apart(a, b) or (
            (a.month, a.day) == (b.month, b.day) and abs(a.year - b.year) == 10
        ):
            return 0.6  # one digit of the year, the month or the day mistyped
        return 0.0

    return run


def _number(tolerance: float) -> Similarity:
    def run(a: object, b: object) -> float:
        if not isinstance(a, int | float | Decimal) or not isinstance(b, int | float | Decimal):
            return _shared(a, b)
        gap = abs(float(a) - float(b))
        if gap <= tolerance:
            return 1.0
        if tolerance and gap <= 2 * tolerance:
            return 1.0 - (gap - tolerance) / tolerance
        return 0.0

    return run


def comparer(rule: MatchField) -> Similarity:
    """Return the similarity function of *rule*'s comparator."""
    kind = rule.comparator
    if kind in (Comparator.EXACT, Comparator.EMAIL):
        return _shared
    if kind is Comparator.PHONE:
        return _pairwise(phone_similarity)
    if kind is Comparator.JARO_WINKLER:
        return _pairwise(_jw)
    if kind is Comparator.LEVENSHTEIN:
        return _pairwise(_lev)
    if kind is Comparator.TOKEN_SET:
        return _pairwise(lambda a, b: fuzz.token_set_ratio(a, b) / 100.0)
    if kind is Comparator.PHONETIC:
        return _pairwise(_phonetic)
    if kind is Comparator.FIRST_NAME:
        return _pairwise(first_name_similarity)
    if kind is Comparator.NAME:
        return _pairwise(name_similarity)
    if kind is Comparator.DATE:
        return _date(rule.tolerance)
    return _number(rule.tolerance)
