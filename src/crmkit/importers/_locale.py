"""Locale options for reading a file: phone region, number and date conventions, Jalali dates.

Dates are read in the order the locale writes them (``3/4/2024`` is 4 March in ``en_GB`` and
3 April in ``en_US``; babel's short date pattern says which). A year between 1300 and 1499
is a Jalali (Solar Hijri) year when the locale is Persian or ``jalali=True``, and is
converted with jdatetime (the ``jalali`` extra): ``۱۴۰۳/۰۵/۱۲`` is 2 August 2024.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final

import phonenumbers
from attrs import field, frozen
from babel import Locale, UnknownLocaleError
from babel.dates import get_date_format
from babel.numbers import NumberFormatError, parse_decimal

from crmkit._optional import require
from crmkit.errors import ConfigError, ErrorCode, ValidationError

__all__ = ["LocaleOptions"]

_DIGITS: Final = str.maketrans(
    {
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        **{chr(0x0660 + i): str(i) for i in range(10)},
        "\u066b": ".",  # Arabic decimal separator
        "\u066c": ",",  # Arabic thousands separator
        "\u200e": None,
        "\u200f": None,
    }
)
_DATE: Final = ErrorCode.INVALID_DATE
_ISO: Final = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?")
_DMY: Final = re.compile(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2,4})")
_SERIAL: Final = re.compile(r"\d{4,5}(?:\.0+)?")
_EXCEL_EPOCH: Final = date(1899, 12, 30)


def _check_region(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    given: object = value  # callers are not type-checked: check what really came
    if not isinstance(given, str) or len(given) != 2 or not given.isalpha():
        raise ConfigError("region", f"expected a two-letter ISO 3166 region code, not {value!r}")
    code = value.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        # every number would be rejected with a reason that hides the real mistake
        raise ConfigError("region", f"unknown region {value!r} (expected e.g. GB, PK, IR, US)")
    return code


def _check_locale(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    given: object = value  # callers are not type-checked: check what really came
    if not isinstance(given, str):
        raise ConfigError("locale", f"expected a locale name such as fa_IR, not {value!r}")
    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ConfigError("locale", f"unknown locale {value!r}") from exc
    return value.replace("-", "_")


@frozen(kw_only=True)
class LocaleOptions:
    """How to read the locale-dependent values of a file.

    Attributes:
        region: ISO 3166 region for phone numbers written without a country code; when None,
            the locale's territory (``fa_IR`` → ``IR``) and then hints are used.
        locale: a babel locale name (``en_US``, ``de_DE``, ``fa_IR``) for numbers and dates.
        jalali: read years 1300-1499 as Jalali years; by default only for Persian locales.
        fallback_regions: regions to try, in order, for a national phone number when no
            region is known (the cleaner fills this from the numbers in the file).

    Raises:
        ConfigError: for a region that is not a known two-letter region code or a locale
            babel does not know.
    """

    region: str | None = field(default=None, converter=_check_region)
    locale: str | None = field(default=None, converter=_check_locale)
    jalali: bool | None = None
    fallback_regions: tuple[str, ...] = ()

    @property
    def phone_region(self) -> str | None:
        """The region for national phone numbers: *region*, else the locale's territory."""
        if self.region:
            return self.region
        if self.locale:
            territory = _babel_locale(self.locale).territory
            return str(territory) if territory else None
        return None

    @property
    def reads_jalali(self) -> bool:
        """Whether years 1300-1499 are Jalali years."""
        if self.jalali is not None:
            return self.jalali
        return bool(self.locale) and _babel_locale(str(self.locale)).language == "fa"

    def parse_date(self, text: str) -> date:
        """Read a date as written in the locale (or ISO 8601, or an Excel day number).

        Raises:
            ValidationError: if *text* is not a date (or not text).
        """
        if not isinstance(text, str):
            raise ValidationError(text, "not a date (expected text)", code=_DATE)
        return _parse_date(text.strip().translate(_DIGITS), self.locale, self.reads_jalali)

    def parse_number(self, text: str) -> Decimal:
        """Read a number as written in the locale (``1.234,5`` in ``de_DE``).

        Raises:
            ValidationError: if *text* is not a number (or not text).
        """
        if not isinstance(text, str):
            raise ValidationError(text, "not a number (expected text)")
        cleaned = text.strip().translate(_DIGITS)
        try:
            if self.locale:
                return parse_decimal(cleaned, locale=_babel_locale(self.locale))
            return Decimal(cleaned.replace(",", ""))
        except (NumberFormatError, InvalidOperation, ValueError) as exc:
            raise ValidationError(text, "not a number") from exc


@lru_cache(maxsize=32)
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=32)
def _day_first(locale: str | None) -> bool:
    if not locale:
        return True
    pattern = str(get_date_format("short", locale=_babel_locale(locale)).pattern).lower()
    return pattern.find("d") < pattern.find("m")


@lru_cache(maxsize=65536)
def _parse_date(text: str, locale: str | None, jalali: bool) -> date:
    if not text:
        raise ValidationError(text, "empty", code=_DATE)
    year: int
    if found := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in found.groups())
    elif found := _DMY.fullmatch(text):
        first, second, year = (int(g) for g in found.groups())
        day, month = (first, second) if _day_first(locale) else (second, first)
        if month > 12 >= day:  # only one reading is possible
            day, month = month, day
        if year < 100:
            year += 2000 if year < 70 else 1900
    elif _SERIAL.fullmatch(text):
        serial = int(float(text))
        if not 1 <= serial <= 2958465:
            raise ValidationError(text, "not a date", code=_DATE)
        return _EXCEL_EPOCH + timedelta(days=serial)
    else:
        raise ValidationError(text, "not a date (expected e.g. 2024-08-02)", code=_DATE)
    try:
        if jalali and 1300 <= year < 1500:
            jdatetime = require("jdatetime", extra="jalali")  # the Solar Hijri calendar
            result: date = jdatetime.date(year, month, day).togregorian()
            return result
        return date(year, month, day)
    except ValueError as exc:
        raise ValidationError(text, f"not a date: {exc}", code=_DATE) from exc
