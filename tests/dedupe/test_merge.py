"""Merging duplicates: survivorship, the report, and merging in a store with undo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.contacts import Affiliation, Company, Contact
from crmkit.dedupe import match_against, merge_in_store, undo_merge
from crmkit.dedupe._merge import MergeStrategy, Survivorship, merge
from crmkit.errors import ConfigError, ConflictError, NotFound, TransitionDenied, ValidationError
from crmkit.pipeline import Deal, Pipeline
from crmkit.storage import MemoryStore, SqlStore, Store

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _at(days: int) -> datetime:
    return T0 + timedelta(days=days)


def test_union_keeps_every_email_once_and_reports_the_repeat() -> None:
    """E-mails are united by match key; the repeated spelling is kept in the report."""
    a = Contact(id="a", first_name="Bob", emails=["bob@example.com"], created_at=_at(0))
    b = Contact(
        id="b", first_name="Robert", emails=["BOB@example.com", "r@work.com"], created_at=_at(1)
    )

    result = merge([a, b])
    emails = result.record.emails

    assert ["bob@example.com", "r@work.com"] == [e.address.value for e in emails]
    assert [True, False] == [e.primary for e in emails]
    assert ("b",) == tuple(rid for rid, _ in result.report.choice("emails").not_chosen)


def test_nothing_is_lost() -> None:
    """Every value of every record is on the survivor or in the report's not-chosen values."""
    a = Contact(id="a", first_name="Bob", job_title="CEO", created_at=_at(0), updated_at=_at(0))
    b = Contact(
        id="b", first_name="Robert", job_title="Founder", created_at=_at(1), updated_at=_at(5)
    )

    result = merge([a, b])
    title = result.report.choice("job_title")
    first = result.report.choice("first_name")

    assert {"CEO", "Founder"} == {title.value, *(v for _, v in title.not_chosen)}
    assert {"Bob", "Robert"} == {first.value, *(v for _, v in first.not_chosen)}


def test_survivorship_rules() -> None:
    """newest, oldest, longest, most_frequent, master and a callable pick as described."""
    a = Contact(
        id="a",
        first_name="Al",
        last_name="Smithson",
        job_title="VP",
        created_at=_at(0),
        updated_at=_at(9),
    )
    b = Contact(
        id="b",
        first_name="Albert",
        last_name="Smith",
        job_title="VP Sales",
        created_at=_at(1),
        updated_at=_at(2),
    )
    c = Contact(id="c", first_name="Al", job_title="", created_at=_at(2), updated_at=_at(3))

    def shortest(field: str, candidates: object) -> object:
        return min((v for _, v in candidates if v), key=len)  # type: ignore[attr-defined]

    strategy = MergeStrategy(
        master="c",
        fields={
            "first_name": Survivorship.LONGEST,
            "job_title": Survivorship.OLDEST,
            "middle_name": Survivorship.MASTER,
            "last_name": shortest,
        },
    )
    result = merge([a, b, c], strategy)
    frequent = merge([a, b, c], MergeStrategy(fields={"first_name": Survivorship.MOST_FREQUENT}))
    newest = merge([a, b, c], MergeStrategy(master="b", fields={"job_title": Survivorship.NEWEST}))

    survivor, most, latest = result.record, frequent.record, newest.record
    assert isinstance(survivor, Contact)
    assert isinstance(most, Contact)
    assert isinstance(latest, Contact)

    assert "c" == survivor.id
    assert "Smith" == survivor.last_name
    assert "Albert" == survivor.first_name
    assert "VP" == survivor.job_title
    assert "Al" == most.first_name
    assert "VP" == latest.job_title
    assert _at(0) == result.record.created_at
    assert _at(9) == result.record.updated_at


@given(st.integers(min_value=1, max_value=12))
def test_merges_any_number_of_records(count: int) -> None:
    """N records merge into one that carries every distinct phone."""
    records = [
        Contact(id=f"c{k:02d}", first_name="Ann", phones=[f"+1212555{k:04d}"]) for k in range(count)
    ]

    result = merge(records)

    assert count == len(result.record.phones)
    assert count - 1 == len(result.report.merged_ids)


def test_bad_merges_are_refused() -> None:
    """No records, mixed kinds, repeated ids and an unknown master are errors."""
    a = Contact(id="a", first_name="A")
    with pytest.raises(ValidationError, match="nothing to merge"):
        merge([])
    with pytest.raises(ValidationError, match="cannot merge different kinds"):
        merge([a, Company(name="Acme")])
    with pytest.raises(ValidationError, match="listed twice"):
        merge([a, a])
    with pytest.raises(ConfigError, match="not one of the records merged"):
        merge([a], MergeStrategy(master="zzz"))
    with pytest.raises(ConfigError, match="union applies to"):
        MergeStrategy(fields={"first_name": Survivorship.UNION})


def test_merge_in_store_and_undo() -> None:
    """A stored merge re-points affiliations, soft-deletes the others, and undo restores all."""
    store = MemoryStore()
    a = store.contacts.add(Contact(first_name="Bob", last_name="Smith", emails=["bob@x.com"]))
    b = store.contacts.add(Contact(first_name="Robert", last_name="Smith", phones=["+12125550100"]))
    acme = store.companies.add(Company(name="Acme"))
    globex = store.companies.add(Company(name="Globex"))
    store.affiliations.add(Affiliation(contact_id=a.id, company_id=acme.id))
    store.affiliations.add(Affiliation(contact_id=b.id, company_id=acme.id))
    moved = store.affiliations.add(Affiliation(contact_id=b.id, company_id=globex.id))

    result = merge_in_store(store, [a.id, b.id], actor="tester")
    survivor = result.record

    assert 1 == store.contacts.count()
    assert survivor.id == store.affiliations.get(moved.id).contact_id
    assert 2 == store.affiliations.count()
    assert result.merge_id is not None

    restored = undo_merge(store, result.merge_id, actor="tester")

    assert 2 == store.contacts.count()
    assert 3 == store.affiliations.count()
    assert b.id == store.affiliations.get(moved.id).contact_id
    for before in (a, b):
        after = store.contacts.get(before.id)
        assert (before.first_name, before.emails, before.phones) == (
            after.first_name,
            after.emails,
            after.phones,
        )
    assert {a.id, b.id} == {r.id for r in restored}
    with pytest.raises(ConflictError, match="already undone"):
        undo_merge(store, result.merge_id)


def test_merge_in_store_bad_input() -> None:
    """Unknown ids and unknown merges are NotFound; a single id is a validation error."""
    store = MemoryStore()
    a = store.contacts.add(Contact(first_name="A"))
    with pytest.raises(ValidationError, match="two or more"):
        merge_in_store(store, [a.id])
    with pytest.raises(NotFound, match="no contact"):
        merge_in_store(store, [a.id, "missing"])
    with pytest.raises(NotFound, match=r"^no merge with id 'missing'$"):
        undo_merge(store, "missing")


def test_match_against_uses_key_lookups() -> None:
    """An incoming record finds the stored record sharing its e-mail key, and scores it."""
    store = MemoryStore()
    stored = store.contacts.add(Contact(first_name="Bob", last_name="Smith", emails=["bob@x.com"]))
    store.contacts.add(Contact(first_name="Ann", last_name="Lee", emails=["ann@x.com"]))
    incoming = Contact(first_name="Robert", last_name="Smith", emails=["BOB@x.com"])

    (found,) = match_against([incoming], store)

    assert found.best is not None
    assert stored.id == found.best.record.id
    assert 1 == len(found.matches)


def test_merge_refuses_what_is_not_records_or_a_strategy() -> None:
    """None, a number, a single record and a strategy of the wrong type are crmkit errors."""
    a, b = Contact(id="a", first_name="A"), Contact(id="b", first_name="B")
    for bad in (None, 5, "ab", a):
        with pytest.raises(
            ValidationError, match=r"'records'.*expected a list of contacts or of companies"
        ):
            merge(bad)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^strategy: expected a MergeStrategy, got str$"):
        merge([a, b], "x")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^strategy: expected a MergeStrategy, got dict$"):
        merge([a, b], {})  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^fields: expected rules by field name, got NoneType$"):
        MergeStrategy(fields=None)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^master: expected a record id or None, got 5$"):
        MergeStrategy(master=5)  # type: ignore[arg-type]


def test_merge_in_store_and_undo_refuse_bad_arguments() -> None:
    """A non-store, ids that are not a list of distinct ids and a bad strategy are refused."""
    store = MemoryStore()
    a = store.contacts.add(Contact(first_name="A"))
    b = store.contacts.add(Contact(first_name="B"))
    with pytest.raises(ConfigError, match=r"^store: expected a crmkit Store, got NoneType$"):
        merge_in_store(None, [a.id, b.id])
    with pytest.raises(ValidationError, match=r"'ids'.*expected a list of record ids"):
        merge_in_store(store, a.id)
    with pytest.raises(ValidationError, match=r"'ids'.*expected a list of record ids"):
        merge_in_store(store, None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"'ids'.*expected a record id \(non-empty text\)"):
        merge_in_store(store, [a.id, ""])
    with pytest.raises(ValidationError, match="two or more record ids"):
        merge_in_store(store, [a.id, a.id])
    with pytest.raises(ValidationError, match="'kind' 'deal': expected 'contact' or 'company'"):
        merge_in_store(store, [a.id, b.id], kind="deal")
    with pytest.raises(ConfigError, match=r"^strategy: expected a MergeStrategy, got str$"):
        merge_in_store(store, [a.id, b.id], "x")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^store: expected a crmkit Store, got int$"):
        undo_merge(5, "m1")
    with pytest.raises(NotFound, match=r"^no merge with id None$"):
        undo_merge(store, None)  # type: ignore[arg-type]

    assert 2 == store.contacts.count()


SALES = Pipeline.from_dict(
    {
        "id": "sales",
        "stages": [
            {"id": "new", "probability": "0.1"},
            {"id": "proposal", "probability": "0.5"},
            {"id": "won", "kind": "won"},
        ],
    }
)


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def deal_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store of each backend that enforces the sales pipeline."""
    made: Store
    if request.param == "memory":
        made = MemoryStore()
    elif request.param == "sqlite":
        made = SqlStore(f"sqlite:///{tmp_path / 'crm.db'}")
    else:
        url = request.getfixturevalue("pg_url")
        made = SqlStore(url, schema=request.getfixturevalue("pg_schema"))
    made.use_pipelines([SALES])
    try:
        yield made
    finally:
        made.close()


def _deal(store: Store, title: str, stage: str = "new", **fields: Any) -> Deal:
    deal = SALES.new_deal(title=title, at=T0, **fields)
    if stage != deal.stage_id:
        deal, _ = SALES.move(deal, stage, actor="tester", at=_at(1))
    return store.deals.add(deal)


def _people(deal: Deal) -> list[tuple[str, str]]:
    return [(c.contact_id, c.role) for c in deal.contacts]


def test_merge_in_store_repoints_deals_and_undo_restores_them(deal_store: Store) -> None:
    """Deals of merged contacts point at the survivor, keep their stage, and undo puts back."""
    store = deal_store
    a = store.contacts.add(Contact(first_name="Bob", last_name="Smith", emails=["bob@x.com"]))
    b = store.contacts.add(Contact(first_name="Robert", last_name="Smith"))
    c = store.contacts.add(Contact(first_name="Ann", last_name="Lee"))
    both = _deal(
        store,
        "Both on it",
        contacts=[
            {"contact_id": b.id, "role": "decision maker"},
            {"contact_id": c.id, "role": "user"},
            {"contact_id": a.id, "role": "champion"},
        ],
    )
    merged_only = _deal(store, "Merged only", stage="proposal", contacts=[b.id])
    untouched = _deal(store, "Untouched", contacts=[c.id])

    result = merge_in_store(store, [a.id, b.id], MergeStrategy(master=a.id), actor="tester")
    after_both = store.deals.get(both.id)
    after_merged = store.deals.get(merged_only.id)

    # a deal lists each person once: the merged contact's entry (first) speaks for both
    assert [(a.id, "decision maker"), (c.id, "user")] == _people(after_both)
    assert [(a.id, "contact")] == _people(after_merged)
    assert ("new", "proposal") == (after_both.stage_id, after_merged.stage_id)
    assert (both.history, merged_only.history) == (after_both.history, after_merged.history)
    assert untouched == store.deals.get(untouched.id)
    assert result.merge_id is not None

    undo_merge(store, result.merge_id, actor="tester")
    back_both = store.deals.get(both.id)
    back_merged = store.deals.get(merged_only.id)

    assert _people(both) == _people(back_both)
    assert _people(merged_only) == _people(back_merged)
    assert ("new", "proposal") == (back_both.stage_id, back_merged.stage_id)


def test_merging_companies_repoints_deal_companies(deal_store: Store) -> None:
    """A deal of a merged company moves to the survivor; undo gives it its company back."""
    store = deal_store
    acme = store.companies.add(Company(name="Acme", domain="acme.com"))
    acme_inc = store.companies.add(Company(name="Acme Inc", domain="acme.com"))
    deal = _deal(store, "Renewal", company_id=acme_inc.id)
    own = _deal(store, "Upsell", company_id=acme.id)

    result = merge_in_store(
        store, [acme.id, acme_inc.id], MergeStrategy(master=acme.id), kind="company"
    )

    assert acme.id == store.deals.get(deal.id).company_id
    assert own == store.deals.get(own.id)
    assert result.merge_id is not None

    undo_merge(store, result.merge_id)

    assert acme_inc.id == store.deals.get(deal.id).company_id
    assert acme.id == store.deals.get(own.id).company_id


def test_undo_keeps_people_added_to_a_deal_after_the_merge() -> None:
    """Undo restores a deal's entries as they were, and leaves a person added since on it."""
    store = MemoryStore()
    store.use_pipelines([SALES])
    a = store.contacts.add(Contact(first_name="Bob"))
    b = store.contacts.add(Contact(first_name="Robert"))
    late = store.contacts.add(Contact(first_name="Cy"))
    deal = _deal(store, "Deal", contacts=[b.id])
    result = merge_in_store(store, [a.id, b.id], MergeStrategy(master=a.id))
    current = store.deals.get(deal.id)
    store.deals.update(attrs.evolve(current, contacts=[a.id, late.id]))
    assert result.merge_id is not None

    undo_merge(store, result.merge_id)

    assert [(b.id, "contact"), (late.id, "contact")] == _people(store.deals.get(deal.id))


def test_merge_with_deals_the_store_cannot_check_writes_nothing() -> None:
    """Without the deals' pipeline the merge is refused whole: no record, deal or log changes."""
    store = MemoryStore()
    store.use_pipelines([SALES])
    a = store.contacts.add(Contact(first_name="Bob"))
    b = store.contacts.add(Contact(first_name="Robert"))
    deal = _deal(store, "Deal", contacts=[b.id])
    store.use_pipelines([])

    with pytest.raises(TransitionDenied, match="no pipeline 'sales'"):
        merge_in_store(store, [a.id, b.id])

    assert {a.id: a, b.id: b} == store.contacts.get_many([a.id, b.id])
    assert deal == store.deals.get(deal.id)
