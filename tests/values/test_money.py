"""Money and Address."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit import Address, Money
from crmkit.errors import InvalidMoney, ValidationError

amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False)
currencies = st.sampled_from(["EUR", "USD", "IRR", "PKR", "JPY"])


@given(amounts, amounts, currencies)
def test_addition_commutes_and_subtraction_inverts(a: Decimal, b: Decimal, cur: str) -> None:
    """Addition commutes: a + b == b + a, and (a + b) - b == a, within one currency."""
    x, y = Money(a, cur), Money(b, cur)

    assert x + y == y + x
    assert (x + y) - y == x


@given(amounts, currencies)
def test_zero_is_neutral_and_negation_cancels(a: Decimal, cur: str) -> None:
    """Adding zero changes nothing; x + (-x) is zero."""
    x = Money(a, cur)

    assert x + Money.zero(cur) == x
    assert x + (-x) == Money.zero(cur)


@given(amounts, st.integers(min_value=-1000, max_value=1000), currencies)
def test_multiplication_scales_the_amount(a: Decimal, k: int, cur: str) -> None:
    """Money * k multiplies the amount and keeps the currency; k * Money is the same."""
    x = Money(a, cur)

    assert Money(a * k, cur) == x * k == k * x


@given(amounts, amounts)
def test_order_follows_amount(a: Decimal, b: Decimal) -> None:
    """Money compares as its amount within one currency."""
    assert (Money(a, "EUR") < Money(b, "EUR")) == (a < b)
    assert (Money(a, "EUR") >= Money(b, "EUR")) == (a >= b)


def test_mixing_currencies_raises() -> None:
    """Adding or comparing two currencies is refused, naming both amounts."""
    with pytest.raises(InvalidMoney, match="cannot combine different currencies"):
        Money.of(1, "EUR") + Money.of(1, "USD")
    with pytest.raises(InvalidMoney, match="1 EUR < 1 USD"):
        _ = Money.of(1, "EUR") < Money.of(1, "USD")


def test_division() -> None:
    """Money / number is Money; Money / Money of one currency is a ratio; / 0 is refused."""
    assert Money.of("2.50", "EUR") == Money.of(5, "EUR") / 2
    assert Decimal("0.5") == Money.of(5, "EUR") / Money.of(10, "EUR")
    with pytest.raises(InvalidMoney, match="division by zero"):
        Money.of(5, "EUR") / 0


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("1.234,56 €", "de_DE", Money.of("1234.56", "EUR")),
        ("Rs 1,23,456.50", "en_IN", Money.of("123456.50", "INR")),
        ("۱۲٬۳۴۵٫۶۷", "fa_IR", Money.of("12345.67", "IRR")),
        ("$1,099.98", "en_US", Money.of("1099.98", "USD")),
        ("-1,099.98 USD", "en_US", Money.of("-1099.98", "USD")),
        ("(5.00) USD", "en_US", Money.of("-5", "USD")),
    ],
)
def test_parse_reads_what_people_write(text: str, locale: str, expected: Money) -> None:
    """Money.parse reads locale-formatted amounts with their currency."""
    assert expected == Money.parse(text, locale=locale)


def test_parse_with_explicit_currency() -> None:
    """A currency given to parse is used when the text names none."""
    assert Money.of("1234.56", "EUR") == Money.parse("1 234,56", locale="fr_FR", currency="EUR")


@pytest.mark.parametrize(
    ("text", "kwargs", "message"),
    [
        ("abc", {}, "no amount found"),
        ("", {}, "no amount found"),
        ("12 XYZ", {}, "unknown currency 'XYZ'"),
        ("1,2,3,4.5.6", {}, "not an amount in locale en_US"),
        ("12 EUR", {"currency": "USD"}, "currency EUR does not match USD"),
        ("12", {"locale": "en"}, "no currency given"),
        ("12", {"locale": "xx_YY"}, "unknown locale"),
        ("12", {"currency": "ZZZ"}, "not an ISO 4217 currency code"),
    ],
)
def test_parse_bad_input(text: str, kwargs: dict[str, str], message: str) -> None:
    """Unreadable amounts raise InvalidMoney saying why."""
    with pytest.raises(InvalidMoney, match=message):
        Money.parse(text, **kwargs)


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        (1.5, "EUR", "amount must be an int, a Decimal or a numeric string"),
        ("x", "EUR", "not a number"),
        ("NaN", "EUR", "amount must be finite"),
        (1, "euro", "not an ISO 4217 currency code"),
    ],
)
def test_constructor_bad_input(amount: object, currency: str, message: str) -> None:
    """Money refuses floats, non-numbers, NaN and unknown currencies."""
    with pytest.raises(InvalidMoney, match=message) as info:
        Money(amount, currency)  # type: ignore[arg-type]

    assert isinstance(info.value, ValidationError)


@given(amounts, st.sampled_from(["en_US", "de_DE", "fr_FR", "en_IN", "fa_IR"]))
def test_format_parse_round_trip(a: Decimal, locale: str) -> None:
    """Parsing what format wrote gives the same amount back, in every supported locale."""
    money = Money(a, "EUR")

    assert money == Money.parse(money.format(locale), locale=locale, currency="EUR")


def test_format_uses_locale_conventions() -> None:
    """Money.format writes the locale's separators and symbol."""
    assert "1.234,56\xa0€" == Money.of("1234.56", "EUR").format("de_DE")
    assert "€1,234.56" == Money.of("1234.56", "EUR").format("en_US")


def test_address_blank() -> None:
    """An address with no part filled in is blank; any part makes it not blank."""
    assert Address().is_blank()
    assert not Address(city="Lahore").is_blank()
    assert ("1 Main St",) == Address(lines=["1 Main St"]).lines


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        (lambda m: m + 1, "money \\+ needs Money of the same currency, not int"),
        (lambda m: 1 + m, "money \\+ needs Money of the same currency, not int"),
        (lambda m: m - Decimal(1), "money - needs Money of the same currency, not Decimal"),
        (lambda m: m * m, "money can only be multiplied by an int or a Decimal"),
        (lambda m: m * 1.5, "money can only be multiplied by an int or a Decimal"),
        (lambda m: m / "2", "money can only be divided by a number or by Money"),
        (lambda m: m < 3, "money < needs Money of the same currency, not int"),
    ],
)
def test_arithmetic_with_other_types_raises(operation: object, message: str) -> None:
    """Mixing Money with plain numbers or other types raises InvalidMoney, not TypeError."""
    with pytest.raises(InvalidMoney, match=message):
        operation(Money.of(5, "EUR"))  # type: ignore[operator]


def test_sum_starts_from_zero_money() -> None:
    """sum() of Money works when it starts from Money.zero; from 0 it is refused."""
    items = [Money.of(1, "EUR"), Money.of("2.5", "EUR")]

    assert Money.of("3.5", "EUR") == sum(items, Money.zero("EUR"))
    with pytest.raises(InvalidMoney, match="not int"):
        sum(items)


def test_huge_amounts_are_refused() -> None:
    """An amount past 30 digits is refused before arithmetic on it gets expensive."""
    with pytest.raises(InvalidMoney, match="amount out of range"):
        Money.of("1e1000000", "EUR")


def test_parse_refuses_a_symbol_of_another_currency() -> None:
    """A symbol that names one currency cannot be read as another; a shared one can."""
    with pytest.raises(InvalidMoney, match="currency EUR does not match USD"):
        Money.parse("€5", locale="en_US", currency="USD")

    assert Money.of(5, "CAD") == Money.parse("$5", locale="en_US", currency="CAD")
