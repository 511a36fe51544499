"""Usable rows of a file being cleaned, their match keys and compact features, on disk.

They live in a temporary SQLite file so that memory stays flat however large the file; the
exact-key groups are read from it (:meth:`Spill.shared_keys`) and the clean rows written back
from it in row order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from crmkit.dedupe._row_groups import Group

__all__ = ["Spill"]


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
        """Each key two rows or more share: the key, its row count, and its rows.

        The rows come as a JSON list of ``[number, first name, last name]``: whether rows
        sharing a phone or a mailbox are one person depends on their names.
        """
        yield from self.db.execute(
            "WITH shared AS (SELECT key, count(*) AS size FROM keys"
            " GROUP BY key HAVING count(*) > 1)"
            " SELECT s.key, s.size, json_group_array(json_array(k.number,"
            " json_extract(r.features, '$[0]'), json_extract(r.features, '$[1]')))"
            " FROM shared s JOIN keys k ON k.key = s.key JOIN rows r ON r.number = k.number"
            " GROUP BY s.key ORDER BY min(k.number), s.key"
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
