"""Which blocking keys run on a list of records: the defaults use what is present.

A key on fields few records have costs a pass over every record and finds little; a key
that stands in for e-mail and phone (name + postcode, say) is needed on a person list
that has neither, and on a contact list that has them mostly proposes pairs the e-mail
and phone keys find anyway. So each key says how much of the data it needs
(:attr:`~._keys.BlockingKey.min_coverage`) and what it stands in for
(:attr:`~._keys.BlockingKey.instead_of`), and the list's own coverage decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import repeat
from operator import and_, is_
from typing import Any, Final

from attrs import frozen

from ._keys import BlockingKey

__all__ = ["STAND_IN_SHARE", "KeyChoice", "choose_keys", "coverage_of"]

#: A key with ``instead_of`` runs only while fewer than this share of the records have
#: any of those fields.
STAND_IN_SHARE: Final = 0.5


@frozen
class KeyChoice:
    """Whether a key runs on a list, and if not, why."""

    key: BlockingKey
    enabled: bool
    reason: str = ""


def _share(column: Sequence[Any]) -> float:
    return 1.0 - column.count(None) / len(column) if column else 0.0


def _any_share(columns: Sequence[Sequence[Any]]) -> float:
    """The share of rows with a value in any of *columns*."""
    if not columns or not columns[0]:
        return 0.0
    blank = map(is_, columns[0], repeat(None))
    for column in columns[1:]:
        blank = map(and_, blank, map(is_, column, repeat(None)))
    return 1.0 - sum(blank) / len(columns[0])


def coverage_of(columns: Mapping[str, Sequence[Any]], fields: Sequence[str]) -> dict[str, float]:
    """Per field, the share of records (rows of *columns*) that have it filled in."""
    return {f: _share(columns[f]) for f in dict.fromkeys(fields)}


def _percent(share: float) -> str:
    return f"{share:.0%}" if share else "no"


def choose_keys(
    keys: Sequence[BlockingKey],
    columns: Mapping[str, Sequence[Any]],
    coverage: Mapping[str, float],
) -> list[KeyChoice]:
    """Decide, key by key, whether it runs on the records of *columns*."""
    out = []
    for key in keys:
        thin = [f for f in key.fields if not coverage[f] or coverage[f] < key.min_coverage]
        if thin:
            f = thin[0]
            reason = (
                f"{f} is blank on every record"
                if not coverage[f]
                else f"{f} is filled in on {_percent(coverage[f])} of records,"
                f" the key needs {key.min_coverage:.0%}"
            )
            out.append(KeyChoice(key, enabled=False, reason=reason))
            continue
        if key.instead_of:
            share = _any_share([columns[f] for f in key.instead_of])
            if share >= STAND_IN_SHARE:
                reason = (
                    f"it stands in for {' or '.join(key.instead_of)},"
                    f" which {share:.0%} of records have"
                )
                out.append(KeyChoice(key, enabled=False, reason=reason))
                continue
        out.append(KeyChoice(key, enabled=True))
    return out
