"""Groups of rows that are one contact, and rows only offered for review.

Rows sharing an exact key (e-mail match key, E.164 phone, name and company) are one contact
only when their names do not clearly differ: a company's switchboard number or its
``info@`` mailbox is shared by many people. So the rows of one key are first told apart
into people (:func:`~._people.split_people`); each person's rows are joined, and the key's
rows are offered together for review when they hold more than one person. The groups the
match rules find are joined to those (:meth:`RowGroups.add_found`), again never across
clearly different names (:class:`~._people.PersonSets`). Nothing links rows in a chain
past that rule, so a shared phone cannot glue the people behind it into one contact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Final

from attrs import frozen

from ._conflict import Names, name_key
from ._people import PersonSets, split_people

__all__ = ["MERGE", "REVIEW", "FuzzyGroup", "Group", "RowGroups"]

#: A group the rules found: its row numbers, score, the explanation in words, and each
#: row's name keys (first, last) in the order of the rows.
FuzzyGroup = tuple[tuple[int, ...], float, str, tuple[Names, ...]]

#: The status of a group whose rows are merged into one contact.
MERGE: Final = "merge"
#: The status of a group whose rows stay apart, listed for a person to look at.
REVIEW: Final = "review"

_MAX_GROUP_KEY: Final = 50
_KEY_WORDS: Final = {"e": "same e-mail address", "p": "same phone number", "n": "same name at"}
_KEY_SCORES: Final = {"e": 1.0, "p": 1.0, "n": 0.9}


@frozen
class Group:
    """Rows found to be one contact, or rows offered for review.

    Attributes:
        number: the group's number in the duplicates report (1-based).
        members: the row numbers, sorted.
        score: how sure the match is (0 to 1); None for a review group.
        explanation: why, in words.
        status: :data:`MERGE` (the rows become one contact) or :data:`REVIEW` (they share
            a phone, a mailbox or a name at a company, but their names clearly differ:
            each stays a contact of its own).
    """

    number: int
    members: tuple[int, ...]
    score: float | None
    explanation: str
    status: str = MERGE


def _what(key: str) -> str:
    kind, value = key[0], key[2:]
    if kind == "n":
        name, _, company = value.partition("|")
        return f"same name ({name}) at the same company ({company})"
    return f"{_KEY_WORDS[kind]} ({value})"


def _rows(numbers: Iterable[int]) -> str:
    return ", ".join(map(str, numbers))


class RowGroups:
    """Links between the rows of a file, gathered key by key, then read as groups.

    Attributes:
        common: keys left out because too many rows share them, with their counts.
    """

    def __init__(self) -> None:
        self._sets = PersonSets()
        # each link: its rows, score, words, and whether the words are a key's (which
        # do not name the rows) or the rules' (which do)
        self._links: list[tuple[tuple[int, ...], float, str, bool]] = []
        self._reviews: dict[tuple[int, ...], list[str]] = {}
        self.common: list[tuple[str, int]] = []

    def add_keys(self, shared_keys: Iterable[tuple[str, int, str]]) -> None:
        """Join the rows that share an exact key and are one person by their names.

        Args:
            shared_keys: each key that two or more rows have: the key (its kind letter, a
                colon and the value), how many rows have it, and the rows as a JSON list
                of ``[row number, first name, last name]``.
        """
        for key, count, listed in shared_keys:
            if count > _MAX_GROUP_KEY:
                # a switchboard number or a shared inbox would glue unrelated people together
                self.common.append((key, count))
                continue
            rows: dict[int, Names] = {
                int(number): (name_key(first), name_key(last))
                for number, first, last in json.loads(listed)
            }
            if len(rows) < 2:
                continue
            self._sets.names.update(rows)
            people, apart = split_people(rows)
            what = _what(key)
            for person in people:
                if len(person) > 1:
                    self._join(tuple(person), _KEY_SCORES[key[0]], what, keyed=True)
            if len(people) + len(apart) > 1:
                who = f"{len(people)} people" if len(people) > 1 else "one person"
                why = f"{what} on rows of {who} whose names clearly differ: not merged"
                if apart:
                    why += f"; row{'s' if len(apart) > 1 else ''} {_rows(apart)} fit"
                    why += " more than one of them"
                self._review(tuple(sorted(rows)), why)

    def add_found(self, found: Iterable[FuzzyGroup]) -> None:
        """Join the groups the match rules found, never across clearly different names."""
        for members, score, why, names in found:
            self._sets.names.update(zip(members, names, strict=True))
            self._join(members, score, why, keyed=False)

    def _join(self, members: tuple[int, ...], score: float, why: str, *, keyed: bool) -> None:
        sets = self._sets
        first, rest = members[0], members[1:]
        refused = [row for row in rest if not sets.join(first, row)]
        self._links.append((members, score, why, keyed))
        for row in refused:
            # joined elsewhere to someone whose name clearly differs: offer both sides
            both = tuple(sorted({*sets.members(first), *sets.members(row)}))
            words = f"rows {_rows(members)}: {why}" if keyed else why
            self._review(
                both,
                f"{words}; but joining row {row} to row {first} would make one contact of"
                " clearly different names: not merged",
            )

    def _review(self, rows: tuple[int, ...], why: str) -> None:
        reasons = self._reviews.setdefault(rows, [])
        if why not in reasons:
            reasons.append(why)

    def groups(self) -> list[Group]:
        """The merge groups in the order of their first row, then the review groups.

        A merge group keeps the explanation of every link inside it and the lowest score;
        a review group whose rows all ended up in one merge group is left out.
        """
        sets = self._sets
        joined = sets.sets(n for members, *_ in self._links for n in members)
        scores: dict[int, list[float]] = {}
        whys: dict[int, dict[tuple[int, ...], list[str]]] = {}
        for members, score, why, keyed in self._links:
            for top, inside in _split(sets, members):
                scores.setdefault(top, []).append(score)
                # a key's words name no rows: they are gathered by the rows they join
                at = inside if keyed else ()
                reasons = whys.setdefault(top, {}).setdefault(at, [])
                if why not in reasons:
                    reasons.append(why)
        out: list[Group] = []
        for top in sorted(joined, key=lambda t: joined[t][0]):
            if len(joined[top]) < 2:
                continue
            words = "; ".join(_explained(rows, reasons) for rows, reasons in whys[top].items())
            out.append(Group(len(out) + 1, tuple(joined[top]), min(scores[top]), words))
        for rows in sorted(self._reviews):
            if len({sets.root(n) for n in rows}) > 1:
                why = "; ".join(self._reviews[rows])
                out.append(Group(len(out) + 1, rows, None, why, REVIEW))
        return out


def _split(sets: PersonSets, members: Sequence[int]) -> list[tuple[int, tuple[int, ...]]]:
    """The parts of one link's *members* that ended up in one set, two rows or more."""
    parts: dict[int, list[int]] = {}
    for n in members:
        parts.setdefault(sets.root(n), []).append(n)
    return [(top, tuple(rows)) for top, rows in parts.items() if len(rows) > 1]


def _explained(rows: tuple[int, ...], reasons: list[str]) -> str:
    # the rules' words (gathered under no rows) already name their rows
    return f"rows {_rows(rows)}: {', '.join(reasons)}" if rows else "; ".join(reasons)
