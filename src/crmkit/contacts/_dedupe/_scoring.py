"""Pair scoring: points per field rule, summed with the prior, compared to the thresholds."""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from typing import Any

from crmkit import expr
from crmkit.errors import ConfigError, FormulaError

from ._compare import Similarity, comparer
from ._features import Table
from ._rules import Blank, FieldRule, MatchRules

__all__ = [
    "Plan",
    "RulePlan",
    "condition_column",
    "plan",
    "points_of",
    "probability",
    "score_pairs",
    "swapped",
]

# Types the expression language knows for the declared fields of contacts and companies.
_CONTACT_FIELDS = {
    "id": "text",
    "prefix": "text",
    "first_name": "text",
    "middle_name": "text",
    "last_name": "text",
    "suffix": "text",
    "job_title": "text",
    "birth_date": "date",
    "owner_id": "text",
    "lead_source": "text",
    "lifecycle_stage": "text",
    "created_at": "datetime",
    "updated_at": "datetime",
}
_COMPANY_FIELDS = {
    "id": "text",
    "name": "text",
    "legal_name": "text",
    "domain": "text",
    "industry": "text",
    "parent_id": "text",
    "owner_id": "text",
    "created_at": "datetime",
    "updated_at": "datetime",
}


def probability(points: float) -> float:
    """Turn a score in points into a probability from 0 to 1."""
    if points > 60:
        return 1.0
    if points < -60:
        return 0.0
    return float(1.0 / (1.0 + 2.0**-points))


def points_of(share: float) -> float:
    """Turn a probability (strictly between 0 and 1) into points."""
    return math.log2(share / (1.0 - share))


def compile_condition(rule: FieldRule, kind: str, custom: dict[str, str]) -> Any:
    """Compile *rule*'s condition against the record fields and *custom* field types.

    Raises:
        ConfigError: if the condition does not compile (the reason is the formula error).
    """
    fields = dict(_CONTACT_FIELDS if kind == "contact" else _COMPANY_FIELDS)
    fields.update(custom)
    try:
        return expr.compile(rule.condition or "TRUE", fields)
    except FormulaError as exc:
        raise ConfigError("condition", str(exc)) from exc


def condition_column(
    rule: FieldRule, kind: str, custom: dict[str, str], table: Table
) -> list[bool]:
    """Evaluate *rule*'s condition on every record of *table*."""
    compiled = compile_condition(rule, kind, custom)
    return [bool(compiled.evaluate(r)) for r in table.records]


class RulePlan:
    """One field rule made ready for the scoring loop."""

    __slots__ = (
        "agree",
        "blank",
        "column",
        "compare",
        "condition",
        "disagree",
        "floor",
        "rule",
        "span",
        "swap_column",
        "swap_tf",
        "tf",
    )

    def __init__(
        self, rule: FieldRule, table: Table, condition: list[bool] | None, frequencies: bool
    ) -> None:
        self.rule = rule
        self.column: list[Any] = table.columns[rule.field]
        self.compare: Similarity = comparer(rule)
        self.agree = rule.agree_points
        self.disagree = rule.disagree_points
        self.floor = rule.floor
        self.span = (self.agree - self.disagree) / (1.0 - rule.floor)
        self.blank = self.disagree if rule.blank is Blank.DISAGREE else 0.0
        self.condition = condition
        self.swap_column: list[Any] | None = None
        self.tf = (
            _frequency_points(self.column, self.agree) if rule.frequency and frequencies else None
        )
        self.swap_tf: dict[Any, float] | None = self.tf

    def points(self, similarity: float) -> float:
        """Points for *similarity*."""
        if similarity >= 1.0:
            return self.agree
        if similarity <= self.floor:
            return self.disagree
        return self.disagree + (similarity - self.floor) * self.span


_TF_MAX = 2.0


def _frequency_points(column: list[Any], agree: float) -> dict[Any, float]:
    """Per value, the points to add to *agree* when two records share it.

    The reference is the chance that two records picked at random share a value
    (sum of squared shares); a value rarer than that is stronger evidence.
    """
    counts: dict[Any, int] = {}
    for value in column:
        if value is not None and not isinstance(value, tuple):
            counts[value] = counts.get(value, 0) + 1
    filled = sum(counts.values())
    if not filled:
        return {}
    chance = sum(c * c for c in counts.values()) / (filled * filled)
    low = -0.75 * agree
    out = {}
    for value, count in counts.items():
        adjust = math.log2(chance * filled / count)
        out[value] = min(_TF_MAX, max(low, adjust))
    return out


class Plan:
    """Everything the scoring loop needs, prepared once per run."""

    __slots__ = ("first", "last", "match", "possible", "prior", "rules")

    def __init__(
        self,
        rules: list[RulePlan],
        prior: float,
        match: float,
        possible: float,
        names: tuple[list[Any], list[Any]] | None,
    ) -> None:
        self.rules = rules
        self.prior = prior
        self.match = match
        self.possible = possible
        self.first: list[Any] | None = names[0] if names is not None else None
        self.last: list[Any] | None = names[1] if names is not None else None


def plan(rules: MatchRules, table: Table, *, frequencies: bool = True) -> Plan:
    """Prepare *rules* for scoring pairs of *table* (whose columns hold every rule field).

    With *frequencies* False, rules ignore how common a shared value is (for tables too
    small to tell, such as one incoming record and its candidates).
    """
    custom = dict(rules.custom_fields)
    steps = []
    for i, rule in enumerate(rules.fields):
        try:
            condition = (
                condition_column(rule, rules.kind, custom, table) if rule.condition else None
            )
        except ConfigError as exc:
            raise ConfigError(f"fields[{i}].{exc.path}", exc.reason) from exc
        steps.append(RulePlan(rule, table, condition, frequencies))
    names = None
    columns = table.columns
    if rules.swapped_names and rules.kind == "contact":
        first, last = columns.get("first_name"), columns.get("last_name")
        if first is not None and last is not None:
            names = (first, last)
            _crosswise(steps, first, last)
    return Plan(
        steps,
        rules.prior,
        points_of(rules.thresholds.match),
        points_of(rules.thresholds.possible),
        names,
    )


def _crosswise(steps: list[RulePlan], first: list[Any], last: list[Any]) -> None:
    """Let the name rules compare crosswise, judging a shared name's rarity in both roles."""
    by_field = {s.rule.field: s for s in steps}
    pairs = (("first_name", "last_name", last), ("last_name", "first_name", first))
    for own, other, column in pairs:
        step = by_field.get(own)
        if step is None:
            continue
        step.swap_column = column
        if step.tf is not None:
            # "Jeffrey" is a rare last name but a common first name: entered the wrong way
            # round, a shared name counts only as rare as it is in both fields
            theirs = by_field[other].tf if other in by_field else None
            step.swap_tf = {
                v: min(t, theirs.get(v, 0.0) if theirs is not None else 0.0)
                for v, t in step.tf.items()
            }


def swapped(p: Plan, i: int, j: int) -> bool:
    """Return True when record *j* seems to have *i*'s first and last names the other way round.

    That is: one name matches crosswise exactly (*i*'s first is *j*'s last, or the other way
    round) while neither matches straight.
    """
    if p.first is None or p.last is None:
        return False
    fi, fj, li, lj = p.first[i], p.first[j], p.last[i], p.last[j]
    if fi is None or li is None or fj is None or lj is None or fi == fj or li == lj:
        return False
    return bool(fi == lj or li == fj)


def score_pair(p: Plan, i: int, j: int) -> float:
    """Return the score in points of the pair of rows *i* and *j*."""
    total = p.prior
    swap = swapped(p, i, j)
    for step in p.rules:
        condition = step.condition
        if condition is not None and not (condition[i] and condition[j]):
            continue
        a = step.column[i]
        crosswise = swap and step.swap_column is not None
        b = (step.swap_column if crosswise else step.column)[j]  # type: ignore[index]
        tf = step.swap_tf if crosswise else step.tf
        if a is None or b is None:
            total += step.blank
        elif a is b or a == b:
            total += step.agree if tf is None else step.agree + tf.get(a, 0.0)
        else:
            total += step.points(step.compare(a, b))
    return total


def score_pairs(
    p: Plan, codes: Sequence[int], n: int
) -> tuple[array[int], array[int], array[float]]:
    """Score every candidate pair; return the rows and points of pairs at or above possible.

    The loop is the hot spot of deduplication, so it is written out flat: no per-pair
    objects, equal values (often the very same object) short-cut the comparators.
    """
    left: array[int] = array("q")
    right: array[int] = array("q")
    points: array[float] = array("d")
    possible = p.possible
    prior = p.prior
    steps = [
        (s.column, s.swap_column, s.compare, s.agree, s.disagree, s.floor, s.span, s.blank,
         s.condition, s.tf, s.swap_tf)
        for s in p.rules
    ]  # fmt: skip
    first, last = p.first, p.last
    for code in codes:
        i, j = divmod(code, n)
        swap = False
        if first is not None and last is not None:
            fi, fj, li, lj = first[i], first[j], last[i], last[j]
            # crosswise equal on one side, straight equal on neither: entered the wrong way
            if (fi is lj or li is fj) and fi is not fj and li is not lj:
                swap = not (fi is None or fj is None or li is None or lj is None)
        total = prior
        for (column, swap_column, compare, agree, disagree, floor, span, blank, cond, tf,
             swap_tf) in steps:  # fmt: skip
            if cond is not None and not (cond[i] and cond[j]):
                continue
            a = column[i]
            if swap and swap_column is not None:
                b = swap_column[j]
                freq = swap_tf
            else:
                b = column[j]
                freq = tf
            if a is None or b is None:
                total += blank
            elif a is b or a == b:
                total += agree if freq is None else agree + freq.get(a, 0.0)
            else:
                sim = compare(a, b)
                if sim >= 1.0:
                    total += agree
                elif sim <= floor:
                    total += disagree
                else:
                    total += disagree + (sim - floor) * span
        if total >= possible:
            left.append(i)
            right.append(j)
            points.append(total)
    return left, right, points
