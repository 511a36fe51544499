from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import TransitionDenied
from crmkit.pipeline import Deal, Pipeline, StageChange, StageChanged
from crmkit.values import Money

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
_STAGES = ("prospecting", "qualification", "quote", "negotiation", "closed_won", "closed_lost")


def _rebuilt(record: object) -> object:
    """The record built again through its class's constructor, converters and checks."""
    return type(record)(**attrs.asdict(record, recurse=False))  # type: ignore[arg-type]


@given(
    steps=st.lists(
        st.tuples(st.sampled_from(_STAGES), st.sampled_from([None, "  too   dear "])),
        max_size=10,
    )
)
def test_moved_records_equal_their_constructors_results(
    steps: list[tuple[str, str | None]],
) -> None:
    """Records a move builds from final values equal those their constructors build."""
    config = {
        "id": "sales",
        "stages": [{"id": s} for s in _STAGES[:4]]
        + [{"id": "closed_won", "kind": "won"}, {"id": "closed_lost", "kind": "lost"}],
        "transitions": {"allow_skip": True, "allow_backward": True},
    }
    pipeline = Pipeline.from_dict(config)
    deal = pipeline.new_deal(
        title="Acme", amount=Money.of(10, "EUR"), close_date=date(2030, 1, 1), at=T0
    )
    at = T0
    for target, reason in steps:
        at += timedelta(hours=1)
        try:
            moved, event = pipeline.move(deal, target, actor="ana", at=at, reason=reason)
        except TransitionDenied:
            continue

        assert (_rebuilt(moved), _rebuilt(event)) == (moved, event)
        assert _rebuilt(moved.history[-1]) == moved.history[-1]
        deal = moved


def test_move_and_transfer_build_alike_records() -> None:
    """A move and a transfer into the same stage record the same entry but for pipelines."""
    config = {"id": "sales", "stages": [{"id": "new"}, {"id": "won", "kind": "won"}]}
    sales = Pipeline.from_dict(config)
    other = Pipeline.from_dict({**config, "id": "renewals"})
    deal = sales.new_deal(title="Acme", at=T0)

    moved, event = sales.move(deal, "won", actor="ana", at=T0)
    transferred, moved_over = sales.transfer(deal, other, {"new": "won"}, actor="ana", at=T0)

    assert (
        attrs.evolve(moved.history[-1], pipeline_id="renewals", from_pipeline_id="sales")
        == (transferred.history[-1])
    )
    assert (StageChange, StageChanged, Deal) == (
        type(transferred.history[-1]),
        type(moved_over),
        type(transferred),
    )
    assert attrs.evolve(moved, pipeline_id="renewals", history=transferred.history) == transferred
    assert event.actions == moved_over.actions
