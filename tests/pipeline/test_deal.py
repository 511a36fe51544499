from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crmkit.errors import ValidationError
from crmkit.pipeline import Deal, DealContact, StageChange
from crmkit.values import Money

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def test_new_deal_records_its_first_stage() -> None:
    """A deal built without history gets one entry for the stage it starts in."""
    deal = Deal(title="Acme", pipeline_id="sales", stage_id="prospecting", created_at=T0)

    assert [(None, "prospecting", T0)] == [(c.from_stage, c.to_stage, c.at) for c in deal.history]
    assert T0 == deal.stage_entered_at
    assert deal.is_new


def test_contacts_take_ids_or_mappings() -> None:
    """Deal contacts accept ids and mappings, with a default role."""
    deal = Deal(
        title="Acme",
        pipeline_id="sales",
        stage_id="a",
        contacts=["c1", {"contact_id": "c2", "role": "champion"}],
    )

    assert (DealContact(contact_id="c1"), DealContact(contact_id="c2", role="champion")) == (
        deal.contacts
    )


def test_blank_title_is_refused() -> None:
    """A deal needs a title."""
    with pytest.raises(ValidationError, match="a deal needs a title"):
        Deal(title="  ", pipeline_id="sales", stage_id="a")


def test_history_must_end_in_the_current_stage() -> None:
    """A history that leads elsewhere than the deal's stage is refused."""
    history = [StageChange(to_stage="b", at=T0, pipeline_id="sales")]

    with pytest.raises(ValidationError, match="history ends in sales/b"):
        Deal(title="Acme", pipeline_id="sales", stage_id="a", history=history)


def test_history_must_chain() -> None:
    """Each entry leaves the stage the previous one entered."""
    history = [
        StageChange(to_stage="a", at=T0, pipeline_id="sales"),
        StageChange(to_stage="c", from_stage="b", at=T0, pipeline_id="sales"),
    ]

    with pytest.raises(ValidationError, match=r"history\[1\] leaves 'b'"):
        Deal(title="Acme", pipeline_id="sales", stage_id="c", history=history)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", 12, "expected Money or None"),
        ("close_date", datetime(2024, 1, 1, tzinfo=UTC), "expected a date"),
        ("created_at", datetime(2024, 1, 1), "timezone-aware"),
        ("version", 0, "positive integer"),
        ("stage_kind", "closed", r"expected a stage kind \(open, won, lost\) or None"),
        ("custom", {"": 1}, "non-empty text"),
    ],
)
def test_bad_values_are_refused(field: str, value: object, message: str) -> None:
    """Each bad field value raises ValidationError naming the problem."""
    with pytest.raises(ValidationError, match=message):
        Deal(title="Acme", pipeline_id="sales", stage_id="a", **{field: value})  # type: ignore[arg-type]


def test_probability_must_be_a_share() -> None:
    """A history entry's probability lies between 0 and 1."""
    with pytest.raises(ValidationError, match="between 0 and 1"):
        StageChange(to_stage="a", at=T0, pipeline_id="sales", probability=2)


def test_deal_keeps_its_values() -> None:
    """Amount and close date are kept as given."""
    deal = Deal(
        title=" Big  deal ",
        pipeline_id="sales",
        stage_id="a",
        amount=Money.of(10, "EUR"),
        close_date=date(2024, 5, 1),
    )

    assert ("Big deal", Money.of(10, "EUR"), date(2024, 5, 1)) == (
        deal.title,
        deal.amount,
        deal.close_date,
    )
