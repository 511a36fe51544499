"""Evaluation: operators, blank semantics, records, context and runtime errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ConfigError, FormulaError, ValidationError
from crmkit.expr import Function, Reference, compile
from crmkit.values import Money

FIELDS: dict[str, Any] = {
    "amount": "number",
    "qty": "number",
    "price": "money",
    "rate": "percent",
    "name": "text",
    "stage": "picklist",
    "tags": "multipicklist",
    "active": "bool",
    "close_date": "date",
    "created": "datetime",
    "company": Reference({"industry": "text", "employees": "number"}),
}


def ev(source: str, record: object = None, **kwargs: Any) -> Any:
    """Compile *source* against FIELDS and evaluate it."""
    blanks = kwargs.pop("blanks_as_zero", False)
    expr = compile(source, FIELDS, blanks_as_zero=blanks)
    return expr.evaluate({} if record is None else record, **kwargs)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", Decimal(7)),
        ("(1 + 2) * 3", Decimal(9)),
        ("0.1 + 0.2", Decimal("0.3")),
        ("7 / 2", Decimal("3.5")),
        ("2 ^ 10", Decimal(1024)),
        ("-2 ^ 2", Decimal(-4)),
        ("2 ^ -1", Decimal("0.5")),
        ("'a' & 'b'", "ab"),
        ("1 < 2", True),
        ("'b' > 'a'", True),
        ("1 = 1.0", True),
        ("1 <> 1", False),
        ("TRUE AND FALSE", False),
        ("TRUE OR FALSE", True),
        ("NOT FALSE", True),
        ("!TRUE || 1 = 1", True),
    ],
)
def test_literal_arithmetic_and_logic(source: str, expected: object) -> None:
    """Operators follow the documented precedence with exact decimals."""
    assert expected == ev(source)


def test_record_values_become_decimals() -> None:
    """Ints and floats read from a record are turned into exact Decimals (floats via str)."""
    assert Decimal("0.3") == ev("amount + qty", {"amount": 0.1, "qty": 0.2})
    assert Decimal(5) == ev("amount", {"amount": 5})


@pytest.mark.parametrize(
    "source",
    ["amount + 1", "amount * qty", "-amount", "amount / 2", "amount ^ 2", "LEN(name)"],
)
def test_arithmetic_with_a_blank_is_blank(source: str) -> None:
    """A blank operand makes the result blank, never a TypeError."""
    assert ev(source, {"amount": None, "qty": 2}) is None


def test_blanks_as_zero() -> None:
    """With blanks_as_zero, blank number fields read as zero."""
    assert Decimal(3) == ev("amount + qty", {"qty": 3}, blanks_as_zero=True)
    assert ev("ISBLANK(amount)", {}, blanks_as_zero=True) is False


@pytest.mark.parametrize("op", ["=", "<>", "<", "<=", ">", ">="])
def test_comparisons_with_a_blank_are_false(op: str) -> None:
    """Every comparison with a blank is false, and NOT of it is true."""
    assert ev(f"amount {op} 1", {}) is False
    assert ev(f"1 {op} amount", {}) is False
    assert ev(f"NULL {op} NULL", {}) is False
    assert ev(f"NOT(amount {op} 1)", {}) is True


def test_blank_bool_counts_as_false_in_logic() -> None:
    """A blank checkbox is false in AND/OR/NOT/IF, but ISBLANK still sees it."""
    assert ev("active OR FALSE", {}) is False
    assert ev("NOT active", {}) is True
    assert ev("IF(active, 1, 2)", {}) == Decimal(2)
    assert ev("ISBLANK(active)", {}) is True


def test_blank_text() -> None:
    """ISBLANK and BLANKVALUE treat '' as blank, NULLVALUE only None; & joins blanks as ''."""
    assert ev("ISBLANK(name)", {"name": ""}) is True
    assert ev("BLANKVALUE(name, 'x')", {"name": ""}) == "x"
    assert ev("NULLVALUE(name, 'x')", {"name": ""}) == ""
    assert ev("NULLVALUE(name, 'x')", {}) == "x"
    assert ev("'a' & name & 'b'", {}) == "ab"


def test_multipicklist_values() -> None:
    """Multi-picklists read from sets, lists or ';'-joined text."""
    assert ev("INCLUDES(tags, 'b')", {"tags": "a; b"}) is True
    assert ev("INCLUDES(tags, 'c')", {"tags": ["a", "b"]}) is False
    assert ev("ISBLANK(tags)", {"tags": []}) is True
    assert ev("INCLUDES(tags, 'a')", {}) is False


def test_money_arithmetic() -> None:
    """Money follows Money's rules: same-currency sums, scaling by numbers."""
    record = {"price": Money.of(100, "EUR"), "qty": 3}

    assert Money.of(300, "EUR") == ev("price * qty", record)
    assert Money.of(200, "EUR") == ev("price + price", record)
    assert Decimal(1) == ev("price / price", record)
    assert ev("price > 50", record) is True
    assert ev("price > price", record) is False


def test_mixed_currencies_raise_formula_error() -> None:
    """Ordering Money of two currencies is a FormulaError, not InvalidMoney leaking."""
    assert ev(
        "price < company.employees", {"price": Money.of(1, "EUR"), "company": {"employees": 2}}
    )
    two = compile("price + PRIORVALUE(price)", FIELDS)
    with pytest.raises(FormulaError, match="money in EUR and money in USD") as info:
        two.evaluate({"price": Money.of(1, "EUR")}, previous={"price": Money.of(1, "USD")})

    assert "expr.currency_mismatch" == info.value.code


def test_date_arithmetic() -> None:
    """Date ± days gives a date (whole days); date - date gives days."""
    created = datetime(2026, 1, 1, 12, tzinfo=UTC)
    record = {"close_date": date(2026, 1, 30), "created": created}

    assert date(2026, 2, 2) == ev("close_date + 3", record)
    assert date(2026, 1, 29) == ev("close_date - 1.9", record)
    assert Decimal(29) == ev("close_date - DATE(2026, 1, 1)", record)
    assert datetime(2026, 1, 2, 0, tzinfo=UTC) == ev("created + 0.5", record)
    assert Decimal("0.5") == ev("created - NOW()", record, now=datetime(2026, 1, 1, tzinfo=UTC))


def test_related_records() -> None:
    """company.industry reads a nested mapping; a missing related record is blank."""
    assert ev("company.industry", {"company": {"industry": "Retail"}}) == "Retail"
    assert ev("company.industry", {"company": None}) is None
    assert ev("company.employees + 1", {}) is None


@attrs.frozen
class _Deal:
    id: str
    amount: int
    custom: dict[str, object] = attrs.field(factory=dict)
    internal: str = "hidden"


def test_attrs_records_read_declared_fields_and_custom_values() -> None:
    """Declared attrs fields are read first, other names from ``custom``."""
    fields = {"amount": "number", "score": "number", "__class__": "text"}
    deal = _Deal("d1", 10, {"score": 2})

    assert Decimal(12) == compile("amount + score", fields).evaluate(deal)
    assert compile("{__class__}", fields).evaluate(deal) is None


def test_isblank_on_references_through_records() -> None:
    """An attrs record can hold another record as a related record."""
    fields = {"company": {"amount": "number"}}

    assert Decimal(10) == compile("company.amount", fields).evaluate({"company": _Deal("c", 10)})


def test_ischanged_and_priorvalue() -> None:
    """ISCHANGED and PRIORVALUE compare with the previous record; no previous is unchanged."""
    expr = compile("ISCHANGED(stage)", FIELDS)

    assert expr.evaluate({"stage": "won"}, previous={"stage": "open"}) is True
    assert expr.evaluate({"stage": "won"}, previous={"stage": "won"}) is False
    assert expr.evaluate({"stage": "won"}) is False
    prior = compile("PRIORVALUE(stage)", FIELDS)
    assert prior.evaluate({"stage": "won"}, previous={"stage": "open"}) == "open"
    assert prior.evaluate({"stage": "won"}) is None


def test_today_and_now_use_the_given_clock() -> None:
    """TODAY() and NOW() read ``now``; by default the current UTC time."""
    now = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)

    assert date(2026, 11, 22) == ev("TODAY()", now=now)
    assert now == ev("NOW()", now=now)
    assert date(2026, 11, 23) == ev("TODAY() + 1", now=date(2026, 11, 22))
    assert isinstance(ev("NOW()"), datetime)


def test_case_picks_the_first_match_or_the_else() -> None:
    """CASE compares its subject with each match in turn; blank goes to the else."""
    expr = compile("CASE(stage, 'won', 1, 'lost', 0, 0.5)", FIELDS)

    assert Decimal(1) == expr.evaluate({"stage": "won"})
    assert Decimal(0) == expr.evaluate({"stage": "lost"})
    assert Decimal("0.5") == expr.evaluate({"stage": "open"})
    assert Decimal("0.5") == expr.evaluate({})


def test_division_by_zero_names_formula_function_and_record() -> None:
    """Evaluation errors are FormulaErrors carrying the formula, operator and record id."""
    expr = compile("amount / qty", FIELDS)

    with pytest.raises(FormulaError, match=r"/: division by zero \(record 42\)") as info:
        expr.evaluate({"id": 42, "amount": 1, "qty": 0})
    assert "amount / qty" in str(info.value)
    assert info.value.record_id == 42
    assert info.value.function == "/"


def test_bad_value_conversion_names_value() -> None:
    """VALUE('abc') raises a FormulaError naming VALUE."""
    with pytest.raises(FormulaError, match="VALUE: cannot read 'abc' as a number") as info:
        ev("VALUE(name)", {"name": "abc"})

    assert info.value.function == "VALUE"


@pytest.mark.parametrize(
    ("source", "record", "message"),
    [
        ("amount + 1", {"amount": "12"}, "field 'amount' holds a str, not a number"),
        ("amount + 1", {"amount": True}, "holds True, not a number"),
        ("amount + 1", {"amount": float("nan")}, "not a finite number"),
        ("name & 'x'", {"name": 3}, "field 'name' holds a int, not text"),
        ("active", {"active": "yes"}, "not TRUE or FALSE"),
        ("close_date + 1", {"close_date": "2026-01-01"}, "not a date"),
        ("company.industry", {"company": 5}, "cannot read fields from a int"),
        ("price * 2", {"price": 5}, "not Money"),
        ("INCLUDES(tags, 'a')", {"tags": 5}, "not a set of picklist values"),
    ],
)
def test_wrongly_typed_record_values(source: str, record: dict[str, object], message: str) -> None:
    """A record value of the wrong type is a FormulaError naming the field, not a TypeError."""
    with pytest.raises(FormulaError, match=message):
        ev(source, record)


def test_evaluate_refuses_objects_that_are_not_records() -> None:
    """Only mappings and attrs records can be evaluated."""
    with pytest.raises(FormulaError, match="cannot read fields from a object"):
        ev("amount", object())


def test_naive_and_aware_datetimes_do_not_leak_type_errors() -> None:
    """Comparing a naive datetime with NOW() (aware) is a FormulaError that says so."""
    with pytest.raises(FormulaError, match="cannot compare a datetime without a time zone") as info:
        ev("created < NOW()", {"created": datetime(2026, 1, 1)})

    assert "can't compare" not in str(info.value)
    assert "<" == info.value.function


def test_naive_minus_aware_datetime_is_a_formula_error() -> None:
    """Subtracting NOW() (aware) from a naive datetime field is a FormulaError naming `-`."""
    with pytest.raises(FormulaError, match="cannot subtract a datetime without a time zone"):
        ev("created - NOW()", {"created": datetime(2026, 1, 1)})


def test_aware_datetime_field_compares_with_now() -> None:
    """An aware datetime field compares with NOW() by instant."""
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    earlier = {"created": datetime(2026, 1, 1, 11, tzinfo=UTC)}

    assert ev("created < NOW()", earlier, now=now) is True


@pytest.mark.parametrize("now", [datetime(2026, 1, 1), datetime(2026, 1, 1, 12, 30)])
def test_naive_now_is_refused(now: datetime) -> None:
    """evaluate(now=<naive datetime>) raises ValidationError, even if NOW() is unused."""
    for source in ("NOW()", "amount"):
        with pytest.raises(ValidationError, match="now must be timezone-aware"):
            compile(source, FIELDS).evaluate({}, now=now)


def test_now_of_the_wrong_type_is_refused() -> None:
    """evaluate(now=<text>) raises ValidationError."""
    with pytest.raises(ValidationError, match="now must be a datetime or a date"):
        compile("NOW()", FIELDS).evaluate({}, now="2026-01-01")  # type: ignore[arg-type]


def test_date_now_is_midnight_utc() -> None:
    """A date given as `now` stands for its midnight in UTC, so NOW() is aware."""
    assert datetime(2026, 11, 22, tzinfo=UTC) == ev("NOW()", now=date(2026, 11, 22))


def test_naive_now_is_refused_by_to_sql() -> None:
    """to_sql(now=<naive datetime>) raises ValidationError too."""
    deals = sa.table("deals", sa.column("close_date"))
    expr = compile("close_date < TODAY()", FIELDS)

    with pytest.raises(ValidationError, match="now must be timezone-aware"):
        expr.to_sql({"close_date": deals.c.close_date}, now=datetime(2026, 1, 1))


def test_host_function_is_called_with_formula_values() -> None:
    """A host function gets Decimals, its int result is turned into a Decimal."""
    seen: list[object] = []

    def tier(amount: Decimal) -> int:
        seen.append(amount)
        return 3 if amount > 100 else 1

    expr = compile(
        "TIER(amount) * 2", FIELDS, functions=[Function("tier", ["number"], "number", tier)]
    )

    assert Decimal(6) == expr.evaluate({"amount": 500})
    assert [Decimal(500)] == seen
    assert expr.evaluate({}) is None


def test_host_function_errors_become_formula_errors() -> None:
    """An exception inside a host function is reported as a FormulaError naming it."""

    def broken(x: Decimal) -> Decimal:
        raise RuntimeError("boom")

    expr = compile("BROKEN(1)", {}, functions=[Function("BROKEN", ["number"], "number", broken)])

    with pytest.raises(FormulaError, match="BROKEN: RuntimeError: boom"):
        expr.evaluate({})


_SMALL = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)


@given(_SMALL, _SMALL, _SMALL, st.sampled_from(["+", "-", "*"]), st.sampled_from(["+", "-", "*"]))
def test_generated_arithmetic_matches_decimal(
    a: Decimal, b: Decimal, c: Decimal, op1: str, op2: str
) -> None:
    """Evaluating a op1 b op2 c over fields matches Python Decimal arithmetic."""
    expr = compile(f"a {op1} b {op2} c", {"a": "number", "b": "number", "c": "number"})
    ops = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y}
    # * binds tighter than + and -
    tighter = op2 == "*" and op1 != "*"
    expected = ops[op1](a, b * c) if tighter else ops[op2](ops[op1](a, b), c)

    assert expected == expr.evaluate({"a": a, "b": b, "c": c})


@given(_SMALL, _SMALL.filter(bool))
def test_generated_division_matches_decimal(a: Decimal, b: Decimal) -> None:
    """Division matches Decimal division in the default context."""
    assert a / b == compile("a / b", {"a": "number", "b": "number"}).evaluate({"a": a, "b": b})


@pytest.mark.parametrize(
    ("source", "record", "expected"),
    [
        ("ISBLANK(price)", {"price": Money.of(1, "EUR")}, False),
        ("NOT(ISBLANK(price))", {"price": None}, False),
        ("NOT(ISBLANK(close_date))", {"close_date": datetime(2024, 1, 1, tzinfo=UTC)}, True),
        ("ISBLANK(name)", {"name": ""}, True),
        ("NOT(ISBLANK(name))", {"name": "x"}, True),
        ("ISBLANK(tags)", {"tags": []}, True),
        ("ISBLANK(amount)", {}, False),
        ("price > 10", {"price": Money.of(11, "EUR")}, True),
        ("close_date < DATE(2024, 2, 1)", {"close_date": datetime(2024, 1, 9, tzinfo=UTC)}, True),
        ("created - NOW() < 0", {"created": datetime(2024, 1, 2, tzinfo=UTC)}, True),
        ("active", {"active": 1}, True),
    ],
)
def test_fast_reads_agree_with_conversion(
    source: str, record: dict[str, Any], expected: Any
) -> None:
    """Fields of every type read alike whether their value needs converting or not."""
    blanks = source == "ISBLANK(amount)"

    assert expected == ev(source, record, blanks_as_zero=blanks)


@pytest.mark.parametrize(
    ("source", "value", "message"),
    [
        ("ISBLANK(price)", 12, "field 'price' holds a int, not Money"),
        ("NOT(ISBLANK(close_date))", "2024-01-01", "field 'close_date' holds a str, not a date"),
        ("NOT(ISBLANK(name))", 3, "field 'name' holds a int, not text"),
        ("price > 10", "a lot", "field 'price' holds a str, not Money"),
    ],
)
def test_fast_reads_still_report_wrong_types(source: str, value: object, message: str) -> None:
    """A value of the wrong type raises FormulaError naming the field, on the fast paths too."""
    field = next(name for name in FIELDS if name in source)

    with pytest.raises(FormulaError, match=message):
        ev(source, {field: value})


@pytest.mark.parametrize(
    ("source", "record", "expected"),
    [
        ("amount / qty", {"amount": 6, "qty": 0}, None),
        ("amount / qty", {"amount": 6, "qty": 4}, Decimal("1.5")),
        ("ISBLANK(amount / qty)", {"amount": 6, "qty": 0}, True),
        ("amount / qty > 1", {"amount": 6, "qty": 0}, False),
        ("NOT(amount / qty > 1)", {"amount": 6, "qty": 0}, True),
        ("price / qty", {"price": Money.of("6", "EUR"), "qty": 0}, None),
        ("price / price", {"price": Money.of("0", "EUR")}, None),
    ],
)
def test_division_by_zero_can_be_blank(
    source: str, record: dict[str, Any], expected: object
) -> None:
    """With division_by_zero="blank", `/` by zero is blank and blank rules apply after."""
    expr = compile(source, FIELDS, division_by_zero="blank")

    assert expected == expr.evaluate(record)


def test_division_by_zero_raises_by_default() -> None:
    """By default `/` by zero is a FormulaError naming `/`."""
    expr = compile("amount / qty", FIELDS)

    assert "raise" == expr.division_by_zero
    with pytest.raises(FormulaError, match="division by zero") as info:
        expr.evaluate({"amount": 1, "qty": 0})
    assert "/" == info.value.function


def test_with_division_by_zero_switches_the_mode() -> None:
    """with_division_by_zero gives the same formula with the other division rule."""
    raising = compile("amount / qty", FIELDS)
    blank = raising.with_division_by_zero("blank")

    assert None is blank.evaluate({"amount": 1, "qty": 0})
    assert "blank" == blank.division_by_zero
    assert raising.source == blank.source
    assert raising is raising.with_division_by_zero("raise")
    with pytest.raises(FormulaError, match="division by zero"):
        raising.evaluate({"amount": 1, "qty": 0})


@pytest.mark.parametrize("mode", ["ignore", None, 0])
def test_bad_division_mode_is_a_config_error(mode: Any) -> None:
    """An unknown division_by_zero is a ConfigError naming the option."""
    with pytest.raises(ConfigError, match=r"division_by_zero.*expected 'raise' or 'blank'"):
        compile("amount / qty", FIELDS, division_by_zero=mode)
    with pytest.raises(ConfigError, match=r"division_by_zero.*expected 'raise' or 'blank'"):
        compile("amount / qty", FIELDS).with_division_by_zero(mode)
