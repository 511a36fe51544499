"""Sets of rows that are one person: joined by links, never across clearly different names.

Plain union-find joins whatever a link touches, so a chain of links through one shared
switchboard number glues everyone behind it into one "person". :class:`PersonSets` refuses
a join that would put two rows with clearly different names (:func:`names_conflict`) in
one set, and :func:`split_people` tells apart the people among rows that share one key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ._conflict import Names, names_conflict

__all__ = ["PersonSets", "split_people"]

_NO_NAME: Names = (None, None)


def _detail(names: Names) -> int:
    # a whole name says more than an initial, an initial more than a blank
    return sum(0 if part is None else 2 if len(part) > 1 else 1 for part in names)


def split_people(rows: Mapping[int, Names]) -> tuple[list[list[int]], list[int]]:
    """Tell apart the people among *rows* (row number -> name keys) that share one key.

    Rows are taken the most fully named first; each joins the one person none of whose
    rows its name clearly differs from, or starts a person of its own. A row that fits
    more than one person (an initial, a blank name: "J. Smith" beside John and Jane Smith)
    joins none of them.

    Returns:
        The people (each a list of row numbers, in row order), and the rows that fit
        more than one of them.
    """
    people: list[list[int]] = []
    apart: list[int] = []
    for row in sorted(rows, key=lambda r: (-_detail(rows[r]), r)):
        names = rows[row]
        fits = [p for p in people if not any(names_conflict(names, rows[m]) for m in p)]
        if not fits:
            people.append([row])
        elif len(fits) == 1:
            fits[0].append(row)
        else:
            apart.append(row)
    return [sorted(p) for p in people], sorted(apart)


class PersonSets:
    """Union-find over row numbers whose sets never hold two clearly different names.

    Each set keeps the distinct name keys of its rows, so a join compares names, not rows:
    fifty rows of one "Anna Keller" cost one comparison.
    """

    __slots__ = ("_names", "_parent", "_rows", "names")

    def __init__(self) -> None:
        self.names: dict[int, Names] = {}
        self._parent: dict[int, int] = {}
        self._names: dict[int, set[Names]] = {}
        # the rows of each set of two rows or more, by its root
        self._rows: dict[int, list[int]] = {}

    def root(self, row: int) -> int:
        """The set *row* is in (a row of its own until joined)."""
        parent = self._parent
        top = row
        while parent.get(top, top) != top:
            top = parent[top]
        while parent.get(row, row) != top:
            parent[row], row = top, parent[row]
        return top

    def _distinct(self, top: int) -> set[Names]:
        found = self._names.get(top)
        if found is None:
            found = self._names[top] = {self.names.get(top, _NO_NAME)}
        return found

    def clash(self, a: int, b: int) -> bool:
        """Return True when joining *a*'s and *b*'s sets would hold clearly different names."""
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return False
        theirs = self._distinct(rb)
        return any(names_conflict(x, y) for x in self._distinct(ra) for y in theirs)

    def join(self, a: int, b: int) -> bool:
        """Join the sets of *a* and *b*, unless that would hold clearly different names.

        Returns:
            Whether they are now one set.
        """
        if self.clash(a, b):
            return False
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            low, high = min(ra, rb), max(ra, rb)
            self._parent.setdefault(low, low)
            self._parent[high] = low
            self._distinct(low).update(self._distinct(high))
            del self._names[high]
            rows = self._rows.setdefault(low, [low])
            rows.extend(self._rows.pop(high, [high]))
        return True

    def members(self, row: int) -> list[int]:
        """The rows of *row*'s set, in row order."""
        return sorted(self._rows.get(self.root(row), [row]))

    def sets(self, rows: Iterable[int]) -> dict[int, list[int]]:
        """The sets of *rows*, by their root; each set's rows in row order."""
        found: dict[int, list[int]] = {}
        for row in sorted(set(rows)):
            found.setdefault(self.root(row), []).append(row)
        return found
