"""The public deal field types."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crmkit.errors import ValidationError
from crmkit.expr import compile
from crmkit.pipeline import Pipeline, deal_field_types
from crmkit.values import Money

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def test_built_in_fields_and_types() -> None:
    """The built-in deal fields carry their formula types, stage_kind among them."""
    types = deal_field_types()

    assert "picklist" == types["stage_kind"] == types["stage_id"]
    assert ("money", "date", "datetime") == (
        types["amount"],
        types["close_date"],
        types["updated_at"],
    )
    assert "discount" not in types


def test_pipeline_fields_are_included(sales: Pipeline) -> None:
    """With a pipeline, its custom fields come too, and formulas compile against them."""
    types = deal_field_types(sales)
    deal = sales.new_deal(title="Acme", amount=Money.of(5, "EUR"), custom={"discount": 2}, at=T0)

    condition = compile("AND(stage_kind = 'open', discount < 3)", types)

    assert "number" == types["discount"]
    assert condition.evaluate(deal) is True


def test_result_is_a_copy() -> None:
    """Changing the returned dict does not change the next result."""
    deal_field_types()["amount"] = "text"

    assert "money" == deal_field_types()["amount"]


def test_bad_pipeline() -> None:
    """Anything but a Pipeline is refused with ValidationError."""
    with pytest.raises(ValidationError, match="expected a Pipeline"):
        deal_field_types({"id": "sales"})  # type: ignore[arg-type]
