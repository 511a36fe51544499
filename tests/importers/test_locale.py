from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from crmkit.errors import ConfigError, ValidationError
from crmkit.importers import LocaleOptions


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"region": "XX"}, r"^region: unknown region 'XX'"),
        ({"region": "GBR"}, r"^region: expected a two-letter ISO 3166 region code, not 'GBR'"),
        ({"region": 44}, r"^region: expected a two-letter ISO 3166 region code, not 44"),
        ({"locale": "zz_QQ"}, r"^locale: unknown locale 'zz_QQ'"),
        ({"locale": 5}, r"^locale: expected a locale name such as fa_IR, not 5"),
        ({"date_orders": "Birthday"}, r"^date_orders: expected \(column, 'day_first' or"),
        ({"date_orders": (("Birthday", "sideways"),)}, r"^date_orders: expected \(column,"),
        ({"date_orders": (("Birthday",),)}, r"^date_orders: expected \(column,"),
    ],
)
def test_bad_options(kwargs: dict[str, object], message: str) -> None:
    """A region or locale that cannot be used is a ConfigError naming it."""
    with pytest.raises(ConfigError, match=message):
        LocaleOptions(**kwargs)  # type: ignore[arg-type]


def test_known_region_is_upper_cased() -> None:
    """A known region in lower case is accepted as its code."""
    assert "PK" == LocaleOptions(region="pk").region


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("tomorrow", r"not a date \(expected e.g. 2024-08-02\)"),
        ("2024-02-30", "not a date: day is out of range"),
        (None, r"not a date \(expected text\)"),
    ],
)
def test_parse_date_bad_input(text: object, message: str) -> None:
    """parse_date raises ValidationError saying why."""
    with pytest.raises(ValidationError, match=message):
        LocaleOptions().parse_date(text)  # type: ignore[arg-type]


def test_parse_date_reads_jalali() -> None:
    """۱۴۰۳/۰۵/۱۲ in fa_IR is 2 August 2024."""
    assert date(2024, 8, 2) == LocaleOptions(locale="fa_IR").parse_date("۱۴۰۳/۰۵/۱۲")


@pytest.mark.parametrize(
    ("text", "message"),
    [("twelve", r"not a number$"), ("", r"not a number$"), (12, r"not a number \(expected text\)")],
)
def test_parse_number_bad_input(text: object, message: str) -> None:
    """parse_number raises ValidationError saying why."""
    with pytest.raises(ValidationError, match=message):
        LocaleOptions(locale="de_DE").parse_number(text)  # type: ignore[arg-type]


def test_parse_number_in_locale() -> None:
    """1.234,5 in de_DE is 1234.5."""
    assert Decimal("1234.5") == LocaleOptions(locale="de_DE").parse_number("1.234,5")


def test_date_orders_are_kept_by_column() -> None:
    """A column's decided order is found by its header; another column follows the locale."""
    options = LocaleOptions(date_orders=[("Birthday", "month_first")])  # type: ignore[arg-type]

    assert ("month_first", None) == (options.date_order_of("Birthday"), options.date_order_of("X"))
    assert date(1980, 3, 4) == options.parse_date("03/04/1980", "month_first")
