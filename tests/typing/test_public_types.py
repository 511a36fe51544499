"""The public API's types say what they mean; mypy checks these (``mypy --strict tests/typing``).

At run time each ``assert_type`` is a no-op, so this file also runs as an ordinary test.
"""

from __future__ import annotations

from decimal import Decimal
from typing import assert_type

from crmkit import Company, Contact, Money, amend, from_dict, to_dict
from crmkit.contacts import PersonName, company_match_key, parse_name
from crmkit.expr import Expression, compile, references
from crmkit.importers import CleanOptions, ReadOptions
from crmkit.storage import MemoryStore
from crmkit.values import EmailAddress, PhoneNumber, normalize_email, normalize_phone


def test_public_types() -> None:
    """Normalizers, Money, conversion, amend, expressions and stores keep their types."""
    phone = normalize_phone("+12015550123")
    assert_type(phone, PhoneNumber)
    assert_type(normalize_email("a@example.com"), EmailAddress)
    assert_type(parse_name("Ann Lee"), PersonName)
    assert_type(company_match_key("Acme Ltd"), str)

    price = Money.of(10, "EUR")
    assert_type(price + price, Money)
    assert_type(price * 3, Money)
    assert_type(price / 4, Money)
    assert_type(price / price, Decimal)

    contact = Contact(first_name="Ann", phones=[phone])
    assert_type(from_dict(to_dict(contact), Contact), Contact)
    assert_type(amend(contact, job_title="Buyer"), Contact)
    assert_type(amend(Company(name="Acme"), industry="retail"), Company)

    formula = compile("amount * 2", {"amount": "number"})
    assert_type(formula, Expression)
    assert_type(references("amount * 2"), frozenset[str])

    store = MemoryStore()
    stored = store.contacts.add(contact)
    assert_type(stored, Contact)
    assert_type(store.contacts.get(stored.id), Contact)
    assert stored.id == contact.id


def test_options_types() -> None:
    """The import options keep their field types and round-trip as their own class."""
    options = CleanOptions(read=ReadOptions(region="PK", sheet=0), workers=2)
    assert_type(options.read, ReadOptions)
    assert_type(options.workers, int)
    assert_type(options.read.sheet, str | int | None)
    assert_type(from_dict(to_dict(options), CleanOptions), CleanOptions)
    assert options.read.region == "PK"
