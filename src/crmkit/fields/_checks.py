"""Per-field value checks, built once per schema: each kind's type and constraint test.

Each check takes the value (never None) and the record's full values (for a dependent
picklist's controlling field) and returns None when the value is fine, else
``(code, message)``. The common case of a valid value of the field's own type is tested
first, with a class identity test, so that a valid record costs a few comparisons per field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Context, Decimal
from functools import lru_cache
from urllib.parse import urlsplit

from crmkit.errors import CrmkitError
from crmkit.values import Money, normalize_email, normalize_phone

from ._definitions import FieldDef, FieldKind
from ._options import MoneyOptions, NumberOptions, PhoneOptions, PicklistOptions, TextOptions

__all__ = ["Check", "check_value", "is_blank"]

Check = Callable[[object, Mapping[str, object]], "tuple[str, str] | None"]
Problem = tuple[str, str] | None

_COLLECTIONS = (tuple, list, frozenset, set)
_MONEY_PRECISION = 38


def is_blank(value: object) -> bool:
    """Return True for None, blank text and empty collections."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, _COLLECTIONS):
        return not value
    return False


class _Digits:
    """A test of a finite Decimal against *precision* significant digits and *scale* places."""

    __slots__ = ("exact", "limit", "scale", "too_fine", "too_large", "unit")

    def __init__(self, precision: int, scale: int) -> None:
        whole = precision - scale
        self.scale = scale
        self.limit = Decimal(10) ** whole
        self.unit = Decimal(1).scaleb(-scale)
        # below the limit, quantizing to the scale needs at most precision + 1 digits (a carry)
        self.exact = Context(prec=precision + 2, traps=[])
        self.too_fine = ("fields.precision", f"more than {scale} decimal place(s)")
        self.too_large = ("fields.precision", f"more than {whole} digit(s) before the point")

    def __call__(self, value: Decimal) -> Problem:
        if -self.limit < value < self.limit:
            # equal after rounding to the scale: no non-zero digit past it (1.500 is fine)
            return None if value.quantize(self.unit, context=self.exact) == value else self.too_fine
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.scale:
            return self.too_fine
        return self.too_large


def _text(options: TextOptions) -> Check:
    limit = options.max_length

    def check(value: object, _: Mapping[str, object]) -> Problem:
        if not isinstance(value, str):
            return "fields.type", f"expected text, not {type(value).__name__}"
        if limit is not None and len(value) > limit:
            return "fields.too_long", f"{len(value)} characters; at most {limit} allowed"
        return None

    return check


def _number(options: NumberOptions) -> Check:
    digits = _Digits(options.precision, options.scale)
    low, high = options.min_value, options.max_value
    unit, exact, limit, too_fine = digits.unit, digits.exact, digits.limit, digits.too_fine

    def check(value: object, _: Mapping[str, object]) -> Problem:
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
        return digits(number)

    if low is not None or high is not None:
        return check

    def unbounded(value: object, full: Mapping[str, object]) -> Problem:
        # the common case inline: a plain Decimal well within the precision
        if value.__class__ is Decimal and value.is_finite() and -limit < value < limit:
            return None if value.quantize(unit, context=exact) == value else too_fine
        return check(value, full)

    return unbounded


def _money(options: MoneyOptions) -> Check:
    currency = options.currency
    digits = _Digits(_MONEY_PRECISION, options.scale)

    def check(value: object, _: Mapping[str, object]) -> Problem:
        if not isinstance(value, Money):
            return "fields.type", f"expected Money, not {type(value).__name__}"
        if value.currency != currency:
            return "fields.type", f"expected an amount in {currency}, not {value.currency}"
        return digits(value.amount)

    return check


def _exact(kind: type, word: str) -> Check:
    def check(value: object, _: Mapping[str, object]) -> Problem:
        if value.__class__ is kind or isinstance(value, kind):
            return None
        return "fields.type", f"expected {word}, not {type(value).__name__}"

    return check


def _date(value: object, _: Mapping[str, object]) -> Problem:
    if value.__class__ is date or (isinstance(value, date) and not isinstance(value, datetime)):
        return None
    return "fields.type", f"expected a date, not {type(value).__name__}"


def _datetime(value: object, _: Mapping[str, object]) -> Problem:
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


def _email(value: object, _: Mapping[str, object]) -> Problem:
    if not isinstance(value, str):
        return "fields.type", f"expected an e-mail address, not {type(value).__name__}"
    problem = _email_problem(value)
    return None if problem is None else ("fields.type", problem)


def _phone(options: PhoneOptions) -> Check:
    region = options.region

    def check(value: object, _: Mapping[str, object]) -> Problem:
        if not isinstance(value, str):
            return "fields.type", f"expected a phone number, not {type(value).__name__}"
        problem = _phone_problem(value, region)
        return None if problem is None else ("fields.type", problem)

    return check


def _url(value: object, _: Mapping[str, object]) -> Problem:
    if not isinstance(value, str):
        return "fields.type", f"expected a URL, not {type(value).__name__}"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "fields.type", "expected an http or https URL"
    return None


def _allowed_sets(options: PicklistOptions) -> dict[object, frozenset[str]]:
    """Each controlling value's allowed choices, as ``options.allowed`` gives them."""
    return {key: frozenset(c.value for c in options.allowed(key)) for key in options.dependencies}


def _picklist(options: PicklistOptions, multi: bool) -> Check:
    values = frozenset(c.value for c in options.choices)
    restricted = options.restricted
    control = options.controlled_by
    allowed_for = _allowed_sets(options)
    nothing: frozenset[str] = frozenset()

    def one(value: object, full: Mapping[str, object]) -> Problem:
        if not isinstance(value, str):
            return "fields.type", f"expected a choice, not {type(value).__name__}"
        if control is not None:
            shown = full.get(control)
            key = ("true" if shown else "false") if isinstance(shown, bool) else shown
            allowed = allowed_for.get(key, nothing) if isinstance(key, str) else nothing
            if value not in allowed and (restricted or value in values):
                return "fields.choice", f"{value!r} is not a choice when {control} is {shown!r}"
        elif restricted and value not in values:
            return "fields.choice", f"{value!r} is not one of the choices"
        return None

    if not multi:
        if control is not None or not restricted:
            return one

        def plain(value: object, full: Mapping[str, object]) -> Problem:
            if value.__class__ is str and value in values:
                return None
            return one(value, full)

        return plain

    def many(value: object, full: Mapping[str, object]) -> Problem:
        if not isinstance(value, _COLLECTIONS):
            return "fields.type", f"expected a tuple of choices, not {type(value).__name__}"
        for item in value:
            problem = one(item, full)
            if problem is not None:
                return problem
        return None

    return many


_SIMPLE: dict[FieldKind, Check] = {
    FieldKind.BOOL: _exact(bool, "TRUE or FALSE"),
    FieldKind.DATE: _date,
    FieldKind.DATETIME: _datetime,
    FieldKind.EMAIL: _email,
    FieldKind.URL: _url,
    FieldKind.REFERENCE: _exact(str, "a record id"),
}


def check_value(f: FieldDef) -> Check | None:
    """Return the type and constraint check for a field that is typed in, or None."""
    options = f.options
    if isinstance(options, TextOptions):
        return _text(options)
    if isinstance(options, NumberOptions):
        return _number(options)
    if isinstance(options, MoneyOptions):
        return _money(options)
    if isinstance(options, PhoneOptions):
        return _phone(options)
    if isinstance(options, PicklistOptions):
        return _picklist(options, f.type is FieldKind.MULTIPICKLIST)
    return _SIMPLE.get(f.type)
