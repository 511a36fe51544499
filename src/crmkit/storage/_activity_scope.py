"""Which activities one reader sees: the scope a secured store narrows every activity read to.

An activity is in a scope when its owner is one of the scope's owners, or it passes the
scope's own filter of activities, or one of its links names a live record that passes the
filter the scope gives for that record's kind. A SQL store runs the scope inside each read
(an ``EXISTS`` over ``crm_activity_links`` joined to each linked kind's table); a memory
store reads the same rule in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from attrs import field, frozen

__all__ = ["ActivityScope"]


def _owners(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def _linked(values: Mapping[str, str | Literal[True]]) -> dict[str, str | Literal[True]]:
    return dict(values)


@frozen(kw_only=True)
class ActivityScope:
    """Which activities a reader sees.

    Attributes:
        owners: the activities of these owners are seen.
        own: a filter of activities (an expression) whose matches are seen; True for
            every activity, False for none by this rule.
        linked: by linked kind, the filter a linked record must pass (an expression, or
            True for every live record of the kind); a kind left out lets no activity
            through by its links.
    """

    owners: frozenset[str] = field(factory=frozenset, converter=_owners)
    own: str | bool = False
    linked: dict[str, str | Literal[True]] = field(factory=dict, converter=_linked, hash=False)

    @property
    def everything(self) -> bool:
        """True when every activity is seen."""
        return self.own is True
