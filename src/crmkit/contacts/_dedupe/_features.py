"""Normalized features of records, stored column by column for fast pair scoring.

Each compared or blocked field becomes one list with a normalized value per record (``None``
when blank). Equal values are the same object, so most comparisons stop at an identity check.
Multi-valued fields (e-mails, phones) hold a tuple of keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from crmkit.contacts._company_key import company_match_key
from crmkit.contacts._model import Company, Contact
from crmkit.contacts._names import name_match_key
from crmkit.errors import ConfigError

__all__ = ["Record", "Table", "build_table", "field_reader", "text_key"]

Record = Contact | Company
Reader = Callable[[Any], object]


class Table:
    """The feature columns of a list of records.

    Attributes:
        records: the records, in input order (a record's index is its row).
        ids: the record ids.
        columns: per field name, one normalized value per record.
    """

    __slots__ = ("columns", "ids", "records")

    def __init__(self, records: Sequence[Record]) -> None:
        self.records = records
        self.ids = [r.id for r in records]
        self.columns: dict[str, list[Any]] = {}

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


def _first_address_part(part: str, key: Callable[[str], str | None]) -> Reader:
    def read(record: Any) -> object:
        for address in record.addresses:
            value = getattr(address, part)
            if value:
                return key(value)
        return None

    return read


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
        return lambda r: tuple(e.address.match_key for e in r.emails) or None
    if name == "phone":
        return lambda r: tuple(p.number.e164 for p in r.phones) or None
    if name in ("city", "region", "country"):
        return _first_address_part(name, text)
    if name == "postal_code":
        return _first_address_part(name, _cached(lambda s: "".join(s.split()).upper()))
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
            if isinstance(given, str):
                return key(given)
            if isinstance(given, list | tuple):
                keys = tuple(k for k in (key(g) for g in given if isinstance(g, str)) if k)
                return keys or None
            return None

        return company
    if name == "domain":
        return lambda r: tuple(e.address.value.rpartition("@")[2] for e in r.emails) or None
    return _generic_reader(name, text, Contact)


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
    """Read *fields* of every record into a :class:`Table`."""
    table = Table(records)
    text = text_key()
    for name in dict.fromkeys(fields):
        read = field_reader(name, kind, companies, text)
        table.columns[name] = [read(r) for r in records]
    return table
