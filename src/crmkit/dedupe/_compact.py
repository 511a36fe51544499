"""Contacts from compact feature records, for finding duplicates among many rows.

A feature record is a short JSON list of what the match rules read of one row: its names,
e-mails with their match keys, phones, company, city and birth date
(:func:`encode_features`). While rows are still being read, :class:`CompactContacts` keeps
only the values the rules compare, column by column; :func:`fuzzy_groups` then runs the
rules over every row at once (:func:`~crmkit.dedupe.find_duplicates`, fed columns instead of
contacts) and builds as contacts only the members of the groups found, for the explanations.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from itertools import chain, repeat
from typing import Any, Final

import attrs

from crmkit.contacts import Contact, EmailEntry, PhoneEntry
from crmkit.values import Address, EmailAddress, PhoneNumber

from ._columns import PRE_READ, Columns, RowIds
from ._conflict import name_key
from ._find import find_in_columns
from ._row_groups import FuzzyGroup
from ._rules import MatchRules

__all__ = ["CompactContacts", "encode_features", "fuzzy_groups"]

# Bulk path: building a contact from already validated parts skips attrs' converters, which
# would validate every e-mail and phone of every group member a second time.
_SET = object.__setattr__
_encode: Final = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def encode_features(
    values: Mapping[str, str], emails: Iterable[EmailAddress], phones: Iterable[PhoneNumber]
) -> str:
    """The compact feature record of a row (its values by field name), as JSON."""
    return _encode(
        [
            values.get("first_name", ""),
            values.get("last_name", ""),
            [[e.value, e.match_key] for e in emails],
            [[p.e164, p.region, p.kind] for p in phones],
            values.get("company", ""),
            values.get("city", ""),
            values.get("birth_date", ""),
        ]
    )


def _primary() -> Iterator[bool]:
    # the first entry is the primary one
    return chain((True,), repeat(False))


def _email_entry(pair: list[str], primary: bool) -> EmailEntry:
    return EmailEntry(address=EmailAddress(*pair), primary=primary)


def _phone_entry(parts: list[Any], primary: bool) -> PhoneEntry:
    return PhoneEntry(number=PhoneNumber(*parts), primary=primary)


def _keys(entries: list[list[Any]], at: int) -> object:
    # as the dedupe features read a contact: one key alone, several as a tuple of distinct
    if not entries:
        return None
    if len(entries) == 1:
        return entries[0][at]
    keys = tuple(dict.fromkeys(e[at] for e in entries))
    return keys[0] if len(keys) == 1 else keys


class CompactContacts:
    """What the dedupe rules read of usable rows, column by column, from their feature records.

    Every value in a feature record was validated when its row was normalized, so a contact
    is assembled from its parts (:meth:`build`) rather than through :class:`Contact`'s
    converters, which would validate them again. What the converters would still change
    (names are NFKC with collapsed whitespace) is taken from a real contact once per
    distinct value, so each contact equals the one ``Contact(...)`` builds from the same
    parts. Names, companies, cities and birth dates repeat a great deal: each distinct one
    is kept once and shared (all of them immutable, and nothing here changes a contact's
    custom values).
    """

    def __init__(self) -> None:
        template = Contact(id="0", first_name="x")
        self._defaults = [(a.name, getattr(template, a.name)) for a in attrs.fields(Contact)]
        self._names: dict[str, str] = {"": ""}
        self._custom: dict[str, dict[str, object]] = {"": {}}
        self._addresses: dict[str, tuple[Address, ...]] = {"": ()}
        self._births: dict[str, date | None] = {"": None}
        self.numbers: array[int] = array("q")
        # a feature record holds no street, postal code or region: those stay blank
        self._unread = ("street", "postal_code", "region")
        self.values: dict[str, list[Any]] = {
            name: [] for name in PRE_READ if name not in self._unread
        }

    def __len__(self) -> int:
        return len(self.numbers)

    def add(self, rows: Iterable[tuple[int, str]]) -> None:
        """Keep what the rules read of each (row number, feature JSON)."""
        values = self.values
        first, last = values["first_name"].append, values["last_name"].append
        email, phone = values["email"].append, values["phone"].append
        company, city = values["company"].append, values["city"].append
        birth = values["birth_date"].append
        number_of = self.numbers.append
        loads = json.loads
        for number, data in rows:
            f, la, emails, phones, co, ci, bd = loads(data)
            number_of(number)
            first(self._name(f))
            last(self._name(la))
            email(_keys(emails, 1))
            phone(_keys(phones, 0))
            company(co or None)
            addresses = self._address(ci)
            city(addresses[0].city if addresses else None)
            birth(self._birth(bd))

    def columns(self, fetch: Callable[[int], str]) -> Columns:
        """The rows as dedupe columns; *fetch* gives a row's feature JSON by row number."""
        numbers = self.numbers

        def build(k: int) -> Contact:
            return self.build(numbers[k], fetch(numbers[k]))

        blank: list[Any] = [None] * len(numbers)
        values = {**self.values, **dict.fromkeys(self._unread, blank)}
        return Columns(RowIds(numbers), values, build)

    def build(self, number: int, data: str) -> Contact:
        """The contact of row *number* from its feature record (see :func:`encode_features`)."""
        first, last, emails, phones, company, city, birth = json.loads(data)
        contact: Contact = object.__new__(Contact)
        for name, value in self._defaults:
            _SET(contact, name, value)
        _SET(contact, "id", str(number))
        _SET(contact, "first_name", self._name(first))
        _SET(contact, "last_name", self._name(last))
        _SET(contact, "emails", tuple(map(_email_entry, emails, _primary())))
        _SET(contact, "phones", tuple(map(_phone_entry, phones, _primary())))
        _SET(contact, "addresses", self._address(city))
        _SET(contact, "birth_date", self._birth(birth))
        _SET(contact, "custom", self._company(company))
        return contact

    def _name(self, text: str) -> str:
        found = self._names.get(text)
        if found is None:
            # the other name only makes the probe a valid contact
            probe = Contact(id="0", first_name=text, last_name="x")
            found = self._names[text] = probe.first_name
        return found

    def _company(self, company: str) -> dict[str, object]:
        found = self._custom.get(company)
        if found is None:
            found = self._custom[company] = {"company": company}
        return found

    def _address(self, city: str) -> tuple[Address, ...]:
        found = self._addresses.get(city)
        if found is None:
            found = self._addresses[city] = (Address(city=city),)
        return found

    def _birth(self, birth: str) -> date | None:
        if birth not in self._births:
            self._births[birth] = date.fromisoformat(birth)
        return self._births[birth]


def fuzzy_groups(
    contacts: CompactContacts, rules: MatchRules, fetch: Callable[[int], str]
) -> Iterator[FuzzyGroup]:
    """Find the match groups among *contacts* (built from usable rows) by *rules*.

    *fetch* gives a row's feature JSON by row number: only group members are built.

    Yields:
        Each group's row numbers (sorted), its score, its explanation in words, and each
        row's name keys (first, last), in the order of the rows.
    """
    for group in find_in_columns(contacts.columns(fetch), rules):
        members = sorted(
            (r for r in group.records if isinstance(r, Contact)), key=lambda r: int(r.id)
        )
        numbers = tuple(int(r.id) for r in members)
        names = tuple((name_key(r.first_name), name_key(r.last_name)) for r in members)
        yield numbers, group.score, _words(group.explain(values=False)), names


def _words(explanation: Any) -> str:
    # one line per pair: the rows, the likelihood, and the fields that counted
    parts = []
    for pair in explanation.pairs:
        counted = [f"{f.label} {f.note}" for f in pair.fields if f.points != 0 and f.note]
        low, high = sorted((int(pair.left_id), int(pair.right_id)))
        parts.append(
            f"rows {low}, {high}: {pair.score:.0%} likely the same"
            + (f" ({', '.join(counted)})" if counted else "")
        )
    return "; ".join(parts)
