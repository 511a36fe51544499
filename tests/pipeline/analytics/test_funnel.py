from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import TransitionDenied, ValidationError
from crmkit.pipeline import Deal, Pipeline
from crmkit.pipeline.analytics import funnel, funnel_by, funnels, rows_by_group
from crmkit.values import Money
from pipeline_seeds import seeds_config

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
STAGES = ["prospecting", "qualification", "quote", "negotiation", "closed_won", "closed_lost"]
OPEN = STAGES[:4]


def _noop(deal: Deal, event: object) -> None:
    """An action that does nothing."""


def _pipeline() -> Pipeline:
    names = ("send_quote", "send_invoice", "remind_owner", "chase")
    return Pipeline.from_dict(seeds_config(), actions=dict.fromkeys(names, _noop))


def _walk(pipeline: Pipeline, path: list[str], *, owner: str = "ana", amount: int = 100) -> Deal:
    deal = pipeline.new_deal(
        title="Acme",
        at=T0,
        owner_id=owner,
        amount=Money.of(amount, "EUR"),
        close_date=date(2030, 1, 15),
    )
    at = T0
    for stage in path:
        at += timedelta(days=2)
        reason = "price" if stage == "closed_lost" else None
        deal, _ = pipeline.move(deal, stage, actor="u", at=at, reason=reason)
    return deal


def test_funnel_on_a_small_example() -> None:
    """Counts, conversion, win rate, sizes and forecast on three known deals."""
    pipeline = _pipeline()
    won = _walk(pipeline, ["qualification", "quote", "negotiation", "closed_won"], amount=300)
    lost = _walk(pipeline, ["qualification", "closed_lost"])
    open_deal = _walk(pipeline, ["quote"], amount=200)

    report = funnel([won, lost, open_deal], pipeline)

    qualification = report.stage("qualification")
    assert (3, 1, 1, 1) == (report.deals, report.won, report.lost, report.open)
    assert 0.5 == report.win_rate
    assert (2, 3, 0.5) == (qualification.entered, qualification.reached, qualification.to_next)
    assert 2 / 3 == qualification.to_next_loose
    assert 2.0 == report.stage("prospecting").average_days
    assert [("EUR", Money.of(300, "EUR"))] == [(s.currency, s.median) for s in report.sizes]
    assert [("2030-01", Money.of(100, "EUR"))] == [(f.month, f.weighted) for f in report.forecast]
    assert (("price", 1),) == report.lost_reasons
    assert 8.0 == report.median_cycle_days


def test_grouping_and_rows() -> None:
    """funnel_by groups by owner; rows carry the group and format money on request."""
    pipeline = _pipeline()
    deals = [
        _walk(pipeline, ["closed_won"], owner="ana"),
        _walk(pipeline, ["closed_won"], owner="ben", amount=1234),
    ]

    by_owner = funnel_by(deals, pipeline, "owner")
    rows = rows_by_group(by_owner, "sizes", column="owner", locale="de_DE")

    assert ["ana", "ben"] == list(by_owner)
    assert "1.234,00\xa0€" == rows[1]["total"]
    assert {"sales": 2} == {k: r.deals for k, r in funnels(deals, {"sales": pipeline}).items()}


def test_bad_group_and_part_are_refused() -> None:
    """An unknown grouping or table raises ValidationError."""
    pipeline = _pipeline()
    with pytest.raises(ValidationError, match="expected owner, lead_source"):
        funnel_by([], pipeline, "colour")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="unknown part"):
        funnel([], pipeline).to_rows("colour")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected a Pipeline"):
        funnel([], "sales")  # type: ignore[arg-type]


@given(st.lists(st.lists(st.sampled_from(STAGES), max_size=8), max_size=12))
def test_counts_match_naive_counts(paths: list[list[str]]) -> None:
    """Entered, reached and current counts equal counts computed naively from histories."""
    pipeline = _pipeline()
    deals = []
    for path in paths:
        deal = _walk(pipeline, [])
        at = T0
        for step in path:
            at += timedelta(hours=5)
            try:
                deal, _ = pipeline.move(deal, step, actor="u", at=at, reason="price")
            except TransitionDenied:
                continue
        deals.append(deal)

    report = funnel(deals, pipeline)

    for stage in report.stages:
        visits = [{c.to_stage for c in d.history} for d in deals]
        assert sum(stage.stage_id in v for v in visits) == stage.entered
        assert sum(d.stage_id == stage.stage_id for d in deals) == stage.current
        if stage.stage_id in OPEN:
            rank = OPEN.index(stage.stage_id)
            furthest = [
                max((4 if s == "closed_won" else OPEN.index(s) if s in OPEN else -1) for s in v)
                for v in visits
            ]
            assert sum(f >= rank for f in furthest) == stage.reached
    assert sum(d.stage_id == "closed_won" for d in deals) == report.won
    assert Decimal(0) <= Decimal(str(report.win_rate or 0)) <= 1


@pytest.mark.parametrize(
    ("deals", "message"),
    [
        (None, "expected an iterable of Deal records"),
        ("deals", "expected an iterable of Deal records"),
        ([{"pipeline_id": "sales", "stage_id": "quote"}], "expected a Deal in the deals given"),
    ],
)
def test_analytics_refuse_what_is_not_deals(deals: object, message: str) -> None:
    """funnel, funnels and funnel_by raise ValidationError for anything but deals."""
    pipeline = _pipeline()

    with pytest.raises(ValidationError, match=message):
        funnel(deals, pipeline)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=message):
        funnels(deals, {"sales": pipeline})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=message):
        funnel_by(deals, pipeline, "owner")  # type: ignore[arg-type]


def test_funnels_refuses_what_is_not_pipelines_by_id() -> None:
    """Funnels needs a mapping of pipelines; a list or a mapping of other things is refused."""
    pipeline = _pipeline()

    with pytest.raises(ValidationError, match="expected a mapping of pipelines by id"):
        funnels([], [pipeline])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected a Pipeline"):
        funnels([], {"sales": "sales"})  # type: ignore[dict-item]


def test_rows_by_group_refuses_bad_reports() -> None:
    """rows_by_group needs reports by group and a known part."""
    report = funnel([], _pipeline())

    with pytest.raises(ValidationError, match="expected a mapping of FunnelReport by group"):
        rows_by_group([report])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected a FunnelReport for group 'ana'"):
        rows_by_group({"ana": {"deals": 1}})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="unknown part"):
        rows_by_group({"ana": report}, "colour")  # type: ignore[arg-type]


def test_report_stage_refuses_an_unknown_stage() -> None:
    """FunnelReport.stage raises ValidationError listing the report's stages."""
    report = funnel([], _pipeline())

    assert "quote" == report.stage("quote").stage_id
    with pytest.raises(ValidationError, match=r"no such stage in the report \(stages: prospecting"):
        report.stage("won")
