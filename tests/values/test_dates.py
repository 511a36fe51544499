"""Tests of the one date reader fields and imports share."""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import get_month_names
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ConfigError, ErrorCode, ValidationError
from crmkit.fields import FieldDef, Schema
from crmkit.importers import LocaleOptions
from crmkit.values import date_order, locale_day_first, read_date

_MONTH_LANGUAGES = ["en", "de", "fr", "es", "tr", "ru", "fa", "ur", "ar", "hi"]

_DATES = st.dates(min_value=date(1920, 1, 1), max_value=date(2060, 12, 31))
_LOCALES = st.sampled_from(["en_US", "en_GB", "de_DE", "fr_FR", "ur_PK", "en_CA", None])


@given(_DATES, st.sampled_from(["day_first", "month_first"]), st.sampled_from("/.-"))
def test_a_date_written_in_an_order_reads_back_in_that_order(
    day: date, order: str, separator: str
) -> None:
    """Any date written day first or month first reads back as itself in that order."""
    parts = (day.day, day.month) if order == "day_first" else (day.month, day.day)
    text = f"{parts[0]:02d}{separator}{parts[1]:02d}{separator}{day.year}"

    assert day == read_date(text, order=order)  # type: ignore[arg-type]


@given(_DATES, _LOCALES)
def test_fields_and_imports_read_dates_alike(day: date, locale: str | None) -> None:
    """A custom date field and an import's cell give the same date for the same text."""
    text = f"{day.day}/{day.month}/{day.year}"
    schema = Schema("contact", [FieldDef(name="d", type="date")])
    field = schema.coerce({"d": text}, locale=locale or "en_GB")["d"]

    assert field == LocaleOptions(locale=locale or "en_GB").parse_date(text)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("03/04/1980", "day_first", date(1980, 4, 3)),
        ("03/04/1980", "month_first", date(1980, 3, 4)),
        ("25/12/1980", "month_first", date(1980, 12, 25)),
        ("12/25/1980", "day_first", date(1980, 12, 25)),
        ("1980-04-03", "month_first", date(1980, 4, 3)),
        ("3.4.80", "day_first", date(1980, 4, 3)),
        ("۰۳/۰۴/۱۹۸۰", "day_first", date(1980, 4, 3)),
    ],
)
def test_read_date_follows_the_order(text: str, order: str, expected: date) -> None:
    """The order decides a value two readings fit; a value only one fits is read that way."""
    assert expected == read_date(text, order=order)  # type: ignore[arg-type]


@given(
    _DATES,
    st.sampled_from(_MONTH_LANGUAGES),
    st.sampled_from(["wide", "abbreviated"]),
    st.sampled_from(["{d} {m} {y}", "{m} {d}, {y}", "{d:02d}-{m}-{y}", "{d}. {m} {y}"]),
    st.sampled_from(["day_first", "month_first"]),
)
def test_a_month_written_as_a_word_reads_back_in_any_order(
    day: date, language: str, width: str, shape: str, order: str
) -> None:
    """A month name (babel's, in the seeds' languages) leaves no doubt about the order."""
    name = dict(get_month_names(width, "format", locale=language))[day.month]
    text = shape.format(d=day.day, m=name, y=day.year)

    assert day == read_date(text, order=order)  # type: ignore[arg-type]
    assert date_order(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03-Mar-80", date(1980, 3, 3)),
        ("1980 Mar 3", date(1980, 3, 3)),
        ("25 déc. 2001", date(2001, 12, 25)),
        ("3 марта 1980", date(1980, 3, 3)),
    ],
)
def test_month_names_as_exports_write_them(text: str, expected: date) -> None:
    """Abbreviations with and without their dot, a two-digit year, the year first."""
    assert expected == read_date(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mar 3", "not a date"),  # no year
        ("May 2020", "not a date"),  # no day
        ("31 Feb 2020", "day is out of range for month"),
        ("3 Smarch 1980", "not a date"),
        ("March 3 1980 x", "not a date"),
    ],
)
def test_month_names_that_make_no_date(text: str, message: str) -> None:
    """A named month without a day or a year, or an unknown word, is no date."""
    with pytest.raises(ValidationError) as caught:
        read_date(text)

    assert ErrorCode.INVALID_DATE == caught.value.code
    assert message in str(caught.value)
    assert text in str(caught.value)


def test_read_date_follows_the_locale_without_an_order() -> None:
    """With no order, the locale's short date pattern says which number is the day."""
    assert (date(1980, 3, 4), date(1980, 4, 3)) == (
        read_date("03/04/1980", locale="en_US"),
        read_date("03/04/1980", locale="en_GB"),
    )
    assert (False, True, True) == (
        locale_day_first("en_US"),
        locale_day_first("de_DE"),
        locale_day_first(None),
    )


def test_spreadsheet_day_numbers_only_when_asked() -> None:
    """45000 is a spreadsheet's day number for an import, not a date for any caller."""
    assert date(2023, 3, 15) == read_date("45000", serials=True)
    with pytest.raises(ValidationError):
        read_date("45000")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tomorrow", r"not a date \(expected e.g. 2024-08-02\)"),
        ("31/31/1990", "not a date: month must be in 1..12"),
        ("2024-02-30", "not a date: day is out of range"),
        ("", "empty"),
        (None, r"not a date \(expected text\)"),
        (19800403, r"not a date \(expected text\)"),
    ],
)
def test_read_date_bad_input(text: object, message: str) -> None:
    """Text that is no date is a ValidationError with code values.invalid_date and why."""
    with pytest.raises(ValidationError, match=message) as caught:
        read_date(text)  # type: ignore[arg-type]

    assert ErrorCode.INVALID_DATE == caught.value.code


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("25/12/1980", "day_first"),
        ("12/25/1980", "month_first"),
        ("03/04/1980", None),
        ("1980-12-25", None),
        ("not a date", None),
        ("", None),
    ],
)
def test_date_order(text: str, order: str | None) -> None:
    """Only a number above 12 in the first or second place proves an order."""
    assert order == date_order(text)


def test_date_order_of_no_text_is_none() -> None:
    """A value that is not text proves nothing."""
    assert date_order(25121980) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"order": "sideways"}, r"^order: expected 'day_first' or 'month_first', not 'sideways'"),
        ({"locale": "zz_QQ"}, r"^locale: unknown locale 'zz_QQ'"),
    ],
)
def test_read_date_bad_options(kwargs: dict[str, object], message: str) -> None:
    """An order or a locale that cannot be used is a ConfigError naming it."""
    with pytest.raises(ConfigError, match=message) as caught:
        read_date("03/04/1980", **kwargs)  # type: ignore[arg-type]

    assert ErrorCode.CONFIG == caught.value.code


def test_docstring_examples_hold() -> None:
    """The examples in the date reader's docstrings give what they show."""
    import doctest  # noqa: PLC0415 - only this test runs them

    from crmkit.values import _dates  # noqa: PLC0415

    result = doctest.testmod(_dates)

    assert (0, 2) == (result.failed, result.attempted)
