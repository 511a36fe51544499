"""Normalized features of records, stored column by column for fast pair scoring.

Each compared or blocked field becomes one list with a normalized value per record (``None``
when blank). Equal values are the same object, so most comparisons stop at an identity check.
Multi-valued fields (e-mails, phones) hold a tuple of keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from crmkit.contacts import Company, Contact, company_match_key, name_match_key
from crmkit.errors import ConfigError

from ._address_keys import (
    ADDRESS_PARTS,
    address_columns,
    address_reader,
    postal_key,
    street_key,
    typed_address_keys,
)
from ._columns import Columns
from ._rules import MatchRules

__all__ = [
    "Record",
    "Table",
    "build_table",
    "field_reader",
    "full_name_counts",
    "prepare",
    "text_key",
]

Record = Contact | Company
Reader = Callable[[Any], object]


class Table:
    """The feature columns of a list of records.

    Attributes:
        records: the records, in input order (a record's index is its row).
        ids: the record ids.
        columns: per field name, one normalized value per record.
        name_counts: for contacts, per record, how many records share its full name
            (first and last name keys, in either order), or None when not counted.
        cache: integer codes of blocking key parts (see ``_blocking``).
    """

    __slots__ = ("cache", "columns", "ids", "name_counts", "records")

    def __init__(self, records: Sequence[Record], ids: Sequence[str] | None = None) -> None:
        self.records = records
        self.ids: Sequence[str] = [r.id for r in records] if ids is None else ids
        self.columns: dict[str, list[Any]] = {}
        # per record, how many records share its full name (first and last, either order)
        self.name_counts: list[int] | None = None
        # integer codes of blocking key parts, built once per field and transform
        self.cache: dict[tuple[str, str], object] = {}

    def __len__(self) -> int:
        return len(self.ids)


def _cached(fn: Callable[[str], str]) -> Callable[[str], str | None]:
    cache: dict[str, str | None] = {}

    def run(raw: str) -> str | None:
        found = cache.get(raw, cache)
        if found is cache:
            key = fn(raw) if raw else ""
            # equal keys become one object: later comparisons stop at ``is``
            found = cache.setdefault(key, key) if key else None
            cache[raw] = found
        return found  # type: ignore[return-value]

    return run


def _address_key(part: str, text: Callable[[str], str | None]) -> Callable[[str], str | None]:
    if part == "postal_code":
        return _cached(postal_key)
    if part == "street":
        return _cached(street_key)
    return text


def _text_key(text: str) -> str:
    return name_match_key(text)


def _scalar(value: object, key: Callable[[str], str | None]) -> object:
    if value is None or value in ("", ()):
        return None
    if isinstance(value, str):
        return key(value)
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    if isinstance(value, list | tuple):
        parts = tuple(p for p in (_scalar(v, key) for v in value) if p is not None)
        return parts or None
    return key(str(value))


# Most records have one e-mail and one phone: a plain string compares faster than a tuple.


def _emails(record: Any) -> object:
    entries = record.emails
    if not entries:
        return None
    if len(entries) == 1:
        return entries[0].address.match_key
    return _one_or_all(tuple(dict.fromkeys(e.address.match_key for e in entries)))


def _phones(record: Any) -> object:
    # valid numbers by their E.164 form ("+..."), numbers kept as typed by their digits
    entries = record.phones
    raw = getattr(record, "invalid_phones", ())
    if not raw:
        if not entries:
            return None
        if len(entries) == 1:
            return entries[0].number.e164
    keys = [p.number.e164 for p in entries] + [p.digits for p in raw]
    return _one_or_all(tuple(dict.fromkeys(keys)))


def _one_or_all(keys: tuple[str, ...]) -> object:
    return keys[0] if len(keys) == 1 else keys


def text_key() -> Callable[[str], str | None]:
    """Return a cached name-key function; keys it returns for equal text are one object."""
    return _cached(_text_key)


def field_reader(
    name: str,
    kind: str,
    companies: Mapping[str, object] | None = None,
    text: Callable[[str], str | None] | None = None,
) -> Reader:
    """Return a function reading field *name*'s normalized value from a record of *kind*.

    Readers that share *text* (see :func:`text_key`) give the same object for equal names,
    which lets the scorer spot first and last names entered the wrong way round by identity.

    Raises:
        ConfigError: for a field name that cannot be read.
    """
    text = text or text_key()
    if name == "email":
        return _emails
    if name == "phone":
        return _phones
    if name in ADDRESS_PARTS:
        return address_reader(name, _address_key(name, text))
    if kind == "contact":
        return _contact_reader(name, text, companies)
    if name in ("company_key", "company"):
        key = _cached(company_match_key)
        return lambda r: key(r.name)
    if name == "domain":
        return lambda r: r.domain
    return _generic_reader(name, text, Company)


def _contact_reader(
    name: str, text: Callable[[str], str | None], companies: Mapping[str, object] | None
) -> Reader:
    if name in ("first_name", "last_name", "middle_name"):
        return lambda r: text(getattr(r, name))
    if name == "name":
        joined: dict[tuple[str | None, str | None], str | None] = {}

        def full(r: Any) -> str | None:
            # built from the cached keys of the parts: full names are nearly all distinct
            parts = (text(r.first_name), text(r.last_name))
            found = joined.get(parts, joined)
            if found is joined:
                key = " ".join(p for p in parts if p) or None
                found = joined[parts] = key
            return found  # type: ignore[return-value]

        return full
    if name in ("company", "company_key"):
        key = _cached(company_match_key)

        def company(r: Any) -> object:
            given = companies.get(r.id) if companies is not None else None
            if given is None:
                given = r.custom.get("company")
            return _company_of(given, key)

        return company
    if name == "domain":
        return lambda r: tuple(e.address.value.rpartition("@")[2] for e in r.emails) or None
    return _generic_reader(name, text, Contact)


def _company_of(given: object, key: Callable[[str], str | None]) -> object:
    if isinstance(given, str):
        return key(given)
    if isinstance(given, list | tuple):
        keys = tuple(k for k in (key(g) for g in given if isinstance(g, str)) if k)
        return keys or None
    return None


def _generic_reader(name: str, text: Callable[[str], str | None], cls: type) -> Reader:
    declared = {a.name for a in cls.__attrs_attrs__}  # type: ignore[attr-defined]
    if name.startswith("custom."):
        custom = name.removeprefix("custom.")
        return lambda r: _scalar(r.custom.get(custom), text)
    if name in declared:
        if name in ("emails", "phones", "addresses", "custom"):
            raise ConfigError(
                "field", f"{name!r} cannot be compared as a whole; use 'email', 'phone' or 'city'"
            )
        return lambda r: _scalar(getattr(r, name), text)
    return lambda r: _scalar(r.custom.get(name), text)


def build_table(
    records: Sequence[Record],
    kind: str,
    fields: Sequence[str],
    companies: Mapping[str, object] | None = None,
) -> Table:
    """Read *fields* of every record into a :class:`Table`.

    For :class:`Columns`, the fields it holds are read from its values, not its records.
    """
    given: Mapping[str, list[Any]] = {}
    if isinstance(records, Columns):
        given = records.values
        table = Table(records, records.ids)
    else:
        table = Table(records)
    text = text_key()
    columns = table.columns

    def attribute(field: str) -> list[Any]:
        # the column the caller gave, else each record's attribute
        found = given.get(field)
        return found if found is not None else [getattr(r, field) for r in records]

    typed = typed_address_keys()
    wanted = dict.fromkeys(fields)
    # the address parts the caller did not give, read in one pass over the addresses
    parts: dict[str, Callable[[str], str | None]] = {
        p: _address_key(p, text) for p in ADDRESS_PARTS if p in wanted and p not in given
    }
    columns.update(address_columns(records, parts) if parts else {})
    for name in wanted:
        if name in parts:
            continue
        raw = given.get("company" if name == "company_key" else name)
        if raw is not None and name == "city":
            columns[name] = _by_distinct(raw, text)
        elif raw is not None and name in typed:
            columns[name] = _by_distinct(raw, typed[name])
        elif raw is not None and name in ("email", "phone", "birth_date"):
            columns[name] = raw
        elif kind == "contact" and name in ("first_name", "last_name", "middle_name"):
            columns[name] = _by_distinct(attribute(name), text)
        elif kind == "contact" and name == "name":
            first = columns.get("first_name")
            if first is None:
                first = _by_distinct(attribute("first_name"), text)
            last = columns.get("last_name")
            if last is None:
                last = _by_distinct(attribute("last_name"), text)
            # no list of a million (first, last) tuples: only the distinct ones are kept
            pairs: dict[tuple[str | None, str | None], str | None] = dict.fromkeys(
                zip(first, last, strict=True)
            )
            for both in pairs:
                pairs[both] = _joined(both)
            columns[name] = list(map(pairs.__getitem__, zip(first, last, strict=True)))
        elif kind == "contact" and name in ("company", "company_key") and companies is None:
            if raw is None:
                raw = [r.custom.get("company") for r in records]
            columns[name] = _companies(raw)
        else:
            read = field_reader(name, kind, companies, text)
            columns[name] = [read(r) for r in records]
    return table


def _companies(given: list[Any]) -> list[Any]:
    key = _cached(company_match_key)
    try:
        return _by_distinct(given, lambda g: _company_of(g, key))
    except TypeError:  # a list of names is not hashable: one record at a time
        return [_company_of(g, key) for g in given]


def _joined(parts: tuple[str | None, str | None]) -> str | None:
    return " ".join(p for p in parts if p) or None


def _by_distinct(raws: list[Any], key: Callable[[Any], Any]) -> list[Any]:
    """Return ``[key(raw) for raw in raws]``, calling *key* once per distinct raw value.

    Names repeat a great deal: the per-record work is then two C-level passes.
    """
    distinct = dict.fromkeys(raws)
    for raw in distinct:
        distinct[raw] = key(raw)
    return list(map(distinct.__getitem__, raws))


def full_name_counts(first: Sequence[object], last: Sequence[object]) -> list[int]:
    """Per record, how many records share its first and last name keys (in either order).

    A record without both names counts 0. The count is what term-frequency adjustment needs:
    sharing a full name that 300 records carry says little, sharing one only two carry says
    a lot, and unlike each name's own rarity it grows with the data.
    """
    numbers: dict[object, int] = {}
    size = 1 << 32
    keys: list[int] = []
    add = keys.append
    for a, b in zip(first, last, strict=True):
        if a is None or b is None:
            add(-1)
            continue
        x = numbers.setdefault(a, len(numbers))
        y = numbers.setdefault(b, len(numbers))
        add(x * size + y if x <= y else y * size + x)
    counts = Counter(keys)
    counts[-1] = 0
    return [counts[k] for k in keys]


def prepare(
    records: Sequence[Record], rules: MatchRules, companies: Mapping[str, object] | None = None
) -> Table:
    """Read every field the rules compare or block on into a feature table.

    For contacts it also counts, per record, the records sharing its full name.
    """
    fields = [r.field for r in rules.fields]
    fields += [f for key in rules.blocking for f in (*key.fields, *key.instead_of)]
    if rules.kind == "contact":
        fields += ["first_name", "last_name"]
    table = build_table(records, rules.kind, fields, companies)
    first, last = table.columns.get("first_name"), table.columns.get("last_name")
    if first is not None and last is not None:
        table.name_counts = full_name_counts(first, last)
    return table
