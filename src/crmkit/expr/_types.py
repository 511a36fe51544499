"""The type vocabulary formulas are checked against."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeAlias

from attrs import Factory, field, frozen

from crmkit.errors import ConfigError

__all__ = ["FieldSpec", "FieldType", "Reference", "normalize_fields"]


class FieldType(enum.StrEnum):
    """The type of a field, a function parameter or a formula's result.

    Each member is also its plain string name, so ``"number"`` and ``FieldType.NUMBER`` are
    interchangeable wherever a type is expected.
    """

    NUMBER = "number"
    """An exact number, evaluated as :class:`~decimal.Decimal`."""
    MONEY = "money"
    """An amount of one currency, evaluated as :class:`crmkit.values.Money`."""
    PERCENT = "percent"
    """A number shown as a percentage; in formulas it is a plain number."""
    TEXT = "text"
    """A string."""
    BOOL = "bool"
    """``TRUE`` or ``FALSE`` (a checkbox)."""
    DATE = "date"
    """A :class:`datetime.date`."""
    DATETIME = "datetime"
    """A :class:`datetime.datetime`."""
    PICKLIST = "picklist"
    """One value out of a list, evaluated as a string; usable wherever text is."""
    MULTIPICKLIST = "multipicklist"
    """Several values out of a list, evaluated as a frozenset of strings."""


_BY_NAME = {member.value: member for member in FieldType}


def _freeze(fields: Mapping[str, object]) -> tuple[tuple[str, FieldType | Reference], ...]:
    if not isinstance(fields, Mapping):
        raise ConfigError("fields", f"expected a mapping of field names to types, not {fields!r}")
    return tuple(sorted((name, _normalize(name, spec)) for name, spec in fields.items()))


def _index(reference: Reference) -> dict[str, FieldType | Reference]:
    return dict(reference.fields)


@frozen(cache_hash=True)  # a Reference is part of every compile cache key
class Reference:
    """A reference to a related record, with the fields a formula may read from it.

    ``Reference({"industry": "text", "employees": "number"})`` lets a formula use
    ``company.industry`` when the reference field is named ``company``. References nest.

    Attributes:
        fields: the related record's field names and types, sorted by name.

    Raises:
        ConfigError: if a field's type is not part of the vocabulary.
    """

    fields: tuple[tuple[str, FieldType | Reference], ...] = field(converter=_freeze)
    # the checker looks up every field a formula names: a dict rather than a scan of fields
    _by_name: dict[str, FieldType | Reference] = field(
        init=False, repr=False, eq=False, default=Factory(_index, takes_self=True)
    )

    def get(self, name: str) -> FieldType | Reference | None:
        """Return the type of the related field *name*, or None if there is none."""
        return self._by_name.get(name)


FieldSpec: TypeAlias = str | FieldType | Reference | Mapping[str, Any]
"""What ``fields`` may map a name to: a type name, a :class:`FieldType`, a :class:`Reference`,
or a nested mapping (read as a :class:`Reference`)."""


def _normalize(name: object, spec: object) -> FieldType | Reference:
    if not isinstance(name, str) or not name:
        raise ConfigError("fields", f"a field name must be non-empty text, not {name!r}")
    if isinstance(spec, FieldType | Reference):
        return spec
    if isinstance(spec, str):
        try:
            # a dict lookup: calling the enum is the slowest step of checking a schema
            return _BY_NAME[spec.lower()]
        except KeyError:
            known = ", ".join(t.value for t in FieldType)
            raise ConfigError(
                f"fields[{name!r}]", f"unknown type {spec!r}; expected one of {known}"
            ) from None
    if isinstance(spec, Mapping):
        return Reference(spec)
    raise ConfigError(f"fields[{name!r}]", f"expected a type name or a Reference, not {spec!r}")


_MEMO_SIZE = 256
# id of a fields dict -> (a copy of it, its Reference). A caller compiles against the same
# schema dict again and again (a store's filter on every query): comparing the dict with the
# copy is a few hundred nanoseconds for 40 fields, where checking it again, or hashing its
# items, costs several times that. Equality, not the id, decides, so a dict changed in place
# or a new dict at an old address is checked afresh. Only dicts of type names, FieldTypes
# and References are kept: their values cannot change behind the copy.
_memo: dict[int, tuple[dict[str, object], Reference]] = {}
_IMMUTABLE_SPECS = (str, FieldType, Reference)


def normalize_fields(fields: Mapping[str, object] | Reference) -> Reference:
    """Check a ``fields`` mapping and return it as a (hashable) root :class:`Reference`.

    Raises:
        ConfigError: if a name is not text or a type is not part of the vocabulary.
    """
    if isinstance(fields, Reference):
        return fields
    if type(fields) is not dict:
        return Reference(fields)
    seen = _memo.get(id(fields))
    if seen is not None and seen[0] == fields:
        return seen[1]
    root = Reference(fields)
    if all(type(spec) in _IMMUTABLE_SPECS for spec in fields.values()):
        if len(_memo) >= _MEMO_SIZE:
            _memo.clear()
        _memo[id(fields)] = (dict(fields), root)
    return root
