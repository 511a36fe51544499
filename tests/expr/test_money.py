"""Money in formulas: plain numbers take the money's currency, currencies never mix."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ConfigError, ErrorCode, FormulaError
from crmkit.expr import FieldType, Function, Reference, compile
from crmkit.values import Money

FIELDS: dict[str, Any] = {
    "amount": "money",
    "other": "money",
    "eur": "money:EUR",
    "usd": "money:usd",
    "qty": "number",
    "rate": "percent",
    "stage": "picklist",
    "name": "text",
}
CURRENCIES = st.sampled_from(["EUR", "USD", "JPY", "IRR", "GBP", "INR", "CHF"])
# amounts as CRM exports hold them: up to a billion, in cents
AMOUNTS = st.decimals(min_value=-(10**9), max_value=10**9, places=2)
NUMBERS = st.decimals(min_value=-(10**6), max_value=10**6, places=4)


def ev(source: str, record: dict[str, Any], **options: Any) -> Any:
    """Compile *source* against FIELDS and evaluate it on *record*."""
    return compile(source, FIELDS, **options).evaluate(record)


def literal(n: Decimal) -> str:
    """Write *n* as formula text."""
    return f"({n:f})" if n < 0 else f"{n:f}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("IF(stage = 'won', amount, 0)", FieldType.MONEY),
        ("IF(stage = 'won', 0, amount)", FieldType.MONEY),
        ("IF(stage = 'won', 0, IF(stage = 'lost', qty, amount))", FieldType.MONEY),
        ("BLANKVALUE(amount, 0)", FieldType.MONEY),
        ("NULLVALUE(amount, qty)", FieldType.MONEY),
        ("CASE(stage, 'won', amount, 'lost', 0, rate)", FieldType.MONEY),
        ("amount + 100", FieldType.MONEY),
        ("100 - amount", FieldType.MONEY),
        ("amount - qty * 2", FieldType.MONEY),
        ("amount * 0.05", FieldType.MONEY),
        ("rate * amount", FieldType.MONEY),
        ("amount / 2", FieldType.MONEY),
        ("-amount", FieldType.MONEY),
        ("MAX(amount, 0)", FieldType.MONEY),
        ("MIN(0, qty, amount)", FieldType.MONEY),
        ("ROUND(amount, 2)", FieldType.MONEY),
        ("CEILING(eur)", FieldType.MONEY),
        ("FLOOR(amount)", FieldType.MONEY),
        ("ABS(eur - 5)", FieldType.MONEY),
        ("ROUND(qty, 2)", FieldType.NUMBER),
        ("amount / other", FieldType.NUMBER),
        ("amount > 100", FieldType.BOOL),
        ("amount = other", FieldType.BOOL),
        ("IN(eur, 0, 10, eur * 2)", FieldType.BOOL),
        ("TEXT(ROUND(eur, 0))", FieldType.TEXT),
    ],
)
def test_money_result_types(source: str, expected: FieldType) -> None:
    """A plain number beside money, in an operator or a branch, makes the result money."""
    assert expected == compile(source, FIELDS).result_type


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("eur + usd", "cannot apply '\\+' to money in EUR and money in USD"),
        ("eur - (usd + 1)", "cannot apply '-' to money in EUR and money in USD"),
        ("eur / usd", "cannot apply '/' to money in EUR and money in USD"),
        ("eur < usd", "cannot compare money in EUR and money in USD"),
        ("usd = eur", "cannot compare money in USD and money in EUR"),
        ("IF(stage = 'won', eur, usd)", "IF: mismatched types: money in EUR and money in USD"),
        ("BLANKVALUE(usd, eur)", "BLANKVALUE: mismatched types: money in USD and money in EUR"),
        ("MAX(eur, 0, usd)", "MAX: mismatched types: money in EUR and money in USD"),
        ("CASE(stage, 'a', eur, usd)", "CASE: mismatched types: money in EUR and money in USD"),
        ("CASE(eur, usd, 1, 2)", "CASE: cannot compare money in EUR and money in USD"),
        ("IN(eur, 1, usd)", "IN: cannot compare money in EUR and money in USD"),
    ],
)
def test_two_fixed_currencies_are_refused_when_compiled(source: str, message: str) -> None:
    """Money fields of two fixed currencies never meet: the error names both codes."""
    with pytest.raises(FormulaError, match=message) as info:
        compile(source, FIELDS)

    assert ErrorCode.EXPR_CURRENCY_MISMATCH == info.value.code


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("amount * other", "cannot apply '\\*' to money and money"),
        ("10 / amount", "cannot apply '/' to number and money"),
        ("amount ^ 2", "cannot apply '\\^' to money and number"),
        ("SQRT(amount)", "SQRT argument 1 expects number or percent, not money"),
        ("MOD(amount, 2)", "MOD argument 1 expects number or percent, not money"),
        ("ROUND(2, amount)", "ROUND argument 2 expects number or percent, not money"),
        ("IF(stage = 'won', amount, 'none')", "IF: mismatched types: money and text"),
        ("amount & 'x'", "'&' joins text, not money"),
    ],
)
def test_money_operations_without_meaning_are_type_errors(source: str, message: str) -> None:
    """Multiplying money by money, dividing a number by money, powers and roots are refused."""
    with pytest.raises(FormulaError, match=message) as info:
        compile(source, FIELDS)

    assert ErrorCode.EXPR_TYPE_MISMATCH == info.value.code


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("money:XYZ", "fields\\['amount'\\]: unknown currency 'XYZ' in 'money:XYZ'"),
        ("money:", "unknown currency '' in 'money:'"),
        ("money:12", "unknown currency '12'"),
    ],
)
def test_a_fixed_currency_must_be_iso_4217(spec: str, message: str) -> None:
    """A money field's fixed currency is checked when the fields are read."""
    with pytest.raises(ConfigError, match=message) as info:
        compile("amount", {"amount": spec})

    assert ErrorCode.CONFIG == info.value.code


def test_a_reference_tells_the_fixed_currency_of_its_fields() -> None:
    """currency_of gives a money field's fixed currency, upper case, and None otherwise."""
    fields = Reference({"eur": "Money:eur", "plain": "money", "qty": "number"})

    assert "EUR" == fields.currency_of("eur")
    assert fields.currency_of("plain") is None
    assert fields.currency_of("qty") is None
    assert fields.currency_of("missing") is None
    assert FieldType.MONEY == fields.get("eur")
    assert Reference({"eur": "money:EUR"}) == Reference({"eur": "money:eur"})
    assert Reference({"eur": "money:EUR"}) != Reference({"eur": "money:USD"})


def test_a_fixed_currency_needs_a_field_name() -> None:
    """A money spec under a name that is not text is refused like any other spec."""
    with pytest.raises(ConfigError, match="a field name must be non-empty text, not 1") as info:
        Reference({1: "money:EUR"})  # type: ignore[dict-item]  # a bad name on purpose

    assert ErrorCode.CONFIG == info.value.code


@given(currency=CURRENCIES, amount=AMOUNTS, n=NUMBERS)
def test_adding_a_number_adds_to_the_amount(currency: str, amount: Decimal, n: Decimal) -> None:
    """Adding n, from a literal or a number field, adds to the amount and keeps the currency."""
    record = {"amount": Money(amount, currency), "qty": n}

    assert Money(amount + n, currency) == ev(f"amount + {literal(n)}", record)
    assert Money(amount + n, currency) == ev("qty + amount", record)
    assert Money(amount - n, currency) == ev("amount - qty", record)
    assert Money(n - amount, currency) == ev(f"{literal(n)} - amount", record)


@given(currency=CURRENCIES, amount=AMOUNTS, n=NUMBERS, won=st.booleans(), fixed=st.booleans())
def test_if_branches_are_money_of_the_fields_currency(
    currency: str, amount: Decimal, n: Decimal, won: bool, fixed: bool
) -> None:
    """Either branch of IF(stage = 'won', amount, n) is money in the amount's currency."""
    fields = {"amount": f"money:{currency}" if fixed else "money", "stage": "picklist"}
    record = {"amount": Money(amount, currency), "stage": "won" if won else "lost"}

    result = compile(f"IF(stage = 'won', amount, {literal(n)})", fields).evaluate(record)

    assert Money(amount if won else n, currency) == result


@given(currency=CURRENCIES, n=NUMBERS, amount=st.none() | AMOUNTS)
def test_blank_money_of_a_fixed_currency_takes_the_default(
    currency: str, n: Decimal, amount: Decimal | None
) -> None:
    """BLANKVALUE and NULLVALUE of a blank money field give the default in its currency."""
    fields = {"amount": f"money:{currency}"}
    record = {"amount": None if amount is None else Money(amount, currency)}
    expected = Money(n if amount is None else amount, currency)

    for name in ("BLANKVALUE", "NULLVALUE"):
        result = compile(f"{name}(amount, {literal(n)})", fields).evaluate(record)
        assert expected == result


@given(currency=CURRENCIES, n=NUMBERS)
def test_blanks_as_zero_reads_zero_money(currency: str, n: Decimal) -> None:
    """With blanks_as_zero a blank money field of a fixed currency is zero in it."""
    fields = {"amount": f"money:{currency}", "qty": "number"}

    def run(source: str) -> Any:
        return compile(source, fields, blanks_as_zero=True).evaluate({"qty": n})

    assert Money(0, currency) == run("amount")
    assert Money(n, currency) == run("amount + qty")
    assert run("ISBLANK(amount)") is False
    assert run(f"amount < {literal(n)}") is (n > 0)


def test_blanks_as_zero_leaves_money_of_no_fixed_currency_blank() -> None:
    """A blank money field with no fixed currency has no zero to read as: it stays blank."""
    assert ev("amount + 1", {}, blanks_as_zero=True) is None
    assert ev("ISBLANK(amount)", {}, blanks_as_zero=True) is True


@given(currency=CURRENCIES, amount=AMOUNTS, n=NUMBERS)
def test_min_and_max_give_money(currency: str, amount: Decimal, n: Decimal) -> None:
    """MIN and MAX over money and plain numbers are money in the money's currency."""
    record = {"amount": Money(amount, currency), "qty": n}

    assert Money(max(amount, n, Decimal(0)), currency) == ev("MAX(amount, qty, 0)", record)
    assert Money(min(amount, n), currency) == ev("MIN(qty, amount)", record)


@given(currency=CURRENCIES, amount=AMOUNTS, places=st.integers(-3, 4))
def test_round_keeps_the_currency(currency: str, amount: Decimal, places: int) -> None:
    """ROUND(amount, k) rounds the amount half away from zero and keeps the currency."""
    record = {"amount": Money(amount * Decimal("1.0375"), currency)}
    exact = amount * Decimal("1.0375")
    expected = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

    assert Money(expected, currency) == ev(f"ROUND(amount, {literal(Decimal(places))})", record)


@given(amount=AMOUNTS, divisor=AMOUNTS.filter(bool))
def test_money_over_money_is_a_plain_ratio(amount: Decimal, divisor: Decimal) -> None:
    """Money divided by money is the ratio of the amounts, a plain number."""
    record = {"amount": Money(amount, "EUR"), "other": Money(divisor, "EUR")}

    assert amount / divisor == ev("amount / other", record)


@given(pair=st.lists(CURRENCIES, min_size=2, max_size=2, unique=True), amount=AMOUNTS)
def test_two_currencies_at_evaluation_name_both(pair: list[str], amount: Decimal) -> None:
    """Money of two currencies added, ordered, divided or in MAX faults naming both codes."""
    first, second = pair
    record = {"amount": Money(amount, first), "other": Money(1, second)}

    for source in ("amount + other", "amount - other", "amount < other", "amount / other"):
        with pytest.raises(FormulaError, match=f"money in {first} and money in {second}") as info:
            ev(source, record)
        assert ErrorCode.EXPR_CURRENCY_MISMATCH == info.value.code
    with pytest.raises(FormulaError, match=f"money in {first} and money in {second}"):
        ev("MAX(amount, 0, other)", record)


@given(
    pair=st.lists(CURRENCIES, min_size=2, max_size=2, unique=True),
    source=st.sampled_from(
        ["a + b", "b - a", "a / b", "a >= b", "IF(TRUE, a, b)", "MIN(a, 0, b)", "NULLVALUE(a, b)"]
    ),
)
def test_two_fixed_currencies_name_both_when_compiled(pair: list[str], source: str) -> None:
    """Money fields fixed to two currencies meet in no formula; the error names both codes."""
    first, second = pair
    fields = {"a": f"money:{first}", "b": f"money:{second}"}
    named = {f"money in {first} and money in {second}", f"money in {second} and money in {first}"}

    with pytest.raises(FormulaError) as info:
        compile(source, fields)

    assert ErrorCode.EXPR_CURRENCY_MISMATCH == info.value.code
    assert any(both in str(info.value) for both in named)


def test_money_of_two_currencies_is_never_equal() -> None:
    """= between money of two currencies is FALSE (and <> TRUE) rather than an error."""
    record = {"amount": Money(1, "EUR"), "other": Money(1, "USD")}

    assert ev("amount = other", record) is False
    assert ev("amount <> other", record) is True


def test_a_number_branch_borrows_the_currency_of_the_money_beside_it() -> None:
    """With no fixed currency, IF's number branch is money in the other branch's currency."""
    record = {"amount": Money("250.00", "JPY"), "stage": "lost"}

    assert Money(0, "JPY") == ev("IF(stage = 'won', amount, 0)", record)
    assert Money(0, "JPY") == ev("IF(stage = 'won', amount * 2, 0)", record)
    assert Money(0, "JPY") == ev("IF(qty = 3, 0, amount / (qty - 3))", {**record, "qty": 3})
    assert Money(0, "JPY") == ev("CASE(stage, 'won', amount, 'open', qty, 0)", record)


def test_a_number_with_no_currency_to_take_is_reported() -> None:
    """IF's number branch beside blank money of no fixed currency cannot be money: it says so."""
    with pytest.raises(FormulaError, match="IF: 0 has no currency: the money beside it") as info:
        ev("IF(stage = 'won', amount, 0)", {"stage": "lost"})

    assert ErrorCode.EXPR_NO_CURRENCY == info.value.code
    assert 'give the money field a fixed currency ("money:EUR")' in str(info.value)


def test_a_wrong_value_beside_a_number_branch_is_reported_as_such() -> None:
    """Looking for the currency of IF's number branch reports a non-money value it reads."""
    with pytest.raises(FormulaError, match="field 'amount' holds a Decimal, not Money") as info:
        ev("IF(stage = 'won', amount, 0)", {"stage": "lost", "amount": Decimal(5)})

    assert ErrorCode.EXPR_FIELD_VALUE == info.value.code


@pytest.mark.parametrize(
    ("source", "value", "message"),
    [
        ("amount + 1", Decimal("12.50"), "field 'amount' holds a Decimal, not Money"),
        ("amount + 1", Decimal("NaN"), "field 'amount' holds a Decimal, not Money"),
        ("MAX(amount, 0)", 12.5, "field 'amount' holds a float, not Money"),
        ("IF(stage = 'won', amount, 0)", 12, "field 'amount' holds a int, not Money"),
        ("eur * 2", Decimal("sNaN"), "field 'eur' holds a Decimal, not Money in EUR"),
        ("BLANKVALUE(eur, 0)", "12.50", "field 'eur' holds a str, not Money in EUR"),
        ("eur > 1", Money(1, "USD"), "field 'eur' holds money in USD, not EUR"),
    ],
)
def test_a_number_where_money_is_expected_is_a_formula_error(
    source: str, value: object, message: str
) -> None:
    """A Decimal, float, int or text in a money field is a FormulaError naming the field."""
    field = "eur" if "eur" in source else "amount"
    record = {field: value, "stage": "won"}

    with pytest.raises(FormulaError, match=message) as info:
        ev(source, record)

    assert ErrorCode.EXPR_FIELD_VALUE == info.value.code


@given(
    value=st.decimals(allow_nan=True, allow_infinity=True)
    | st.floats()
    | st.integers()
    | st.text(max_size=5),
    source=st.sampled_from(
        ["amount + 1", "amount * 0.05", "MAX(amount, 0)", "ROUND(eur, 2)", "eur < 3"]
    ),
)
def test_no_value_in_a_money_field_escapes_as_a_decimal_error(value: object, source: str) -> None:
    """Whatever non-money value a money field holds, evaluation raises FormulaError only."""
    record = {"amount": value, "eur": value}

    with pytest.raises(FormulaError) as info:
        ev(source, record)

    assert ErrorCode.EXPR_FIELD_VALUE == info.value.code


def test_a_host_function_returning_a_number_for_money_is_reported() -> None:
    """A host function declared to return money that returns a Decimal is a FormulaError."""
    fee = Function("FEE", ["money"], "money", lambda m: m.amount * Decimal("0.1"))

    with pytest.raises(FormulaError, match="FEE: returned a Decimal, not Money") as info:
        compile("FEE(amount) + 1", FIELDS, functions=[fee]).evaluate({"amount": Money(5, "EUR")})

    assert ErrorCode.EXPR_FUNCTION_FAILED == info.value.code


def test_money_beyond_its_range_is_out_of_range() -> None:
    """A sum past Money's 30 digits is a FormulaError, not an InvalidMoney from inside."""
    with pytest.raises(FormulaError, match="amount out of range") as info:
        ev("amount + 1e40", {"amount": Money(1, "EUR")})

    assert ErrorCode.EXPR_OUT_OF_RANGE == info.value.code


def test_fixed_currency_reaches_related_records() -> None:
    """A related record's money field may have a fixed currency too."""
    fields: dict[str, Any] = {"company": {"revenue": "money:GBP"}, "amount": "money:GBP"}

    result = compile("BLANKVALUE(company.revenue, 0) + amount", fields).evaluate(
        {"amount": Money(5, "GBP")}
    )

    assert Money(5, "GBP") == result
    with pytest.raises(FormulaError, match="money in GBP and money in EUR"):
        compile("company.revenue + x", {"company": {"revenue": "money:GBP"}, "x": "money:EUR"})


@given(st.lists(st.tuples(CURRENCIES, AMOUNTS, st.booleans()), min_size=1, max_size=12))
def test_a_literal_branch_takes_each_records_currency(
    rows: list[tuple[str, Decimal, bool]],
) -> None:
    """One formula over records of several currencies: each record keeps its own."""
    # the literal branch is made money once per currency: a cache keyed wrongly would hand
    # a record another record's currency
    expression = compile("IF(stage = 'won', amount, 0)", FIELDS)
    for currency, amount, won in rows:
        record = {"stage": "won" if won else "lost", "amount": Money(amount, currency)}
        expected = Money(amount, currency) if won else Money.zero(currency)
        assert expression.evaluate(record) == expected


@given(st.lists(st.booleans(), min_size=1, max_size=8), AMOUNTS)
def test_a_literal_branch_of_a_fixed_currency_is_that_currency(
    stages: list[bool], amount: Decimal
) -> None:
    """A literal branch beside a money:EUR field is euros on every record."""
    expression = compile("IF(stage = 'won', eur, 7)", FIELDS)
    for won in stages:
        record = {"stage": "won" if won else "lost", "eur": Money(amount, "EUR")}
        expected = Money(amount, "EUR") if won else Money(7, "EUR")
        assert expression.evaluate(record) == expected
