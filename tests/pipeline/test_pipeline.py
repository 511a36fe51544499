from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import TransitionDenied, ValidationError
from crmkit.pipeline import (
    Deal,
    MoveCheck,
    MoveProblem,
    Pipeline,
    ProblemKind,
    StageKind,
    run_actions,
)
from crmkit.values import Money
from pipeline_seeds import seeds_config

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def _deal(sales: Pipeline, **fields: object) -> Deal:
    return sales.new_deal(title="Acme renewal", at=T0, **fields)  # type: ignore[arg-type]


def test_check_move_lists_every_problem(sales: Pipeline) -> None:
    """All failing checks of the target stage are reported at once, naming fields."""
    check = sales.check_move(_deal(sales, close_date=date(2024, 1, 1)), "quote", now=T0)

    assert not check.allowed
    assert [ProblemKind.REQUIRED, ProblemKind.GUARD] == [p.kind for p in check.problems]
    assert ["amount is required to enter stage 'quote'", "Close date is past (close_date)"] == (
        list(check.reasons)
    )


def test_move_appends_history(sales: Pipeline) -> None:
    """A move changes the stage and appends who, when, amount and probability."""
    deal = _deal(sales, amount=Money.of(500, "EUR"))
    at = T0 + timedelta(days=1)

    moved, event = sales.move(deal, "qualification", actor="ana", at=at)

    last = moved.history[-1]
    assert "qualification" == moved.stage_id
    assert ("prospecting", "qualification", "ana", at) == (
        last.from_stage,
        last.to_stage,
        last.actor,
        last.at,
    )
    assert (Money.of(500, "EUR"), sales.probability("qualification")) == (
        last.amount,
        last.probability,
    )
    assert last == event.change
    assert "prospecting" == deal.stage_id


def test_refused_move_raises_with_reasons(sales: Pipeline) -> None:
    """A refused move raises TransitionDenied carrying the reasons."""
    with pytest.raises(TransitionDenied, match="Set an amount") as caught:
        sales.move(_deal(sales), "qualification", actor="ana", at=T0)

    assert ["Set an amount (amount)"] == caught.value.reasons


def test_lost_needs_a_reason(sales: Pipeline) -> None:
    """Entering a lost stage needs a lost reason; the move's reason is kept."""
    deal = _deal(sales)
    with pytest.raises(TransitionDenied, match="lost_reason is required"):
        sales.move(deal, "closed_lost", actor="ana", at=T0)

    lost, _ = sales.move(deal, "closed_lost", actor="ana", at=T0, reason="price")
    reopened, _ = sales.move(lost, "prospecting", actor="ana", at=T0)

    assert ("price", None) == (lost.lost_reason, reopened.lost_reason)


def test_actions_are_named_in_the_event_and_run_after(
    sales: Pipeline, calls: list[tuple[str, str]]
) -> None:
    """The event lists exit then enter actions; run_actions runs them in order."""
    deal = _deal(sales, amount=Money.of(1, "EUR"), close_date=date(2024, 4, 1))

    moved, event = sales.move(deal, "quote", actor="ana", at=T0)
    failures = sales.run_actions(moved, event)

    assert ("send_quote",) == event.actions
    assert () == failures
    assert [("send_quote", deal.id)] == calls


def test_failing_action_is_reported_not_raised(sales: Pipeline) -> None:
    """An action that raises is reported; the next one still runs."""
    ran: list[str] = []

    def boom(deal: Deal, event: object) -> None:
        raise RuntimeError("mail server down")

    deal = _deal(sales, amount=Money.of(1, "EUR"))
    moved, event = sales.move(deal, "closed_won", actor="ana", at=T0)
    failures = run_actions(
        moved,
        event,
        {"send_invoice": boom, "other": lambda d, e: ran.append("x")},
    )

    assert ["send_invoice"] == [f.action for f in failures]
    assert "mail server down" == str(failures[0].error)
    assert "closed_won" == moved.stage_id


def test_transition_rules_without_skip_or_backward(sales: Pipeline) -> None:
    """With skip and backward off, only the next stage and closing are allowed."""
    config = sales.to_dict()
    config["transitions"] = {"allow_skip": False, "allow_backward": False}
    strict = Pipeline.from_dict(config, actions=sales.actions)
    deal = strict.new_deal(title="Acme", at=T0, amount=Money.of(1, "EUR"))

    allowed = [c.to_stage for c in strict.available_moves(deal, now=T0) if c.allowed]

    assert ["qualification", "closed_won"] == allowed


def test_explicit_graph(sales: Pipeline) -> None:
    """An explicit graph allows only its edges."""
    config = sales.to_dict()
    config["transitions"] = {"graph": {"prospecting": ["closed_lost"]}}
    graph = Pipeline.from_dict(config, actions=sales.actions)
    deal = graph.new_deal(title="Acme", at=T0)

    check = graph.check_move(deal, "qualification", now=T0)

    assert [ProblemKind.TRANSITION, ProblemKind.GUARD] == [p.kind for p in check.problems]


def test_unknown_and_same_stage(sales: Pipeline) -> None:
    """Moving to a missing stage or the current one is refused with its reason."""
    deal = _deal(sales)

    assert [ProblemKind.UNKNOWN_STAGE] == [
        p.kind for p in sales.check_move(deal, "nowhere").problems
    ]
    assert [ProblemKind.SAME_STAGE] == [
        p.kind for p in sales.check_move(deal, "prospecting").problems
    ]


def test_deal_of_another_pipeline_is_refused(sales: Pipeline) -> None:
    """A pipeline refuses deals that are not its own."""
    other = Deal(title="x", pipeline_id="renewals", stage_id="a")

    with pytest.raises(ValidationError, match="not in pipeline 'sales'"):
        sales.move(other, "quote", actor=None)


def test_move_before_the_last_change_is_refused(sales: Pipeline) -> None:
    """A move dated before the deal's last stage change is refused."""
    with pytest.raises(ValidationError, match="earlier than the deal's last stage change"):
        sales.move(_deal(sales), "closed_won", actor=None, at=T0 - timedelta(days=1))


def test_transfer_maps_the_stage(sales: Pipeline) -> None:
    """A transfer maps the stage explicitly and records both pipelines."""
    config = sales.to_dict()
    config["id"] = "renewals"
    renewals = Pipeline.from_dict(config, actions=sales.actions)
    deal = _deal(sales, amount=Money.of(1, "EUR"))

    moved, event = sales.transfer(
        deal, renewals, {"prospecting": "qualification"}, actor="ana", at=T0
    )

    assert ("renewals", "qualification") == (moved.pipeline_id, moved.stage_id)
    assert ("sales", "renewals") == (event.change.from_pipeline_id, event.change.pipeline_id)
    with pytest.raises(TransitionDenied, match="no entry for stage 'qualification'"):
        renewals.transfer(moved, sales, {}, actor="ana", at=T0)


def test_new_deal_checks_its_stage(sales: Pipeline) -> None:
    """A deal cannot be created in a stage whose checks it fails."""
    with pytest.raises(TransitionDenied, match="amount is required"):
        sales.new_deal(title="Acme", stage="quote", at=T0)


def test_rotting_and_due(sales: Pipeline) -> None:
    """Idle deals rot after rot_after days; timers fall due once with since."""
    idle = _deal(sales)
    quoted, _ = sales.move(
        _deal(sales, amount=Money.of(1, "EUR"), close_date=date(2024, 6, 1)),
        "quote",
        actor=None,
        at=T0,
    )
    now = T0 + timedelta(days=15)

    rotting = sales.rotting([idle, quoted], now)
    due = sales.due([idle, quoted], now)

    assert [(idle.id, 15)] == [(r.deal.id, r.idle_days) for r in rotting]
    assert [("remind_owner", T0 + timedelta(days=3))] == [(d.action, d.due_at) for d in due]
    assert [] == sales.due([quoted], now, since=T0 + timedelta(days=4))


def test_close_date_timer(sales: Pipeline) -> None:
    """A before-close timer falls due that many days before close_date."""
    deal = _deal(sales, amount=Money.of(1, "EUR"), close_date=date(2024, 6, 30))
    deal, _ = sales.move(deal, "negotiation", actor=None, at=T0)

    due = sales.due([deal], datetime(2024, 6, 24, tzinfo=UTC))

    assert [datetime(2024, 6, 23, tzinfo=UTC)] == [d.due_at for d in due]


_STAGES = ["prospecting", "qualification", "quote", "negotiation", "closed_won", "closed_lost"]


@given(
    skip=st.booleans(),
    backward=st.booleans(),
    steps=st.lists(
        st.tuples(
            st.sampled_from(_STAGES),
            st.sampled_from([None, "price"]),
            st.booleans(),
        ),
        max_size=12,
    ),
)
def test_move_succeeds_exactly_when_check_allows(
    skip: bool, backward: bool, steps: list[tuple[str, str | None, bool]]
) -> None:
    """For random rules and move sequences, move works iff check_move allows it."""
    config = seeds_config()
    config["transitions"] = {"allow_skip": skip, "allow_backward": backward}
    names = ("send_quote", "send_invoice", "remind_owner", "chase")
    pipeline = Pipeline.from_dict(config, actions=dict.fromkeys(names, _noop))
    deal = pipeline.new_deal(title="Acme", at=T0)
    at = T0
    for target, reason, with_amount in steps:
        at += timedelta(hours=1)
        if with_amount and deal.amount is None:
            deal = _with_amount(deal)
        subject = deal if not reason or target != "closed_lost" else _lost(deal, reason)
        allowed = pipeline.check_move(subject, target, now=at).allowed
        try:
            deal, _ = pipeline.move(deal, target, actor="u", at=at, reason=reason)
        except TransitionDenied:
            assert not allowed
        else:
            assert allowed
        assert deal.stage_id == deal.history[-1].to_stage
        replayed = deal.history[0].to_stage
        for change in deal.history[1:]:
            assert replayed == change.from_stage
            replayed = change.to_stage
        assert deal.stage_id == replayed


def _noop(deal: Deal, event: object) -> None:
    """An action that does nothing."""


def _with_amount(deal: Deal) -> Deal:
    return attrs.evolve(deal, amount=Money.of(100, "EUR"), close_date=date(2030, 1, 1))


def _lost(deal: Deal, reason: str) -> Deal:
    return attrs.evolve(deal, lost_reason=reason)


def test_stage_kind_follows_the_stage(sales: Pipeline) -> None:
    """new_deal, move and transfer set stage_kind to the kind of the stage entered."""
    config = sales.to_dict()
    config["id"] = "renewals"
    config["stages"][0]["kind"] = "won"  # the spec: a transfer takes the target stage's kind
    config["stages"][0]["probability"] = 1
    renewals = Pipeline.from_dict(config, actions=sales.actions)
    deal = _deal(sales, amount=Money.of(1, "EUR"))

    qualified = sales.move(deal, "qualification", actor="ana", at=T0)[0]
    lost = sales.move(qualified, "closed_lost", actor="ana", at=T0, reason="price")[0]
    moved = sales.transfer(deal, renewals, {"prospecting": "prospecting"}, actor="ana", at=T0)[0]

    assert StageKind.OPEN == deal.stage_kind == qualified.stage_kind
    assert StageKind.LOST == lost.stage_kind
    assert StageKind.WON == moved.stage_kind


def test_new_deal_refuses_a_given_stage_kind(sales: Pipeline) -> None:
    """stage_kind is derived from the stage, so new_deal does not take it."""
    with pytest.raises(ValidationError, match="is derived from the stage"):
        sales.new_deal(title="Acme", at=T0, stage_kind="won")


def test_guard_on_a_money_field_reports_a_wrong_value(sales: Pipeline) -> None:
    """A guard reading a field that holds the wrong type is a guard error, as before."""
    deal = _deal(sales)
    broken = attrs.evolve(deal)
    object.__setattr__(broken, "amount", 12)  # bypasses the converter on purpose

    check = sales.check_move(broken, "qualification")

    assert ProblemKind.GUARD_ERROR == check.problems[0].kind
    assert "field 'amount' holds a int, not Money" in check.reasons[0]


def test_move_reports_a_guard_that_cannot_be_checked() -> None:
    """A guard failing to evaluate refuses the move with the reason, like check_move."""
    guard = {"expression": "10 / (version - 1) > 1", "message": "Needs an update"}
    pipeline = Pipeline.from_dict(
        {"id": "p", "stages": [{"id": "a"}, {"id": "b", "guards": [guard]}]}
    )
    deal = pipeline.new_deal(title="Acme", at=T0)

    with pytest.raises(TransitionDenied, match="cannot be checked: division by zero") as denied:
        pipeline.move(deal, "b", actor="ana", at=T0)

    assert list(pipeline.check_move(deal, "b").reasons) == list(denied.value.reasons)
    assert "b" == pipeline.move(attrs.evolve(deal, version=3), "b", actor="ana", at=T0)[0].stage_id


NAIVE = datetime(2024, 3, 1, 9, 0)


def test_checks_refuse_a_naive_clock(sales: Pipeline) -> None:
    """check_move, check_entry and available_moves refuse a naive now, as move does."""
    deal = _deal(sales, amount=Money.of(1, "EUR"))

    with pytest.raises(ValidationError, match="timestamps must be timezone-aware"):
        sales.check_move(deal, "qualification", now=NAIVE)
    with pytest.raises(ValidationError, match="timestamps must be timezone-aware"):
        sales.check_entry(deal, now=NAIVE)
    with pytest.raises(ValidationError, match="timestamps must be timezone-aware"):
        sales.available_moves(deal, now=NAIVE)
    with pytest.raises(ValidationError, match="timestamps must be timezone-aware"):
        sales.move(deal, "qualification", actor=None, at=NAIVE)


def test_checks_accept_an_aware_clock_in_any_zone(sales: Pipeline) -> None:
    """An aware now in another zone is the same instant as in UTC, so the verdict is equal."""
    deal = _deal(sales, amount=Money.of(1, "EUR"), close_date=date(2024, 3, 2))
    east = (T0 + timedelta(hours=12)).astimezone(timezone(timedelta(hours=5)))

    assert sales.check_move(deal, "quote", now=T0 + timedelta(hours=12)) == sales.check_move(
        deal, "quote", now=east
    )


def test_check_move_refuses_a_stage_that_is_not_text(sales: Pipeline) -> None:
    """A stage id that is not text is a ValidationError, not a TypeError."""
    with pytest.raises(ValidationError, match="expected a stage id"):
        sales.check_move(_deal(sales), ["quote"], now=T0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("deals", "message"),
    [
        (None, "expected an iterable of Deal records"),
        ("prospecting", "expected an iterable of Deal records"),
        ([{"stage_id": "quote"}], "expected a Deal in the deals given"),
    ],
)
def test_time_rules_refuse_what_is_not_deals(sales: Pipeline, deals: object, message: str) -> None:
    """Rotting and due raise ValidationError for anything but an iterable of deals."""
    with pytest.raises(ValidationError, match=message):
        sales.rotting(deals, T0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=message):
        sales.due(deals, T0)  # type: ignore[arg-type]


def test_time_rules_refuse_a_naive_clock(sales: Pipeline) -> None:
    """Rotting and due refuse naive datetimes."""
    with pytest.raises(ValidationError, match="timestamps must be timezone-aware"):
        sales.rotting([], NAIVE)
    with pytest.raises(ValidationError, match="timestamps must be timezone-aware"):
        sales.due([], T0, since=NAIVE)


@pytest.mark.parametrize(
    ("stage_id", "message"),
    [
        ("won", "no stage in pipeline 'sales'"),
        (None, r"expected a stage id \(text\)"),
        (["quote"], r"expected a stage id \(text\)"),
    ],
)
def test_stage_and_probability_refuse_unknown_stages(
    sales: Pipeline, stage_id: object, message: str
) -> None:
    """Pipeline.stage and Pipeline.probability raise ValidationError for a bad stage id."""
    with pytest.raises(ValidationError, match=message):
        sales.stage(stage_id)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=message):
        sales.probability(stage_id)  # type: ignore[arg-type]


def test_run_actions_refuses_bad_arguments(sales: Pipeline) -> None:
    """Both run_actions forms refuse a non-deal, non-event or non-mapping before running any."""
    deal = _deal(sales, amount=Money.of(1, "EUR"))
    moved, event = sales.move(deal, "qualification", actor=None, at=T0)

    with pytest.raises(ValidationError, match="expected a Deal"):
        sales.run_actions(None, event)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected a StageChanged"):
        sales.run_actions(moved, None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected a mapping of action names"):
        run_actions(moved, event, ["send_quote"])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected a StageChanged"):
        run_actions(moved, moved, {})  # type: ignore[arg-type]


def test_raise_if_denied_refuses_a_hand_built_problem() -> None:
    """A MoveCheck holding something other than MoveProblem raises ValidationError."""
    check = MoveCheck("d1", "prospecting", "quote", ("amount missing",))  # type: ignore[arg-type]

    with pytest.raises(ValidationError, match="expected a MoveProblem"):
        check.raise_if_denied()


def test_raise_if_denied_carries_the_reasons() -> None:
    """A refused check raises TransitionDenied with its problems' messages; an allowed one not."""
    problem = MoveProblem(ProblemKind.REQUIRED, "amount is required", ("amount",))

    with pytest.raises(TransitionDenied, match="amount is required"):
        MoveCheck("d1", "prospecting", "quote", (problem,)).raise_if_denied()
    MoveCheck("d1", "prospecting", "quote").raise_if_denied()  # allowed: nothing raised
