"""The stock funnel from one grouped query, checked against the funnel read from history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_cases import PIPELINE, deal

from crmkit.errors import ValidationError
from crmkit.pipeline import Deal, StageKind
from crmkit.pipeline.analytics import funnel
from crmkit.reports import StockFunnel, funnel_report, stock_funnel
from crmkit.storage import MemoryStore, SqlStore, Store
from crmkit.values import Money

OPEN = ["lead", "qualified", "proposal"]
START = datetime(2024, 1, 1, tzinfo=UTC)


@st.composite
def walks(draw: st.DrawFn, *, forward_only: bool) -> list[Deal]:
    """Deals moved along the pipeline: forward only (skips allowed), or anywhere and lost."""
    made = []
    for i in range(draw(st.integers(0, 12))):
        cents = draw(st.none() | st.integers(0, 10**6))
        current = PIPELINE.new_deal(
            title=f"deal {i}",
            id=f"d{i:03d}",
            amount=None
            if cents is None
            else Money(Decimal(cents) / 100, draw(st.sampled_from(["EUR", "USD"]))),
            at=START,
        )
        at, position = START, 0
        for _ in range(draw(st.integers(0, 4))):
            if forward_only:
                if position == len(OPEN):  # won: nowhere further
                    break
                position = draw(st.integers(position + 1, len(OPEN)))
                target = "won" if position == len(OPEN) else OPEN[position]
            else:
                if current.stage_kind is not StageKind.OPEN:
                    break
                target = draw(
                    st.sampled_from([s for s in [*OPEN, "won", "lost"] if s != current.stage_id])
                )
            at += timedelta(days=1)
            reason = "price" if target == "lost" else None
            current = PIPELINE.move(current, target, actor="u1", at=at, reason=reason)[0]
        made.append(current)
    return made


def _stored(kind: str, deals: list[Deal]) -> Store:
    store: Store = MemoryStore() if kind == "memory" else SqlStore("sqlite://")
    store.use_pipelines([PIPELINE])
    store.deals.bulk_upsert(deals)
    return store


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@given(deals=walks(forward_only=False))
def test_counts_agree_with_history_funnel(kind: str, deals: list[Deal]) -> None:
    """Deals per stage, open, won, lost and the win rate are those of ``funnel()``."""
    store = _stored(kind, deals)

    stock = stock_funnel(store, PIPELINE)
    streamed = funnel(deals, PIPELINE)

    assert [s.current for s in streamed.stages] == [s.count for s in stock.stages]
    assert (streamed.deals, streamed.open, streamed.won, streamed.lost, streamed.win_rate) == (
        stock.deals,
        stock.open,
        stock.won,
        stock.lost,
        stock.win_rate,
    )


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@given(deals=walks(forward_only=True))
def test_conversion_agrees_when_deals_only_move_forward(kind: str, deals: list[Deal]) -> None:
    """Deals never lost or moved back: at_or_beyond is reached, conversion is to_next_loose."""
    store = _stored(kind, deals)

    stock = stock_funnel(store, PIPELINE)
    streamed = funnel(deals, PIPELINE)

    for theirs, ours in zip(streamed.stages, stock.stages, strict=True):
        assert (theirs.stage_id, theirs.reached) == (ours.stage_id, ours.at_or_beyond)
        if theirs.kind is StageKind.OPEN:
            assert theirs.to_next_loose == ours.conversion


def _amounts(deals: list[Deal], stage_id: str) -> tuple[Money, ...]:
    totals: dict[str, Decimal] = {}
    for d in deals:
        if d.stage_id == stage_id and d.amount is not None:
            totals[d.amount.currency] = totals.get(d.amount.currency, Decimal(0)) + d.amount.amount
    return tuple(Money(v, c) for c, v in sorted(totals.items()))


def test_funnel_figures(store: Store) -> None:
    """Counts, amounts per currency, conversion and drop-off of a small funnel, on each backend."""
    deals = [
        deal(1, amount="100", stage="lead"),
        deal(2, amount="50", stage="lead"),
        deal(3, amount="30", currency="USD", stage="qualified"),
        deal(4, stage="proposal"),
        deal(5, amount="10", stage="won"),
        deal(6, amount="20", stage="lost"),
    ]
    store.deals.bulk_upsert(deals)

    stock = stock_funnel(store, PIPELINE)

    lead = stock.stage("lead")
    assert (2, (Money(Decimal(150), "EUR"),), 5, 0.6) == (
        lead.count,
        lead.amounts,
        lead.at_or_beyond,
        lead.conversion,
    )
    assert pytest.approx(0.4) == lead.drop_off
    assert [(s.stage_id, s.at_or_beyond, s.conversion) for s in stock.stages] == [
        ("lead", 5, 0.6),
        ("qualified", 3, 2 / 3),
        ("proposal", 2, 0.5),
        ("won", 1, None),
        ("lost", 1, None),
    ]
    assert [_amounts(deals, s.stage_id) for s in stock.stages] == [s.amounts for s in stock.stages]
    assert (6, 4, 1, 1, 0.5) == (stock.deals, stock.open, stock.won, stock.lost, stock.win_rate)


def test_filter_and_other_pipelines(store: Store) -> None:
    """Only the pipeline's deals count, and a filter narrows them further."""
    store.deals.bulk_upsert([deal(1, owner="ann"), deal(2, owner="bob")])

    stock = stock_funnel(store, PIPELINE, where="owner_id = 'ann'")

    assert isinstance(stock, StockFunnel)
    assert 1 == stock.deals
    assert "pipeline_id = 'sales'" in str(funnel_report(PIPELINE).where)


def test_unknown_stage_and_bad_pipeline() -> None:
    """Asking for a stage the funnel lacks, or passing no pipeline, is a ValidationError."""
    stock = stock_funnel(_stored("memory", []), PIPELINE)

    with pytest.raises(ValidationError, match="no such stage"):
        stock.stage("nope")
    with pytest.raises(ValidationError, match="expected a Pipeline"):
        funnel_report("sales")  # type: ignore[arg-type]  # the point of the test
