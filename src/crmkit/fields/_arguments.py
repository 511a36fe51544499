"""The checks a :class:`~crmkit.fields.Schema` runs on the arguments it is built from.

Each turns a value into what the schema holds or raises a ``ConfigError`` naming the
argument (``fields[2]``, ``max_depth``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from crmkit.errors import ConfigError
from crmkit.expr import FieldType, Function

from ._builtin import BuiltinFields
from ._definitions import FieldDef, Section, ValidationRule

__all__ = [
    "builtin_arg",
    "depth_arg",
    "fields_arg",
    "functions_arg",
    "object_type_arg",
    "rules_arg",
    "sections_arg",
]


def object_type_arg(value: object) -> str:
    if not isinstance(value, str) or not value.isidentifier():
        raise ConfigError("object_type", f"expected an object type name, not {value!r}")
    return value


def _items(kind: type, path: str, values: object) -> tuple[Any, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ConfigError(path, f"expected a list of {kind.__name__}, not {values!r}")
    out = tuple(values)
    for i, item in enumerate(out):
        if not isinstance(item, kind):
            raise ConfigError(f"{path}[{i}]", f"expected a {kind.__name__}, not {item!r}")
    return out


def fields_arg(values: object) -> tuple[FieldDef, ...]:
    return _items(FieldDef, "fields", values)


def sections_arg(values: object) -> tuple[Section, ...]:
    return _items(Section, "sections", values)


def rules_arg(values: object) -> tuple[ValidationRule, ...]:
    return _items(ValidationRule, "rules", values)


def functions_arg(values: object) -> tuple[Function, ...]:
    return _items(Function, "functions", values)


def builtin_arg(value: object) -> Mapping[str, FieldType]:
    if value is None:
        return {}
    if isinstance(value, BuiltinFields):
        return value
    if not isinstance(value, Mapping):
        raise ConfigError("builtin", f"expected a mapping of field names to types: {value!r}")
    return BuiltinFields("record", value)


def depth_arg(_: object, __: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ConfigError("max_depth", f"expected an integer from 0 to 10, not {value!r}")
