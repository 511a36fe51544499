"""Analytics straight from a store query, streamed page by page with ``find_all``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from crmkit.pipeline import Deal, Pipeline
from crmkit.pipeline.analytics import funnel, funnel_by
from crmkit.storage import MemoryStore, SqlStore, Store
from crmkit.values import Money
from pipeline_seeds import seeds_config

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
PATHS = [
    ["qualification", "quote", "negotiation", "closed_won"],
    ["qualification", "closed_lost"],
    ["qualification", "quote"],
    [],
    ["qualification", "quote", "closed_won"],
]


def _noop(deal: Deal, event: object) -> None:
    """An action that does nothing."""


PIPELINE = Pipeline.from_dict(
    seeds_config(),
    actions=dict.fromkeys(("send_quote", "send_invoice", "remind_owner", "chase"), _noop),
)


def _deals() -> list[Deal]:
    out = []
    for i, path in enumerate(PATHS * 3):
        deal = PIPELINE.new_deal(
            title=f"Deal {i}",
            at=T0,
            owner_id="ana" if i % 2 else "ben",
            amount=Money.of(100 + i, "EUR"),
            close_date=date(2030, 1, 15),
        )
        at = T0
        for stage in path:
            at += timedelta(days=1)
            reason = "price" if stage == "closed_lost" else None
            deal, _ = PIPELINE.move(deal, stage, actor="u", at=at, reason=reason)
        out.append(deal)
    return out


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store holding the 15 deals of _deals."""
    if request.param == "memory":
        raw: Store = MemoryStore()
    elif request.param == "sqlite":
        raw = SqlStore(f"sqlite:///{tmp_path}/a.db")
    else:
        raw = SqlStore(
            request.getfixturevalue("pg_url"), schema=request.getfixturevalue("pg_schema")
        )
    raw.use_pipelines([PIPELINE])
    raw.deals.bulk_upsert(_deals())
    yield raw
    raw.close()


def test_a_store_query_gives_the_same_funnel_as_the_deals(store: Store) -> None:
    """Funnel over the store's deals equals funnel over the deals themselves."""
    deals = _deals()

    from_store = funnel(store.deals.find_all(page_size=4), PIPELINE)

    assert funnel(deals, PIPELINE) == from_store
    assert 15 == from_store.deals


def test_a_filter_runs_in_the_store(store: Store) -> None:
    """Only deals matching where are counted, and grouping works on the stream."""
    ana = funnel(store.deals.find_all("owner_id = 'ana'", page_size=2), PIPELINE)
    grouped = funnel_by(store.deals.find_all(), PIPELINE, "owner")

    assert sum(1 for i in range(15) if i % 2) == ana.deals
    assert ana == grouped["ana"]
