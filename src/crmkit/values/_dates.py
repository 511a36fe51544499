"""Dates as people type them: ISO 8601, day and month in either order, spreadsheet day numbers.

One reader for every place crmkit takes a date as text (a custom field's value, an import's
cell). ``03/04/1980`` is 3 April when the day comes first and 4 March when the month does:
the caller says which (an import decides it once per column, from all the column's values,
see :func:`date_order`), else the locale's short date pattern does (babel), else the day
comes first. A value whose first number is above 12 can only be read day first, whatever
the order asked for (and one whose second number is, month first). A month written as a
word (``3 March 1980``, ``Mar 3, 1980``, ``03-Mar-1980``, ``3. März 1980``, ``3 مارس 1980``)
leaves no doubt, in any of the languages babel names months in that crmkit reads headers in.

A year between 1300 and 1499 is a Jalali (Solar Hijri) year when *jalali* is asked for, and
is converted with jdatetime (the ``jalali`` extra): ``۱۴۰۳/۰۵/۱۲`` is 2 August 2024.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache
from typing import Final, Literal

from babel import Locale, UnknownLocaleError
from babel.dates import get_date_format, get_month_names

from crmkit._optional import require
from crmkit.errors import ConfigError, ErrorCode, ValidationError

__all__ = ["DateOrder", "date_order", "locale_day_first", "read_date"]

#: Which number of a ``dd/mm/yyyy`` or ``mm/dd/yyyy`` date is the day.
DateOrder = Literal["day_first", "month_first"]

_DATE: Final = ErrorCode.INVALID_DATE
_ORDERS: Final = (None, "day_first", "month_first")
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
_ISO: Final = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?")
_DMY: Final = re.compile(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2,4})")
_SERIAL: Final = re.compile(r"\d{4,5}(?:\.0+)?")
_EXCEL_EPOCH: Final = date(1899, 12, 30)
# the languages whose month names are read: the seeds' and the commonest of exports
_MONTH_LANGUAGES: Final = (
    "en", "de", "fr", "es", "it", "pt", "nl", "tr", "ru", "pl", "fa", "ur", "ar", "hi",
)  # fmt: skip
# between a named date's parts: spaces, commas, slashes, dashes, and a dot after a number
_BETWEEN: Final = re.compile(r"[\s,/-]+|(?<=\d)\.")


@lru_cache(maxsize=1)
def _month_numbers() -> dict[str, int]:
    """Month names and abbreviations, folded, to their numbers.

    A name two languages give to different months names neither.
    """
    names: dict[str, int] = {}
    clashes: set[str] = set()
    for language in _MONTH_LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=language).items():
                    key = str(name).casefold().rstrip(".")
                    if names.setdefault(key, int(number)) != number:
                        clashes.add(key)
    for key in clashes:
        del names[key]
    return names


def _named_month(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date whose month is a word, or None when it is not one."""
    words = [w for w in _BETWEEN.split(text) if w]
    if len(words) != 3:
        return None
    numbers = [w for w in words if w.isdigit()]
    named = [w for w in words if not w.isdigit()]
    if len(numbers) != 2 or len(named) != 1:
        return None
    month = _month_numbers().get(named[0].casefold().rstrip("."))
    if month is None:
        return None
    # the year is the number of four digits, else the last one (``03-Mar-80``)
    long = [n for n in numbers if len(n) == 4]
    year_text = long[0] if len(long) == 1 else numbers[-1] if not long else ""
    if not year_text or len(year_text) not in (2, 4):
        return None
    day_text = numbers[0] if numbers[1] == year_text and numbers[0] != year_text else numbers[1]
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if year < 70 else 1900
    return year, month, int(day_text)


@lru_cache(maxsize=64)
def locale_day_first(locale: str | None) -> bool:
    """Whether *locale*'s short date pattern puts the day before the month (True for None).

    >>> locale_day_first("en_GB"), locale_day_first("en_US")
    (True, False)

    Raises:
        ConfigError: if *locale* is not a locale babel knows.
    """
    if not locale:
        return True
    try:
        parsed = Locale.parse(str(locale).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ConfigError("locale", f"unknown locale {locale!r}") from exc
    pattern = str(get_date_format("short", locale=parsed).pattern).lower()
    return pattern.find("d") < pattern.find("m")


def date_order(text: str) -> DateOrder | None:
    """The order a ``dd/mm/yyyy``-like *text* proves, or None when it proves none.

    >>> date_order("25/12/1980"), date_order("12/25/1980"), date_order("03/04/1980")
    ('day_first', 'month_first', None)
    """
    given: object = text  # callers are not type-checked: check what really came
    if not isinstance(given, str):
        return None
    found = _DMY.fullmatch(unicodedata.normalize("NFKC", text).strip().translate(_DIGITS))
    if found is None:
        return None
    first, second = int(found.group(1)), int(found.group(2))
    if first > 12 >= second:
        return "day_first"
    if second > 12 >= first:
        return "month_first"
    return None


def read_date(
    text: str,
    *,
    order: DateOrder | None = None,
    locale: str | None = None,
    jalali: bool = False,
    serials: bool = False,
) -> date:
    """Read a date written as people write them.

    Args:
        text: ``2024-08-02`` (a time after it is ignored), ``02/08/2024``, ``2.8.24``,
            Persian or Arabic-Indic digits.
        order: which number comes first in ``dd/mm/yyyy``-like text; None follows
            *locale*.
        locale: a babel locale name whose short date pattern gives the order when *order*
            is None (the day first when both are None).
        jalali: read years 1300-1499 as Solar Hijri years.
        serials: read a whole number of 4 or 5 digits as a spreadsheet's day number
            (``45000`` is 2023-03-15).

    Raises:
        ValidationError: (code ``values.invalid_date``) if *text* is not text or not a date.
        ConfigError: if *order* is not ``day_first``, ``month_first`` or None, or *locale*
            is not a locale babel knows.
    """
    if order not in _ORDERS:
        raise ConfigError("order", f"expected 'day_first' or 'month_first', not {order!r}")
    given: object = text  # callers are not type-checked: check what really came
    if not isinstance(given, str):
        raise ValidationError(given, "not a date (expected text)", code=_DATE)
    cleaned = unicodedata.normalize("NFKC", text).strip().translate(_DIGITS)
    day_first = order == "day_first" if order is not None else locale_day_first(locale)
    return _read(cleaned, day_first, jalali, serials)


@lru_cache(maxsize=65536)
def _read(text: str, day_first: bool, jalali: bool, serials: bool) -> date:
    if not text:
        raise ValidationError(text, "empty", code=_DATE)
    year: int
    if found := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in found.groups())
    elif found := _DMY.fullmatch(text):
        first, second, year = (int(g) for g in found.groups())
        day, month = (first, second) if day_first else (second, first)
        if month > 12 >= day:  # only one reading is possible
            day, month = month, day
        if year < 100:
            year += 2000 if year < 70 else 1900
    elif named := _named_month(text):
        year, month, day = named
    elif serials and _SERIAL.fullmatch(text):
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
