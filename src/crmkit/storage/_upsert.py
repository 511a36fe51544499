"""Planning a bulk upsert: which stored record each incoming record replaces, if any.

Both backends plan the same way, so they agree on every call: a record matches the stored
record that has its id or (when upserting by a key type) one of its keys, the lowest id
winning. The plan refuses, before anything is written, a batch in which two records land
on the same target (one would silently replace the other) and a record whose id is stored
with another version (it was read before someone else's change, which it would undo).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from attrs import frozen

from crmkit.errors import ConflictError, ErrorCode

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
    existing_ids: Callable[[list[str]], Mapping[str, int]],
    existing_keys: Callable[[list[str]], Mapping[str, Iterable[str]]],
) -> list[Planned]:
    """Return the writes of a bulk upsert of *records*, in the order of the records.

    Args:
        kind: the records' kind.
        records: the incoming records, already checked to be of *kind*.
        key: ``"id"`` or one of the kind's key types.
        existing_ids: returns which of the given ids are stored (deleted ones included),
            each with its stored version.
        existing_keys: returns, for given keys of type *key*, the ids of live records.

    Raises:
        ConflictError: if a record's id is stored with another version (``key="version"``),
            or two records go to the same target (``key`` is the upsert key).
    """
    versions = existing_ids([r.id for r in records])
    _check_versions(kind, records, versions)
    stored = set(versions)
    keys_of: list[list[str]] = []
    by_key: Mapping[str, Iterable[str]] = {}
    if key != "id":
        keys_of = [[k for t, k in kind.keys(r) if t == key] for r in records]
        wanted = list(dict.fromkeys(k for ks in keys_of for k in ks))
        by_key = existing_keys(wanted)
        stored |= {i for ids in by_key.values() for i in ids}
    claimed: dict[str, str] = {}
    taken: dict[str, int] = {}
    writes: list[Planned] = []
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
        first = taken.get(target)
        if first is not None:
            shared = _shared_key(keys_of[index] if keys_of else [], target, claimed, by_key)
            raise _collision(
                kind, key, records, first=first, second=index, target=target, shared=shared
            )
        taken[target] = index
        for k in keys_of[index] if keys_of else ():
            claimed.setdefault(k, target)
        writes.append(Planned(target, record, target in stored))
    return writes


def _check_versions(
    kind: RecordKind[Any], records: Sequence[Any], versions: Mapping[str, int]
) -> None:
    stale = [r for r in records if r.id in versions and versions[r.id] != r.version]
    if not stale:
        return
    record = stale[0]
    more = f" (and {len(stale) - 1} more stale record(s))" if len(stale) > 1 else ""
    raise ConflictError(
        f"{kind.name} {record.id!r} was changed meanwhile: stored version "
        f"{versions[record.id]}, given {record.version}{more}; nothing was stored",
        record_id=record.id,
        key="version",
        code=ErrorCode.STALE_VERSION,
    )


def _shared_key(
    keys: list[str], target: str, claimed: Mapping[str, str], by_key: Mapping[str, Iterable[str]]
) -> str | None:
    """The record's key that led it to *target*, if a key did (not its id)."""
    for k in keys:
        if claimed.get(k) == target or target in by_key.get(k, ()):
            return k
    return None


def _collision(
    kind: RecordKind[Any],
    key: str,
    records: Sequence[Any],
    *,
    first: int,
    second: int,
    target: str,
    shared: str | None,
) -> ConflictError:
    via = f"same {key} {shared!r}" if shared is not None else "same id"
    return ConflictError(
        f"bulk upsert by {key}: records {first + 1} ({records[first].id!r}) and "
        f"{second + 1} ({records[second].id!r}) both go to {kind.name} {target!r} ({via}); "
        "merge them or upsert them in separate calls; nothing was stored",
        record_id=target,
        key=key,
        code=ErrorCode.BATCH_COLLISION,
    )
