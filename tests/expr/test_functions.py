"""Every built-in function, on values stated by the language reference."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from crmkit.errors import FormulaError
from crmkit.expr import compile
from crmkit.values import Money

FIELDS = {
    "name": "text",
    "stage": "picklist",
    "tags": "multipicklist",
    "n": "number",
    "d": "date",
    "t": "datetime",
    "price": "money",
    "flag": "bool",
}
RECORD: dict[str, Any] = {
    "name": "  Ada Lovelace  ",
    "stage": "won",
    "tags": "vip;partner",
    "n": Decimal("-2.5"),
    "d": date(2024, 1, 31),
    "t": datetime(2024, 2, 29, 15, 30),
    "price": Money.of("19.99", "USD"),
    "flag": True,
}
D = Decimal


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("IF(flag, 'y', 'n')", "y"),
        ("CASE(stage, 'lost', 0, 'won', 1, 2)", D(1)),
        ("AND(flag, n < 0, TRUE)", True),
        ("OR(FALSE, n > 0, flag)", True),
        ("NOT(flag)", False),
        ("ISBLANK(missing_text)", True),
        ("BLANKVALUE(missing_text, 'x')", "x"),
        ("NULLVALUE(n, 0)", D("-2.5")),
        ("ISPICKVAL(stage, 'won')", True),
        ("INCLUDES(tags, 'vip')", True),
        ("IN(stage, 'lost', 'won')", True),
        ("IN(stage, 'lost', 'Won')", False),
        ("IN(n, 1, -2.50)", True),
        ("IN(price, 5, 19.99)", True),
        ("IN(price, n, NULL)", False),
        ("IN(d, DATE(2024, 1, 31))", True),
        ("IN(TRIM(name), name, 'Ada Lovelace')", True),
        ("IN(flag, FALSE, flag)", True),
        ("LEN(name)", D(16)),
        ("LEFT(TRIM(name), 3)", "Ada"),
        ("RIGHT(TRIM(name), 8)", "Lovelace"),
        ("MID(TRIM(name), 5, 4)", "Love"),
        ("UPPER('ab')", "AB"),
        ("LOWER('AB')", "ab"),
        ("TRIM(name)", "Ada Lovelace"),
        ("CONTAINS(name, 'Love')", True),
        ("CONTAINS(name, 'love')", False),
        ("BEGINS(TRIM(name), 'Ada')", True),
        ("FIND('love', 'lovelace love')", D(1)),
        ("FIND('love', 'lovelace love', 2)", D(10)),
        ("FIND('x', 'abc')", D(0)),
        ("SUBSTITUTE('a-b-c', '-', '+')", "a+b+c"),
        ("TEXT(n)", "-2.5"),
        ("TEXT(d)", "2024-01-31"),
        ("TEXT(flag)", "TRUE"),
        ("TEXT(price)", "19.99 USD"),
        ("VALUE(' 12.50 ')", D("12.50")),
        ("REGEX('AB-12', '[A-Z]+-[0-9]+')", True),
        ("REGEX('AB-12x', '[A-Z]+-[0-9]+')", False),
        ("ABS(n)", D("2.5")),
        ("ABS(-1 * price)", Money.of("19.99", "USD")),
        ("ROUND(2.5, 0)", D(3)),
        ("ROUND(n, 0)", D(-3)),
        ("ROUND(1234.5678, 2)", D("1234.57")),
        ("ROUND(1234, -2)", D(1200)),
        ("CEILING(n)", D(-2)),
        ("FLOOR(n)", D(-3)),
        ("MOD(7, 3)", D(1)),
        ("MOD(-7, 3)", D(2)),
        ("MIN(3, 1, 2)", D(1)),
        ("MAX(d, DATE(2025, 1, 1))", date(2025, 1, 1)),
        ("SQRT(16)", D(4)),
        ("POWER(2, 8)", D(256)),
        ("DATE(2026, 11, 22)", date(2026, 11, 22)),
        ("DATEVALUE('2026-11-22')", date(2026, 11, 22)),
        ("DATEVALUE(t)", date(2024, 2, 29)),
        ("YEAR(d)", D(2024)),
        ("MONTH(t)", D(2)),
        ("DAY(d)", D(31)),
        ("WEEKDAY(DATE(2026, 11, 22))", D(1)),
        ("WEEKDAY(DATE(2026, 11, 28))", D(7)),
        ("ADDMONTHS(d, 1)", date(2024, 2, 29)),
        ("ADDMONTHS(d, -13)", date(2022, 12, 31)),
    ],
)
def test_builtin(source: str, expected: object) -> None:
    """The function gives the documented result."""
    fields = {**FIELDS, "missing_text": "text"}

    assert expected == compile(source, fields).evaluate(RECORD)


@pytest.mark.parametrize(
    ("source", "function", "message"),
    [
        ("VALUE('1e')", "VALUE", "cannot read '1e' as a number"),
        ("VALUE('NaN')", "VALUE", "cannot read 'NaN' as a number"),
        ("SQRT(-1)", "SQRT", "no square root of a negative number"),
        ("MOD(1, 0)", "MOD", "division by zero"),
        ("DATE(2026, 2, 30)", "DATE", "no such date"),
        ("DATE(2026.5, 1, 1)", "DATE", "year must be a whole number"),
        ("DATEVALUE('22/11/2026')", "DATEVALUE", "cannot read '22/11/2026' as a date"),
        ("ROUND(1, 0.5)", "ROUND", "must be a whole number"),
        ("ROUND(1, 500)", "ROUND", "within"),
        ("POWER(10, 10000000)", "POWER", "exponent beyond"),
        ("10 ^ 10000000", "^", "exponent beyond"),
        ("(-8) ^ 0.5", "^", "not a real number"),
        ("0 ^ -1", "^", "divides by zero"),
        ("ADDMONTHS(d, 120000)", "ADDMONTHS", "date out of range"),
    ],
)
def test_builtin_errors(source: str, function: str, message: str) -> None:
    """Bad arguments raise FormulaError naming the function."""
    with pytest.raises(FormulaError, match=message) as info:
        compile(source, FIELDS).evaluate(RECORD)

    assert function == info.value.function


@pytest.mark.parametrize(
    "source",
    [
        "LEN(name)",
        "LEFT(name, 2)",
        "ROUND(n, 2)",
        "TEXT(n)",
        "MAX(n, 1)",
        "DATE(YEAR(d), 1, 1)",
        "ADDMONTHS(d, 1)",
        "ABS(n)",
    ],
)
def test_blank_arguments_give_blank(source: str) -> None:
    """Strict functions return blank for a blank argument."""
    assert compile(source, FIELDS).evaluate({}) is None


@pytest.mark.parametrize(
    "source",
    [
        "CONTAINS(name, 'a')",
        "BEGINS(name, 'a')",
        "REGEX(name, 'a')",
        "ISPICKVAL(stage, 'a')",
        "IN(stage, 'a', NULL)",
        "IN(n, 1, n)",
        "IN(NULL, name)",
    ],
)
def test_predicates_on_blanks_are_false(source: str) -> None:
    """Text predicates on a blank are false."""
    assert compile(source, FIELDS).evaluate({}) is False


@pytest.mark.parametrize("source", ["NOT(IN(stage, 'a'))", "NOT(IN(n, 1, NULL))"])
def test_not_in_on_a_blank_is_true(source: str) -> None:
    """IN on a blank is false, so its negation is true, as for comparisons."""
    assert compile(source, FIELDS).evaluate({}) is True


def test_in_reads_a_candidate_blank_as_no_match() -> None:
    """A blank candidate never matches, even a blank value."""
    expr = compile("IN(name, stage, 'x')", FIELDS)

    assert expr.evaluate({"name": "x"}) is True
    assert expr.evaluate({"name": "y"}) is False
    assert expr.evaluate({"name": None, "stage": None}) is False
