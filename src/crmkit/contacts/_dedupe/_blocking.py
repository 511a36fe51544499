"""Blocking: which pairs of records are worth scoring at all.

Each blocking key maps a record to zero or more key values; records sharing a value form a
block, and every pair inside a block is a candidate. Pairs are encoded as one integer
(``low * n + high``) in an :class:`array.array`, so millions of them cost 8 bytes each and
the union over keys is one sort, not a set of tuples.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from itertools import product

import jellyfish
from attrs import frozen

from ._features import Table
from ._rules import BlockingKey, MatchRules

__all__ = ["BlockingReport", "KeyReport", "candidate_pairs", "key_fields"]


@frozen(kw_only=True)
class KeyReport:
    """What one blocking key did.

    Attributes:
        name: the key's name.
        blocks: key values shared by two records or more (and not skipped).
        pairs: candidate pairs this key produced (before the union with other keys).
        skipped: key values skipped because more than ``max_block`` records shared them,
            with the number of records for each, largest first (at most 20 are listed).
        skipped_records: records in skipped blocks (counted once per block).
    """

    name: str
    blocks: int
    pairs: int
    skipped: tuple[tuple[str, int], ...]
    skipped_records: int


@frozen(kw_only=True)
class BlockingReport:
    """What blocking did: per key, and the union of candidate pairs.

    Attributes:
        records: how many records were blocked.
        keys: one :class:`KeyReport` per blocking key.
        candidate_pairs: distinct pairs scored (the union over keys).
    """

    records: int
    keys: tuple[KeyReport, ...]
    candidate_pairs: int

    @property
    def skipped(self) -> tuple[tuple[str, str, int], ...]:
        """Every skipped block as (key name, key value, records)."""
        return tuple((k.name, value, size) for k in self.keys for value, size in k.skipped)


def key_fields(rules: MatchRules) -> list[str]:
    """Return the fields the blocking keys read."""
    return [name for key in rules.blocking for name in key.fields]


def _metaphone(text: str) -> str:
    if not text.isascii():
        return text
    return " ".join(jellyfish.metaphone(w) for w in text.split())


def _part(transform: str) -> Callable[[str], str]:
    if transform == "first_letter":
        return lambda s: s[:1]
    if transform == "prefix4":
        return lambda s: s[:4]
    if transform == "sorted_words":
        return lambda s: " ".join(sorted(s.split()))
    if transform == "phonetic":
        cache: dict[str, str] = {}

        def sound(s: str) -> str:
            found = cache.get(s)
            if found is None:
                found = cache[s] = _metaphone(s)
            return found

        return sound
    return lambda s: s


def _values(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return tuple(str(v) for v in value)
    return (str(value),)


def _key_values(table: Table, key: BlockingKey) -> Iterator[tuple[int, str]]:
    columns = [table.columns[name] for name in key.fields]
    parts = [_part(key.transform(i)) for i in range(len(key.fields))]
    if len(columns) == 1:
        (column,), (part,) = columns, parts
        for row, value in enumerate(column):
            if value is None:
                continue
            if isinstance(value, tuple):
                for v in dict.fromkeys(part(str(x)) for x in value):
                    if v:
                        yield row, v
            else:
                v = part(value if isinstance(value, str) else str(value))
                if v:
                    yield row, v
        return
    plain: list[Callable[[str], str] | None] = [
        None if key.transform(i) == "exact" else p for i, p in enumerate(parts)
    ]
    for row, values in enumerate(zip(*columns, strict=True)):
        if None in values:
            continue
        if any(isinstance(v, tuple) for v in values):
            pieces = []
            for value, part in zip(values, parts, strict=True):
                found = tuple(p for p in dict.fromkeys(part(v) for v in _values(value)) if p)
                if not found:
                    break
                pieces.append(found)
            else:
                for combo in product(*pieces):
                    yield row, "\x1f".join(combo)
            continue
        texts = []
        for value, transform in zip(values, plain, strict=True):
            word = value if isinstance(value, str) else str(value)
            if transform is not None:
                word = transform(word)
            if not word:
                break
            texts.append(word)
        else:
            yield row, "\x1f".join(texts)


def _blocks(table: Table, key: BlockingKey) -> tuple[list[list[int]], list[tuple[str, int]]]:
    first: dict[str, int] = {}
    shared: dict[str, list[int]] = {}
    for row, value in _key_values(table, key):
        seen = first.setdefault(value, row)
        if seen != row:
            rows = shared.get(value)
            if rows is None:
                shared[value] = [seen, row]
            elif rows[-1] != row:
                rows.append(row)
    kept: list[list[int]] = []
    skipped: list[tuple[str, int]] = []
    for value, rows in shared.items():
        if len(rows) > key.max_block:
            skipped.append((value.replace("\x1f", " + "), len(rows)))
        else:
            kept.append(rows)
    skipped.sort(key=lambda s: (-s[1], s[0]))
    return kept, skipped


def candidate_pairs(table: Table, rules: MatchRules) -> tuple[array[int], BlockingReport]:
    """Return the distinct candidate pairs, sorted, as ``low * n + high``, and the report."""
    n = len(table)
    codes: array[int] = array("q")
    add = codes.append
    reports = []
    for key in rules.blocking:
        blocks, skipped = _blocks(table, key)
        before = len(codes)
        for rows in blocks:
            rows.sort()
            size = len(rows)
            for x in range(size - 1):
                base = rows[x] * n
                for y in range(x + 1, size):
                    add(base + rows[y])
        reports.append(
            KeyReport(
                name=key.name,
                blocks=len(blocks),
                pairs=len(codes) - before,
                skipped=tuple(skipped[:20]),
                skipped_records=sum(s for _, s in skipped),
            )
        )
    unique: array[int] = array("q", sorted(set(codes)))
    del codes
    return unique, BlockingReport(records=n, keys=tuple(reports), candidate_pairs=len(unique))
