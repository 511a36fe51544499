"""Phone numbers as people type them into spreadsheets, normalized with phonenumbers."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Final, Literal

import phonenumbers
from attrs import frozen
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from crmkit.errors import ErrorCode, InvalidPhone

__all__ = [
    "PhoneKind",
    "PhoneNumber",
    "excel_float_cut",
    "normalize_phone",
    "phone_from_excel_float",
]

PhoneKind = Literal[
    "mobile",
    "fixed_line",
    "fixed_line_or_mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "unknown",
]

_KINDS: Final[dict[int, PhoneKind]] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}

# Characters that never carry meaning in a phone number but slow phonenumbers down or stop
# it: separators, invisible direction marks pasted from right-to-left text, and digits of
# other scripts (phonenumbers reads those too, but only where its own patterns expect them).
_DIGITS: Final = {
    **{0x06F0 + i: str(i) for i in range(10)},  # Persian
    **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic
    **{0xFF10 + i: str(i) for i in range(10)},  # full-width
    0xFF0B: "+",
}
_INVISIBLE: Final = dict.fromkeys(
    (8203, 8204, 8205, 8206, 8207, 65279, *range(8234, 8239))
) | dict.fromkeys(range(8294, 8298))
_SEPARATORS: Final = {ord(c): None for c in " \t-.()\u00a0\u2009\u202f\u2010\u2011\u2012\u2013"}
_CLEAN: Final = str.maketrans({**_DIGITS, **_INVISIBLE, **_SEPARATORS})
# tel: URIs keep their separators: ";phone-context=" must survive
_CLEAN_URI: Final = str.maketrans({**_DIGITS, **_INVISIBLE})

_EXCEL_FLOAT: Final = re.compile(r"\s*(\d(?:\.\d+)?[eE]\+\d{1,2}|\d+\.0+)\s*")
_EXPONENT: Final = re.compile(r"\s*(\d)(?:\.(\d+))?[eE]\+(\d{1,2})\s*")
_AMBIGUOUS: Final = ErrorCode.AMBIGUOUS_PHONE

_E164 = PhoneNumberFormat.E164
_NATIONAL = PhoneNumberFormat.NATIONAL
_INTERNATIONAL = PhoneNumberFormat.INTERNATIONAL
_NEEDS_REGION: Final = ErrorCode.PHONE_NEEDS_REGION
_UNKNOWN_COUNTRY: Final = ErrorCode.PHONE_UNKNOWN_COUNTRY
_UNKNOWN = PhoneNumberType.UNKNOWN
_REGIONS: Final = frozenset(phonenumbers.SUPPORTED_REGIONS)
_NON_GEOGRAPHIC: Final = "001"


@frozen
class PhoneNumber:
    """A valid phone number in its three usual written forms.

    ``str()`` gives the E.164 form, followed by ``;ext=<digits>`` (as in RFC 3966 ``tel:``
    URIs) when there is an extension, so that ``normalize_phone(str(p)) == p`` always holds.

    Attributes:
        e164: ``+`` country code and national number, no spaces, never the extension
            (``+989123456789``). The key to store and compare numbers by.
        national: the form dialled inside the country (``0912 345 6789``), with
            `` ext. <digits>`` when there is an extension.
        international: the form dialled from abroad (``+98 912 345 6789``), with the
            extension as in *national*.
        region: ISO 3166-1 alpha-2 region of the number (``IR``); None for numbers that belong
            to no country (``+800`` international freephone and the like).
        kind: what the numbering plan says the number is: ``mobile``, ``fixed_line``,
            ``fixed_line_or_mobile`` (plans such as the US that do not tell them apart),
            ``toll_free``, ``premium_rate``, ``shared_cost``, ``voip``,
            ``personal_number``, ``pager``, ``uan``, ``voicemail`` or ``unknown``.
        extension: the extension digits, or None.
    """

    e164: str
    region: str | None
    kind: PhoneKind
    extension: str | None = None

    # The two display forms cost as much to format as the number costs to validate, and bulk
    # cleaning needs only the E.164 key, so they are made on first use.
    @cached_property
    def national(self) -> str:
        """The form dialled inside the country, with `` ext. <digits>`` when there is one."""
        return phonenumbers.format_number(self._parsed(), _NATIONAL)

    @cached_property
    def international(self) -> str:
        """The form dialled from abroad, with the extension as in :attr:`national`."""
        return phonenumbers.format_number(self._parsed(), _INTERNATIONAL)

    def _parsed(self) -> phonenumbers.PhoneNumber:
        number = phonenumbers.parse(self.e164)
        if self.extension:
            number.extension = self.extension
        return number

    def __str__(self) -> str:
        if self.extension:
            return f"{self.e164};ext={self.extension}"
        return self.e164


def phone_from_excel_float(text: str) -> str | None:
    """Recover the digits of a phone number that a spreadsheet turned into a number.

    Spreadsheets store a long run of digits typed without a ``+`` as a number, drop its
    leading zeros and export it in scientific notation (``9.23001234567E+11``) or with a
    decimal part (``923001234567.0``). This gives back the digits (``923001234567``). It
    cannot bring back digits the export already rounded away (``9.23E+11``), nor a leading
    ``0`` or ``+``: treat the result as a number written without its international prefix.

    Args:
        text: a cell's text.

    Returns:
        The digits, or None when *text* is not a whole number written as a float.
    """
    if _EXCEL_FLOAT.fullmatch(text) is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None
    if value != value.to_integral_value():
        return None
    return str(int(value))


def excel_float_cut(text: str) -> bool:
    """Whether a spreadsheet's exponent form may have cut digits off a phone number.

    ``9.12345678E+11`` denotes 912345678000, but its mantissa holds nine significant
    digits: the spreadsheet may have rounded the last three away, and only the person who
    typed the number knows. A form whose mantissa holds every digit of the number it denotes
    (``4.915123456789E+12``) lost nothing, nor does a decimal form (``4915123456789.0``).
    """
    given: object = text  # callers are not type-checked: check what really came
    found = _EXPONENT.fullmatch(text) if isinstance(given, str) else None
    if found is None:
        return False
    fraction = (found.group(2) or "").rstrip("0")
    return len(fraction) < int(found.group(3))


def normalize_phone(raw: str, region: str | None = None) -> PhoneNumber:
    """Parse and validate a phone number written the way people write them.

    Accepts separators (spaces, dashes, dots, brackets), ``(0)`` after the country code,
    ``+`` or ``00`` before it, ``tel:`` URIs, extensions (``x123``, ``ext. 123``,
    ``;ext=123``), full-width, Persian and Arabic-Indic digits, invisible direction marks
    pasted from right-to-left text, and spreadsheet floats (see
    :func:`phone_from_excel_float`). A spreadsheet drops both the ``+`` and a leading ``0``,
    so a float's digits may be a national number of *region* (``15123456789.0`` in ``DE``)
    or an international one (``4915123456789.0``); digits that begin with *region*'s country
    code are international (``+4915123456789``, never ``+494915123456789``), and digits that
    make a valid number both ways are refused as ambiguous (code
    ``importers.ambiguous_phone``) rather than guessed. A bare run of digits without the
    trunk prefix ``0`` of *region* (``4915123456789`` or ``912345678000`` in ``DE``, as a
    workbook's number cell gives them) is read the same way.

    Args:
        raw: the number as typed.
        region: ISO 3166-1 alpha-2 region (any case) for numbers written without a country
            code; numbers written with one ignore it.

    Returns:
        The normalized number. Normalizing any of its forms again gives it back:
        ``str(p)`` and ``p.international`` alone, ``p.national`` with ``p.region``.

    Raises:
        InvalidPhone: when *raw* is not a valid number; the reason says why (``empty``,
            ``not a phone number at all``, ``too short``, ``too long``,
            ``national number with no region given``, ``unknown country calling code``,
            ``not a valid number for region XX``, ``unknown region 'XX'``).
    """
    if not isinstance(raw, str):
        raise InvalidPhone(raw, "expected text")
    if region:
        region_code: str | None = region.upper()
        if region_code not in _REGIONS:
            raise InvalidPhone(raw, f"unknown region {region!r}")
    else:
        region_code = None
    if raw[:4].lower() == "tel:":
        text = raw.translate(_CLEAN_URI)
    elif ("E+" in raw or "e+" in raw or raw.endswith(".0")) and (
        digits := phone_from_excel_float(raw)
    ):
        if region_code is None:
            return _first_valid(raw, ["+" + digits], None)
        return _bare_digits(raw, digits, region_code)
    else:
        text = raw.translate(_CLEAN)
        if text[:2] == "00" and region_code is None:
            text = "+" + text[2:]
        elif region_code is not None and text.isdigit() and _lost_prefix(text, region_code):
            return _bare_digits(raw, text, region_code)
    try:
        number = phonenumbers.parse(text, region_code)
    except NumberParseException as exc:
        if alternative := _alternative(text):
            return _first_valid(raw, [alternative], region_code, exc)
        raise _parse_error(raw, text, exc) from exc
    kind = phonenumbers.number_type(number)
    if kind == _UNKNOWN:
        if alternative := _alternative(text):
            return _first_valid(raw, [alternative], region_code)
        raise _invalid(raw, number, region_code)
    return _build(number, kind)


def _lost_prefix(digits: str, region_code: str) -> bool:
    """Whether bare *digits* may have lost a ``+`` or *region_code*'s trunk prefix.

    In a region whose national numbers are written with a trunk prefix (``0`` in ``DE``),
    a run of digits without it is a spreadsheet's number cell: a national number that lost
    its ``0``, or an international one that lost its ``+``.
    """
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region_code)
    prefix = metadata.national_prefix if metadata is not None else None
    # a spreadsheet drops leading zeros: a trunk prefix of 1 (the US) is never lost
    return prefix is not None and prefix[:1] == "0" and digits[:1] != "0"


def _bare_digits(raw: str, digits: str, region_code: str) -> PhoneNumber:
    """The number bare *digits* are (a float's, a number cell's), refusing to guess."""
    problem: InvalidPhone | None = None
    readings: list[PhoneNumber] = []
    for text in ("+" + digits, digits):
        try:
            readings.append(_first_valid(raw, [text], region_code))
        except InvalidPhone as exc:
            problem = problem or exc
    own_code = str(phonenumbers.country_code_for_region(region_code))
    two = len(readings) == 2 and readings[0].e164 != readings[1].e164
    if two and not digits.startswith(own_code):
        international, national = readings
        reason = (
            f"digits that read as {national.e164} (a national number of {region_code}"
            f" without its leading 0) or as {international.e164} (written with its"
            " country code, without its +)"
        )
        raise InvalidPhone(raw, reason, code=_AMBIGUOUS)
    if readings:
        # digits that begin with the region's own country code lost only their "+"
        return readings[0]
    raise problem or InvalidPhone(raw, "not a phone number at all")


def _build(number: phonenumbers.PhoneNumber, kind: int) -> PhoneNumber:
    region = phonenumbers.region_code_for_number(number)
    return PhoneNumber(
        phonenumbers.format_number(number, _E164),
        None if region == _NON_GEOGRAPHIC else region,
        _KINDS[kind],
        number.extension or None,
    )


def _alternative(text: str) -> str | None:
    """Another reading of *text* when the first one failed: ``00`` or ``+00`` as ``+``."""
    if text[:2] == "00":
        return "+" + text[2:]
    if text[:3] == "+00":
        return "+" + text[3:]
    return None


def _first_valid(
    raw: str,
    candidates: list[str],
    region_code: str | None,
    first_error: NumberParseException | None = None,
) -> PhoneNumber:
    """The first candidate reading that is a valid number, or the first reason none is."""
    problem: InvalidPhone | None = None
    cause: NumberParseException | None = first_error
    for text in candidates:
        try:
            number = phonenumbers.parse(text, region_code)
        except NumberParseException as exc:
            cause = cause or exc
            problem = problem or _parse_error(raw, text, exc)
            continue
        kind = phonenumbers.number_type(number)
        if kind != _UNKNOWN:
            return _build(number, kind)
        problem = problem or _invalid(raw, number, region_code)
    raise problem or InvalidPhone(raw, "not a phone number at all") from cause


def _parse_error(raw: str, text: str, exc: NumberParseException) -> InvalidPhone:
    error = exc.error_type
    if error == NumberParseException.INVALID_COUNTRY_CODE:
        if text.lstrip()[:1] in ("+", "0"):
            return InvalidPhone(raw, "unknown country calling code", code=_UNKNOWN_COUNTRY)
        return InvalidPhone(raw, "national number with no region given", code=_NEEDS_REGION)
    if error == NumberParseException.TOO_LONG:
        return InvalidPhone(raw, "too long")
    if error in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return InvalidPhone(raw, "too short")
    if not text.strip():
        return InvalidPhone(raw, "empty")
    if any(c.isdigit() for c in text) and sum(c.isdigit() for c in text) < 3:
        return InvalidPhone(raw, "too short")
    return InvalidPhone(raw, "not a phone number at all")


def _invalid(raw: str, number: phonenumbers.PhoneNumber, region_code: str | None) -> InvalidPhone:
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible == phonenumbers.ValidationResult.TOO_SHORT:
        return InvalidPhone(raw, "too short")
    if possible == phonenumbers.ValidationResult.TOO_LONG:
        return InvalidPhone(raw, "too long")
    if possible == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
        return InvalidPhone(raw, "unknown country calling code", code=_UNKNOWN_COUNTRY)
    country_code = number.country_code or 0
    own = phonenumbers.region_code_for_country_code(country_code)
    if region_code and phonenumbers.country_code_for_region(region_code) == country_code:
        own = region_code
    if own == _NON_GEOGRAPHIC:
        return InvalidPhone(raw, "not a valid non-geographic number")
    return InvalidPhone(raw, f"not a valid number for region {own}")
