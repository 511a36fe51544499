"""How common a shared value is: the points term-frequency adjustment takes off or adds.

Agreement on a value many records carry (a common first name, ``info@`` at many domains)
is weaker evidence than agreement on a rare one. Everything here runs once per run over a
whole column, so the per-record work is left to C (``Counter``, ``map``) wherever it can be.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from itertools import compress
from operator import add, itemgetter, methodcaller
from typing import Any

__all__ = ["TF_MAX", "local_part_points", "value_points"]

#: The most points a rare value adds to a rule's ``agree``.
TF_MAX = 2.0


def value_points(column: list[Any], agree: float) -> dict[Any, float]:
    """Per value, the points to add to *agree* when two records share it.

    The reference is the chance that two records picked at random share a value
    (sum of squared shares); a value rarer than that is stronger evidence.
    """
    counts = Counter(column)
    counts.pop(None, None)
    for value in [v for v in counts if v.__class__ is tuple]:
        del counts[value]
    filled = sum(counts.values())
    if not filled:
        return {}
    chance = sum(c * c for c in counts.values()) / (filled * filled)
    low = -0.75 * agree
    out = {}
    for value, count in counts.items():
        adjust = math.log2(chance * filled / count)
        out[value] = min(TF_MAX, max(low, adjust))
    return out


# what a name-made local part is read as: its letters and digits (``john.smith`` is
# ``johnsmith``); a number stays, so ``jsmith1987`` is not what every J. Smith is given
_NOT_ALNUM = re.compile(r"[\W_]+")
_DIGIT = re.compile(r"\d")


def _alnum(text: str) -> str:
    return _NOT_ALNUM.sub("", text)


def _address_counts(column: list[Any]) -> Counter[str]:
    given: Counter[Any] = Counter(column)
    given.pop(None, None)
    several = [v for v in given if v.__class__ is tuple]
    for value in several:
        times = given.pop(value)
        for address in value:
            given[address] += times
    counts: Counter[str] = given
    return counts


def _name_made(names: tuple[list[Any], list[Any]], wanted: set[str]) -> Counter[str]:
    """Per local part in *wanted*, the records whose names make it (``jsmith``, ``johnsmith``)."""
    first, last = names
    letters = {v: _alnum(v) for v in {*first, *last} if v}
    if not _DIGIT.search("".join(letters.values())):
        # no name holds a digit, so no name makes a local part that does
        wanted = {w for w in wanted if not _DIGIT.search(w)}
    # only records whose last name ends a wanted local part can make one
    tails = {w[k:] for w in wanted for k in range(1, len(w))}
    relevant = {v for v, t in letters.items() if t in tails}
    made: Counter[str] = Counter()
    if not relevant:
        return made
    rows = list(compress(range(len(last)), map(relevant.__contains__, last)))
    # a record without a first name makes nothing ("\0" is in no local part)
    given = [letters.get(first[r], "\0") for r in rows]
    family = [letters[last[r]] for r in rows]
    initial = [g[:1] for g in given]
    for typed in (map(add, initial, family), map(add, given, family)):
        counted = Counter(typed)
        for local in wanted:
            made[local] += counted.get(local, 0)
    return made


def local_part_points(
    column: list[Any], agree: float, names: tuple[list[Any], list[Any]] | None = None
) -> dict[Any, float]:
    """Per e-mail key shared by two records or more, the points to add to *agree* (zero or less).

    Agreement on an address is strong evidence only when few people could have it. A
    local part made of a name (``jsmith``, ``john.smith``: letters of the first name or
    its initial and of the last name, nothing else) is one every J. Smith may be given or
    may type: it counts ``log2(records with the address / records whose names make that
    local part)`` less. Any other local part counts ``log2`` of the number of different
    addresses that share it less (``info`` at many domains). Never below a quarter of
    *agree*.
    """
    counts = _address_counts(column)
    shared = [a for a, c in counts.items() if c > 1]
    if not shared:
        return {}
    locals_ = Counter(_locals(counts))
    local_of = dict(zip(shared, _locals(shared), strict=True))
    typed = {a: _alnum(local) for a, local in local_of.items()}
    made = _name_made(names, set(typed.values())) if names is not None else Counter()
    low = -0.75 * agree
    out: dict[Any, float] = {}
    for address in shared:
        given = made.get(typed[address], 0)
        if given > counts[address]:
            adjust = math.log2(counts[address] / given)
        else:
            adjust = -math.log2(locals_[local_of[address]])
        if adjust < 0:
            out[address] = max(low, adjust)
    return out


def _locals(addresses: Iterable[str]) -> map[str]:
    return map(itemgetter(0), map(methodcaller("rpartition", "@"), addresses))
