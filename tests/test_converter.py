"""to_dict / from_dict: every model to JSON-safe data and back, losslessly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given

from crmkit import Affiliation, Company, Contact, Money, from_dict, to_dict
from crmkit._converter import from_stored
from crmkit.errors import ValidationError
from crmkit.testing import affiliations, companies, contacts, money


def _through_json(obj: object) -> Any:
    return json.loads(json.dumps(to_dict(obj)))


@given(contacts())
def test_contact_round_trip(contact: Contact) -> None:
    """A contact survives to_dict, JSON and from_dict unchanged."""
    assert contact == from_dict(_through_json(contact), Contact)


@given(companies())
def test_company_round_trip(company: Company) -> None:
    """A company survives to_dict, JSON and from_dict unchanged."""
    assert company == from_dict(_through_json(company), Company)


@given(affiliations())
def test_affiliation_round_trip(link: Affiliation) -> None:
    """An affiliation survives to_dict, JSON and from_dict unchanged."""
    assert link == from_dict(_through_json(link), Affiliation)


@given(money())
def test_money_round_trip(value: Money) -> None:
    """Money travels as a string amount and a currency code."""
    raw = _through_json(value)

    assert {"amount": str(value.amount), "currency": value.currency} == raw
    assert value == from_dict(raw, Money)


def test_hand_written_dict_is_normalized() -> None:
    """A dict written by hand goes through the same normalization as the constructor."""
    contact = from_dict(
        {"first_name": " Ann ", "emails": [{"address": "Ann@Example.COM"}]}, Contact
    )

    assert "Ann@example.com" == contact.primary_email.value  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"first_name": "A", "version": "x"}, "version", "expected int"),
        ({"first_name": "A", "emails": [{"address": "nope"}]}, "emails[0].address", "nope"),
        ({"first_name": "A", "shoe": 1}, "", "unknown field"),
        ({"first_name": "A", "created_at": "yesterday"}, "created_at", "ISO 8601"),
        ({"first_name": "A", "custom": {"x": {"a": 1}}}, "custom", "scalars or lists"),
    ],
)
def test_from_dict_bad_input(data: dict[str, object], field: str, message: str) -> None:
    """Bad data raises ValidationError naming the path of the bad value."""
    with pytest.raises(ValidationError, match=message) as info:
        from_dict(data, Contact)

    assert field in str(info.value)


@given(contacts())
def test_stored_round_trip_matches_from_dict(contact: Contact) -> None:
    """Reading stored data back (without re-validating e-mails) gives the same contact."""
    raw = _through_json(contact)

    assert from_dict(raw, Contact) == from_stored(raw, Contact)


def test_from_stored_bad_input() -> None:
    """Stored data that is not a record still raises ValidationError with the path."""
    with pytest.raises(ValidationError, match="version"):
        from_stored({"first_name": "A", "version": "x"}, Contact)
