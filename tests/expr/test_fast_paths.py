"""Fast paths give the answers of the general ones: fused IF, written-out operators, caches."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ConfigError, ErrorCode, FormulaError
from crmkit.expr import FieldType, compile
from crmkit.expr._expression import plain_evaluator

FIELDS = {"stage": "picklist", "amount": "number", "name": "text", "discount": "percent"}
_STAGES = ["won", "lost", "open", "Won", "", " won"]

# A field read as a CRM export leaves it: the right type, blank, an int, a float, or a value
# of the wrong type (which evaluation reports rather than guesses at).
_amounts = st.one_of(
    st.none(),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.sampled_from(["12.50", True]),
)
_stages = st.one_of(st.none(), st.sampled_from(_STAGES), st.sampled_from([3, Decimal(1)]))
_records = st.fixed_dictionaries(
    {"id": st.integers(0, 10**6), "stage": _stages, "amount": _amounts, "discount": _amounts}
)


def _outcome(source: str, record: dict[str, Any], *, blanks_as_zero: bool = False) -> object:
    """The value, or the code and message of the FormulaError, of *source* on *record*."""
    try:
        return compile(source, FIELDS, blanks_as_zero=blanks_as_zero).evaluate(record)
    except FormulaError as exc:
        return (exc.code, exc.reason, exc.record_id)


# AND(test, TRUE) is the same test, but not the shape the fused IF recognizes.
@given(_records, st.booleans())
def test_fused_if_agrees_with_the_general_if(record: dict[str, Any], blanks_as_zero: bool) -> None:
    """IF over `field op literal` gives the value or error the general IF gives."""
    for op in ("=", "<>", "<", "<=", ">", ">="):
        for test in (f"stage {op} 'won'", f"amount {op} 1000", f"discount {op} 0.5"):
            for otherwise in ("0", "NULL", "discount", "amount - 1"):
                fused = f"IF({test}, amount * 0.05, {otherwise})"
                general = f"IF(AND({test}, TRUE), amount * 0.05, {otherwise})"

                expected = _outcome(general, record, blanks_as_zero=blanks_as_zero)

                assert expected == _outcome(fused, record, blanks_as_zero=blanks_as_zero), fused


@given(_records, st.sampled_from(["0.05", "3", "0", "1e3"]))
def test_field_times_literal_agrees_with_literal_times_field(
    record: dict[str, Any], literal: str
) -> None:
    """`amount * 0.05` gives what `0.05 * amount` (the general product) gives."""
    expected = _outcome(f"{literal} * amount", record)

    assert expected == _outcome(f"amount * {literal}", record)


def test_fused_if_reports_a_wrong_type_with_the_formula_and_record() -> None:
    """A text in a number field read by the fused IF's test is a FormulaError naming it."""
    expr = compile("IF(amount > 1000, amount * 0.05, 0)", FIELDS)

    with pytest.raises(FormulaError) as info:
        expr.evaluate({"id": 7, "amount": [1]})

    assert ErrorCode.EXPR_FIELD_VALUE == info.value.code
    assert "field 'amount' holds a list, not a number" in str(info.value)
    assert 7 == info.value.record_id


def test_fused_if_returns_the_else_constant_for_a_blank_test() -> None:
    """A blank field fails the test, so the else branch's constant is the value."""
    expr = compile("IF(stage = 'won', amount * 0.05, 0)", FIELDS)

    assert Decimal(0) == expr.evaluate({"stage": None, "amount": Decimal(100)})
    assert Decimal("5.00") == expr.evaluate({"stage": "won", "amount": Decimal("100.0")})


def test_a_schema_dict_changed_in_place_is_checked_again() -> None:
    """Compiling against a dict that was changed since the last compile sees the change."""
    fields: dict[str, Any] = {"amount": "number"}
    assert FieldType.NUMBER == compile("amount", fields).result_type

    fields["amount"] = "text"

    assert FieldType.TEXT == compile("amount", fields).result_type


def test_a_bad_type_added_to_a_known_schema_is_reported() -> None:
    """A type name added to a dict compiled before is checked, even for an unused field."""
    fields: dict[str, Any] = {"amount": "number"}
    compile("amount > 1", fields)
    fields["stage"] = "pickles"

    with pytest.raises(ConfigError) as info:
        compile("amount > 1", fields)

    assert ErrorCode.CONFIG == info.value.code
    assert "unknown type 'pickles'" in str(info.value)
    assert "fields['stage']" in str(info.value)


def test_a_nested_schema_changed_in_place_is_checked_again() -> None:
    """A related record's fields given as a nested dict are read afresh on every compile."""
    company: dict[str, Any] = {"industry": "text"}
    fields: dict[str, Any] = {"company": company}
    assert FieldType.TEXT == compile("company.industry", fields).result_type

    company["industry"] = "number"

    assert FieldType.NUMBER == compile("company.industry", fields).result_type


def test_an_equal_schema_in_a_new_dict_compiles_to_the_same_expression() -> None:
    """The compile cache answers for an equal schema whatever dict holds it."""
    first = compile("amount * 2", {"amount": "number", "stage": "picklist"})

    assert first is compile("amount * 2", {"stage": "picklist", "amount": FieldType.NUMBER})


def test_closures_built_on_first_use_answer_every_way_in() -> None:
    """A formula never evaluated before evaluates, gives a plain evaluator and a variant."""
    expr = compile("IF(amount > 0, 10 / amount, 10 / discount)", FIELDS)
    plain = plain_evaluator(expr)
    variant = expr.with_division_by_zero("blank")

    assert plain is not None
    assert Decimal(5) == plain({"amount": Decimal(2)}, None)
    assert variant.evaluate({"amount": Decimal(0), "discount": Decimal(0)}) is None
    with pytest.raises(FormulaError) as info:
        expr.evaluate({"id": 3, "amount": Decimal(0), "discount": Decimal(0)})
    assert ErrorCode.EXPR_DIVISION_BY_ZERO == info.value.code
    assert "division by zero" in str(info.value)
    assert plain is plain_evaluator(expr)
