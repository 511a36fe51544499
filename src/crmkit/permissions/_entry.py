"""What one user may do with one action on one object type: the grants that apply, as rules.

The index builds entries and the filter builder reads them; both import them from here.
"""

from __future__ import annotations

from crmkit.expr import Expression

from ._decision import Decision, Filter
from ._model import Grant, Role

__all__ = ["Entry", "Rule"]


class Rule:
    """One grant as it applies to one user: the owners it reaches and its condition.

    ``requirement`` is how a refusal names the rule ("role Sales Rep may update deals only
    when owner = you").
    """

    __slots__ = ("condition", "decision", "grant", "owners", "requirement", "role")

    def __init__(  # noqa: PLR0917  # built in one place, the index, positionally
        self,
        role: Role,
        grant: Grant,
        owners: frozenset[str] | None,
        condition: Expression | None,
        decision: Decision,
        requirement: str,
    ) -> None:
        self.role = role
        self.grant = grant
        self.owners = owners
        self.condition = condition
        self.decision = decision
        self.requirement = requirement


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
