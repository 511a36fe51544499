"""Lead conversion: company created or linked, deal created, all in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crmkit.contacts import Company, Contact
from crmkit.errors import TransitionDenied, ValidationError
from crmkit.leads import convert_lead
from crmkit.pipeline import Pipeline
from crmkit.storage import MemoryStore, SqlStore, Store
from crmkit.values import Money


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path, sales: Pipeline) -> Iterator[Store]:
    """A store of each local backend that knows the seeds' funnel."""
    made: Store = (
        MemoryStore() if request.param == "memory" else SqlStore(f"sqlite:///{tmp_path / 'crm.db'}")
    )
    made.use_pipelines([sales])
    try:
        yield made
    finally:
        made.close()


def _lead(store: Store) -> Contact:
    return store.contacts.add(
        Contact(first_name="Ana", last_name="Diaz", lead_source="web", owner_id="u7")
    )


def test_new_company_and_deal(store: Store, sales: Pipeline) -> None:
    """A company name creates the company, links the lead and creates the deal."""
    lead = _lead(store)

    done = convert_lead(
        lead, store=store, pipeline=sales, company="Acme Ltd", deal={"amount": Money.of(9, "EUR")}
    )

    assert done.created_company
    assert done.company is not None
    assert done.company == store.companies.get(done.company.id)
    assert done.deal == store.deals.get(done.deal.id)
    assert ("web", "u7", done.company.id) == (
        done.deal.lead_source,
        done.deal.owner_id,
        done.deal.company_id,
    )
    assert ("Acme Ltd", "prospecting") == (done.deal.title, done.deal.stage_id)
    assert [lead.id] == [c.contact_id for c in done.deal.contacts]
    assert "opportunity" == store.contacts.get(lead.id).lifecycle_stage
    links = store.affiliations.find_by_keys("contact", [lead.id])[lead.id]
    assert [done.company.id] == [a.company_id for a in links]


def test_existing_company_is_linked_once(store: Store, sales: Pipeline) -> None:
    """An existing company is linked, not created, and an existing link is not doubled."""
    lead = _lead(store)
    acme = store.companies.add(Company(name="Acme"))

    first = convert_lead(lead, store=store, pipeline=sales, company=acme)
    again = convert_lead(store.contacts.get(lead.id), store=store, pipeline=sales, company=acme)

    assert (False, acme) == (first.created_company, first.company)
    assert 1 == store.companies.count()
    assert 1 == store.affiliations.count()
    assert 2 == store.deals.count(f'company_id = "{acme.id}"')
    assert again.deal.lead_source == "web"


def test_refused_deal_writes_nothing(store: Store, sales: Pipeline) -> None:
    """A deal that may not start in its stage leaves no company, link or contact change."""
    lead = _lead(store)

    with pytest.raises(TransitionDenied, match="amount is required"):
        convert_lead(lead, store=store, pipeline=sales, company="Acme", deal={"stage": "quote"})

    assert (0, 0, 0) == (
        store.companies.count(),
        store.affiliations.count(),
        store.deals.count(),
    )
    assert lead == store.contacts.get(lead.id)


def test_store_must_know_the_pipeline(sales: Pipeline) -> None:
    """A store that does not know the pipeline refuses the deal, and nothing is written."""
    store = MemoryStore()
    lead = _lead(store)

    with pytest.raises(TransitionDenied, match="no pipeline 'sales'"):
        convert_lead(lead, store=store, pipeline=sales, company="Acme")

    assert 0 == store.companies.count()


def test_bad_company_is_refused_and_nothing_is_written(sales: Pipeline) -> None:
    """A company that is neither a Company, a name nor None is refused, writing nothing."""
    store = MemoryStore()
    lead = store.contacts.add(Contact(first_name="Ana", last_name="Diaz", lead_source="web"))

    with pytest.raises(ValidationError, match="expected a Company, a name or None"):
        convert_lead(lead, store=store, pipeline=sales, company=42)  # type: ignore[arg-type]

    assert 0 == store.companies.count()
