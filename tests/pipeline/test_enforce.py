from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from crmkit.errors import TransitionDenied
from crmkit.pipeline import Pipeline, Pipelines, StageKind, enforce_move
from crmkit.storage import MemoryStore
from crmkit.values import Money

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def test_a_proper_move_passes(sales: Pipeline) -> None:
    """A move made by Pipeline.move passes enforcement, and the store keeps it."""
    deal = sales.new_deal(title="Acme", at=T0, amount=Money.of(1, "EUR"))
    moved, _ = sales.move(deal, "qualification", actor="ana", at=T0)
    store = MemoryStore()
    store.use_pipelines([sales])

    enforce_move(None, deal, Pipelines([sales]))  # raises TransitionDenied when refused
    enforce_move(deal, moved, Pipelines([sales]))
    store.deals.add(deal)
    store.deals.update(moved)

    stored = store.deals.get(deal.id)
    assert ("qualification", StageKind.OPEN) == (stored.stage_id, stored.stage_kind)
    assert ["prospecting", "qualification"] == [c.to_stage for c in stored.history]


def test_stage_set_by_hand_is_refused(sales: Pipeline) -> None:
    """Changing stage_id without a history entry is refused."""
    deal = sales.new_deal(title="Acme", at=T0)
    recorded = attrs.evolve(
        deal,
        stage_id="closed_won",
        stage_kind="won",
        history=[
            *deal.history,
            attrs.evolve(deal.history[0], from_stage="prospecting", to_stage="closed_won"),
        ],
    )
    hand_set = attrs.evolve(
        deal,
        stage_id="qualification",
        history=[attrs.evolve(deal.history[0], to_stage="qualification")],
    )

    with pytest.raises(TransitionDenied, match="must append one history entry"):
        enforce_move(deal, hand_set, {"sales": sales})
    enforce_move(deal, recorded, {"sales": sales})


def test_a_move_failing_its_guard_is_refused(sales: Pipeline) -> None:
    """A well-formed history entry does not excuse a failing guard."""
    deal = sales.new_deal(title="Acme", at=T0)
    entry = attrs.evolve(deal.history[0], from_stage="prospecting", to_stage="qualification", at=T0)
    forged = attrs.evolve(deal, stage_id="qualification", history=[*deal.history, entry])

    with pytest.raises(TransitionDenied, match="Set an amount"):
        enforce_move(deal, forged, {"sales": sales})


def test_history_is_append_only(sales: Pipeline) -> None:
    """Rewriting history without a move is refused."""
    deal = sales.new_deal(title="Acme", at=T0)
    rewritten = attrs.evolve(
        deal, history=[attrs.evolve(deal.history[0], at=T0 - timedelta(days=9))]
    )

    with pytest.raises(TransitionDenied, match="append-only"):
        enforce_move(deal, rewritten, {"sales": sales})


def test_new_deal_in_a_guarded_stage_is_refused(sales: Pipeline) -> None:
    """A new deal must pass its stage's entry checks."""
    deal = sales.new_deal(title="Acme", at=T0)
    skipped = attrs.evolve(
        deal, stage_id="quote", history=[attrs.evolve(deal.history[0], to_stage="quote")]
    )

    with pytest.raises(TransitionDenied, match="amount is required"):
        enforce_move(None, skipped, {"sales": sales})


def test_unknown_pipeline_is_refused(sales: Pipeline) -> None:
    """A deal of a pipeline nobody configured is refused."""
    deal = sales.new_deal(title="Acme", at=T0)

    with pytest.raises(TransitionDenied, match="no pipeline 'sales'"):
        enforce_move(None, deal, {})
