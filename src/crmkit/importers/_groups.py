"""Groups of rows that are one contact: rows spilled to disk, exact keys, and rules.

Usable rows, their match keys and compact features live in a temporary SQLite file so that
memory stays flat. Rows sharing an exact key (e-mail match key, E.164 phone, name and company)
are grouped from the keys alone, on disk; the groups the match rules find are then joined to
them (:func:`combine`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from attrs import frozen

from ._fuzzy import FuzzyGroup

__all__ = ["Group", "Spill", "combine", "key_groups"]

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


class Spill:
    """Usable rows and their match keys, on disk."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE rows (
                number INTEGER PRIMARY KEY, data TEXT NOT NULL, features TEXT NOT NULL
            );
            CREATE TABLE keys (key TEXT NOT NULL, number INTEGER NOT NULL);
            CREATE TABLE merged (
                number INTEGER PRIMARY KEY, data TEXT NOT NULL, sources TEXT NOT NULL
            );
            CREATE TABLE folded (number INTEGER PRIMARY KEY);
            """
        )
        self._rows: list[tuple[int, str, str]] = []
        self._keys: list[tuple[str, int]] = []

    def add_many(self, rows: list[tuple[int, str, tuple[str, ...], str]]) -> None:
        """Store usable rows: (number, values as JSON, match keys, features as JSON)."""
        self._rows.extend((number, data, feats) for number, data, _, feats in rows)
        self._keys.extend((key, number) for number, _, keys, _ in rows for key in keys)
        if len(self._rows) >= 5000:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO rows VALUES (?, ?, ?)", self._rows)
        self.db.executemany("INSERT INTO keys VALUES (?, ?)", self._keys)
        self._rows.clear()
        self._keys.clear()

    def commit(self) -> None:
        self._flush()
        self.db.execute("CREATE INDEX keys_by_key ON keys (key, number)")
        self.db.commit()

    def shared_keys(self) -> Iterator[tuple[str, int, str]]:
        yield from self.db.execute(
            "SELECT key, count(*), group_concat(number) FROM keys"
            " GROUP BY key HAVING count(*) > 1 ORDER BY min(number), key"
        )

    def features(self, number: int) -> str:
        """The feature record (JSON) of usable row *number*.

        Raises:
            KeyError: for a number that is not a stored usable row.
        """
        found = self.db.execute("SELECT features FROM rows WHERE number = ?", (number,)).fetchone()
        if found is None:
            raise KeyError(number)
        return str(found[0])

    def add_merged(self, group: Group, data: str) -> None:
        """Store a group's folded row (as JSON) in place of its first row; drop the others."""
        sources = "; ".join(map(str, group.members))
        self.db.execute("INSERT INTO merged VALUES (?, ?, ?)", (group.members[0], data, sources))
        self.db.executemany("INSERT INTO folded VALUES (?)", [(n,) for n in group.members[1:]])

    def output_rows(self) -> Iterator[tuple[dict[str, str], str]]:
        """The clean rows in row order: each row or its group's folded row, with its sources."""
        found = self.db.execute(
            "SELECT r.number, coalesce(m.data, r.data), m.sources FROM rows r"
            " LEFT JOIN merged m ON m.number = r.number"
            " LEFT JOIN folded f ON f.number = r.number"
            " WHERE f.number IS NULL ORDER BY r.number"
        )
        for number, data, sources in found:
            yield json.loads(data), sources or str(number)

    def members(
        self, numbers: tuple[int, ...]
    ) -> tuple[list[tuple[int, dict[str, str]]], dict[str, str]]:
        """The rows *numbers* in row order, and the match key of each of their e-mails."""
        marks = ",".join("?" * len(numbers))
        found = self.db.execute(
            f"SELECT number, data, features FROM rows WHERE number IN ({marks})"  # noqa: S608 - only placeholders
            " ORDER BY number",
            numbers,
        )
        rows = []
        keys: dict[str, str] = {}
        for number, data, feats in found:
            rows.append((number, json.loads(data)))
            keys.update(json.loads(feats)[2])
        return rows, keys

    def close(self) -> None:
        self.db.close()


def key_groups(spill: Spill) -> tuple[list[Group], tuple[tuple[str, int], ...]]:
    parent: dict[int, int] = {}

    def root(n: int) -> int:
        while parent.get(n, n) != n:
            parent[n] = parent.get(parent[n], parent[n])
            n = parent[n]
        return n

    links: list[tuple[str, tuple[int, ...]]] = []
    common: list[tuple[str, int]] = []
    for key, count, numbers in spill.shared_keys():
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
