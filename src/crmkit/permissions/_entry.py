"""What one user may do with one action on one object type: the grants that apply, as rules.

The index builds entries and the filter builder reads them; both import them from here.
"""

from __future__ import annotations

from crmkit.expr import Expression

from ._decision import Decision, Filter
from ._model import Grant, Role

__all__ = ["Entry", "Rule"]


class Rule:
    """One grant as it applies to one user: the owners it reaches and its condition."""

    __slots__ = ("condition", "decision", "grant", "owners", "role")

    def __init__(
        self,
        role: Role,
        grant: Grant,
        owners: frozenset[str] | None,
        condition: Expression | None,
        decision: Decision,
    ) -> None:
        self.role = role
        self.grant = grant
        self.owners = owners
        self.condition = condition
        self.decision = decision


class Entry:
    """What one user may do with one action on one object type."""

    __slots__ = ("everything", "filter", "rules", "summary")

    def __init__(self, rules: list[Rule], summary: Decision) -> None:
        self.rules = tuple(rules)
        self.summary = summary
        self.everything: Decision | None = next(
            (r.decision for r in rules if r.owners is None and r.condition is None), None
        )
        self.filter: Filter | None = None
