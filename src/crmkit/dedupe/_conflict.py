"""Names that clearly belong to different people: the one veto on merging records.

A shared phone (a company's switchboard, a family's landline), a shared mailbox (``info@``,
``sales@``, a household address) or a shared street address links records, but it does not
make them one person: the people behind a switchboard have names of their own. So two
records whose names *clearly* differ are never merged, however many channels they share;
they are at most offered for review. And a group never holds two such records, so that a
chain of links through one shared channel cannot glue the people behind it together.

"Clearly" leaves room for what one person's records do carry: nicknames (Bob, Robert),
typos (Rossi, Rosi; in a short name too: Ali, Ai; beside a nickname: Jimmy, Jamse),
initials (A. Keller), a name left
blank, first and last name entered the wrong way round, and names written in two scripts
(which this check cannot compare, so they say nothing). Only a first name or a last name
that is different by the rules' own comparators (similarity at or below
:data:`CONFLICT_FLOOR`, the default rules' floor) and more than one typing slip away
(a letter left out, added, changed, or two swapped) counts.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Final

from rapidfuzz.distance import OSA

from crmkit.contacts import name_match_key

from ._compare import first_name_similarity, name_similarity
from ._nicknames import canonical_first_names

__all__ = ["CONFLICT_FLOOR", "NameColumns", "Names", "name_key", "names_conflict"]

#: Similarity at or below which two first names (or two last names) are different names:
#: the floor of the default contact rules' name comparisons, where they give full
#: disagreement points ("different" in an explanation).
CONFLICT_FLOOR: Final = 0.75

#: A record's name keys (see :func:`name_key`): first, last; None where blank.
Names = tuple[str | None, str | None]


@lru_cache(maxsize=1 << 16)
def name_key(text: str | None) -> str | None:
    """The key a name is compared under (case, accents, letter variants ignored), or None."""
    if not text:
        return None
    return name_match_key(text) or None


@lru_cache(maxsize=1 << 16)
def _script(text: str) -> str:
    for char in text:
        if char.isalpha():
            return unicodedata.name(char, "").partition(" ")[0]
    return ""


def _initial_fits(a: str, b: str) -> float:
    return 0.85 if a[0] == b[0] else 0.0


def _first_similarity(a: str, b: str) -> float:
    if len(a) == 1 or len(b) == 1:
        # "R." fits Bob: an initial may be that of the formal name a nickname stands for
        initial, name = (a, b) if len(a) == 1 else (b, a)
        starts = {name[0], *(n[0] for n in canonical_first_names(name) if n)}
        return 0.85 if initial[0] in starts else 0.0
    for name, other in ((a, b), (b, a)):
        for formal in canonical_first_names(name):
            # a nickname beside a slip of its formal name: "Jimmy" and "Jamse"
            if formal != name and OSA.distance(formal, other, score_cutoff=1) <= 1:
                return 1.0
    return first_name_similarity(a, b)


def _last_similarity(a: str, b: str) -> float:
    if len(a) == 1 or len(b) == 1:
        return _initial_fits(a, b)
    return name_similarity(a, b)


def _differ(a: str | None, b: str | None, similarity: Callable[[str, str], float]) -> bool:
    """True when both names are given, comparable, and clearly different."""
    if a is None or b is None or a == b:
        return False
    if _script(a) != _script(b):
        return False  # two scripts: a transliteration this check cannot judge
    return _similar(a, b, similarity) <= CONFLICT_FLOOR


@lru_cache(maxsize=1 << 18)  # the same few thousand names meet again and again
def _similar(a: str, b: str, similarity: Callable[[str, str], float]) -> float:
    if OSA.distance(a, b, score_cutoff=1) <= 1:
        return 1.0  # one typing slip: short names ("Ali", "Ai") score low on similarity
    return similarity(a, b)


def names_conflict(a: Names, b: Names) -> bool:
    """Return True when name keys *a* and *b* clearly belong to different people.

    Straight (first with first, last with last) the first names or the last names are
    clearly different, and the other way round (one record's first name with the other's
    last name, nicknames allowed: either may be the first name) as well.
    """
    fa, la = a
    fb, lb = b
    if fa == fb and la == lb:
        return False
    straight = _differ(fa, fb, _first_similarity) or _differ(la, lb, _last_similarity)
    if not straight:
        return False
    crosswise = _first_similarity
    return (
        _differ(fa, lb, crosswise)
        or _differ(la, fb, crosswise)
        or (
            # crosswise, a name given on one side only compares nothing: it can't clear them
            (fa is None or lb is None) and (la is None or fb is None)
        )
    )


class NameColumns:
    """The name keys of a table's records, column by column, judged pair by pair."""

    __slots__ = ("first", "last")

    def __init__(self, first: Sequence[str | None], last: Sequence[str | None]) -> None:
        self.first = first
        self.last = last

    def conflict(self, i: int, j: int) -> bool:
        """Return True when records *i* and *j* have clearly different names."""
        first, last = self.first, self.last
        fi, fj, li, lj = first[i], first[j], last[i], last[j]
        if fi is fj and li is lj:  # name keys are interned: most pairs stop here
            return False
        return names_conflict((fi, li), (fj, lj))
