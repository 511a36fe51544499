"""Record kinds: what a store needs to know to keep, index and filter one type of record.

A :class:`RecordKind` names the record class, the fields a filter may use with their types,
the extracted columns a SQL backend indexes and the match keys :meth:`find_by_keys` looks up.
Repositories are generic over it, so a new record type is one more ``RecordKind``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Generic, TypeVar

import attrs
from attrs import field, frozen

from crmkit._converter import from_stored, to_dict
from crmkit._ids import new_id
from crmkit._record import aware, custom_values, utcnow
from crmkit.contacts import (
    AFFILIATION_FIELDS,
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    RECORD_FIELDS,
    Affiliation,
    Company,
    Contact,
)
from crmkit.errors import ConfigError, ValidationError
from crmkit.expr import FieldType
from crmkit.fields import BuiltinFields

__all__ = [
    "AFFILIATION",
    "COMPANY",
    "CONTACT",
    "FIELD_TYPES",
    "RESERVED_KINDS",
    "CustomRecord",
    "FilterView",
    "RecordKind",
    "Validator",
    "object_kind",
]

R = TypeVar("R")

FIELD_TYPES = frozenset(
    {"number", "money", "percent", "text", "bool", "date", "datetime", "picklist", "multipicklist"}
)
"""The field type names a kind or a custom field may declare (those of ``crmkit.expr``)."""

KeyFunction = Callable[[Any], Iterable[tuple[str, str]]]
Getter = Callable[[Any], object]
Validator = Callable[[Any, Any], None]
"""A write check: called with the stored record (None for a new one) and the new one."""

RESERVED_KINDS = frozenset({"contact", "company", "affiliation", "deal", "activity"})
"""The built-in kind names, which no custom object type may take."""


def check_version(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(value, "version must be a positive integer", field="version")


def _object_type(value: object) -> str:
    if not isinstance(value, str) or not value.isidentifier() or value != value.lower():
        raise ValidationError(
            value, "an object type is a lower-case identifier", field="object_type"
        )
    return value


@frozen(kw_only=True)
class CustomRecord:
    """A record of a custom object type (a "project", a "ticket", ...).

    Its fields live in :attr:`custom`, typed by the object type's registration
    (:meth:`Store.register_object_type`); a filter names them directly (``budget > 1000``).

    Attributes:
        id: the record id.
        object_type: the registered type name (lower-case identifier).
        custom: the field values (plain data, as on a contact's ``custom``).
        owner_id: the owning user, for access rules.
        created_at: when it was created (UTC).
        updated_at: when it last changed (UTC).
        version: raised by one on every stored change.

    Raises:
        ValidationError: for a bad object type, value, timestamp or version.
    """

    id: str = field(factory=new_id)
    object_type: str = field(converter=_object_type)
    custom: dict[str, object] = field(factory=dict, converter=custom_values, hash=False)
    owner_id: str | None = None
    created_at: datetime = field(factory=utcnow, converter=aware)
    updated_at: datetime = field(factory=utcnow, converter=aware)
    version: int = field(default=1, validator=check_version)


@frozen(kw_only=True)
class RecordKind(Generic[R]):
    """How a store keeps one type of record.

    Attributes:
        name: the kind's name (``"contact"``), used in errors, history and the keys index.
        record_type: the attrs class of the records.
        table: the SQL table holding the records.
        fields: each built-in field with its type name (the record layer's
            :class:`~crmkit.fields.BuiltinFields`, such as ``CONTACT_FIELDS``); custom
            fields come on top.
        getters: how to read a built-in field that is not an attribute of the record
            (``email`` is the primary e-mail's address); by default those of *fields*.
        columns: the fields a SQL backend copies into indexed columns (a subset of
            *fields*).
        sortable: the fields ``order_by`` accepts besides ``id``; None for all *columns*.
        key_types: the key types :meth:`find_by_keys` accepts.
        keys: the ``(key_type, key)`` pairs of a record.
        object_type: for custom object kinds, the object type every record must have.
        validate: called on every add, update and bulk upsert inside the write's
            transaction, with the stored record (None for a new one) and the record about
            to be stored; it raises to refuse the write (and roll the transaction back).
        load: a quicker way than the converter's to rebuild a record from its stored data,
            for a kind read in bulk; it gives what the converter gives, or raises as it does.
    """

    name: str
    record_type: type[R]
    table: str
    fields: Mapping[str, str]
    getters: Mapping[str, Getter] = field()
    columns: tuple[str, ...] = ()
    key_types: tuple[str, ...] = ()
    sortable: tuple[str, ...] | None = None
    keys: KeyFunction = field(default=lambda record: ())
    object_type: str | None = None
    validate: Validator | None = None
    load: Callable[[Mapping[str, Any]], R] | None = None

    @getters.default
    def _fields_getters(self) -> Mapping[str, Getter]:
        return dict(getattr(self.fields, "getters", {}))

    @property
    def builtin(self) -> BuiltinFields:
        """The kind's built-in fields with their types and getters."""
        if isinstance(self.fields, BuiltinFields) and self.fields.getters == self.getters:
            return self.fields
        return BuiltinFields(self.name, self.fields, self.getters)

    @property
    def sort_fields(self) -> tuple[str, ...]:
        """The fields ``order_by`` accepts besides ``id``."""
        return self.columns if self.sortable is None else self.sortable

    def filter_fields(self, custom: Mapping[str, str]) -> dict[str, str]:
        """Return the built-in filter fields with the *custom* ones added under them."""
        merged = dict(custom)
        merged.update(self.fields)
        return merged

    def read(self, record: R, name: str) -> object:
        """Return the value of filter field *name* of *record*; blank text reads as None.

        Blank text is None so that a filter means the same in Python and in SQL, where a
        blank is NULL.
        """
        getter = self.getters.get(name)
        if getter is not None:
            value = getter(record)
        elif name in self._attributes:
            value = getattr(record, name)
        else:
            custom = getattr(record, "custom", None)
            value = custom.get(name) if isinstance(custom, Mapping) else None
        return None if value == "" else value

    @property
    def _attributes(self) -> frozenset[str]:
        return _attribute_names(self.record_type)

    def to_doc(self, record: R) -> dict[str, Any]:
        """Return the record as plain data, as stored."""
        doc: dict[str, Any] = to_dict(record)
        return doc

    def from_doc(self, doc: Mapping[str, Any]) -> R:
        """Rebuild a record from its stored plain data."""
        if self.load is not None:
            return self.load(doc)
        return from_stored(dict(doc), self.record_type)

    def sort_value(self, record: R, name: str) -> object:
        """Return the value *record* sorts by for ``order_by=name`` (blank text as "")."""
        value = self.read(record, name)
        return "" if value is None else value

    def check_record(self, record: object) -> R:
        """Return *record* if it is of this kind.

        Raises:
            ValidationError: if it is not.
        """
        if not isinstance(record, self.record_type):
            raise ValidationError(
                type(record).__name__,
                f"expected a {self.record_type.__name__} for the {self.name} repository",
                field="record",
            )
        if self.object_type is not None and getattr(record, "object_type", None) != (
            self.object_type
        ):
            raise ValidationError(
                getattr(record, "object_type", None),
                f"expected object type {self.object_type!r}",
                field="object_type",
            )
        return record

    def check_key_type(self, key_type: object) -> str:
        """Return *key_type* if this kind indexes it.

        Raises:
            ValidationError: if it does not.
        """
        if key_type not in self.key_types:
            known = ", ".join(self.key_types) or "none"
            raise ValidationError(
                key_type, f"{self.name} records have no such key (known: {known})", field="key"
            )
        return str(key_type)


_ATTRIBUTES: dict[type, frozenset[str]] = {}


def _attribute_names(cls: type) -> frozenset[str]:
    names = _ATTRIBUTES.get(cls)
    if names is None:
        names = frozenset(a.name for a in attrs.fields(cls))
        _ATTRIBUTES[cls] = names
    return names


class FilterView(Mapping[str, object]):
    """A read-only mapping of a record's filter fields, for evaluating a filter in Python."""

    __slots__ = ("_kind", "_names", "_record")

    def __init__(self, kind: RecordKind[Any], record: object, names: Iterable[str]) -> None:
        self._kind = kind
        self._record = record
        self._names = tuple(names)

    def __getitem__(self, name: str) -> object:
        return self._kind.read(self._record, name)

    def get(self, name: str, default: object = None) -> object:
        """Return the value of field *name*, or *default* when it is blank."""
        value = self._kind.read(self._record, name)
        return default if value is None else value

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _email_keys(record: Contact | Company) -> Iterator[tuple[str, str]]:
    for entry in record.emails:
        yield ("email", entry.address.match_key)
    for phone in record.phones:
        yield ("phone", phone.number.e164)


def _contact_keys(record: Contact) -> list[tuple[str, str]]:
    return list(dict.fromkeys(_email_keys(record)))


def _company_keys(record: Company) -> list[tuple[str, str]]:
    keys = list(_email_keys(record))
    match_key = record.match_key
    if match_key:
        keys.append(("company", match_key))
    if record.domain:
        keys.append(("domain", record.domain))
    return list(dict.fromkeys(keys))


def _affiliation_keys(record: Affiliation) -> list[tuple[str, str]]:
    return [("contact", record.contact_id), ("company", record.company_id)]


CONTACT: RecordKind[Contact] = RecordKind(
    name="contact",
    record_type=Contact,
    table="crm_contacts",
    fields=CONTACT_FIELDS,
    columns=(
        "first_name",
        "last_name",
        "email",
        "phone",
        "owner_id",
        "lifecycle_stage",
        "created_at",
        "updated_at",
    ),
    key_types=("email", "phone"),
    keys=_contact_keys,
)

COMPANY: RecordKind[Company] = RecordKind(
    name="company",
    record_type=Company,
    table="crm_companies",
    fields=COMPANY_FIELDS,
    columns=("name", "domain", "email", "phone", "owner_id", "created_at", "updated_at"),
    key_types=("email", "phone", "company", "domain"),
    keys=_company_keys,
)

AFFILIATION: RecordKind[Affiliation] = RecordKind(
    name="affiliation",
    record_type=Affiliation,
    table="crm_affiliations",
    fields=AFFILIATION_FIELDS,
    columns=("contact_id", "company_id", "created_at", "updated_at"),
    key_types=("contact", "company"),
    keys=_affiliation_keys,
)

OBJECTS_TABLE = "crm_objects"


def object_kind(object_type: object) -> RecordKind[CustomRecord]:
    """Return the kind of the custom object type *object_type* (its fields are custom).

    Raises:
        ConfigError: if the name is not a lower-case identifier or is a built-in kind.
    """
    if not isinstance(object_type, str) or not object_type.isidentifier():
        raise ConfigError("object_type", f"expected a lower-case identifier, not {object_type!r}")
    if object_type != object_type.lower() or object_type in RESERVED_KINDS:
        raise ConfigError("object_type", f"{object_type!r} is not lower-case or is a built-in kind")
    return RecordKind(
        name=object_type,
        record_type=CustomRecord,
        table=OBJECTS_TABLE,
        fields=BuiltinFields(object_type, {**RECORD_FIELDS, "owner_id": FieldType.TEXT}),
        columns=("owner_id", "created_at", "updated_at"),
        object_type=object_type,
    )


BUILTIN_KINDS: dict[str, RecordKind[Any]] = {k.name: k for k in (CONTACT, COMPANY, AFFILIATION)}


def check_fields(path: str, fields: object) -> dict[str, str]:
    """Return *fields* checked: names are identifiers, types are known type names.

    Raises:
        ConfigError: naming the bad entry.
    """
    if not isinstance(fields, Mapping):
        raise ConfigError(path, f"expected a mapping of field names to types, not {fields!r}")
    out = {}
    items: list[tuple[Any, Any]] = list(fields.items())
    for name, type_name in items:
        if not isinstance(name, str) or not name.isidentifier():
            raise ConfigError(f"{path}[{name!r}]", "a field name must be an identifier")
        if not isinstance(type_name, str) or type_name.lower() not in FIELD_TYPES:
            known = ", ".join(sorted(FIELD_TYPES))
            raise ConfigError(
                f"{path}[{name!r}]", f"unknown type {type_name!r}; expected one of {known}"
            )
        out[name] = type_name.lower()
    return out
