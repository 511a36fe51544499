"""The seeds' funnel, shared by the pipeline tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from crmkit.pipeline import Deal, Pipeline, StageChanged
from pipeline_seeds import seeds_config

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def calls() -> list[tuple[str, str]]:
    """Records (action, deal id) as the fake actions run."""
    return []


@pytest.fixture
def actions(calls: list[tuple[str, str]]) -> dict[str, Callable[[Deal, StageChanged], None]]:
    """Actions for every name the seeds' funnel uses, recording their calls."""

    def make(name: str) -> Callable[[Deal, StageChanged], None]:
        def run(deal: Deal, event: StageChanged) -> None:
            calls.append((name, deal.id))

        return run

    return {n: make(n) for n in ("send_quote", "send_invoice", "remind_owner", "chase")}


@pytest.fixture
def sales(actions: dict[str, Callable[[Deal, StageChanged], None]]) -> Pipeline:
    """The seeds' funnel, compiled."""
    return Pipeline.from_dict(seeds_config(), actions=actions)
