"""The type vocabulary formulas are checked against."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeAlias

from attrs import field, frozen

from crmkit.errors import ConfigError, InvalidMoney
from crmkit.values import Money

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


_Specs: TypeAlias = tuple[tuple[str, "FieldType | Reference"], ...]


def _freeze(fields: Mapping[str, object]) -> tuple[_Specs, tuple[tuple[str, str], ...]]:
    if not isinstance(fields, Mapping):
        raise ConfigError("fields", f"expected a mapping of field names to types, not {fields!r}")
    specs: list[tuple[str, FieldType | Reference]] = []
    currencies: list[tuple[str, str]] = []
    for name, spec in fields.items():
        if isinstance(spec, str) and spec[:6].lower() == "money:":
            currencies.append((_check_name(name), _currency(name, spec[6:])))
            specs.append((name, FieldType.MONEY))
        else:
            specs.append((name, _normalize(name, spec)))
    return tuple(sorted(specs)), tuple(sorted(currencies))


def _currency(name: object, code: str) -> str:
    try:
        return Money.zero(code.strip()).currency
    except InvalidMoney:
        raise ConfigError(
            f"fields[{name!r}]", f"unknown currency {code!r} in 'money:{code}'; expected ISO 4217"
        ) from None


@frozen(init=False, unsafe_hash=False)  # __hash__ below: computed once
class Reference:
    """A reference to a related record, with the fields a formula may read from it.

    ``Reference({"industry": "text", "employees": "number"})`` lets a formula use
    ``company.industry`` when the reference field is named ``company``. References nest.
    A money field whose currency is fixed is written ``"money:EUR"``: formulas then know
    the currency before reading a value (a plain number or a blank becomes money in it).

    Attributes:
        fields: the related record's field names and types, sorted by name.
        currencies: the money fields of a fixed currency and their ISO 4217 codes, sorted.

    Raises:
        ConfigError: if a field's type is not part of the vocabulary, or a currency is not
            an ISO 4217 code.
    """

    fields: tuple[tuple[str, FieldType | Reference], ...]
    currencies: tuple[tuple[str, str], ...]
    # the checker looks up every field a formula names: a dict rather than a scan of fields
    _by_name: dict[str, FieldType | Reference] = field(repr=False, eq=False)
    _hash: int = field(repr=False, eq=False)

    def __init__(self, fields: Mapping[str, object]) -> None:
        specs, currencies = _freeze(fields)
        self.__attrs_init__(specs, currencies, dict(specs), hash((specs, currencies)))

    def __hash__(self) -> int:
        # a Reference is part of every compile cache key: hashed once, not on every lookup
        return self._hash

    def currency_of(self, name: str) -> str | None:
        """Return the fixed currency of money field *name*, or None if it has none."""
        for key, code in self.currencies:
            if key == name:
                return code
        return None

    def get(self, name: str) -> FieldType | Reference | None:
        """Return the type of the related field *name*, or None if there is none."""
        return self._by_name.get(name)


FieldSpec: TypeAlias = str | FieldType | Reference | Mapping[str, Any]
"""What ``fields`` may map a name to: a type name (``"money:EUR"`` for money of a fixed
currency), a :class:`FieldType`, a :class:`Reference`, or a nested mapping (read as a
:class:`Reference`)."""


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise ConfigError("fields", f"a field name must be non-empty text, not {name!r}")
    return name


def _normalize(name: object, spec: object) -> FieldType | Reference:
    _check_name(name)
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
