"""Locale options for reading a file: phone region, number and date conventions, Jalali dates.

Dates are read by :func:`crmkit.values.read_date`, in the order the locale writes them
(``3/4/2024`` is 3 April in ``en_GB`` and 4 March in ``en_US``; babel's short date pattern
says which) unless an import decided the order of the column. A year between 1300 and 1499
is a Jalali (Solar Hijri) year when the locale is Persian or ``jalali=True``, and is
converted with jdatetime (the ``jalali`` extra): ``۱۴۰۳/۰۵/۱۲`` is 2 August 2024.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Final

import phonenumbers
from attrs import field, frozen
from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, parse_decimal

from crmkit.errors import ConfigError, ValidationError
from crmkit.values import DateOrder, read_date

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


def _check_orders(value: object) -> tuple[tuple[str, DateOrder], ...]:
    pairs = tuple(value) if isinstance(value, tuple | list) else None
    good = pairs is not None and all(
        isinstance(p, tuple | list)
        and len(p) == 2
        and isinstance(p[0], str)
        and p[1] in ("day_first", "month_first")
        for p in pairs
    )
    if not good or pairs is None:
        raise ConfigError(
            "date_orders",
            f"expected (column, 'day_first' or 'month_first') pairs, not {value!r}",
        )
    return tuple((str(column), order) for column, order in pairs)


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
        date_orders: the order of the day and the month in each date column, by input
            header (the cleaner decides it from all the column's values); a column not
            listed follows the locale.

    Raises:
        ConfigError: for a region that is not a known two-letter region code, a locale
            babel does not know, or date orders that are not (column, order) pairs.
    """

    region: str | None = field(default=None, converter=_check_region)
    locale: str | None = field(default=None, converter=_check_locale)
    jalali: bool | None = None
    fallback_regions: tuple[str, ...] = ()
    date_orders: tuple[tuple[str, DateOrder], ...] = field(default=(), converter=_check_orders)

    def date_order_of(self, column: str) -> DateOrder | None:
        """The order decided for the date column *column*, or None to follow the locale."""
        for name, order in self.date_orders:
            if name == column:
                return order
        return None

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

    def parse_date(self, text: str, order: DateOrder | None = None) -> date:
        """Read a date as written in the locale (or ISO 8601, or an Excel day number).

        Args:
            text: the cell's text.
            order: whether the day or the month comes first in ``03/04/1980``; None
                follows the locale (the day first without one).

        Raises:
            ValidationError: if *text* is not a date (or not text).
        """
        return read_date(
            text, order=order, locale=self.locale, jalali=self.reads_jalali, serials=True
        )

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
