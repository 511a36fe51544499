"""Phone numbers kept as typed: their digits as a match key, never an E.164 form."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crmkit.contacts import Contact
from crmkit.errors import ErrorCode, InvalidPhone, ValidationError
from crmkit.values import RawPhone, phone_digits


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("+98 912 345 678", "98912345678"),
        ("0098 912 345 678", "98912345678"),
        ("0912-345-678", "912345678"),
        ("(555) 0100", "5550100"),
        ("۰۹۱۲ ۳۴۵ ۶۷۸", "912345678"),
        ("000", "000"),
    ],
)
def test_digits_leave_out_dialling_prefixes(text: str, digits: str) -> None:
    """The international prefix and a trunk 0 are not part of the number's key."""
    assert digits == phone_digits(text)


def test_a_raw_phone_keeps_the_text_and_says_it_is_not_valid() -> None:
    """The text is kept as typed (spaces collapsed); it is flagged invalid, with no E.164."""
    phone = RawPhone(text=" 0912  345 678 ", reason="too short")

    assert ("0912 345 678", "912345678", False) == (phone.text, phone.digits, phone.valid)
    assert not hasattr(phone, "e164")
    assert "0912 345 678" == str(phone)


@pytest.mark.parametrize("text", ["", "ext", "12", "+1-"])
def test_too_few_digits_are_refused_with_their_own_code(text: str) -> None:
    """Text with fewer than three digits is nothing to match on."""
    with pytest.raises(InvalidPhone, match="fewer than 3 digits") as info:
        RawPhone(text=text)

    assert ErrorCode.PHONE_NO_DIGITS == info.value.code


@pytest.mark.parametrize(
    ("given", "match"),
    [
        ({"text": 12345}, "expected the number as typed"),
        ({"text": "12345", "reason": 3}, "expected the reason as text"),
        ({"text": "12345", "label": None}, "expected the label as text"),
    ],
)
def test_bad_types_are_refused(given: dict[str, object], match: str) -> None:
    """A value that is not text is an InvalidPhone naming what was expected."""
    with pytest.raises(InvalidPhone, match=match) as info:
        RawPhone(**given)  # type: ignore[arg-type]

    assert ErrorCode.INVALID_PHONE == info.value.code


def test_a_raw_phone_pickles() -> None:
    """A raw phone survives pickling (a process pool sends records back)."""
    phone = RawPhone(text="555 0100", label="home")

    assert phone == pickle.loads(pickle.dumps(phone))  # noqa: S301 - bytes this test just made


def test_create_keeps_an_invalid_phone_with_its_reason() -> None:
    """With keep_invalid, a number that does not validate is kept as typed, not raised."""
    contact = Contact.create(
        name="Ann Lee", phone=["+1 212 555 0100", "0912 345 678"], keep_invalid=True
    )

    assert ["+12125550100"] == [p.number.e164 for p in contact.phones]
    assert [("0912 345 678", "912345678")] == [(p.text, p.digits) for p in contact.invalid_phones]
    assert contact.invalid_phones[0].reason


def test_create_still_raises_without_keep_invalid() -> None:
    """By default an invalid phone is an error, as before."""
    with pytest.raises(InvalidPhone):
        Contact.create(name="Ann Lee", phone="0912 345 678")


def test_keep_invalid_must_be_a_bool() -> None:
    """keep_invalid that is not True or False is a ValidationError naming it."""
    with pytest.raises(ValidationError, match="expected True or False") as info:
        Contact.create(name="Ann Lee", keep_invalid="yes")  # type: ignore[arg-type]

    assert "keep_invalid" == info.value.field


def test_contact_takes_raw_phones_as_text_or_data_and_keeps_each_number_once() -> None:
    """Strings, mappings and RawPhone values are accepted; one number twice is kept once."""
    contact = Contact(
        first_name="Ann",
        invalid_phones=["0912 345 678", {"text": "555 0100", "label": "home"}, "0912-345-678"],
    )

    assert ["912345678", "5550100"] == [p.digits for p in contact.invalid_phones]


@pytest.mark.parametrize(
    ("given", "match"),
    [
        (5, "expected a list of phone numbers as typed"),
        ([{"text": "555 0100", "kind": "x"}], r"unknown key\(s\) \['kind'\]"),
        ([{"label": "home"}], "no 'text'"),
    ],
)
def test_contact_refuses_bad_raw_phones(given: object, match: str) -> None:
    """A bad invalid_phones value is a ValidationError naming the field."""
    with pytest.raises(ValidationError, match=match) as info:
        Contact(first_name="Ann", invalid_phones=given)  # type: ignore[arg-type]

    assert "invalid_phones" == info.value.field


def test_raw_phones_alone_do_not_identify_a_contact() -> None:
    """A contact needs a name, an e-mail or a valid phone; a raw phone is not enough."""
    with pytest.raises(ValidationError) as info:
        Contact(invalid_phones=["555 0100"])

    assert ErrorCode.NO_IDENTITY == info.value.code


@given(st.text(alphabet="0123456789 -()+", min_size=3, max_size=20))
def test_digits_are_the_digits_typed_less_leading_zeros(text: str) -> None:
    """The key holds only digits, in the order typed, and ends like the text's digits."""
    typed = "".join(c for c in text if c.isdigit())
    assume(len(typed) >= 3)
    phone = RawPhone(text=text)

    assert phone.digits.isdigit()
    assert typed.endswith(phone.digits)
