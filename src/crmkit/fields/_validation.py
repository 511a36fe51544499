"""Checking records against a schema: types, required fields, choices, uniqueness and rules.

The per-record path runs over what the schema compiled once (see :func:`build_steps`): a flat
list of the typed-in fields with their value checks, and the few section conditions that can
decide whether a blank field is required.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from attrs import field, frozen

from crmkit.errors import CrmkitError, FormulaError

from ._checks import Check, is_blank
from ._compute import Computed, as_formula_error, compute, truth
from ._plan import Plan
from ._references import Lookup, record_values

__all__ = ["Checked", "Issue", "build_steps", "validate", "validate_batch"]

_NO_SECTIONS: frozenset[str] = frozenset()


@frozen
class Issue:
    """One problem of a record, as a form or an import report shows it.

    Attributes:
        field: the field the problem attaches to, or None for the whole record.
        code: a stable key (``fields.required``, ``fields.type``, ``fields.too_long``,
            ``fields.precision``, ``fields.range``, ``fields.choice``, ``fields.unique``,
            ``fields.read_only``, ``fields.rule``, ``fields.evaluation``).
        message: the problem in words.
        rule: the validation rule's name, for ``fields.rule`` issues.
        index: the record's position in a batch, for :meth:`Schema.validate_batch`.
    """

    field: str | None
    code: str
    message: str
    rule: str | None = None
    index: int | None = None


def _add(issues: list[Issue], name: str | None, result: bool | FormulaError) -> bool:
    if isinstance(result, FormulaError):
        issues.append(Issue(name, "fields.evaluation", str(result)))
        return False
    return result


@frozen
class Checked:
    """A record's formula values and its problems, from one pass (:meth:`Schema.check`).

    Attributes:
        computed: the formula values and formula errors.
        issues: every problem, as :meth:`Schema.validate` lists them.
    """

    computed: Computed
    issues: list[Issue] = field(factory=list)

    @property
    def ok(self) -> bool:
        """True when the record has no issue (formula errors are issues too)."""
        return not self.issues


def build_steps(plan: Plan, checks: Iterable[tuple[str, Check]]) -> None:
    """Store in *plan* the per-record steps of validation for the typed-in fields' *checks*.

    Each step is ``(name, check, may_be_required)``. Only sections holding a field that may
    be required get their condition evaluated per record: no other section's visibility
    changes what validation reports.
    """
    steps = []
    gating: set[str] = set()
    for name, check in checks:
        f = plan.by_name[name]
        may_be_required = f.required or name in plan.required_when
        steps.append((name, check, may_be_required))
        section = plan.section_of.get(name)
        if may_be_required and section in plan.section_visible:
            gating.add(section)
    plan.steps = steps
    plan.gating_sections = [(s, e) for s, e in plan.section_visible.items() if s in gating]


def _hidden(
    plan: Plan, full: Mapping[str, object], issues: list[Issue], now: datetime | date | None
) -> set[str]:
    hidden = set()
    for section, expression in plan.gating_sections:
        if not _add(issues, None, truth(expression, full, now=now)):
            hidden.add(section)
    return hidden


def _required(
    plan: Plan,
    name: str,
    full: Mapping[str, object],
    *,
    hidden: frozenset[str] | set[str],
    issues: list[Issue],
    now: datetime | date | None,
) -> None:
    """Add a ``fields.required`` issue if the blank field *name* is required here."""
    if plan.section_of.get(name) in hidden:
        return
    visible = plan.visible.get(name)
    if visible is not None and not _add(issues, name, truth(visible, full, now=now)):
        return
    f = plan.by_name[name]
    condition = plan.required_when.get(name)
    if f.required or (
        condition is not None and _add(issues, name, truth(condition, full, now=now))
    ):
        issues.append(Issue(name, "fields.required", f"{f.label_for()} is required"))


def validate(
    plan: Plan,
    record: object,
    *,
    previous: object = None,
    lookup: Lookup | None = None,
    now: datetime | date | None = None,
) -> Checked:
    """Compute and check *record* (see :meth:`Schema.validate`)."""
    values = record_values(record)
    full, computed = compute(plan, values, lookup=lookup, now=now)
    errors = computed.errors
    issues = [Issue(n, "fields.evaluation", str(e)) for n, e in errors.items()] if errors else []
    hidden = _hidden(plan, full, issues, now) if plan.gating_sections else _NO_SECTIONS
    prior = None
    if previous is not None:
        prior, _ = compute(plan, record_values(previous), lookup=lookup, now=now)
    get = values.get
    for name, check, may_be_required in plan.steps:
        value = get(name)
        if may_be_required and (value is None or is_blank(value)):
            _required(plan, name, full, hidden=hidden, issues=issues, now=now)
        elif value is not None:
            problem = check(value, full)
            # a blank value of a field that cannot be required is simply left empty
            if problem is not None and (may_be_required or not is_blank(value)):
                issues.append(Issue(name, problem[0], problem[1]))
    if prior is not None:
        for name, expression in plan.read_only.items():
            if values.get(name) != prior.get(name) and _add(
                issues, name, truth(expression, prior, now=now)
            ):
                issues.append(Issue(name, "fields.read_only", f"{name} cannot be changed now"))
    for rule, expression in plan.rules:
        try:
            failed = expression.evaluate(full, previous=prior, now=now) is True
        except CrmkitError as exc:
            issues.append(
                Issue(rule.field, "fields.evaluation", str(as_formula_error(expression, exc)))
            )
            continue
        if failed:
            issues.append(Issue(rule.field, "fields.rule", rule.message, rule=rule.name))
    return Checked(computed, issues)


def _unique_key(value: object) -> object:
    if isinstance(value, str):
        return value.strip().casefold()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def validate_batch(
    plan: Plan,
    records: Iterable[object],
    *,
    lookup: Lookup | None = None,
    now: datetime | date | None = None,
) -> list[list[Issue]]:
    """Validate each record, and unique fields across the batch (see the Schema method)."""
    unique = [f.name for f in plan.by_name.values() if f.unique]
    seen: dict[str, dict[object, int]] = {name: {} for name in unique}
    out: list[list[Issue]] = []
    for index, record in enumerate(records):
        issues = [
            Issue(i.field, i.code, i.message, rule=i.rule, index=index)
            for i in validate(plan, record, lookup=lookup, now=now).issues
        ]
        values = record_values(record) if unique else {}
        for name in unique:
            value = values.get(name)
            if is_blank(value):
                continue
            key = _unique_key(value)
            try:
                first = seen[name].setdefault(key, index)
            except TypeError:
                continue
            if first != index:
                issues.append(
                    Issue(
                        name,
                        "fields.unique",
                        f"{value!r} is already used by record {first}",
                        index=index,
                    )
                )
        out.append(issues)
    return out
