"""Each cause of a FormulaError has a code of its own, reached through the public API."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crmkit.errors import ErrorCode, FormulaError
from crmkit.expr import Function, Reference, compile, references

_FIELDS = {"amount": "number", "name": "text", "company": Reference({"industry": "text"})}


def _compile(source: object) -> Callable[[], object]:
    return lambda: compile(source, _FIELDS)  # type: ignore[arg-type]


def _evaluate(source: str, record: object, **options: object) -> Callable[[], object]:
    return lambda: compile(source, _FIELDS, **options).evaluate(record)  # type: ignore[arg-type]


def _failing(_: Decimal) -> Decimal:
    raise RuntimeError("service down")


_FAILING = Function("LOOKUP_RATE", ["number"], "number", _failing)

_CASES = [
    ("not_text", _compile(5), ErrorCode.EXPR_NOT_TEXT, "a formula must be text, not int"),
    ("syntax", _compile("amount +"), ErrorCode.EXPR_SYNTAX, "expected a value"),
    ("lexer", _compile("'open"), ErrorCode.EXPR_SYNTAX, "unterminated text literal"),
    ("too_large", _compile("1" * 41), ErrorCode.EXPR_TOO_LARGE, "number literal longer than"),
    ("too_deep", _compile("(" * 200 + "1" + ")" * 200), ErrorCode.EXPR_TOO_LARGE, "nested deeper"),
    ("unknown_field", _compile("amout > 1"), ErrorCode.EXPR_UNKNOWN_FIELD, "unknown field 'amout'"),
    ("unknown_function", _compile("FOO(1)"), ErrorCode.EXPR_UNKNOWN_FUNCTION, "unknown function"),
    ("arity", _compile("IF(amount > 1, 1)"), ErrorCode.EXPR_ARITY, "expects 3 arguments, got 2"),
    ("type", _compile("amount & name"), ErrorCode.EXPR_TYPE_MISMATCH, "'&' joins text"),
    ("pattern", _compile("REGEX(name, '(')"), ErrorCode.EXPR_BAD_PATTERN, "bad pattern"),
    ("blank", _compile("NULL"), ErrorCode.EXPR_ALWAYS_BLANK, "always blank"),
    ("path", _compile("company > 1"), ErrorCode.EXPR_BAD_PATH, "is a related record"),
    (
        "division",
        _evaluate("amount / 0", {"amount": Decimal(1)}),
        ErrorCode.EXPR_DIVISION_BY_ZERO,
        "division by zero",
    ),
    (
        "field_value",
        _evaluate("amount + 1", {"amount": "ten"}),
        ErrorCode.EXPR_FIELD_VALUE,
        "field 'amount' holds a str, not a number",
    ),
    ("bad_record", _evaluate("amount + 1", 42), ErrorCode.EXPR_BAD_RECORD, "cannot read fields"),
    (
        "bad_value",
        _evaluate("SQRT(amount)", {"amount": Decimal(-4)}),
        ErrorCode.EXPR_BAD_VALUE,
        "no square root of a negative number",
    ),
    (
        "out_of_range",
        _evaluate("ROUND(amount, 1000)", {"amount": Decimal(1)}),
        ErrorCode.EXPR_OUT_OF_RANGE,
        "the number of digits must be within",
    ),
    (
        "function_failed",
        lambda: compile("LOOKUP_RATE(amount)", _FIELDS, functions=[_FAILING]).evaluate(
            {"amount": Decimal(1)}
        ),
        ErrorCode.EXPR_FUNCTION_FAILED,
        "LOOKUP_RATE: RuntimeError: service down",
    ),
    (
        "no_sql",
        lambda: compile("PRIORVALUE(name)", _FIELDS).to_sql({"name": sa.column("name")}),
        ErrorCode.EXPR_NO_SQL,
        "has no SQL form",
    ),
    (
        "no_column",
        lambda: compile("amount > 1", _FIELDS).to_sql({}),
        ErrorCode.EXPR_NO_COLUMN,
        "no column given for field 'amount'",
    ),
    (
        "references",
        lambda: references(5),  # type: ignore[arg-type]
        ErrorCode.EXPR_NOT_TEXT,
        "a formula must be text",
    ),
]


@pytest.mark.parametrize(
    ("make", "code", "words"), [c[1:] for c in _CASES], ids=[c[0] for c in _CASES]
)
def test_each_cause_has_its_code(make: Callable[[], object], code: str, words: str) -> None:
    """The error of each cause is a FormulaError with the code of that cause."""
    with pytest.raises(FormulaError) as caught:
        make()

    assert code == caught.value.code
    assert words in str(caught.value)


def test_the_class_keeps_its_default_code() -> None:
    """A FormulaError made without a code has the class's default."""
    assert ErrorCode.EXPR == FormulaError("made by hand").code
