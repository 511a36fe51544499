"""The seeds' funnel configuration, shared by the pipeline tests."""

from __future__ import annotations

from typing import Any


def seeds_config() -> dict[str, Any]:
    """Return the seeds' funnel: prospecting to negotiation, then closed won or lost."""
    return {
        "id": "sales",
        "name": "Sales",
        "fields": {"discount": "number"},
        "stages": [
            {"id": "prospecting", "probability": 0.1, "rot_after": 14},
            {
                "id": "qualification",
                "probability": 0.2,
                "guards": [{"expression": "NOT(ISBLANK(amount))", "message": "Set an amount"}],
            },
            {
                "id": "quote",
                "probability": 0.5,
                "required": ["amount", "close_date"],
                "guards": [
                    {"expression": "close_date >= TODAY()", "message": "Close date is past"}
                ],
                "on_enter": ["send_quote"],
                "timers": [{"action": "remind_owner", "after_days": 3}],
            },
            {
                "id": "negotiation",
                "probability": 0.8,
                "timers": [{"action": "chase", "before_close_days": 7}],
            },
            {"id": "closed_won", "kind": "won", "on_enter": ["send_invoice"]},
            {"id": "closed_lost", "kind": "lost"},
        ],
    }
