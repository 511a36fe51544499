"""Custom values are checked against the types define_fields declared, on every write."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from crmkit.contacts import Contact, amend
from crmkit.errors import InvalidRecord, ValidationError
from crmkit.storage import CustomRecord, Store
from crmkit.values import Money

FIELDS = {
    "score": "number",
    "share": "percent",
    "budget": "money",
    "note": "text",
    "tier": "picklist",
    "vip": "bool",
    "since": "date",
    "seen": "datetime",
    "topics": "multipicklist",
}

GOOD = {
    "score": Decimal("2.5"),
    "share": 40,
    "budget": Money.of("10", "EUR"),
    "note": "hi",
    "tier": "gold",
    "vip": True,
    "since": date(2024, 1, 2),
    "seen": datetime(2024, 1, 2, 10, tzinfo=UTC),
    "topics": ["a", "b"],
}

BAD = {
    "score": "high",
    "share": True,
    "budget": 10,
    "note": 5,
    "tier": 1.5,
    "vip": 1,
    "since": datetime(2024, 1, 2, tzinfo=UTC),
    "seen": date(2024, 1, 2),
    "topics": "a;b",
}


@pytest.fixture
def typed(store: Store) -> Store:
    """The store, with typed custom contact fields."""
    store.define_fields("contact", FIELDS)
    return store


def test_values_of_the_declared_types_are_stored(typed: Store) -> None:
    """A value of each declared type (and blanks) is stored and reads back."""
    contact = Contact(first_name="Ada", custom={**GOOD, "free": "anything"})
    blank = Contact(first_name="Bob", custom=dict.fromkeys(FIELDS))

    typed.contacts.add(contact)
    typed.contacts.add(blank)

    assert contact == typed.contacts.get(contact.id)
    assert blank == typed.contacts.get(blank.id)


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_value_of_another_type_is_refused_on_add(typed: Store, name: str) -> None:
    """A value that does not fit its declared type raises ValidationError naming the field."""
    contact = Contact(first_name="Ada", custom={name: BAD[name]})

    with pytest.raises(ValidationError, match=f"for '{name}'.*declared {FIELDS[name]}") as e:
        typed.contacts.add(contact)

    assert name == e.value.field
    assert 0 == typed.contacts.count()


def test_number_field_refuses_text_on_every_write(typed: Store) -> None:
    """add, update and bulk_upsert all refuse "high" for a number field."""
    stored = typed.contacts.add(Contact(first_name="Ada", custom={"score": 1}))
    bad = Contact(first_name="Bob", custom={"score": "high"})
    message = "invalid value for 'score' 'high': expected a finite number"

    with pytest.raises(ValidationError, match=message):
        typed.contacts.add(bad)
    with pytest.raises(ValidationError, match=message):
        typed.contacts.update(amend(stored, custom={"score": "high"}))
    with pytest.raises(ValidationError, match=message):
        typed.contacts.bulk_upsert([Contact(first_name="Cy"), bad])

    assert [stored] == list(typed.contacts.find())


def test_several_bad_values_are_collected(typed: Store) -> None:
    """Several misfits raise one InvalidRecord listing each of them."""
    contact = Contact(first_name="Ada", custom={"score": "high", "vip": "yes"})

    with pytest.raises(InvalidRecord, match="2 problem") as e:
        typed.contacts.add(contact)

    assert {"score", "vip"} == {error.field for error in e.value.errors}


def test_undeclared_fields_stay_free_form(store: Store) -> None:
    """Without declarations any plain value is stored."""
    contact = Contact(first_name="Ada", custom={"score": "high"})

    store.contacts.add(contact)

    assert contact == store.contacts.get(contact.id)


def test_object_type_fields_are_checked(store: Store) -> None:
    """A registered object type's field types are checked the same way."""
    projects = store.register_object_type("project", {"budget": "number"})

    with pytest.raises(ValidationError, match="invalid value for 'budget' 'lots'"):
        projects.add(CustomRecord(object_type="project", custom={"budget": "lots"}))
