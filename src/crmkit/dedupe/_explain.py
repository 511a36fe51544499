"""Explanations: why two records scored what they did, field by field, in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from attrs import frozen

from ._compare import date_swapped, nickname_of
from ._features import Record, Table, prepare
from ._match_field import Blank, Comparator, MatchField
from ._rules import MatchRules
from ._scoring import Plan, RulePlan, plan, points_of, probability, swapped

__all__ = ["FieldComparison", "GroupExplanation", "PairExplanation", "explain_pair"]


@frozen(kw_only=True)
class FieldComparison:
    """How one field of a pair compared.

    Attributes:
        field: the field compared.
        label: the field in words (``"e-mail address"``).
        comparator: the comparator's name.
        left: the first record's value as shown to people ("" when blank).
        right: the second record's value.
        similarity: 0 to 1, or None when the field was not compared (blank, condition).
        points: what the field added to the score (negative: against a duplicate).
        note: the comparison in words (``"nicknames of the same name"``).
        m: for a rule weighted by probabilities (hand-set or estimated with
            :func:`estimate_weights`), the share of duplicates whose values agree.
        u: likewise, the share of other pairs whose values agree by chance.
    """

    field: str
    label: str
    comparator: str
    left: str
    right: str
    similarity: float | None
    points: float
    note: str
    m: float | None = None
    u: float | None = None

    def __str__(self) -> str:
        left = self.left or "(blank)"
        right = self.right or "(blank)"
        weight = _weight(self.points)
        learned = f"; m {self.m:.3f}, u {self.u:.4f}" if self.m is not None else ""
        return (
            f"{self.label}: {left} / {right}: {self.note} ({self.points:+.1f}, {weight}{learned})"
        )


@frozen(kw_only=True)
class PairExplanation:
    """Why two records got their score.

    Attributes:
        left_id: the first record's id.
        right_id: the second record's id.
        score: the probability (0 to 1) that they are the same.
        points: the score in points: the prior plus every field's points.
        prior: the points every pair starts with.
        kind: ``"match"``, ``"possible"`` or ``"different"`` by the thresholds.
        fields: one :class:`FieldComparison` per field rule.
        swapped_names: whether first and last names were compared crosswise.
        names_differ: whether the names clearly differ, so that a pair scoring as a match
            is only ``possible``: records sharing a phone or a mailbox are not one person.
    """

    left_id: str
    right_id: str
    score: float
    points: float
    prior: float
    kind: str
    fields: tuple[FieldComparison, ...]
    swapped_names: bool = False
    names_differ: bool = False

    def __str__(self) -> str:
        verdict = {
            "match": "duplicates",
            "possible": "possibly duplicates, worth a look",
            "different": "probably different",
        }[self.kind]
        lines = [
            f"{self.left_id} and {self.right_id}: {self.score:.0%} likely the same ({verdict})"
        ]
        if self.swapped_names:
            lines.append("  first and last name are the other way round on one record")
        if self.names_differ:
            lines.append(
                "  the names clearly differ: linked (a shared phone, mailbox or address),"
                " not one person, so never merged"
            )
        lines.extend(f"  {f}" for f in self.fields)
        lines.append(f"  every pair starts at {self.prior:+.1f} (most pairs are not duplicates)")
        return "\n".join(lines)


@frozen(kw_only=True)
class GroupExplanation:
    """The explanation of a duplicate group: every pair of its records.

    Attributes:
        group_id: the group's id.
        pairs: one :class:`PairExplanation` per pair of records, in record id order.
    """

    group_id: str
    pairs: tuple[PairExplanation, ...]

    def __str__(self) -> str:
        return "\n\n".join(str(p) for p in self.pairs)


def _weight(points: float) -> str:
    size = abs(points)
    if size < 0.05:
        return "no weight"
    strength = "strong" if size >= 8 else "moderate" if size >= 3 else "weak"
    return f"{strength} evidence {'for' if points > 0 else 'against'}"


def _shown(record: Any, rule: MatchField, companies: Mapping[str, object] | None) -> str:
    name = rule.field
    if name == "email":
        return ", ".join(e.address.value for e in record.emails)
    if name == "phone":
        # a number kept as typed is shown as typed, never as if it were valid
        raw = [f"{p.text} (not a valid number)" for p in getattr(record, "invalid_phones", ())]
        return ", ".join([*(p.number.international for p in record.phones), *raw])
    if name == "street":
        return next((line for a in record.addresses for line in a.lines if line), "")
    if name in ("city", "region", "country", "postal_code"):
        return next((getattr(a, name) for a in record.addresses if getattr(a, name)), "")
    if name == "name" and hasattr(record, "first_name"):
        return f"{record.first_name} {record.last_name}".strip()
    if name in ("company", "company_key"):
        if hasattr(record, "first_name"):
            given = companies.get(record.id) if companies is not None else None
            given = given if given is not None else record.custom.get("company")
            if isinstance(given, list | tuple):
                return ", ".join(str(g) for g in given)
            return "" if given is None else str(given)
        return str(record.name)
    key = name.removeprefix("custom.")
    if not name.startswith("custom.") and hasattr(record, name):
        value = getattr(record, name)
    else:
        value = record.custom.get(key)
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _common(a: object, b: object) -> bool:
    left = set(a) if isinstance(a, tuple) else {a}
    return not left.isdisjoint(b if isinstance(b, tuple) else (b,))


def _note(rule: MatchField, a: object, b: object, similarity: float) -> str:
    kind = rule.comparator
    if similarity >= 1.0:
        if (
            kind is Comparator.FIRST_NAME
            and isinstance(a, str)
            and isinstance(b, str)
            and a != b
            and nickname_of(a, b)
        ):
            return "nicknames of the same name"
        if a != b and kind is Comparator.PHONE and not _common(a, b):
            return "the same digits, one written without its country code"
        if a != b and kind in (Comparator.EMAIL, Comparator.PHONE):
            return "one in common"
        return "the same" if a == b else "the same once spelling variants are ignored"
    if (
        kind is Comparator.DATE
        and isinstance(a, date)
        and isinstance(b, date)
        and date_swapped(a, b)
    ):
        return "day and month swapped, probably a typing slip"
    if kind is Comparator.DATE and similarity == 0.6:
        return "one digit apart, probably a typing slip"
    if similarity >= 0.9:
        return f"almost the same, probably a typo ({similarity:.0%} alike)"
    if similarity > rule.floor:
        return f"similar ({similarity:.0%} alike)"
    return f"different ({similarity:.0%} alike)"


def _compare_field(
    step: RulePlan,
    rows: tuple[int, int],
    *,
    swap: bool,
    full: bool,
    left: Record,
    right: Record,
    companies: Mapping[str, object] | None,
    values: bool,
) -> FieldComparison:
    i, j = rows
    rule = step.rule
    shown_left = _shown(left, rule, companies) if values else ""
    shown_right = _shown(right, rule, companies) if values else ""
    if values and swap and step.swap_column is not None:
        other = "last_name" if rule.field == "first_name" else "first_name"
        shown_right = _shown(right, MatchField(field=other), companies)
    common: dict[str, Any] = {
        "field": rule.field,
        "label": rule.title,
        "comparator": rule.comparator.value,
        "left": shown_left,
        "right": shown_right,
        "m": rule.m,
        "u": rule.u,
    }
    if step.condition is not None and not (step.condition[i] and step.condition[j]):
        note = f"not compared: the condition {rule.condition} does not hold for both"
        return FieldComparison(**common, similarity=None, points=0.0, note=note)
    a = step.column[i]
    crosswise = swap and step.swap_column is not None
    b = (step.swap_column if crosswise else step.column)[j]  # type: ignore[index]
    tf = None if full and step.full_name else step.swap_tf if crosswise else step.tf
    if a is None or b is None:
        counts = rule.blank is Blank.DISAGREE
        note = "blank on one side, " + ("counted as different" if counts else "not counted")
        return FieldComparison(**common, similarity=None, points=step.blank, note=note)
    similarity = 1.0 if a == b else step.compare(a, b)
    points = step.points(similarity)
    note = _note(rule, a, b, similarity)
    if a == b and tf is not None:
        adjust = tf.get(a, 0.0)
        points += adjust
        if adjust <= -0.5:
            note += ", but a common value"
        elif adjust >= 0.5:
            note += ", and a rare value"
    return FieldComparison(**common, similarity=similarity, points=points, note=note)


def _full_name_line(
    steps: Plan, rows: tuple[int, int], left: Record, right: Record, values: bool
) -> FieldComparison:
    counts = steps.name_counts
    table = steps.full_name
    if counts is None or table is None:  # full_name_agrees checked both
        raise AssertionError
    count = counts[rows[0]]
    points = table[count]
    if points <= -0.5:
        note = f"a common name: {count:,} records carry it"
    elif points >= 0.5:
        note = f"a rare name: only {count:,} records carry it"
    else:
        note = f"{count:,} records carry it"
    return FieldComparison(
        field="name",
        label="full name",
        comparator="frequency",
        left=_shown(left, MatchField(field="name"), None) if values else "",
        right=_shown(right, MatchField(field="name"), None) if values else "",
        similarity=1.0,
        points=points,
        note=note,
    )


def explain_pair(
    left: Record,
    right: Record,
    rules: MatchRules,
    companies: Mapping[str, object] | None = None,
    *,
    table: Table | None = None,
    rows: tuple[int, int] = (0, 1),
    steps: Plan | None = None,
    values: bool = True,
) -> PairExplanation:
    """Explain how *left* and *right* compare under *rules*.

    With *steps* (the plan a run scored with) and the pair's *rows* in that run, the
    explanation judges how common a value is among all the records of the run, exactly as
    the score did; otherwise among *table*'s records (by default, the two records alone).
    With *values* False each field's shown values are left empty (formatting them, phone
    numbers above all, costs more than the comparison).
    """
    if steps is None:
        if table is None:
            table = prepare([left, right], rules, companies)
        steps = plan(rules, table)
    i, j = rows
    swap = swapped(steps, i, j)
    full = steps.full_name_agrees(i, j)
    fields = tuple(
        _compare_field(
            s,
            rows,
            swap=swap,
            full=full,
            left=left,
            right=right,
            companies=companies,
            values=values,
        )
        for s in steps.rules
    )
    if full:
        fields += (_full_name_line(steps, rows, left, right, values),)
    total = rules.prior + sum(f.points for f in fields)
    match = points_of(rules.thresholds.match)
    possible = points_of(rules.thresholds.possible)
    differ = steps.names_differ(i, j)
    kind = "match" if total >= match else "possible" if total >= possible else "different"
    if kind == "match" and differ:
        kind = "possible"
    return PairExplanation(
        left_id=left.id,
        right_id=right.id,
        score=probability(total),
        points=total,
        prior=rules.prior,
        kind=kind,
        fields=fields,
        swapped_names=swap,
        names_differ=differ,
    )
