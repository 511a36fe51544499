"""Checking records against a schema: types, required fields, choices, uniqueness and rules."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlsplit

from attrs import field, frozen

from crmkit.contacts import normalize_email, normalize_phone
from crmkit.errors import CrmkitError, FormulaError
from crmkit.values import Money

from ._compute import Computed, Plan, compute, truth
from ._definitions import (
    FieldDef,
    FieldKind,
    MoneyOptions,
    NumberOptions,
    PhoneOptions,
    PicklistOptions,
    TextOptions,
)
from ._references import Lookup, record_values

__all__ = ["Checked", "Issue", "check_value", "is_blank", "validate", "validate_batch"]

Check = Callable[[object, Mapping[str, object]], "tuple[str, str] | None"]


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


def is_blank(value: object) -> bool:
    """Return True for None, blank text and empty collections."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, tuple | list | frozenset | set):
        return not value
    return False


def _text(options: TextOptions) -> Check:
    limit = options.max_length

    def check(value: object, _: Mapping[str, object]) -> tuple[str, str] | None:
        if not isinstance(value, str):
            return "fields.type", f"expected text, not {type(value).__name__}"
        if limit is not None and len(value) > limit:
            return "fields.too_long", f"{len(value)} characters; at most {limit} allowed"
        return None

    return check


def _digits(value: Decimal, precision: int, scale: int) -> tuple[str, str] | None:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > scale:
        normalized = value.normalize().as_tuple().exponent
        if isinstance(normalized, int) and -normalized > scale:
            return "fields.precision", f"more than {scale} decimal place(s)"
    whole = abs(value).to_integral_value(rounding="ROUND_DOWN")
    if whole and len(str(whole)) > precision - scale:
        return "fields.precision", f"more than {precision - scale} digit(s) before the point"
    return None


def _number(options: NumberOptions) -> Check:
    precision, scale = options.precision, options.scale
    low, high = options.min_value, options.max_value

    def check(value: object, _: Mapping[str, object]) -> tuple[str, str] | None:
        if isinstance(value, Decimal) and value.is_finite():
            number = value
        elif isinstance(value, int) and not isinstance(value, bool):
            number = Decimal(value)
        else:
            return "fields.type", f"expected an int or a Decimal, not {type(value).__name__}"
        if low is not None and number < low:
            return "fields.range", f"{number} is less than {low}"
        if high is not None and number > high:
            return "fields.range", f"{number} is more than {high}"
        return _digits(number, precision, scale)

    return check


def _money(options: MoneyOptions) -> Check:
    def check(value: object, _: Mapping[str, object]) -> tuple[str, str] | None:
        if not isinstance(value, Money):
            return "fields.type", f"expected Money, not {type(value).__name__}"
        if value.currency != options.currency:
            return "fields.type", f"expected an amount in {options.currency}, not {value.currency}"
        return _digits(value.amount, 38, options.scale)

    return check


def _exact(kind: type | tuple[type, ...], word: str) -> Check:
    def check(value: object, _: Mapping[str, object]) -> tuple[str, str] | None:
        if isinstance(value, kind):
            return None
        return "fields.type", f"expected {word}, not {type(value).__name__}"

    return check


def _date(value: object, _: Mapping[str, object]) -> tuple[str, str] | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return None
    return "fields.type", f"expected a date, not {type(value).__name__}"


def _datetime(value: object, _: Mapping[str, object]) -> tuple[str, str] | None:
    if not isinstance(value, datetime):
        return "fields.type", f"expected a datetime, not {type(value).__name__}"
    if value.utcoffset() is None:
        return "fields.type", "expected a timezone-aware datetime"
    return None


@lru_cache(maxsize=4096)
def _email_problem(value: str) -> str | None:
    try:
        normalized = normalize_email(value)
    except CrmkitError as exc:
        return getattr(exc, "reason", str(exc))
    return None if normalized.value == value else f"not normalized (use {normalized.value!r})"


@lru_cache(maxsize=4096)
def _phone_problem(value: str, region: str | None) -> str | None:
    try:
        normalized = str(normalize_phone(value, region))
    except CrmkitError as exc:
        return getattr(exc, "reason", str(exc))
    return None if normalized == value else f"not in E.164 form (use {normalized!r})"


def _email(value: object, _: Mapping[str, object]) -> tuple[str, str] | None:
    if not isinstance(value, str):
        return "fields.type", f"expected an e-mail address, not {type(value).__name__}"
    problem = _email_problem(value)
    return None if problem is None else ("fields.type", problem)


def _phone(options: PhoneOptions) -> Check:
    def check(value: object, _: Mapping[str, object]) -> tuple[str, str] | None:
        if not isinstance(value, str):
            return "fields.type", f"expected a phone number, not {type(value).__name__}"
        problem = _phone_problem(value, options.region)
        return None if problem is None else ("fields.type", problem)

    return check


def _url(value: object, _: Mapping[str, object]) -> tuple[str, str] | None:
    if not isinstance(value, str):
        return "fields.type", f"expected a URL, not {type(value).__name__}"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "fields.type", "expected an http or https URL"
    return None


def _picklist(options: PicklistOptions, multi: bool) -> Check:
    values = frozenset(c.value for c in options.choices)
    control = options.controlled_by

    def one(value: object, full: Mapping[str, object]) -> tuple[str, str] | None:
        if not isinstance(value, str):
            return "fields.type", f"expected a choice, not {type(value).__name__}"
        if control is not None:
            allowed = {c.value for c in options.allowed(full.get(control))}
            if value not in allowed and (options.restricted or value in values):
                shown = full.get(control)
                return "fields.choice", f"{value!r} is not a choice when {control} is {shown!r}"
        elif options.restricted and value not in values:
            return "fields.choice", f"{value!r} is not one of the choices"
        return None

    if not multi:
        return one

    def many(value: object, full: Mapping[str, object]) -> tuple[str, str] | None:
        if not isinstance(value, tuple | list | frozenset | set):
            return "fields.type", f"expected a tuple of choices, not {type(value).__name__}"
        for item in value:
            problem = one(item, full)
            if problem is not None:
                return problem
        return None

    return many


def check_value(f: FieldDef) -> Check | None:
    """Return the type and constraint check for a field that is typed in, or None."""
    options = f.options
    kind = f.type
    if isinstance(options, TextOptions):
        return _text(options)
    if isinstance(options, NumberOptions):
        return _number(options)
    if isinstance(options, MoneyOptions):
        return _money(options)
    if isinstance(options, PhoneOptions):
        return _phone(options)
    if isinstance(options, PicklistOptions):
        return _picklist(options, kind is FieldKind.MULTIPICKLIST)
    simple: dict[FieldKind, Check] = {
        FieldKind.BOOL: _exact(bool, "TRUE or FALSE"),
        FieldKind.DATE: _date,
        FieldKind.DATETIME: _datetime,
        FieldKind.EMAIL: _email,
        FieldKind.URL: _url,
        FieldKind.REFERENCE: _exact(str, "a record id"),
    }
    return simple.get(kind)


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
    issues = [Issue(n, "fields.evaluation", str(e)) for n, e in computed.errors.items()]
    hidden = set()
    for section, expression in plan.section_visible.items():
        if not _add(issues, None, truth(expression, full, now=now)):
            hidden.add(section)
    prior = None
    if previous is not None:
        prior, _ = compute(plan, record_values(previous), lookup=lookup, now=now)
    for name, check in plan.checks:
        value = values.get(name)
        if value is None or is_blank(value):
            f = plan.by_name[name]
            if not (f.required or name in plan.required_when):
                continue
            if plan.section_of.get(name) in hidden:
                continue
            visible = plan.visible.get(name)
            if visible is not None and not _add(issues, name, truth(visible, full, now=now)):
                continue
            condition = plan.required_when.get(name)
            if f.required or (
                condition is not None and _add(issues, name, truth(condition, full, now=now))
            ):
                issues.append(Issue(name, "fields.required", f"{f.label_for()} is required"))
            continue
        problem = check(value, full)
        if problem is not None:
            issues.append(Issue(name, problem[0], problem[1]))
    if prior is not None:
        for name, expression in plan.read_only.items():
            if values.get(name) != prior.get(name) and _add(
                issues, name, truth(expression, prior, now=now)
            ):
                issues.append(Issue(name, "fields.read_only", f"{name} cannot be changed now"))
    for rule, expression in plan.rules:
        if _add(issues, rule.field, truth(expression, full, previous=prior, now=now)):
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
