"""Schemas to and from plain dicts, exactly, with the path of any bad configuration value."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from cattrs.errors import ClassValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from crmkit._converter import converter, structure_config
from crmkit.errors import ConfigError, CrmkitError
from crmkit.values import Money

from ._definitions import (
    DEFAULT_OPTIONS,
    FieldDef,
    FieldKind,
    Section,
    ValidationRule,
    field_kind,
    options_class,
)
from ._options import (
    Choice,
    FormulaOptions,
    MoneyOptions,
    NumberOptions,
    PhoneOptions,
    PicklistOptions,
    ReferenceOptions,
    TextOptions,
)
from ._shape import SchemaParts

__all__ = ["schema_parts", "schema_to_dict", "value_from_json", "value_to_json"]

T = TypeVar("T")

# crmkit's converter, with the stricter hooks of field schemas (no int for a str, ...)
_conv = converter.copy()


def _strict(kind: type[T], word: str) -> Callable[[object, object], T]:
    def structure(value: object, _: object) -> T:
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        raise ConfigError("", f"expected {word}, not {value!r}")

    return structure


_conv.register_structure_hook(str, _strict(str, "text"))
_conv.register_structure_hook(bool, _strict(bool, "true or false"))
_conv.register_structure_hook(int, _strict(int, "an integer"))


def _decimal_in(value: object, _: object) -> Decimal:
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            number = Decimal(value)
        except ArithmeticError:
            pass
        else:
            if number.is_finite():
                return number
    raise ConfigError("", f"expected a decimal number as text, not {value!r}")


def _date_in(value: object, _: object) -> date:
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ConfigError("", f"expected an ISO 8601 date, not {value!r}")


def _datetime_in(value: object, _: object) -> datetime:
    try:
        if isinstance(value, str):
            return datetime.fromisoformat(value)
    except ValueError:
        pass
    raise ConfigError("", f"expected an ISO 8601 datetime, not {value!r}")


def _money_in(value: object, _: object) -> Money:
    if isinstance(value, Mapping) and set(value) == {"amount", "currency"}:
        try:
            return Money(_decimal_in(value["amount"], None), value["currency"])
        except CrmkitError as exc:
            raise ConfigError("", getattr(exc, "reason", str(exc))) from exc
    raise ConfigError("", f"expected {{'amount': ..., 'currency': ...}}, not {value!r}")


_conv.register_structure_hook(Decimal, _decimal_in)
_conv.register_unstructure_hook(Decimal, str)
_conv.register_structure_hook(date, _date_in)
_conv.register_unstructure_hook(date, date.isoformat)
_conv.register_structure_hook(datetime, _datetime_in)
_conv.register_unstructure_hook(datetime, datetime.isoformat)
_conv.register_structure_hook(Money, _money_in)
_conv.register_unstructure_hook(Money, lambda m: {"amount": str(m.amount), "currency": m.currency})


def _choice_in(value: object, _: object) -> Choice:
    if isinstance(value, str):
        return Choice(value=value)
    if not isinstance(value, Mapping):
        raise ConfigError("", f"expected a choice (text or an object), not {value!r}")
    return _choice_fn(value, Choice)


_choice_fn = make_dict_structure_fn(Choice, _conv, _cattrs_forbid_extra_keys=True)
_conv.register_structure_hook(Choice, _choice_in)
for _cls in (
    Choice,
    TextOptions,
    NumberOptions,
    MoneyOptions,
    PhoneOptions,
    PicklistOptions,
    ReferenceOptions,
    FormulaOptions,
    Section,
    ValidationRule,
):
    _conv.register_unstructure_hook(
        _cls, make_dict_unstructure_fn(_cls, _conv, _cattrs_omit_if_default=True)
    )


def _own_checks(cls: type[T]) -> Callable[[object, object], T]:
    """Structure *cls*, letting the class's own check name its attribute (``scale``).

    cattrs reports an error of the constructor without a path; the ConfigError raised by
    ``__attrs_post_init__`` already has the right one, so it is raised as is.
    """
    structure_fn = make_dict_structure_fn(cls, _conv, _cattrs_forbid_extra_keys=True)

    def structure(value: Any, _: object) -> T:
        try:
            return structure_fn(value, cls)
        except ClassValidationError as exc:
            own = [
                e
                for e in exc.exceptions
                if isinstance(e, ConfigError) and not getattr(e, "__notes__", None)
            ]
            if own:
                raise own[0] from exc
            raise

    return structure


for _cls in (
    TextOptions,
    NumberOptions,
    MoneyOptions,
    PhoneOptions,
    PicklistOptions,
    ReferenceOptions,
    FormulaOptions,
    Section,
    ValidationRule,
):
    _conv.register_structure_hook(_cls, _own_checks(_cls))

_TEXTUAL = {
    FieldKind.TEXT,
    FieldKind.LONG_TEXT,
    FieldKind.EMAIL,
    FieldKind.PHONE,
    FieldKind.URL,
    FieldKind.PICKLIST,
    FieldKind.REFERENCE,
}


def value_to_json(kind: FieldKind, value: object) -> Any:
    """Return a field value of *kind* as JSON-safe data."""
    if value is None or isinstance(value, bool | str):
        return value
    if kind is FieldKind.MULTIPICKLIST and isinstance(value, tuple | list):
        return list(value)
    return _conv.unstructure(value)


def value_from_json(kind: FieldKind, data: object, options: object) -> object:
    """Read a field value of *kind* from :func:`value_to_json` data.

    Raises:
        ConfigError: if *data* is not such a value.
    """
    if data is None:
        return None
    readers: dict[FieldKind, type] = {
        FieldKind.NUMBER: Decimal,
        FieldKind.PERCENT: Decimal,
        FieldKind.MONEY: Money,
        FieldKind.DATE: date,
        FieldKind.DATETIME: datetime,
    }
    if kind in _TEXTUAL:
        if not isinstance(data, str):
            raise ConfigError("", f"expected text, not {data!r}")
        return data
    if kind is FieldKind.BOOL:
        return _strict(bool, "true or false")(data, None)
    if kind is FieldKind.MULTIPICKLIST:
        if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
            raise ConfigError("", f"expected a list of choices, not {data!r}")
        return tuple(data)
    if kind in readers:
        return _conv.structure(data, readers[kind])
    raise ConfigError("", f"{kind} fields take no default")


def _default_of(attribute: attrs.Attribute[Any]) -> object:
    default = attribute.default
    factory = getattr(default, "factory", None)
    return factory() if callable(factory) else default


def _field_out(f: FieldDef) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "type": f.type.value}
    if f.options is not None and f.options != DEFAULT_OPTIONS.get(f.type):
        out["options"] = _conv.unstructure(f.options)
    for a in attrs.fields(FieldDef)[3:]:
        value = getattr(f, a.name)
        if value != _default_of(a):
            out[a.name] = value_to_json(f.type, value) if a.name == "default" else value
    if "translations" in out:
        out["translations"] = dict(out["translations"])
    return out


def schema_to_dict(schema: SchemaParts) -> dict[str, Any]:
    """Return *schema* as plain data (see :meth:`Schema.to_dict`)."""
    out: dict[str, Any] = {
        "object_type": schema.object_type,
        "fields": [_field_out(f) for f in schema.fields],
    }
    if schema.sections:
        out["sections"] = [_conv.unstructure(s) for s in schema.sections]
    if schema.rules:
        out["rules"] = [_conv.unstructure(r) for r in schema.rules]
    return out


def _at(prefix: str, exc: ConfigError) -> ConfigError:
    path = (
        f"{prefix}.{exc.path}" if exc.path and not exc.path.startswith("[") else prefix + exc.path
    )
    located = ConfigError(path, exc.reason)
    located.__cause__ = exc.__cause__ or exc
    return located


def _check_keys(path: str, data: object, known: set[str], needed: set[str]) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ConfigError(path, f"expected an object, not {data!r}")
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise ConfigError(path, f"unknown field(s): {', '.join(unknown)}")
    for key in sorted(needed):
        if key not in data:
            raise ConfigError(f"{path}.{key}" if path else key, "required field missing")
    return data


_FIELD_KEYS = {a.name for a in attrs.fields(FieldDef)}
_TYPES: dict[str, Any] = {
    "label": str,
    "translations": dict[str, str],
    "help_text": str,
    "default_expr": str | None,
    "required": bool,
    "required_when": str | None,
    "visible_when": str | None,
    "read_only_when": str | None,
    "unique": bool,
}


def _field_in(path: str, data: object) -> FieldDef:
    raw = _check_keys(path, data, _FIELD_KEYS, {"name", "type"})
    try:
        kwargs: dict[str, Any] = {"name": raw["name"]}
        kwargs["type"] = kind = field_kind(raw["type"])
        if "options" in raw:
            cls = options_class(kind)
            if cls is None:
                raise ConfigError("options", f"{kind} fields take no options")
            kwargs["options"] = _structure(raw["options"], cls, "options")
        for key, kind_of in _TYPES.items():
            if key in raw:
                kwargs[key] = _structure(raw[key], kind_of, key)
        if "default" in raw:
            try:
                kwargs["default"] = value_from_json(kind, raw["default"], kwargs.get("options"))
            except ConfigError as exc:
                raise _at("default", exc) from exc.__cause__
        return FieldDef(**kwargs)
    except ConfigError as exc:
        raise _at(path, exc) from exc.__cause__


def _structure(data: object, cls: Any, path: str) -> Any:
    try:
        return structure_config(data, cls, using=_conv)
    except ConfigError as exc:
        raise _at(path, exc) from exc.__cause__


def _items(data: Mapping[str, Any], key: str) -> list[tuple[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list):
        raise ConfigError(key, f"expected a list, not {items!r}")
    return [(f"{key}[{i}]", item) for i, item in enumerate(items)]


def schema_parts(data: object) -> dict[str, Any]:
    """Read the constructor arguments of a schema from plain data.

    Raises:
        ConfigError: naming the path of the first bad value.
    """
    raw = _check_keys("", data, {"object_type", "fields", "sections", "rules"}, {"object_type"})
    if not isinstance(raw["object_type"], str):
        raise ConfigError("object_type", f"expected text, not {raw['object_type']!r}")
    if "fields" not in raw:
        raise ConfigError("fields", "required field missing")
    return {
        "object_type": raw["object_type"],
        "fields": tuple(_field_in(p, item) for p, item in _items(raw, "fields")),
        "sections": tuple(_structure(item, Section, p) for p, item in _items(raw, "sections")),
        "rules": tuple(_structure(item, ValidationRule, p) for p, item in _items(raw, "rules")),
    }
