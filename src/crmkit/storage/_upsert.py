"""Planning a bulk upsert: which stored record each incoming record replaces, if any.

Both backends plan the same way, so they agree on every call: a record matches the stored
record that has its id or (when upserting by a key type) one of its keys, the lowest id
winning; records of one call that land on the same target collapse, the last one winning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from attrs import frozen

from ._kinds import RecordKind

__all__ = ["Planned", "plan"]


@frozen
class Planned:
    """One write of a bulk upsert: *record* goes to id *target*, which exists or not yet."""

    target: str
    record: Any
    existed: bool


def plan(
    kind: RecordKind[Any],
    records: Sequence[Any],
    key: str,
    existing_ids: Callable[[list[str]], set[str]],
    existing_keys: Callable[[list[str]], Mapping[str, Iterable[str]]],
) -> list[Planned]:
    """Return the writes of a bulk upsert of *records*, in first-seen order of their targets.

    Args:
        kind: the records' kind.
        records: the incoming records, already checked to be of *kind*.
        key: ``"id"`` or one of the kind's key types.
        existing_ids: returns which of the given ids are stored (deleted ones included).
        existing_keys: returns, for given keys of type *key*, the ids of live records.
    """
    stored = existing_ids([r.id for r in records])
    keys_of: list[list[str]] = []
    by_key: Mapping[str, Iterable[str]] = {}
    if key != "id":
        keys_of = [[k for t, k in kind.keys(r) if t == key] for r in records]
        wanted = list(dict.fromkeys(k for ks in keys_of for k in ks))
        by_key = existing_keys(wanted)
        stored |= {i for ids in by_key.values() for i in ids}
    claimed: dict[str, str] = {}
    winners: dict[str, Any] = {}
    for index, record in enumerate(records):
        if key == "id":
            target = record.id
        else:
            candidates = {record.id} & stored
            for k in keys_of[index]:
                candidates.update(by_key.get(k, ()))
                if k in claimed:
                    candidates.add(claimed[k])
            target = min(candidates) if candidates else record.id
            for k in keys_of[index]:
                claimed.setdefault(k, target)
        winners[target] = record
    return [Planned(t, r, t in stored) for t, r in winners.items()]
