"""Custom field values checked against the types a store declares for them.

A value of the wrong type would be stored, then read differently by each backend's filters
(Python refuses to compare ``"high"`` with a number, SQL reads it as blank), so a write
refuses it up front. Fields nobody declared stay free-form; a blank (None or ``""``) fits
every type.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from crmkit.errors import InvalidRecord, ValidationError
from crmkit.values import Money

__all__ = ["check_custom"]


def _number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return not isinstance(value, float | Decimal) or math.isfinite(value)


def _multi(value: object) -> bool:
    return isinstance(value, tuple | list) and all(isinstance(v, str) for v in value)


# each type: whether a value fits it, and what it should have been, for the message
_CHECKS: dict[str, tuple[Callable[[object], bool], str]] = {
    "number": (_number, "a finite number"),
    "percent": (_number, "a finite number"),
    "money": (lambda v: isinstance(v, Money), "Money"),
    "text": (lambda v: isinstance(v, str), "text"),
    "picklist": (lambda v: isinstance(v, str), "text"),
    "bool": (lambda v: isinstance(v, bool), "TRUE or FALSE"),
    # a datetime is a date to Python: a date field takes only plain dates
    "date": (lambda v: isinstance(v, date) and not isinstance(v, datetime), "a date"),
    "datetime": (lambda v: isinstance(v, datetime), "a datetime"),
    "multipicklist": (_multi, "a list of texts"),
}


def check_custom(kind: str, record: Any, declared: Mapping[str, str]) -> None:
    """Check *record*'s custom values against the *declared* field types of its kind.

    Raises:
        ValidationError: naming the field, for the one value that does not fit its type.
        InvalidRecord: holding each of them, when several values do not fit.
    """
    if not declared:
        return
    custom = getattr(record, "custom", None)
    if not custom:
        return
    problems = []
    for name, value in custom.items():
        type_name = declared.get(name)
        if type_name is None or value is None or value == "":
            continue
        fits, expected = _CHECKS[type_name]
        if not fits(value):
            reason = f"expected {expected} (the field is declared {type_name})"
            problems.append(ValidationError(value, reason, field=name))
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InvalidRecord(problems, record=f"{kind} {record.id!r}")
