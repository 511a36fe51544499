from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs
import pytest
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


_GUARDS = [
    {"expression": "NOT(ISBLANK(amount))", "message": "Set an amount"},
    {"expression": "amount > 50", "message": "Too small"},
    {"expression": "close_date > TODAY()", "message": "Closes in the past"},  # reads the clock
]


@st.composite
def _pipelines(draw: st.DrawFn) -> Pipeline:
    """Pipelines of guarded, required and action-bearing stages, strict or loose."""
    stages = []
    for i, (sid, kind) in enumerate(zip(_STAGES, ["open"] * 4 + ["won", "lost"], strict=True)):
        stage: dict[str, object] = {"id": sid, "kind": kind}
        if 0 < i and kind != "lost":  # a new deal enters the first stage unguarded
            stage["guards"] = draw(st.lists(st.sampled_from(_GUARDS), max_size=2, unique_by=str))
        if i in (2, 3) and draw(st.booleans()):
            stage["required"] = ["close_date"]
        stage["on_enter"] = draw(st.sampled_from([[], ["notify"]]))
        stage["on_exit"] = draw(st.sampled_from([[], ["log"]]))
        stages.append(stage)
    transitions = {"allow_skip": draw(st.booleans()), "allow_backward": draw(st.booleans())}
    config = {"id": "sales", "stages": stages, "transitions": transitions}
    noop = {"notify": lambda deal, event: None, "log": lambda deal, event: None}
    return Pipeline.from_dict(config, actions=noop)


def _expected(
    pipeline: Pipeline, deal: Deal, to_stage: str, at: datetime, reason: str | None
) -> tuple[Deal, StageChanged]:
    """The move as the documentation states it, built through the records' constructors."""
    target = pipeline.stage(to_stage)
    lost = target.kind == "lost"
    subject = attrs.evolve(deal, lost_reason=reason) if lost and reason else deal
    change = StageChange(
        to_stage=to_stage,
        at=at,
        pipeline_id=pipeline.id,
        from_stage=deal.stage_id,
        actor="ana",
        amount=deal.amount,
        probability=pipeline.probability(to_stage),
        reason=reason,
    )
    moved = attrs.evolve(
        subject,
        stage_id=to_stage,
        stage_kind=target.kind,
        history=(*deal.history, change),
        updated_at=at,
        lost_reason=subject.lost_reason if lost else None,
    )
    actions = pipeline.stage(deal.stage_id).on_exit + target.on_enter
    return moved, StageChanged(deal.id, change, actions)


@given(
    pipeline=_pipelines(),
    amount=st.sampled_from([None, 10, 500]),
    close=st.sampled_from([None, date(2020, 1, 1), date(2030, 1, 1)]),
    steps=st.lists(
        st.tuples(st.sampled_from(_STAGES), st.sampled_from([None, "price"])), max_size=8
    ),
)
def test_a_move_is_allowed_and_recorded_exactly_as_its_checks_and_the_rules_say(
    pipeline: Pipeline,
    amount: int | None,
    close: date | None,
    steps: list[tuple[str, str | None]],
) -> None:
    """Fast or checked, a move happens exactly when check_move allows it, and records it."""
    money = None if amount is None else Money.of(amount, "EUR")
    deal = pipeline.new_deal(title="Acme", amount=money, close_date=close, at=T0)
    at = T0
    for target, reason in steps:
        at += timedelta(hours=1)
        subject = deal
        if reason and pipeline.stage(target).kind == "lost":
            subject = attrs.evolve(deal, lost_reason=reason)
        check = pipeline.check_move(subject, target, now=at)
        if not check.allowed:
            with pytest.raises(TransitionDenied) as denied:
                pipeline.move(deal, target, actor="ana", at=at, reason=reason)
            assert list(check.reasons) == denied.value.reasons
            continue
        moved, event = pipeline.move(deal, target, actor="ana", at=at, reason=reason)

        assert _expected(pipeline, deal, target, at, reason) == (moved, event)
        deal = moved
