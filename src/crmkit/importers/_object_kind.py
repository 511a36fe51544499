"""What an import needs to know of one record kind: how a row becomes a record, and matches.

The import loop (``_object_import``) is the same for companies, deals and custom objects;
each kind plugs in an :class:`ObjectKind`: the header spellings of its fields, how the clean
cells of a row become a record (or the problems that stop it), the stored records a batch
matches, and how a row changes a stored record. Cells a kind does not model are kept in the
record's custom values, so no value typed in a mapped column is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Final, Generic, Literal, Protocol, TypeVar

import attrs
from attrs import frozen

from crmkit.contacts import amend
from crmkit.errors import InvalidMoney, InvalidRecord, ValidationError
from crmkit.fields import FieldDef, Schema
from crmkit.storage import Repository
from crmkit.values import Money

from ._mapping import CUSTOM_PREFIX, ColumnMapping
from ._rows import Problem

__all__ = [
    "Cells",
    "Combine",
    "CustomFields",
    "ObjectKind",
    "StoredKeys",
    "coerced_custom",
    "combined",
    "custom_fields",
    "problem_of",
]

R = TypeVar("R")

Cells = dict[str, tuple[str, str]]
"""A row's mapped cells: field → (column, text), blank cells left out."""

Combine = Literal["merge", "update"]

_BLANK: Final = ("", None, ())
# how a field declared by type alone is read (a picklist declared so has no choices)
_READ_AS: Final = {
    "number": "number",
    "percent": "percent",
    "date": "date",
    "datetime": "datetime",
    "bool": "bool",
}


class ObjectKind(Protocol[R]):
    """One record kind as an import sees it."""

    @property
    def name(self) -> str:
        """The kind's name, as the store and the undo log know it."""
        ...

    @property
    def synonyms(self) -> Mapping[str, tuple[str, ...]]:
        """The kind's own fields by the header spellings that mean them."""
        ...

    @property
    def custom(self) -> Mapping[str, tuple[str, ...]]:
        """The kind's custom fields by the header spellings that mean them."""
        ...

    def repository(self) -> Repository[R]:
        """Where the records go."""
        ...

    def use_mapping(self, mapping: ColumnMapping) -> None:
        """Learn which fields the file's columns feed, before its rows are read."""
        ...

    def writing(self) -> AbstractContextManager[None]:
        """The context a batch's writes happen in."""
        ...

    def finish(self, records: Sequence[R]) -> list[R | list[Problem]]:
        """A batch's records completed from the store (links), or each one's problems."""
        ...

    def build(self, cells: Cells) -> R | list[Problem]:
        """The record a row's cells make, or every problem that stops it."""
        ...

    def key(self, record: R) -> str | None:
        """The key under which two rows (or a row and a stored record) are one record."""
        ...

    def stored(self, records: Sequence[R]) -> dict[str, R]:
        """The stored records that *records* match, by :meth:`key`."""
        ...

    def keep(self, key: str, record: R) -> None:
        """Remember that rows with *key* are *record* from now on (for the later batches)."""
        ...

    def changed(self, old: R, new: R, how: Combine) -> R | list[Problem]:
        """*old* changed by the row's *new* (*old* itself when nothing changes), or problems."""
        ...


class StoredKeys(Generic[R]):
    """The stored records of a kind by their import key, read once, fetched per batch.

    For kinds whose key is no indexed column (a deal's title, a custom object's field):
    the keys of the stored records are read in pages on the first batch and kept with
    their ids, so the memory this takes grows with the stored records, not with the file;
    each batch then fetches its matches by id, as they are stored now.
    """

    def __init__(self, repository: Repository[R], key: Callable[[R], str | None]) -> None:
        self._repository = repository
        self._key = key
        self._ids: dict[str, str] | None = None

    def matches(self, records: Sequence[R]) -> dict[str, R]:
        """The stored records that *records* match, by key (the oldest of a key)."""
        if self._ids is None:
            self._ids = {}
            for stored in self._repository.find_all(order_by="created_at"):
                found = self._key(stored)
                if found is not None:
                    self._ids.setdefault(found, _id(stored))
        wanted = {self._key(r) for r in records} - {None}
        ids = {k: self._ids[k] for k in wanted if k is not None and k in self._ids}
        got = self._repository.get_many(ids.values())
        return {k: got[i] for k, i in ids.items() if i in got}

    def keep(self, key: str, record: R) -> None:
        """Remember that *key* is *record* from now on (a later batch matches it)."""
        if self._ids is not None:
            self._ids[key] = _id(record)


def _id(record: object) -> str:
    return str(getattr(record, "id"))  # noqa: B009 - every stored record has an id


def problem_of(error: ValidationError, cells: Cells, default: str = "<row>") -> Problem:
    """*error* as the problem of the cell it names (by field), or of *default*."""
    column, _ = cells.get(error.field or "", (default, ""))
    value = "" if error.value is None else str(error.value)
    return Problem(column, value, error.reason, error.code)


@frozen
class CustomFields:
    """How a kind's custom fields are read: a schema holding every one, and the money ones.

    Attributes:
        schema: the fields with a definition (declared by type or in a schema).
        money: the money fields declared by type, which have no currency of their own.
    """

    schema: Schema
    money: frozenset[str]

    @property
    def names(self) -> tuple[str, ...]:
        """Every custom field, in order."""
        return (*(f.name for f in self.schema.fields), *sorted(self.money))


def custom_fields(schema: Schema, own: Iterable[str]) -> CustomFields:
    """The custom fields of *schema*: those declared by type only made fields, for reading.

    :meth:`Store.define_fields` with types by name (``{"budget": "number"}``) declares
    fields that have no definition; reading a cell needs one. A money field declared so has
    no currency: its cells are read with :meth:`Money.parse <crmkit.values.Money.parse>`
    (the cell's currency, else the locale's), see :func:`coerced_custom`.
    """
    builtin = set(own)
    names = {f.name for f in schema.fields}
    extra = [
        FieldDef(name=name, type=_READ_AS.get(str(kind), "text"))
        for name, kind in schema.builtin.items()
        if name not in builtin and name not in names and str(kind) != "money"
    ]
    money = [n for n, k in schema.builtin.items() if str(k) == "money" and n not in builtin | names]
    kept = {n: t for n, t in schema.builtin.items() if n in builtin}
    made = Schema(schema.object_type, (*schema.fields, *extra), builtin=kept)
    return CustomFields(made, frozenset(money))


def coerced_custom(
    fields: CustomFields, cells: Cells, locale: str | None, problems: list[Problem]
) -> dict[str, object]:
    """The custom fields' cells of a row read as their schema types (spreadsheet text).

    Cells of custom fields the schema does not declare are kept as text.
    """
    raw = {
        f[len(CUSTOM_PREFIX) :]: text for f, (_, text) in cells.items() if f[:7] == CUSTOM_PREFIX
    }
    schema = fields.schema
    declared = {f.name for f in schema.fields}
    money = fields.money
    typed = {name: value for name, value in raw.items() if name in declared}
    out: dict[str, object] = {
        name: v for name, v in raw.items() if name not in declared and name not in money
    }
    for name in money & raw.keys():
        try:
            out[name] = Money.parse(raw[name], locale=locale or "en_US")
        except InvalidMoney as exc:
            problems.append(_at_custom(exc.at(field=name), cells))
    if not typed:
        return out
    try:
        out.update(schema.coerce(typed, locale=locale or "en_US"))
    except InvalidRecord as exc:
        problems.extend(_at_custom(error, cells) for error in exc.errors)
    except ValidationError as exc:
        problems.append(_at_custom(exc, cells))
    return out


def _at_custom(error: ValidationError, cells: Cells) -> Problem:
    column, text = cells.get(CUSTOM_PREFIX + (error.field or ""), ("<row>", str(error.value)))
    return Problem(column, text, error.reason, error.code)


def _blank(value: object) -> bool:
    return value is None or value in _BLANK or value == {}


def combined(
    old: R,
    new: R,
    how: Combine,
    *,
    skip: Iterable[str] = (),
    lists: Mapping[str, Callable[[Any], object]] | None = None,
) -> R:
    """*old* with the values of *new*: its blanks filled (``merge``) or overwritten (``update``).

    Args:
        old: the stored record.
        new: the record the row makes.
        how: ``merge`` fills only what *old* leaves blank; ``update`` takes every value the
            row fills.
        skip: fields the row never changes here (ids, timestamps, the stage).
        lists: tuple fields whose entries are added to, each with the key that tells two
            entries apart (an e-mail's match key); on ``merge`` and ``update`` alike, new
            entries go after the old ones.

    Returns:
        The changed record, or *old* itself when nothing changes.
    """
    keys = lists or {}
    fixed = {"id", "created_at", "updated_at", "version", *skip}
    changes: dict[str, Any] = {}
    record: Any = old  # R is always an attrs record class
    for field in attrs.fields(type(record)):
        name = field.name
        if name in fixed:
            continue
        before, after = getattr(old, name), getattr(new, name)
        if name == "custom":
            value = {**after, **before} if how == "merge" else {**before, **after}
            if value != before:
                changes[name] = value
            continue
        if name in keys:
            seen = {keys[name](entry) for entry in before}
            extra = tuple(e for e in after if keys[name](e) not in seen)
            if extra:
                changes[name] = (*before, *(_not_primary(e) for e in extra))
            continue
        if _blank(after) or after == before:
            continue
        if how == "update" or _blank(before):
            changes[name] = after
    if not changes:
        return old
    result: R = amend(record, **changes)
    return result


def _not_primary(entry: object) -> object:
    if attrs.has(type(entry)) and hasattr(entry, "primary"):
        return attrs.evolve(entry, primary=False)  # type: ignore[misc]  # any entry class
    return entry
