"""Contact, Company and Affiliation records."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from crmkit.contacts import Affiliation, Company, Contact, EmailEntry, PhoneEntry, amend
from crmkit.errors import InvalidEmail, InvalidName, InvalidPhone, ValidationError
from crmkit.values import Money


def test_contact_normalizes_on_construction() -> None:
    """Names lose stray whitespace, e-mails and phones are parsed, the first is primary."""
    contact = Contact(
        first_name="  John ",
        last_name="Doe",
        emails=["John.Doe@Example.COM"],
        phones=["+1 (212) 555-0100", "+44 20 7946 0958"],
        tags=["vip", " vip ", "lead"],
    )

    assert contact.first_name == "John"
    assert contact.primary_email.value == "John.Doe@example.com"  # type: ignore[union-attr]
    assert contact.primary_phone.e164 == "+12125550100"  # type: ignore[union-attr]
    assert [p.primary for p in contact.phones] == [True, False]
    assert contact.tags == ("vip", "lead")
    assert contact.created_at.tzinfo is UTC


def test_create_parses_a_full_name_and_national_phones() -> None:
    """Contact.create splits the name and reads national numbers with the region given."""
    contact = Contact.create(
        name="Doe, John", email="john@example.com", phone="۰۹۱۲ ۳۴۵ ۶۷۸۹", region="IR"
    )

    assert (contact.first_name, contact.last_name) == ("John", "Doe")
    assert contact.primary_phone.e164 == "+989123456789"  # type: ignore[union-attr]
    assert contact.full_name == "John Doe"


def test_explicit_primary_is_kept() -> None:
    """A phone marked primary stays primary even when it is not first."""
    contact = Contact(
        first_name="A",
        phones=[PhoneEntry(number="+12125550100"), {"number": "+12125550101", "primary": True}],
    )

    assert contact.primary_phone.e164 == "+12125550101"  # type: ignore[union-attr]


def test_two_primaries_are_refused() -> None:
    """Two primary e-mails are a validation error naming the field."""
    with pytest.raises(ValidationError, match="only one entry can be primary") as info:
        Contact(
            first_name="A",
            emails=[
                EmailEntry(address="a@example.com", primary=True),
                EmailEntry(address="b@example.com", primary=True),
            ],
        )

    assert info.value.field == "emails"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, InvalidName, "a contact needs a name, an e-mail or a phone"),
        ({"first_name": "A", "emails": ["not-an-email"]}, InvalidEmail, "not-an-email"),
        ({"first_name": "A", "phones": ["12"]}, InvalidPhone, "'12'"),
        ({"first_name": "A", "version": 0}, ValidationError, "version must be a positive"),
        ({"first_name": "A", "created_at": datetime(2026, 1, 1)}, ValidationError, "timezone"),
        ({"first_name": 5}, ValidationError, "expected text"),
        ({"first_name": "A", "custom": {"x": object()}}, ValidationError, "plain data"),
        ({"first_name": "A", "custom": {"": 1}}, ValidationError, "non-empty text"),
        ({"first_name": "A", "custom": [1]}, ValidationError, "must be a mapping"),
    ],
)
def test_contact_bad_input(kwargs: dict[str, object], error: type[Exception], message: str) -> None:
    """Bad contact data raises the matching validation error with a clear message."""
    with pytest.raises(error, match=message):
        Contact(**kwargs)  # type: ignore[arg-type]


def test_timestamps_are_converted_to_utc() -> None:
    """An aware timestamp in another zone is stored as the same instant in UTC."""
    tehran = timezone(timedelta(hours=3, minutes=30))
    contact = Contact(first_name="A", created_at=datetime(2026, 1, 1, 12, 0, tzinfo=tehran))

    assert datetime(2026, 1, 1, 8, 30, tzinfo=UTC) == contact.created_at


def test_custom_values_are_immutable_shapes() -> None:
    """Lists in custom values become tuples; sets become sorted tuples."""
    contact = Contact(first_name="A", custom={"colors": ["red", "blue"], "s": {"b", "a"}})

    assert contact.custom["colors"] == ("red", "blue")
    assert contact.custom["s"] == ("a", "b")


def test_company_normalizes_domain_and_keys_name() -> None:
    """A company's domain is reduced to the host; its match key drops the legal form."""
    company = Company(name="ACME Ltd.", domain="https://www.Acme.com/about")

    assert company.domain == "acme.com"
    assert Company(name="Acme Limited").match_key == company.match_key


def test_company_bad_input() -> None:
    """A company without a name, or with a bad domain, is refused."""
    with pytest.raises(InvalidName, match="a company needs a name"):
        Company(name="  ")
    with pytest.raises(ValidationError, match="domain"):
        Company(name="Acme", domain=42)  # type: ignore[arg-type]


def test_affiliation_requires_both_ids() -> None:
    """An affiliation links a contact and a company by id; a role defaults to member."""
    link = Affiliation(contact_id="c1", company_id="k1")

    assert link.role == "member"
    with pytest.raises(ValidationError, match="expected a record id"):
        Affiliation(contact_id="", company_id="k1")


def test_amend_bumps_updated_at_only() -> None:
    """Amend applies changes, moves updated_at and keeps id, created_at and version."""
    contact = Contact(first_name="A")
    later = contact.updated_at + timedelta(minutes=5)

    changed = amend(contact, job_title="Buyer", now=later)

    assert ("Buyer", later) == (changed.job_title, changed.updated_at)
    assert (contact.id, contact.created_at, contact.version) == (
        changed.id,
        changed.created_at,
        changed.version,
    )


def test_amend_bad_input() -> None:
    """Amend refuses unknown fields and fields a store owns."""
    contact = Contact(first_name="A")
    with pytest.raises(ValidationError, match="has no such field"):
        amend(contact, shoe_size=42)
    with pytest.raises(ValidationError, match="cannot be changed by amend"):
        amend(contact, version=7)
    with pytest.raises(ValidationError, match="amend takes a crmkit record"):
        amend({"id": "x"}, job_title="Buyer")  # type: ignore[type-var]


def test_ids_sort_by_creation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids made in a later millisecond sort after ids made earlier, and never repeat."""
    clock = iter(range(1_700_000_000_000_000_000, 1_800_000_000_000_000_000, 7_000_000))
    monkeypatch.setattr("crmkit._ids.time.time_ns", lambda: next(clock))

    ids = [Contact(first_name="A").id for _ in range(200)]

    assert ids == sorted(ids)
    assert len(ids) == len(set(ids))
    assert {26} == {len(i) for i in ids}


def test_custom_values_accept_rich_types() -> None:
    """Decimals, dates, Money and aware datetimes are valid custom values."""
    values = {
        "n": Decimal("1.5"),
        "d": date(2026, 1, 2),
        "m": Money.of(3, "EUR"),
        "t": datetime(2026, 1, 1, tzinfo=UTC),
    }

    assert values == Contact(first_name="A", custom=values).custom
