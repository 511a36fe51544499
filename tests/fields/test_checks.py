"""Value checks of typed-in fields: precision and scale, blanks, choices, gating sections."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit.fields import (
    FieldDef,
    MoneyOptions,
    NumberOptions,
    PicklistOptions,
    Schema,
    Section,
)
from crmkit.values import Money

_PRECISION, _SCALE = 8, 3


def _places_and_digits(value: Decimal) -> tuple[int, int]:
    """Decimal places needed and digits before the point, by exact rational arithmetic."""
    exact = abs(Fraction(value))
    places = 0
    while (exact * 10**places).denominator != 1:
        places += 1
    whole = exact.numerator // exact.denominator
    return places, len(str(whole)) if whole else 0


def _number_schema() -> Schema:
    options = NumberOptions(precision=_PRECISION, scale=_SCALE)
    return Schema("deal", [FieldDef(name="n", type="number", options=options)])


_DECIMALS = st.builds(
    lambda sign, digits, exponent: Decimal((sign, tuple(int(d) for d in str(digits)), exponent)),
    st.integers(0, 1),
    st.integers(0, 10**12),
    st.integers(-8, 12),
)


@settings(max_examples=150)
@given(_DECIMALS)
def test_number_precision_follows_the_spec(value: Decimal) -> None:
    """A number is refused exactly when it has too many places or too many whole digits."""
    places, digits = _places_and_digits(value)
    expected = places > _SCALE or digits > _PRECISION - _SCALE

    issues = _number_schema().validate({"n": value})

    assert expected == any(i.code == "fields.precision" for i in issues)


@settings(max_examples=100)
@given(_DECIMALS)
def test_money_precision_follows_the_spec(value: Decimal) -> None:
    """An amount is refused exactly when it has more places than the field's scale."""
    schema = Schema(
        "deal", [FieldDef(name="m", type="money", options=MoneyOptions(currency="EUR", scale=2))]
    )
    places, digits = _places_and_digits(value)
    expected = places > 2 or digits > 36

    issues = schema.validate({"m": Money(value, "EUR")})

    assert expected == any(i.code == "fields.precision" for i in issues)


def test_exponent_form_number_is_too_large() -> None:
    """1E+20 has 21 whole digits, whatever the way it is written."""
    issues = _number_schema().validate({"n": Decimal("1E+20")})

    assert [("n", "fields.precision")] == [(i.field, i.code) for i in issues]
    assert "more than 5 digit(s) before the point" in issues[0].message


def test_trailing_zeros_are_not_extra_places() -> None:
    """1.500000 has one significant decimal place, within a scale of 3."""
    assert [] == _number_schema().validate({"n": Decimal("1.500000")})


@pytest.mark.parametrize("blank", ["", "   ", (), []])
def test_blank_values_of_optional_fields_are_empty(blank: object) -> None:
    """A blank value of a field that cannot be required is no issue, whatever its kind."""
    schema = Schema(
        "deal",
        [
            FieldDef(name="n", type="number"),
            FieldDef(name="tags", type="multipicklist", options=PicklistOptions(choices=["a"])),
        ],
    )

    assert [] == schema.validate({"n": blank, "tags": blank})


@pytest.mark.parametrize(("flag", "city", "ok"), [(True, "x", True), (False, "x", False)])
def test_picklist_controlled_by_a_bool(flag: bool, city: str, ok: bool) -> None:
    """A bool controlling field reads as 'true' or 'false' in the dependencies."""
    options = PicklistOptions(
        choices=["x", "y"], controlled_by="flag", dependencies={"true": ["x"], "false": ["y"]}
    )
    schema = Schema(
        "deal",
        [
            FieldDef(name="flag", type="bool"),
            FieldDef(name="city", type="picklist", options=options),
        ],
    )

    issues = schema.validate({"flag": flag, "city": city})

    assert ok == (not issues)


def test_failing_section_condition_is_reported_when_it_decides() -> None:
    """A section condition that cannot be evaluated is an issue when a field there may be needed."""
    schema = Schema(
        "deal",
        [
            FieldDef(name="x", type="number"),
            FieldDef(name="note", type="text", required=True),
        ],
        [Section(name="extra", fields=("note",), visible_when="10 / x > 1")],
    )

    issues = schema.validate({"x": Decimal(0)})

    assert [(None, "fields.evaluation")] == [(i.field, i.code) for i in issues]
