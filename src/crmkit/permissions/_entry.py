"""What one user may do with one action on one object type: the grants that apply, as rules.

The index builds entries once per user, object type and action; a check of a record reads
one, and the filter builder turns one into a WHERE clause. Everything an entry can answer
without the record is worked out when it is built, and its refusals are kept once made:
a refusal's words depend only on which conditional rules reach the record's owner.
"""

from __future__ import annotations

from crmkit.errors import FormulaError
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
    """What one user may do with one action on one object type.

    Attributes:
        rules: the rules that may allow, most generous first.
        summary: the answer for the object type as a whole (a type-level check).
        everything: the decision when some rule allows every record, else None.
        filter: the entry's query filter once built (see ``Index.filter_of``).
    """

    __slots__ = ("_conditional", "_refusals", "everything", "filter", "rules", "summary")

    def __init__(self, rules: list[Rule], summary: Decision) -> None:
        self.rules = tuple(rules)
        self.summary = summary
        self.everything: Decision | None = next(
            (r.decision for r in rules if r.owners is None and r.condition is None), None
        )
        self.filter: Filter | None = None
        self._conditional = tuple(r for r in rules if r.condition is not None)
        self._refusals: dict[tuple[bool, ...], Decision] = {}

    def decide(self, record: object, owner: object) -> Decision:
        """Return the decision on *record*, whose ``owner_id`` is *owner*.

        The first rule that reaches the owner and whose condition holds allows; a condition
        that fails to evaluate (a blank, a wrong type) does not hold.
        """
        found = self.everything
        if found is not None:
            return found
        for rule in self.rules:
            owners = rule.owners
            if owners is not None and owner not in owners:
                continue
            condition = rule.condition
            if condition is None:
                return rule.decision
            try:
                if condition.evaluate(record) is True:
                    return rule.decision
            except FormulaError:
                continue
        return self.refusal(owner)

    def refusal(self, owner: object) -> Decision:
        """Refuse with the rules that would allow, never with who owns the record.

        The reason names each rule and, for a record in its reach, the condition that does
        not hold; whose record it is stays unsaid, so a refusal tells nothing about a record
        the user may not see.
        """
        if not self.rules:
            return self.summary
        conditional = self._conditional
        # most entries have no conditional rule: one refusal for every record
        reach = (
            tuple(r.owners is None or owner in r.owners for r in conditional) if conditional else ()
        )
        found = self._refusals.get(reach)
        if found is None:
            found = self._refusals[reach] = self._refuse(reach)
        return found

    def _refuse(self, reach: tuple[bool, ...]) -> Decision:
        summary = self.summary
        thing = f"this {summary.object_type}"
        parts = [rule.requirement for rule in self.rules]
        facts = [
            f"{rule.condition.source} does not hold for {thing}"
            for rule, reached in zip(self._conditional, reach, strict=True)
            if reached and rule.condition is not None
        ]
        reason = "; ".join(dict.fromkeys(parts + facts))
        return Decision(False, reason, summary.action, summary.object_type)
