"""crmkit's own cattrs converter: every model and configuration to and from JSON-safe dicts.

The converter is crmkit's alone (never cattrs' global one), so a host application's hooks and
crmkit's never meet. Decimals travel as strings, dates and datetimes as ISO 8601, Money as
``{"amount": "12.50", "currency": "EUR"}``; custom field values carry a small tag when JSON has
no type of their own (``{"$decimal": "1.5"}``), so a round trip is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from types import NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.v import transform_error

from .errors import ConfigError, CrmkitError, ErrorCode, ValidationError
from .values import Money
from .values._email import EmailAddress, _trusted_email, normalize_email
from .values._phone import PhoneNumber, normalize_phone

__all__ = ["converter", "from_dict", "from_stored", "structure_config", "to_dict"]

T = TypeVar("T")

converter = cattrs.Converter(forbid_extra_keys=True)


def _decimal(value: object, _: object = None) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValidationError(value, "expected a decimal number as text")
    try:
        result = Decimal(value)
    except InvalidOperation as exc:
        raise ValidationError(value, "not a decimal number") from exc
    return result


def _datetime(value: object, _: object = None) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValidationError(value, "expected an ISO 8601 datetime")
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(value, "not an ISO 8601 datetime") from exc


def _date(value: object, _: object = None) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValidationError(value, "expected an ISO 8601 date")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(value, "not an ISO 8601 date") from exc


def _email(value: object, _: object = None) -> EmailAddress:
    if isinstance(value, str):
        return normalize_email(value)
    raise ValidationError(value, "expected an e-mail address as text")


def _phone(value: object, _: object = None) -> PhoneNumber:
    if isinstance(value, str):
        return normalize_phone(value)
    if isinstance(value, Mapping):
        return PhoneNumber(**value)
    raise ValidationError(value, "expected a phone number")


def _money(value: object, _: object = None) -> Money:
    if isinstance(value, Mapping) and set(value) == {"amount", "currency"}:
        return Money(_decimal(value["amount"]), value["currency"])
    raise ValidationError(value, "expected {'amount': ..., 'currency': ...}")


_JSON_SCALARS = (bool, int, str, float)


def _tag(value: object) -> object:
    """Unstructure one custom value into JSON-native data, tagging what JSON cannot say."""
    if value is None or isinstance(value, _JSON_SCALARS):
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Money):
        return {"$money": {"amount": str(value.amount), "currency": value.currency}}
    if isinstance(value, tuple | list):
        return [_tag(v) for v in value]
    raise ValidationError(value, f"cannot store a {type(value).__name__} as a custom value")


_UNTAG: dict[str, Callable[[Any], object]] = {
    "$decimal": _decimal,
    "$datetime": _datetime,
    "$date": _date,
    "$money": _money,
}


def _untag(value: object) -> object:
    if isinstance(value, list):
        return tuple(_untag(v) for v in value)
    if isinstance(value, Mapping):
        if len(value) == 1:
            ((key, inner),) = value.items()
            if key in _UNTAG:
                return _UNTAG[key](inner)
        raise ValidationError(value, "custom values are scalars or lists, not objects")
    return value


def _custom_out(values: Mapping[str, object]) -> dict[str, object]:
    return {k: _tag(v) for k, v in values.items()}


def _custom_in(values: object, _: object = None) -> dict[str, object]:
    if not isinstance(values, Mapping):
        raise ValidationError(values, "custom values must be an object", field="custom")
    return {str(k): _untag(v) for k, v in values.items()}


converter.register_unstructure_hook(Decimal, str)
converter.register_structure_hook(Decimal, _decimal)
converter.register_unstructure_hook(datetime, datetime.isoformat)
converter.register_structure_hook(datetime, _datetime)
converter.register_unstructure_hook(date, date.isoformat)
converter.register_structure_hook(date, _date)
converter.register_unstructure_hook(EmailAddress, lambda e: e.value)
converter.register_structure_hook(EmailAddress, _email)
converter.register_structure_hook(PhoneNumber, _phone)
converter.register_unstructure_hook(
    Money, lambda m: {"amount": str(m.amount), "currency": m.currency}
)
converter.register_structure_hook(Money, _money)


# A moment of an activity series is a date (all-day) or an instant (timed), told apart by
# the text's "T".
def _is_moment(type_: object) -> bool:
    if get_origin(type_) not in (Union, UnionType):
        return False
    return {datetime, date} <= set(get_args(type_)) <= {datetime, date, NoneType}


def _moment(value: object, _: object = None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str) and "T" in value:
        return _datetime(value)
    return _date(value)


converter.register_structure_hook_func(_is_moment, _moment)
# Custom field values are the only ``dict[str, object]`` in crmkit's models.
converter.register_unstructure_hook_func(lambda t: t == dict[str, object], _custom_out)
converter.register_structure_hook_func(lambda t: t == dict[str, object], _custom_in)


def to_dict(obj: object) -> Any:
    """Convert a crmkit model or configuration to JSON-safe plain data.

    ``json.dumps(to_dict(obj))`` always works, and ``from_dict(to_dict(obj), type(obj))`` gives
    back an equal object.
    """
    return converter.unstructure(obj)


def _problems(exc: Exception) -> list[tuple[str, str]]:
    """List (path, reason) for each leaf error, with paths like ``stages[3].probability``."""
    out = []
    for message in transform_error(exc, path="$", format_exception=_describe_leaf):
        reason, _, path = message.rpartition(" @ ")
        out.append((path.removeprefix("$").removeprefix("."), reason))
    return out


def _describe_leaf(exc: BaseException, type_: object) -> str:
    if isinstance(exc, ValidationError):
        return str(exc)  # names the bad value: "invalid email 'nope': ..."
    if isinstance(exc, CrmkitError):
        return getattr(exc, "reason", None) or str(exc)
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown field(s): {', '.join(sorted(exc.extra_fields))}"
    if isinstance(exc, TypeError | ValueError | AttributeError):
        name = getattr(type_, "__name__", None) or str(type_)
        return f"expected {name}: {exc}"
    return f"{type(exc).__name__}: {exc}"


_CATTRS_ERRORS = (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError)


def _only_leaf(exc: BaseException) -> BaseException | None:
    """The one leaf error of *exc*, None when it has several."""
    while isinstance(exc, BaseExceptionGroup):
        if len(exc.exceptions) != 1:
            return None
        exc = exc.exceptions[0]
    return exc


def _config_code(exc: BaseException) -> str:
    """The code of the first leaf error, the one :func:`_problems` lists first."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, ForbiddenExtraKeysError):
        return ErrorCode.CONFIG_UNKNOWN_KEY
    if isinstance(exc, KeyError):
        return ErrorCode.CONFIG_MISSING
    return getattr(exc, "code", None) or ErrorCode.CONFIG


def _structure(conv: cattrs.Converter, data: Any, cls: type[T]) -> T:
    try:
        return conv.structure(data, cls)
    except _CATTRS_ERRORS as exc:
        problems = _problems(exc)
        details = "; ".join(f"{p or '<root>'}: {r}" for p, r in problems)
        field = problems[0][0] or cls.__name__
        leaf = _only_leaf(exc)
        if isinstance(leaf, ValidationError) and leaf.code != ErrorCode.VALIDATION:
            # one bad value with a cause of its own (an activity's unknown zone): keep it
            raise ValidationError(data, details, field=field, code=leaf.code) from exc
        raise ValidationError(data, details, field=field) from exc
    except CrmkitError:
        raise
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(data, f"cannot build {cls.__name__}: {exc}") from exc


def from_dict(data: Any, cls: type[T]) -> T:
    """Build a *cls* instance from plain data made by :func:`to_dict` (or written by hand).

    Raises:
        ValidationError: naming every bad value and where it is (``emails[0].address``).
    """
    return _structure(converter, data, cls)


# Data a store wrote was validated when it was written: reading it back skips e-mail
# validation (the costliest step of loading a contact) but keeps every other check.
_stored = converter.copy()
_stored.register_structure_hook(EmailAddress, lambda value, _: _trusted_email(value))


def from_stored(data: Any, cls: type[T]) -> T:
    """Like :func:`from_dict`, for data that :func:`to_dict` wrote (a store's own rows).

    Raises:
        ValidationError: as :func:`from_dict` does, for data that is not a *cls*.
    """
    return _structure(_stored, data, cls)


def structure_config(data: Any, cls: type[T], *, using: cattrs.Converter | None = None) -> T:
    """Build a configuration object, raising :class:`ConfigError` with the path of a bad value.

    Raises:
        ConfigError: for the first bad value, its path like ``pipelines[0].stages[3].probability``;
            the reason also lists any other problems found.
    """
    conv = using or converter
    try:
        return conv.structure(data, cls)
    except ConfigError:
        raise
    except _CATTRS_ERRORS as exc:
        problems = _problems(exc)
        path, reason = problems[0]
        if len(problems) > 1:
            others = "; ".join(f"{p or '<root>'}: {r}" for p, r in problems[1:])
            reason = f"{reason} (also: {others})"
        raise ConfigError(path, reason, code=_config_code(exc)) from exc
    except (CrmkitError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError("", str(exc)) from exc
