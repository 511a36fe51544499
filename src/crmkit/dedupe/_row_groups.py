"""Groups of rows that are one contact: by shared exact keys, and joined with the rules' groups.

Rows sharing an exact key (e-mail match key, E.164 phone, name and company) are grouped from
the keys alone (:func:`key_groups`, fed the shared keys a file's rows have); the groups the
match rules find are then joined to them (:func:`combine`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from attrs import frozen

__all__ = ["FuzzyGroup", "Group", "combine", "key_groups"]

#: A group the rules found: its row numbers, score and the explanation in words.
FuzzyGroup = tuple[tuple[int, ...], float, str]

_MAX_GROUP_KEY: Final = 50
_KEY_WORDS: Final = {"e": "same e-mail address", "p": "same phone number", "n": "same name at"}
_KEY_SCORES: Final = {"e": 1.0, "p": 1.0, "n": 0.9}


@frozen
class Group:
    """Rows found to be one contact.

    Attributes:
        number: the group's number in the duplicates report (1-based).
        members: the row numbers, sorted.
        score: how sure the match is (0 to 1).
        explanation: why, in words.
    """

    number: int
    members: tuple[int, ...]
    score: float
    explanation: str


def key_groups(
    shared_keys: Iterable[tuple[str, int, str]],
) -> tuple[list[Group], tuple[tuple[str, int], ...]]:
    """Group rows that share an exact key.

    Args:
        shared_keys: each key that two or more rows have: the key (its kind letter, a colon
            and the value), how many rows have it, and their row numbers joined by commas.

    Returns:
        The groups in the order of their first row, and the keys left out because too many
        rows share them (a switchboard number, a shared inbox), with their counts.
    """
    parent: dict[int, int] = {}

    def root(n: int) -> int:
        while parent.get(n, n) != n:
            parent[n] = parent.get(parent[n], parent[n])
            n = parent[n]
        return n

    links: list[tuple[str, tuple[int, ...]]] = []
    common: list[tuple[str, int]] = []
    for key, count, numbers in shared_keys:
        if count > _MAX_GROUP_KEY:
            # a switchboard number or a shared inbox would glue unrelated people together
            common.append((key, count))
            continue
        members = tuple(sorted({int(n) for n in numbers.split(",")}))
        if len(members) < 2:
            continue
        links.append((key, members))
        first = root(members[0])
        for other in members[1:]:
            top = root(other)
            if top != first:
                parent[max(top, first)] = min(top, first)
                first = min(top, first)
    clusters: dict[int, list[int]] = {}
    for number in parent:
        clusters.setdefault(root(number), []).append(number)
    for number in {n for _, members in links for n in members}:
        clusters.setdefault(root(number), [])
        if number not in clusters[root(number)]:
            clusters[root(number)].append(number)
    why: dict[int, list[tuple[str, tuple[int, ...]]]] = {}
    for key, members in links:
        why.setdefault(root(members[0]), []).append((key, members))
    groups = []
    for index, top in enumerate(sorted(clusters), start=1):
        reasons = why.get(top, [])
        score = min(max(_KEY_SCORES[k[0]] for k, _ in reasons), 1.0) if reasons else 1.0
        groups.append(Group(index, tuple(sorted(clusters[top])), score, _explain(reasons)))
    return groups, tuple(common)


def _explain(reasons: list[tuple[str, tuple[int, ...]]]) -> str:
    by_rows: dict[tuple[int, ...], list[str]] = {}
    for key, members in reasons:
        kind, value = key[0], key[2:]
        if kind == "n":
            name, _, company = value.partition("|")
            what = f"same name ({name}) at the same company ({company})"
        else:
            what = f"{_KEY_WORDS[kind]} ({value})"
        by_rows.setdefault(members, []).append(what)
    return "; ".join(
        f"rows {', '.join(map(str, rows))}: {', '.join(whats)}" for rows, whats in by_rows.items()
    )


def combine(groups: list[Group], fuzzy: Iterable[FuzzyGroup]) -> list[Group]:
    """Join the exact-key *groups* with the groups the rules found (sharing rows joins them).

    A joined group keeps every explanation and the lowest score; groups are renumbered in
    the order of their first row.
    """
    parent: dict[int, int] = {}

    def root(n: int) -> int:
        while parent.get(n, n) != n:
            n = parent[n]
        return n

    def link(members: tuple[int, ...]) -> None:
        first = root(members[0])
        for other in members[1:]:
            top = root(other)
            if top != first:
                low, high = min(top, first), max(top, first)
                parent[high] = low
                first = low

    found: list[tuple[tuple[int, ...], float, str]] = [
        (g.members, g.score, g.explanation) for g in groups
    ]
    found.extend(fuzzy)
    for members, _, _ in found:
        parent.setdefault(members[0], members[0])
        link(members)
    joined: dict[int, tuple[set[int], list[float], list[str]]] = {}
    for members, score, why in found:
        entry = joined.setdefault(root(members[0]), (set(), [], []))
        entry[0].update(members)
        entry[1].append(score)
        if why not in entry[2]:
            entry[2].append(why)
    return [
        Group(index, tuple(sorted(rows)), min(scores), "; ".join(whys))
        for index, (rows, scores, whys) in enumerate(
            (joined[top] for top in sorted(joined)), start=1
        )
    ]
