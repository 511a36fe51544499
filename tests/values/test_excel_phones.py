"""Tests of reading phone numbers that a spreadsheet stored as numbers."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ErrorCode, InvalidPhone
from crmkit.values import excel_float_cut, normalize_phone

# regions with a trunk prefix (DE, GB, FR, IR, PK, IN, AU) and without one (US, IT)
_REGIONS = ("DE", "GB", "FR", "IR", "PK", "IN", "AU", "US", "IT", "BR")
_KINDS = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@st.composite
def numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A valid number of a region, as (region, E.164), varied from the region's example."""
    region = draw(st.sampled_from(_REGIONS))
    kind = draw(st.sampled_from(_KINDS))
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    national = str(example.national_number)
    # keep the leading digits (they say which kind and area it is), vary the others
    tail = draw(st.text("0123456789", min_size=3, max_size=3))
    varied = national[:-3] + tail
    number = phonenumbers.parse(f"+{example.country_code}{varied}")
    if not phonenumbers.is_valid_number(number):
        number = example
    return region, _e164(number)


@given(numbers(), st.sampled_from(["decimal", "exponent"]))
def test_float_text_of_a_full_number_reads_back(found: tuple[str, str], form: str) -> None:
    """A number typed with its country code, exported as a float, reads as the same E.164."""
    region, e164 = found
    digits = e164[1:]
    text = f"{digits}.0" if form == "decimal" else f"{int(digits):.{len(digits) - 1}E}"

    assert e164 == normalize_phone(text, region).e164
    assert e164 == normalize_phone(text, None).e164


@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("4915123456789.0", "DE", "+4915123456789"),
        ("4.915123456789E+12", "DE", "+4915123456789"),
        ("4915123456789", "DE", "+4915123456789"),
        ("447400123456.0", "GB", "+447400123456"),
        ("7400123456.0", "GB", "+447400123456"),
        ("923001234567.0", "PK", "+923001234567"),
        ("3001234567.0", "PK", "+923001234567"),
        ("989123456789.0", "IR", "+989123456789"),
        ("9123456789.0", "IR", "+989123456789"),
        ("33612345678.0", "FR", "+33612345678"),
    ],
)
def test_float_phones_get_one_country_code(text: str, region: str, e164: str) -> None:
    """Digits that begin with the region's country code do not get a second one."""
    assert e164 == normalize_phone(text, region).e164


def test_float_valid_both_ways_is_refused_not_guessed() -> None:
    """A float whose digits are a national number and an international one is ambiguous."""
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone("15123456789.0", "DE")

    assert ErrorCode.AMBIGUOUS_PHONE == caught.value.code
    assert "+4915123456789" in str(caught.value)
    assert "+15123456789" in str(caught.value)
    assert "15123456789.0" in str(caught.value)


@pytest.mark.parametrize("text", ["912345678000", "912345678000.0", "15123456789"])
def test_a_number_cell_valid_both_ways_is_refused_not_guessed(text: str) -> None:
    """A workbook's number cell (digits, no ``0`` or ``+``) is read as the float it was."""
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone(text, "DE")

    assert ErrorCode.AMBIGUOUS_PHONE == caught.value.code
    assert f"+49{text.removesuffix('.0')}" in str(caught.value)
    assert f"+{text.removesuffix('.0')}" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("3126683066", "US", "+13126683066"),  # a trunk prefix of 1 is never dropped
        ("3012345678", "DE", "+493012345678"),  # +30 12345678 is no Greek number
        ("030 12345678", "DE", "+493012345678"),
        ("00989123456789", "US", "+989123456789"),
    ],
)
def test_typed_digits_read_one_way(text: str, region: str, e164: str) -> None:
    """Digits that make a number one way only are read that way."""
    assert e164 == normalize_phone(text, region).e164


def test_float_of_no_number_keeps_its_reason() -> None:
    """A float that is no number either way says why."""
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone("12.0", "DE")

    assert ErrorCode.INVALID_PHONE == caught.value.code
    assert "too short" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("9.12345678E+11", True),
        ("9.1E+11", True),
        ("9E+11", True),
        ("9.12345678000E+11", True),
        ("4.915123456789E+12", False),
        ("9.23001234567e+11", False),
        ("4915123456789.0", False),
        ("+49 151 23456789", False),
        ("", False),
    ],
)
def test_excel_float_cut(text: str, cut: bool) -> None:
    """Only an exponent form whose mantissa holds fewer digits than the number may be cut."""
    assert cut == excel_float_cut(text)


def test_exponent_form_reads_the_integer_it_denotes() -> None:
    """``9.12345678E+11`` is read as 912345678000, the number it denotes."""
    assert "+912345678000" == normalize_phone("9.12345678E+11", "IN").e164


def test_excel_float_cut_of_no_text_is_false() -> None:
    """A value that is not text is no spreadsheet float."""
    assert excel_float_cut(912345678000) is False  # type: ignore[arg-type]
