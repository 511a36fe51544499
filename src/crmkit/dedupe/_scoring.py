"""Pair scoring: points per field rule, summed with the prior, compared to the thresholds."""

from __future__ import annotations

import math
from typing import Any

from crmkit.errors import ConfigError

from ._compare import Similarity, comparer
from ._condition import compile_condition, condition_fields
from ._conflict import NameColumns
from ._features import Table
from ._frequency import local_part_points, value_points
from ._match_field import Blank, Comparator, MatchField
from ._rules import MatchRules

__all__ = [
    "Plan",
    "RulePlan",
    "condition_column",
    "plan",
    "points_of",
    "probability",
    "swapped",
]


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


def condition_column(
    rule: MatchField, kind: str, custom: dict[str, str], table: Table
) -> list[bool]:
    """Evaluate *rule*'s condition on every record of *table*."""
    compiled = compile_condition(rule, kind, custom)
    view = condition_fields(kind, custom).view
    return [bool(compiled.evaluate(view(r))) for r in table.records]


class RulePlan:
    """One field rule made ready for the scoring loop."""

    __slots__ = (
        "agree",
        "blank",
        "column",
        "compare",
        "condition",
        "disagree",
        "empty",
        "floor",
        "full_name",
        "rule",
        "span",
        "swap_column",
        "swap_tf",
        "tf",
    )

    def __init__(
        self, rule: MatchField, table: Table, condition: list[bool] | None, frequencies: bool
    ) -> None:
        self.rule = rule
        self.column: list[Any] = table.columns[rule.field]
        self.compare: Similarity = comparer(rule)
        self.agree = rule.agree_points
        self.disagree = rule.disagree_points
        self.floor = rule.floor
        self.span = (self.agree - self.disagree) / (1.0 - rule.floor)
        self.blank = self.disagree if rule.blank is Blank.DISAGREE else 0.0
        # blank on every record and a blank counting nothing: the rule gives no points
        self.empty = not self.blank and self.column.count(None) == len(self.column)
        self.condition = condition
        self.swap_column: list[Any] | None = None
        self.tf: dict[Any, float] | None = None
        if rule.frequency and frequencies:
            if rule.comparator is Comparator.EMAIL:
                first, last = table.columns.get("first_name"), table.columns.get("last_name")
                names = (first, last) if first is not None and last is not None else None
                self.tf = local_part_points(self.column, self.agree, names)
            else:
                self.tf = value_points(self.column, self.agree)
        self.swap_tf: dict[Any, float] | None = self.tf
        # a name rule whose frequency points give way to the full name's when both agree
        self.full_name = False

    def points(self, similarity: float) -> float:
        """Points for *similarity*."""
        if similarity >= 1.0:
            return self.agree
        if similarity <= self.floor:
            return self.disagree
        return self.disagree + (similarity - self.floor) * self.span


# Full-name frequency: records sharing the full name of a pair (``count``, the pair
# included) turn into points as log2(_NAME_REF / count), between _NAME_LOW and _NAME_HIGH.
# Two records out of a million sharing a name is strong evidence; two of 300 "Ali Ahmadi"
# sharing it is close to none. Set on seed 1 of the benchmark generator (see
# ``benchmarks/dedupe.py``): there, the odds that two records sharing a full name are one
# person fell as 1/count for counts from 8 to 4,000, at 200,000 records as at 1,000,000.
# _NAME_REF was then picked at 1,000,000 records (12, 16, 24 and 32 all gave pairwise F1
# within 0.003 of each other; 24 the best).
_NAME_REF = 24.0
_NAME_LOW = -8.0
_NAME_HIGH = 3.0


def full_name_points(count: int) -> float:
    """Points for a full name (first and last) shared by *count* records, the pair included.

    They replace both names' own frequency points when the whole name agrees.
    """
    return min(_NAME_HIGH, max(_NAME_LOW, math.log2(_NAME_REF / max(count, 2))))


class Plan:
    """Everything the scoring loop needs, prepared once per run."""

    __slots__ = (
        "first",
        "full_name",
        "full_name_columns",
        "last",
        "match",
        "name_counts",
        "names",
        "possible",
        "prior",
        "rules",
    )

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
        # per record, records sharing its full name; and points by that count
        self.name_counts: list[int] | None = None
        self.full_name: list[float] | None = None
        self.full_name_columns: tuple[list[Any], list[Any]] | None = None
        # the records' name keys, when clearly different names must never be merged
        self.names: NameColumns | None = None

    def names_differ(self, i: int, j: int) -> bool:
        """Return True when rows *i* and *j* must not merge: their names clearly differ."""
        return self.names is not None and self.names.conflict(i, j)

    def full_name_agrees(self, i: int, j: int) -> bool:
        """Return True when rows *i* and *j* share first and last name (in either order).

        Only when the full name's frequency is in use: it then replaces each name's own.
        """
        if self.full_name_columns is None:
            return False
        first, last = self.full_name_columns
        fi, fj, li, lj = first[i], first[j], last[i], last[j]
        if fi is None or li is None or fj is None or lj is None:
            return False
        return bool((fi == fj and li == lj) or (fi == lj and li == fj))


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
    first, last = columns.get("first_name"), columns.get("last_name")
    if rules.swapped_names and rules.kind == "contact" and first is not None and last is not None:
        names = (first, last)
        _crosswise(steps, first, last)
    out = Plan(
        steps,
        rules.prior,
        points_of(rules.thresholds.match),
        points_of(rules.thresholds.possible),
        names,
    )
    if (
        rules.kind == "contact"
        and not rules.merge_different_names
        and first is not None
        and last is not None
    ):
        out.names = NameColumns(first, last)
    by_field = {s.rule.field: s for s in steps}
    counts = table.name_counts
    if (
        frequencies
        and counts is not None
        and first is not None
        and last is not None
        and all(f in by_field and by_field[f].tf is not None for f in ("first_name", "last_name"))
    ):
        out.name_counts = counts
        out.full_name_columns = (first, last)
        out.full_name = [full_name_points(c) for c in range(max(counts, default=0) + 1)]
        for f in ("first_name", "last_name"):
            by_field[f].full_name = True
    return out


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
    full = p.full_name_agrees(i, j)
    for step in p.rules:
        condition = step.condition
        if condition is not None and not (condition[i] and condition[j]):
            continue
        a = step.column[i]
        crosswise = swap and step.swap_column is not None
        b = (step.swap_column if crosswise else step.column)[j]  # type: ignore[index]
        tf = None if full and step.full_name else step.swap_tf if crosswise else step.tf
        if a is None or b is None:
            total += step.blank
        elif a is b or a == b:
            total += step.agree if tf is None else step.agree + tf.get(a, 0.0)
        else:
            total += step.points(step.compare(a, b))
    if full and p.full_name is not None and p.name_counts is not None:
        total += p.full_name[p.name_counts[i]]
    return total
