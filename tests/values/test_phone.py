"""Tests of phone number normalization."""

from __future__ import annotations

import contextlib

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import InvalidPhone, ValidationError
from crmkit.values._phone import PhoneNumber, normalize_phone, phone_from_excel_float

# Every example number phonenumbers' metadata gives, for every region and kind of number.
_EXAMPLES = sorted(
    phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
    for region in phonenumbers.SUPPORTED_REGIONS
    for kind in phonenumbers.PhoneNumberType.values()
    if (example := phonenumbers.example_number_for_type(region, kind)) is not None
    and phonenumbers.is_valid_number(example)
)
_REGIONS = ["US", "GB", "DE", "IR", "PK", "IN", "AE", "IT", "FR", "AU", None]


@st.composite
def phones(draw: st.DrawFn) -> PhoneNumber:
    """Valid numbers of every region and kind, some with an extension."""
    e164 = draw(st.sampled_from(_EXAMPLES))
    extension = draw(st.none() | st.from_regex(r"[1-9][0-9]{0,4}", fullmatch=True))
    return normalize_phone(f"{e164} ext. {extension}" if extension else e164)


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("۰۹۱۲ ۳۴۵ ۶۷۸۹", "IR"),
        ("٠٩١٢٣٤٥٦٧٨٩", "IR"),
        ("0912-345-6789", "ir"),
        ("0912.345.6789", "IR"),
        ("(0912) 345 6789", "IR"),
        ("+98 912 345 6789", None),
        ("0098 912 345 6789", None),
        ("0098 912 345 6789", "IR"),
        ("0098 912 345 6789", "US"),
        ("+0098 912 345 6789", None),
        ("+98 (0)912 345 6789", None),
        ("＋９８ ９１２ ３４５ ６７８９", None),
        ("\u200f+98 912\u200e 345 6789\u200f", None),
        ("tel:+98-912-345-6789", None),
        ("  +989123456789  ", "DE"),
    ],
)
def test_spellings_of_one_number(raw: str, region: str | None) -> None:
    """Every common way of writing +98 912 345 6789 gives that number."""
    phone = normalize_phone(raw, region)

    assert phone.e164 == "+989123456789"
    assert phone.region == "IR"
    assert phone.kind == "mobile"
    assert phone.extension is None
    assert str(phone) == "+989123456789"


@pytest.mark.parametrize(
    "raw",
    ["+1 201 555 0123 x123", "+1 (201) 555-0123 ext. 123", "tel:+1-201-555-0123;ext=123"],
)
def test_extension(raw: str) -> None:
    """Extensions are kept apart from the E.164 form and shown by str() as ;ext=."""
    phone = normalize_phone(raw)

    assert phone.e164 == "+12015550123"
    assert phone.extension == "123"
    assert str(phone) == "+12015550123;ext=123"
    assert "123" in phone.national
    assert "123" in phone.international


def test_uk_number_forms() -> None:
    """A London number has its national and international written forms."""
    phone = normalize_phone("020 7946 0958", "GB")

    assert phone.e164 == "+442079460958"
    assert phone.national.replace(" ", "") == "02079460958"
    assert phone.international.startswith("+44 ")
    assert phone.kind == "fixed_line"


def test_non_geographic_number_has_no_region() -> None:
    """An international freephone number belongs to no region."""
    phone = normalize_phone("+800 1234 5678")

    assert phone.region is None
    assert phone.kind == "toll_free"


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("9.23001234567E+11", "923001234567"),
        ("9.23001234567e+11", "923001234567"),
        (" 4.4207946095E+10 ", "44207946095"),
        ("923001234567.0", "923001234567"),
    ],
)
def test_excel_float_digits(text: str, digits: str) -> None:
    """Spreadsheet floats give back the digits of the number."""
    assert digits == phone_from_excel_float(text)


@pytest.mark.parametrize("text", ["9.5", "1.5E+0", "+92 300 1234567", "12345", "abc", ""])
def test_excel_float_rejects_other_text(text: str) -> None:
    """Text that is not a whole number in float notation gives None."""
    assert phone_from_excel_float(text) is None


@pytest.mark.parametrize(("raw", "region"), [("9.23001234567E+11", None), ("3001234567.0", "PK")])
def test_normalize_reads_excel_floats(raw: str, region: str | None) -> None:
    """normalize_phone reads a float cell as international digits or a national number."""
    assert normalize_phone(raw, region).e164 == "+923001234567"


@pytest.mark.parametrize(
    ("raw", "region", "reason"),
    [
        ("12", "US", "too short"),
        ("1", "US", "too short"),
        ("+1 201 555 0123 4567 8901 2345", None, "too long"),
        ("+1 999 555 0123", None, "not a valid number for region US"),
        ("0600 123 4567", "IR", "not a valid number for region IR"),
        ("2015550123", None, "national number with no region given"),
        ("hello there", "US", "not a phone number at all"),
        ("", None, "empty"),
        ("   ", "US", "empty"),
        ("+999 123 456", None, "unknown country calling code"),
        ("0912 345 6789", "XX", "unknown region 'XX'"),
    ],
)
def test_invalid_numbers(raw: str, region: str | None, reason: str) -> None:
    """Bad numbers raise InvalidPhone naming the reason."""
    with pytest.raises(InvalidPhone, match=reason) as caught:
        normalize_phone(raw, region)

    assert caught.value.value == raw
    assert caught.value.reason == reason


def test_parse_errors_keep_their_cause() -> None:
    """A phonenumbers parse error is kept as the cause."""
    with pytest.raises(InvalidPhone, match="not a phone number at all") as caught:
        normalize_phone("no digits here")

    assert isinstance(caught.value.__cause__, phonenumbers.NumberParseException)


@given(phones())
def test_normalizing_again_gives_the_same_number(phone: PhoneNumber) -> None:
    """str(), the international form, and the national form with its region read back."""
    assert phone == normalize_phone(str(phone))
    assert phone == normalize_phone(phone.international)
    if phone.region is not None:
        assert phone == normalize_phone(phone.national, phone.region)
    if phone.extension is None:
        assert phone == normalize_phone(phone.e164)


@given(phones())
def test_e164_form(phone: PhoneNumber) -> None:
    """The E.164 form is a plus and at most 15 digits."""
    assert phone.e164[0] == "+"
    assert phone.e164[1:].isdigit()
    assert len(phone.e164) <= 16


@given(st.text(), st.sampled_from(_REGIONS))
def test_only_validation_errors(raw: str, region: str | None) -> None:
    """Arbitrary text either normalizes or raises a ValidationError."""
    with contextlib.suppress(ValidationError):
        normalize_phone(raw, region)


@given(st.text(alphabet="0123456789 +-().x۰۱۲۳۴۵۶۷۸۹eE", max_size=30), st.sampled_from(_REGIONS))
def test_only_validation_errors_on_phone_like_text(raw: str, region: str | None) -> None:
    """Text made of phone characters either normalizes or raises a ValidationError."""
    with contextlib.suppress(ValidationError):
        normalize_phone(raw, region)
