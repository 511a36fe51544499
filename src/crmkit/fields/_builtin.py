"""Built-in fields: the fields a record class has itself, typed for the expression language.

A record kind's schema is its built-in fields (declared next to the record class, for
example ``crmkit.contacts.CONTACT_FIELDS``) plus the custom fields of a :class:`Schema`.
Filters, match-rule conditions, permission conditions, guards and formulas all read the
same built-in fields, with the same types, through :meth:`BuiltinFields.view`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from crmkit.errors import ConfigError
from crmkit.expr import FieldType

__all__ = ["BuiltinFields", "Getter"]

Getter = Callable[[Any], object]
"""How to read a built-in field that is not an attribute of the record (``email``)."""


def _types(object_type: str, types: Mapping[str, FieldType | str]) -> dict[str, FieldType]:
    out: dict[str, FieldType] = {}
    for name, type_name in types.items():
        try:
            out[name] = FieldType(type_name)
        except ValueError:
            raise ConfigError(
                f"builtin[{object_type!r}][{name!r}]", f"unknown type {type_name!r}"
            ) from None
    return out


class BuiltinFields(Mapping[str, FieldType]):
    """The built-in fields of one record kind, each with its expression type.

    It is a mapping of field names to :class:`~crmkit.expr.FieldType`, so it serves as the
    ``fields`` of :func:`crmkit.expr.compile` as is.

    Args:
        object_type: the record kind (``"contact"``).
        types: each built-in field with its type (a ``FieldType`` or its name).
        getters: how to read the fields that are not attributes of the record, such as a
            contact's ``email`` (the primary address).

    Raises:
        ConfigError: for an unknown type name.
    """

    __slots__ = ("_types", "getters", "object_type")

    def __init__(
        self,
        object_type: str,
        types: Mapping[str, FieldType | str],
        getters: Mapping[str, Getter] | None = None,
    ) -> None:
        self.object_type = object_type
        self._types = _types(object_type, types)
        self.getters: Mapping[str, Getter] = dict(getters or {})

    def __getitem__(self, name: str) -> FieldType:
        return self._types[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def __repr__(self) -> str:
        return f"BuiltinFields({self.object_type!r}, {sorted(self._types)!r})"

    def with_fields(self, extra: Mapping[str, FieldType | str]) -> BuiltinFields:
        """Return these fields with *extra* ones added; a built-in field keeps its own type.

        A store uses it for the custom fields declared by type only (``{"score":
        "number"}``): formulas read them like built-in ones, and the schema does not check
        them beyond their type.
        """
        merged: dict[str, FieldType | str] = dict(extra)
        merged.update(self._types)
        return BuiltinFields(self.object_type, merged, self.getters)

    def read(self, record: object, name: str) -> object:
        """Return field *name* of *record*: through its getter, an attribute or a custom value."""
        getter = self.getters.get(name)
        if getter is not None:
            return getter(record)
        if name in _attribute_names(type(record)):
            return getattr(record, name)
        custom = getattr(record, "custom", None)
        return custom.get(name) if isinstance(custom, Mapping) else None

    def view(self, record: object) -> Mapping[str, object]:
        """Return a read-only mapping of *record*'s fields, for evaluating an expression."""
        if isinstance(record, Mapping):
            return record
        return _View(self, record)


_ATTRIBUTES: dict[type, frozenset[str]] = {}


def _attribute_names(cls: type) -> frozenset[str]:
    names = _ATTRIBUTES.get(cls)
    if names is None:
        names = frozenset(a.name for a in attrs.fields(cls)) if attrs.has(cls) else frozenset()
        _ATTRIBUTES[cls] = names
    return names


class _View(Mapping[str, object]):
    """A record's fields as a mapping: built-in ones, then its custom values."""

    __slots__ = ("_fields", "_record")

    def __init__(self, fields: BuiltinFields, record: object) -> None:
        self._fields = fields
        self._record = record

    def __getitem__(self, name: str) -> object:
        return self._fields.read(self._record, name)

    def __iter__(self) -> Iterator[str]:
        custom = getattr(self._record, "custom", None)
        yield from self._fields
        if isinstance(custom, Mapping):
            yield from (n for n in custom if n not in self._fields)

    def __len__(self) -> int:
        return sum(1 for _ in self)
