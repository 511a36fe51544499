"""Computing a record's formula fields, in the order the schema's plan put them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from attrs import field, frozen

from crmkit.errors import CrmkitError, ErrorCode, FormulaError
from crmkit.expr import Expression

from ._plan import Plan
from ._references import Lookup, ResolvedRecord

__all__ = ["Computed", "as_formula_error", "compute", "resolve", "truth"]


def _messages(errors: dict[str, FormulaError]) -> dict[str, str]:
    # exceptions compare by identity; two runs' errors are the same when their messages are
    return {name: str(error) for name, error in errors.items()}


@frozen
class Computed:
    """The formula values of one record, and the formulas that could not be computed.

    Attributes:
        values: each computed formula field's value (None when blank), in dependency order.
        errors: for each formula that failed on this record, the error; a formula that
            depends on a failed one fails too, naming it.
    """

    values: dict[str, object]
    errors: dict[str, FormulaError] = field(factory=dict, eq=_messages)

    @property
    def ok(self) -> bool:
        """True when every formula was computed."""
        return not self.errors


def as_formula_error(expression: Expression, exc: CrmkitError) -> FormulaError:
    """Return *exc*, raised while evaluating *expression*, as a FormulaError."""
    if isinstance(exc, FormulaError):
        return exc
    return FormulaError(str(exc), source=expression.source, code=ErrorCode.EXPR_BAD_VALUE)


def truth(
    expression: Expression,
    full: Mapping[str, object],
    *,
    previous: object = None,
    now: datetime | date | None = None,
) -> bool | FormulaError:
    """Evaluate a condition: True only when it is TRUE (blank is FALSE), or the error."""
    try:
        return expression.evaluate(full, previous=previous, now=now) is True
    except CrmkitError as exc:
        return as_formula_error(expression, exc)


def resolve(plan: Plan, values: Mapping[str, object], lookup: Lookup | None) -> dict[str, object]:
    """Return a copy of *values* whose reference fields read through *lookup*."""
    full = dict(values)
    for name, target in plan.deref.items():
        value = full.get(name)
        if isinstance(value, str) and value:
            full[name] = ResolvedRecord(
                lookup, target, value, refs=plan.refs, depth=1, max_depth=plan.max_depth
            )
    return full


def compute(
    plan: Plan,
    values: Mapping[str, object],
    *,
    lookup: Lookup | None = None,
    now: datetime | date | None = None,
) -> tuple[dict[str, object], Computed]:
    """Compute every formula of one record, in dependency order.

    Returns:
        The record's values with the computed ones in place (references resolved), and
        the :class:`Computed` result.
    """
    full = resolve(plan, values, lookup) if plan.deref else dict(values)
    computed: dict[str, object] = {}
    errors: dict[str, FormulaError] = {}
    for name, expression in plan.formulas:
        if errors and plan.formula_deps[name] & errors.keys():
            failed = sorted(plan.formula_deps[name] & errors.keys())
            errors[name] = FormulaError(
                f"depends on {', '.join(failed)}, which could not be computed",
                source=expression.source,
                code=ErrorCode.EXPR_DEPENDENCY,
            )
            full[name] = computed[name] = None
            continue
        try:
            value = expression.evaluate(full, now=now)
        except CrmkitError as exc:
            errors[name] = as_formula_error(expression, exc)
            full[name] = computed[name] = None
            continue
        if isinstance(value, frozenset):
            value = tuple(sorted(value))
        full[name] = computed[name] = value
    return full, Computed(computed, errors)
