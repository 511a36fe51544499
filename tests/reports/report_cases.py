"""Shared report test data: one pipeline, and deals made through its public API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from crmkit.pipeline import Deal, Pipeline
from crmkit.values import Money

PIPELINE = Pipeline.from_dict(
    {
        "id": "sales",
        "stages": [
            {"id": "lead"},
            {"id": "qualified"},
            {"id": "proposal"},
            {"id": "won", "kind": "won"},
            {"id": "lost", "kind": "lost"},
        ],
    }
)


def deal(
    n: int,
    *,
    stage: str = "lead",
    amount: str | None = None,
    currency: str = "EUR",
    owner: str | None = None,
    close: date | None = None,
    created: datetime | None = None,
    source: str | None = None,
) -> Deal:
    """A deal of the test pipeline, moved to *stage* through the public API."""
    made = PIPELINE.new_deal(
        title=f"deal {n}",
        id=f"d{n:03d}",
        amount=None if amount is None else Money(Decimal(amount), currency),
        owner_id=owner,
        close_date=close,
        lead_source=source,
        at=created or datetime(2024, 1, 1, 9, tzinfo=UTC),
    )
    if stage != "lead":
        reason = "price" if stage == "lost" else None
        made = PIPELINE.move(made, stage, actor="u1", reason=reason, at=made.created_at)[0]
    return made
