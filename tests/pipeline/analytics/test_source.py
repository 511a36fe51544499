"""Analytics straight from a store query, page by page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pipeline_seeds import seeds_config

from crmkit.errors import FormulaError, ValidationError
from crmkit.pipeline import Deal, Pipeline
from crmkit.pipeline.analytics import deals_of, funnel, funnel_by
from crmkit.storage import MemoryStore, SqlStore, Store
from crmkit.values import Money

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


class _Spy:
    """A deal repository that records the page sizes asked of the real one."""

    kind = "deal"

    def __init__(self, store: Store) -> None:
        self.store = store
        self.limits: list[int] = []

    def find(self, where: Any = None, **options: Any) -> Any:
        """Forward to the store's deals, noting the limit."""
        self.limits.append(options["limit"])
        return self.store.deals.find(where, **options)


def test_a_store_query_gives_the_same_funnel_as_the_deals(store: Store) -> None:
    """Funnel over deals_of(store) equals funnel over the deals themselves."""
    deals = _deals()

    from_store = funnel(deals_of(store, page_size=4), PIPELINE)

    assert funnel(deals, PIPELINE) == from_store
    assert 15 == from_store.deals


def test_a_filter_runs_in_the_store(store: Store) -> None:
    """Only deals matching where are counted, and grouping works on the stream."""
    ana = funnel(deals_of(store, "owner_id = 'ana'", page_size=2), PIPELINE)
    grouped = funnel_by(deals_of(store), PIPELINE, "owner")

    assert sum(1 for i in range(15) if i % 2) == ana.deals
    assert ana == grouped["ana"]


def test_pages_are_fetched_as_consumed() -> None:
    """The adapter asks for one page at a time, lazily, never the whole table."""
    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    store.deals.bulk_upsert(_deals())
    spy = _Spy(store)

    stream = deals_of(spy, page_size=4)  # type: ignore[arg-type]
    assert [] == spy.limits
    first = next(stream)
    assert [4] == spy.limits
    rest = list(stream)

    assert 15 == 1 + len(rest)
    assert [4, 4, 4, 4] == spy.limits
    assert isinstance(first, Deal)


@pytest.mark.parametrize(
    ("store", "page_size", "message"),
    [
        (None, 10, "expected a store or a deal repository"),
        (MemoryStore().contacts, 10, "expected a store or a deal repository"),
        (MemoryStore(), 0, "expected a page size from 1 to 10000"),
        (MemoryStore(), 10_001, "expected a page size from 1 to 10000"),
        (MemoryStore(), "10", "expected a whole number of deals"),
        (MemoryStore(), True, "expected a whole number of deals"),
    ],
)
def test_deals_of_refuses_bad_arguments(store: object, page_size: object, message: str) -> None:
    """deals_of raises ValidationError at once, before any query."""
    with pytest.raises(ValidationError, match=message):
        deals_of(store, page_size=page_size)  # type: ignore[arg-type]


def test_a_bad_filter_fails_while_iterating() -> None:
    """A filter the store cannot compile raises the store's FormulaError."""
    with pytest.raises(FormulaError, match="nope"):
        list(deals_of(MemoryStore(), "nope = 1"))
