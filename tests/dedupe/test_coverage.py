"""The default keys run on what a list has: e-mail and phone keys, or address and birth date."""

from __future__ import annotations

from datetime import date

import pytest

from crmkit.contacts import Contact
from crmkit.dedupe import BlockingKey, BlockingReport, MatchRules, find_duplicates
from crmkit.errors import ConfigError
from crmkit.values import Address

_STAND_INS = ("first_name+last_name+postal_code", "first_name+birth_date+postal_code")
_HOMES = ("street+postal_code", "last_name+street")


def _home(street: str, code: str) -> Address:
    return Address(lines=(street,), city="Leeds", postal_code=code)


def _contacts(*, homes: bool) -> list[Contact]:
    """Ten people with an e-mail and a phone each, twice over; with a home if *homes*."""
    return [
        Contact(
            id=f"{copy}{k}",
            first_name=f"Name{k}",
            last_name="Okafor",
            emails=[f"name{k}.okafor@example.com"],
            phones=[f"+44 113 496 {k:04d}"],
            birth_date=date(1970 + k, 1, 2),
            addresses=[_home(f"{k} Park Lane", f"LS{k} 1AA")] if homes else [],
        )
        for k in range(10)
        for copy in ("a", "b")
    ]


def _people() -> list[Contact]:
    """Ten people with a home and a birth date and nothing else, twice over."""
    return [
        Contact(
            id=f"{copy}{k}",
            first_name=f"Name{k}",
            last_name="Okafor",
            birth_date=date(1970 + k, 1, 2),
            addresses=[_home(f"{k} Park Lane", f"LS{k} 1AA")],
        )
        for k in range(10)
        for copy in ("a", "b")
    ]


def _reason(report: BlockingReport, name: str) -> str:
    return next(k for k in report.keys if k.name == name).reason


def test_a_contact_list_with_e_mails_and_phones_gets_their_keys_and_not_the_stand_ins() -> None:
    """The postcode keys stand in for e-mail and phone: with both there, they do not run."""
    found = find_duplicates(_contacts(homes=True))
    report = found.blocking

    assert len(found.matches) == 10
    assert ("email",) == report.enabled_by("email")
    assert ("phone",) == report.enabled_by("phone")
    assert set(_HOMES) <= set(report.enabled_by("street"))
    for name in _STAND_INS:
        assert name not in report.enabled
        assert "stands in for email or phone, which 100% of records have" in _reason(report, name)
    assert dict(report.coverage)["email"] == 1.0


def test_a_contact_list_without_addresses_runs_no_address_key() -> None:
    """No record has an address: no address key runs, and the report says why."""
    report = find_duplicates(_contacts(homes=False)).blocking

    assert () == report.enabled_by("street")
    assert () == report.enabled_by("postal_code")
    for name in (*_HOMES, *_STAND_INS):
        assert name not in report.enabled
    assert "street is blank on every record" == _reason(report, "street+postal_code")
    assert "email" in report.enabled
    assert dict(report.coverage)["street"] == 0.0


def test_a_person_list_without_e_mail_or_phone_gets_the_address_and_birth_date_keys() -> None:
    """Nothing to stand in for: every address and birth date key runs."""
    found = find_duplicates(_people())
    report = found.blocking

    assert len(found.matches) == 10
    assert () == report.enabled_by("email")
    assert () == report.enabled_by("phone")
    assert set(_STAND_INS + _HOMES[:1]) <= set(report.enabled_by("postal_code"))
    assert "first_name+birth_date+postal_code" in report.enabled_by("birth_date")
    assert "email is blank on every record" == _reason(report, "email")


def test_a_field_few_records_have_runs_no_key_that_needs_more() -> None:
    """One record in twenty with an address is below the address keys' ten per cent."""
    records = _contacts(homes=False)
    records[0] = Contact(
        id="a0",
        first_name="Name0",
        last_name="Okafor",
        emails=["name0.okafor@example.com"],
        addresses=[_home("0 Park Lane", "LS0 1AA")],
    )
    report = find_duplicates(records).blocking

    assert "street+postal_code" not in report.enabled
    assert "street is filled in on 5% of records, the key needs 10%" == _reason(
        report, "street+postal_code"
    )


def test_coverage_settings_round_trip_and_are_checked() -> None:
    """min_coverage and instead_of survive to_dict; a share outside 0..1 is refused."""
    rules = MatchRules.for_contacts()
    again = MatchRules.from_dict(rules.to_dict())
    key = next(k for k in again.blocking if k.name == _STAND_INS[0])

    assert again == rules
    assert ("email", "phone") == key.instead_of
    assert key.min_coverage == 0.1
    with pytest.raises(ConfigError, match="min_coverage"):
        BlockingKey(name="k", fields=("street",), min_coverage=1.5)
    with pytest.raises(ConfigError, match=r"instead_of\[0\]"):
        BlockingKey(name="k", fields=("street",), instead_of=("",))
