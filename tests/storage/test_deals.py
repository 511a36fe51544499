"""Deals in the store: the deal kind's contract, and pipeline rules on every write path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import attrs
import pytest

from crmkit.errors import ConfigError, TransitionDenied, ValidationError
from crmkit.expr import compile
from crmkit.pipeline import Deal, Pipeline, Pipelines, StageKind, deal_field_types
from crmkit.storage import Store, UpsertResult
from crmkit.values import Money

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)

CONFIG: dict[str, Any] = {
    "id": "sales",
    "fields": {"discount": "number"},
    "stages": [
        {"id": "prospecting", "probability": "0.1"},
        {
            "id": "qualification",
            "probability": "0.2",
            "guards": [{"expression": "NOT(ISBLANK(amount))", "message": "Set an amount"}],
        },
        {"id": "quote", "probability": "0.5", "required": ["amount", "close_date"]},
        {"id": "closed_won", "kind": "won"},
        {"id": "closed_lost", "kind": "lost"},
    ],
}


@pytest.fixture
def sales() -> Pipeline:
    """A small funnel with a guard, required fields and a lost stage."""
    return Pipeline.from_dict(CONFIG)


@pytest.fixture
def deals_store(store: Store, sales: Pipeline) -> Store:
    """A store of each backend that enforces the sales pipeline."""
    store.use_pipelines([sales])
    return store


def _forged(deal: Deal, to_stage: str, **changes: Any) -> Deal:
    """The deal moved to *to_stage* by hand, with a well-formed history entry."""
    entry = attrs.evolve(
        deal.history[-1], from_stage=deal.stage_id, to_stage=to_stage, at=deal.history[-1].at
    )
    return attrs.evolve(deal, stage_id=to_stage, history=[*deal.history, entry], **changes)


def test_deal_round_trips(deals_store: Store, sales: Pipeline) -> None:
    """A deal with money, a close date, contacts, custom values and history reads back equal."""
    deal = sales.new_deal(
        title="Acme renewal",
        amount=Money.of("12000.50", "EUR"),
        close_date=date(2030, 4, 30),
        contacts=[{"contact_id": "c1", "role": "champion"}],
        company_id="k1",
        owner_id="ana",
        lead_source="web",
        custom={"discount": 5, "tags": ["a", "b"]},
        at=T0,
    )
    moved, _ = sales.move(deal, "qualification", actor="ana", at=T0 + timedelta(days=1))

    deals_store.deals.add(moved)

    assert moved == deals_store.deals.get(moved.id)


def test_filters_sorting_and_keys(deals_store: Store, sales: Pipeline) -> None:
    """Deals filter on stage, amount, close date and pipeline custom fields, and key by company."""
    small = sales.new_deal(title="Small", amount=Money.of(100, "EUR"), company_id="k1", at=T0)
    big = sales.new_deal(
        title="Big",
        amount=Money.of(90_000, "EUR"),
        close_date=date(2030, 6, 1),
        custom={"discount": 10},
        at=T0,
    )
    big, _ = sales.move(big, "qualification", actor="ana", at=T0)
    for deal in (small, big):
        deals_store.deals.add(deal)

    def ids(where: str) -> set[str]:
        return {d.id for d in deals_store.deals.find(where)}

    assert {big.id} == ids('stage_id = "qualification"')
    assert {big.id} == ids("amount > 1000")
    assert {big.id} == ids("close_date >= DATE(2030, 5, 1)")
    assert {small.id} == ids("ISBLANK(close_date)")
    assert {big.id} == ids("discount > 5")
    assert 2 == deals_store.deals.count('pipeline_id = "sales"')
    assert {"k1": [small]} == deals_store.deals.find_by_keys("company", ["k1"])
    ordered = deals_store.deals.find(order_by="-stage_id")
    assert [big.id, small.id] == [d.id for d in ordered]
    with pytest.raises(ValidationError, match="cannot sort deal records"):
        deals_store.deals.find(order_by="close_date")


def test_proper_moves_are_stored(deals_store: Store, sales: Pipeline) -> None:
    """A deal moved with Pipeline.move updates, upserts and records the stage in history."""
    deal = deals_store.deals.add(
        sales.new_deal(title="Acme", amount=Money.of(5, "EUR"), at=T0), actor="ana"
    )
    moved, _ = sales.move(deal, "qualification", actor="ana", at=T0 + timedelta(hours=1))
    stored = deals_store.deals.update(moved, actor="ana")
    won, _ = sales.move(stored, "closed_won", actor="ana", at=T0 + timedelta(hours=2))

    result = deals_store.deals.bulk_upsert([won], actor="ana")

    assert UpsertResult(created=0, updated=1) == result
    final = deals_store.deals.get(deal.id)
    assert ("closed_won", 3) == (final.stage_id, final.version)
    changes = deals_store.history(deal.id)[1].changes
    assert ("prospecting", "qualification") == changes["stage_id"]


def _refused_add(store: Store, deal: Deal, forged: Deal) -> None:
    store.deals.add(forged)


def _refused_update(store: Store, deal: Deal, forged: Deal) -> None:
    store.deals.add(deal)
    store.deals.update(forged)


def _refused_upsert_new(store: Store, deal: Deal, forged: Deal) -> None:
    store.deals.bulk_upsert([forged])


def _refused_upsert_existing(store: Store, deal: Deal, forged: Deal) -> None:
    store.deals.add(deal)
    store.deals.bulk_upsert([forged])


WRITES: dict[str, Callable[[Store, Deal, Deal], None]] = {
    "add": _refused_add,
    "update": _refused_update,
    "bulk_upsert_new": _refused_upsert_new,
    "bulk_upsert_existing": _refused_upsert_existing,
}


@pytest.mark.parametrize("path", list(WRITES))
def test_stage_jump_failing_a_guard_is_refused(
    deals_store: Store, sales: Pipeline, path: str
) -> None:
    """A deal moved past a failing guard is refused on every write path; nothing changes."""
    deal = sales.new_deal(title="Acme", at=T0)  # no amount: qualification's guard fails
    forged = _forged(deal, "qualification")

    with pytest.raises(TransitionDenied, match=r"Set an amount \(amount\)"):
        WRITES[path](deals_store, deal, forged)

    stored = deals_store.deals.get_many([deal.id])
    assert [] == [d for d in stored.values() if d.stage_id != "prospecting"]


def test_stage_set_by_hand_is_refused(deals_store: Store, sales: Pipeline) -> None:
    """Changing stage_id without a history entry is refused, even when the checks pass."""
    deal = deals_store.deals.add(sales.new_deal(title="Acme", amount=Money.of(5, "EUR"), at=T0))
    by_hand = attrs.evolve(
        deal,
        stage_id="qualification",
        history=[attrs.evolve(deal.history[0], to_stage="qualification")],
    )

    with pytest.raises(TransitionDenied, match="must append one history entry"):
        deals_store.deals.update(by_hand)

    assert "prospecting" == deals_store.deals.get(deal.id).stage_id


def test_refused_deal_rolls_back_the_whole_upsert(deals_store: Store, sales: Pipeline) -> None:
    """One refused deal in a bulk upsert stores none of the batch."""
    good = sales.new_deal(title="Good", at=T0)
    bad = _forged(sales.new_deal(title="Bad", at=T0), "quote")

    with pytest.raises(TransitionDenied, match="amount is required"):
        deals_store.deals.bulk_upsert([good, bad])

    assert 0 == deals_store.deals.count()


def test_unknown_pipeline_is_refused(deals_store: Store, sales: Pipeline) -> None:
    """A deal of a pipeline the store does not know is refused, naming the known ones."""
    other = Pipeline.from_dict({**CONFIG, "id": "renewals"})
    deal = other.new_deal(title="Acme", at=T0)

    with pytest.raises(TransitionDenied, match=r"no pipeline 'renewals' \(known: sales\)"):
        deals_store.deals.add(deal)


def test_store_without_pipelines_refuses_deals(store: Store, sales: Pipeline) -> None:
    """Until use_pipelines is called, every deal write is refused."""
    with pytest.raises(TransitionDenied, match="the store knows no pipelines"):
        store.deals.add(sales.new_deal(title="Acme", at=T0))
    with pytest.raises(TransitionDenied, match="the store knows no pipelines"):
        store.deals.bulk_upsert([sales.new_deal(title="Acme", at=T0)])

    assert 0 == store.deals.count()


def test_repository_taken_before_use_pipelines_enforces_them(store: Store, sales: Pipeline) -> None:
    """A deals repository fetched before use_pipelines follows the pipelines given later."""
    deals = store.deals
    store.use_pipelines(Pipelines([sales]))

    deal = deals.add(sales.new_deal(title="Acme", at=T0))

    assert deal == store.deals.get(deal.id)


def test_use_pipelines_bad_input(store: Store, sales: Pipeline) -> None:
    """Bad pipelines raise ConfigError naming the problem."""
    with pytest.raises(ConfigError, match=r"pipelines\[0\]: expected a Pipeline"):
        store.use_pipelines(["sales"])  # type: ignore[list-item]
    with pytest.raises(ConfigError, match="is used twice"):
        store.use_pipelines([sales, sales])
    with pytest.raises(ConfigError, match="expected pipelines"):
        store.use_pipelines(42)  # type: ignore[arg-type]
    clash = Pipeline.from_dict({**CONFIG, "id": "other", "fields": {"discount": "text"}})
    with pytest.raises(ConfigError, match="another pipeline declares it number"):
        store.use_pipelines([sales, clash])


def test_delete_and_restore_a_deal(deals_store: Store, sales: Pipeline) -> None:
    """Deals soft-delete and restore like every record."""
    deal = deals_store.deals.add(sales.new_deal(title="Acme", at=T0))

    deals_store.deals.delete(deal.id)
    assert 0 == deals_store.deals.count()
    restored = deals_store.deals.restore(deal.id)

    assert (3, "prospecting") == (restored.version, restored.stage_id)


def test_deal_is_not_a_custom_object_type(store: Store) -> None:
    """Registering a custom object type named like a built-in kind raises ConfigError."""
    with pytest.raises(ConfigError, match="'deal' is a built-in record kind"):
        store.register_object_type("deal", {"amount": "money"})


def test_stage_kind_filters_the_same_on_every_backend(deals_store: Store, sales: Pipeline) -> None:
    """stage_kind filters by the kind of the stage, as evaluating on the deal does."""
    amount = Money.of(500, "EUR")
    start = sales.new_deal(title="Open", amount=amount, at=T0)
    won = sales.move(
        sales.new_deal(title="Won", amount=amount, at=T0), "closed_won", actor="ana", at=T0
    )[0]
    lost = sales.move(
        sales.new_deal(title="Lost", amount=amount, at=T0),
        "closed_lost",
        actor="ana",
        at=T0,
        reason="price",
    )[0]
    deals_store.deals.bulk_upsert([start, won, lost])
    condition = compile("stage_kind = 'open' OR stage_kind = 'won'", deal_field_types(sales))

    found = {d.id for d in deals_store.deals.find("stage_kind = 'open' OR stage_kind = 'won'")}
    evaluated = {d.id for d in (start, won, lost) if condition.evaluate(d) is True}

    assert {start.id, won.id} == found == evaluated
    assert {lost.id} == {d.id for d in deals_store.deals.find("stage_kind = 'lost'")}
    assert StageKind.WON == deals_store.deals.get(won.id).stage_kind


def test_contradicting_stage_kind_is_refused(deals_store: Store, sales: Pipeline) -> None:
    """A deal written with a stage kind that is not its stage's is refused."""
    deal = sales.new_deal(title="Acme", at=T0)

    with pytest.raises(TransitionDenied, match="stage_kind 'won' contradicts stage 'prospecting'"):
        deals_store.deals.add(attrs.evolve(deal, stage_kind="won"))
    deals_store.deals.add(deal)
    with pytest.raises(TransitionDenied, match="stage_kind 'lost' contradicts"):
        deals_store.deals.update(attrs.evolve(deal, stage_kind="lost"))
    with pytest.raises(TransitionDenied, match="stage_kind 'open' contradicts stage 'closed_won'"):
        deals_store.deals.update(_forged(deal, "closed_won"))

    assert StageKind.OPEN == deals_store.deals.get(deal.id).stage_kind
