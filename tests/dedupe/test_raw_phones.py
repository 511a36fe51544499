"""Phones kept as typed still find duplicates: by their digits, with or without prefixes."""

from __future__ import annotations

import pytest

from crmkit.contacts import Contact
from crmkit.dedupe import find_duplicates, merge
from crmkit.dedupe._compare import phone_similarity


def _contact(cid: str, name: str, phone: str) -> Contact:
    return Contact.create(id=cid, name=name, phone=phone, keep_invalid=True)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("0912 345 678", "0912-345-678"),  # the same invalid digits
        ("0912 345 678", "+98 912 345 678"),  # with and without the country code
        ("+1 212 555 0100", "212 555 0100"),  # a valid number and its national digits
        ("555 0100", "(555) 0100"),  # a test number
    ],
)
def test_same_digits_find_each_other(left: str, right: str) -> None:
    """Two records whose phones have the same digits are compared by phone and matched."""
    found = find_duplicates([_contact("a", "Ann Lee", left), _contact("b", "Ann Lee", right)])

    assert [("a", "b")] == [g.ids for g in found.matches]
    (pair,) = found.matches[0].explain().pairs
    phone = next(f for f in pair.fields if f.field == "phone")
    assert phone.points > 10
    assert "not a valid number" in phone.left + phone.right


def test_invalid_phone_is_never_shown_as_e164() -> None:
    """An explanation shows a raw phone as typed, flagged."""
    found = find_duplicates(
        [_contact("a", "Ann Lee", "0912 345 678"), _contact("b", "Ann Lee", "0912345678")]
    )

    (pair,) = found.matches[0].explain().pairs
    phone = next(f for f in pair.fields if f.field == "phone")
    assert "0912 345 678 (not a valid number)" == phone.left


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("+98912345678", "+98912345679", 0.0),  # two valid numbers: equal or not
        ("912345678", "98912345678", 1.0),
        ("5550100", "15550100", 0.9),  # seven digits in common: weaker
        ("550100", "1550100", 0.0),  # six are too few
        ("+4915123456789", "15123456789", 1.0),
    ],
)
def test_phone_similarity(a: str, b: str, expected: float) -> None:
    """Digits kept as typed agree with a number ending in all of them (seven or more)."""
    assert expected == phone_similarity(a, b)


def test_merge_unites_raw_phones_by_digits() -> None:
    """A merge keeps every raw phone once, by its digits."""
    a = _contact("a", "Ann Lee", "0912 345 678")
    b = Contact.create(
        id="b", name="Ann Lee", phone=["555 0100", "0912-345-678"], keep_invalid=True
    )

    merged = merge([a, b]).record

    assert ["912345678", "5550100"] == [p.digits for p in merged.invalid_phones]
