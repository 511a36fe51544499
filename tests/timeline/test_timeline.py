"""A record's timeline from a store: what happened on it and its related records, newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from crmkit.activities import Activity, Link
from crmkit.contacts import Affiliation, Company, Contact
from crmkit.errors import NotFound, ValidationError
from crmkit.pipeline import Pipeline
from crmkit.storage import Store
from crmkit.timeline import EntryKind, TimelineEntry, timeline

T0 = datetime(2020, 3, 2, 9, 0, tzinfo=UTC)
PIPELINE = Pipeline.from_dict(
    {
        "id": "sales",
        "stages": [
            {"id": "new", "probability": 0.1},
            {"id": "quote", "probability": 0.5},
            {"id": "won", "kind": "won"},
        ],
    }
)
ACME = Link(kind="company", id="K1")
ANN = Link(kind="contact", id="C1")
DEAL = Link(kind="deal", id="D1")


@pytest.fixture
def crm(store: Store) -> Store:
    """Acme with two contacts (Ann, Bo) and a deal; Cy works elsewhere."""
    store.use_pipelines([PIPELINE])
    store.companies.bulk_upsert([Company(id="K1", name="Acme"), Company(id="K2", name="Other")])
    store.contacts.bulk_upsert(
        [Contact(id=i, first_name=n) for i, n in (("C1", "Ann"), ("C2", "Bo"), ("C3", "Cy"))]
    )
    store.affiliations.bulk_upsert(
        [
            Affiliation(contact_id="C1", company_id="K1"),
            Affiliation(contact_id="C2", company_id="K1"),
            Affiliation(contact_id="C3", company_id="K2"),
        ]
    )
    deal = PIPELINE.new_deal(
        id="D1", title="Acme renewal", company_id="K1", contacts=[{"contact_id": "C1"}], at=T0
    )
    deal, _ = PIPELINE.move(deal, "quote", actor="ana", at=T0 + timedelta(days=3))
    store.deals.add(deal, actor="ana")
    return store


def _activity(subject: str, days: float, *links: Link, **fields: object) -> Activity:
    return Activity(subject=subject, links=links, due_at=T0 + timedelta(days=days), **fields)


def _summaries(entries: object) -> list[str]:
    return [e.summary for e in entries]  # type: ignore[attr-defined]


def test_a_company_timeline_merges_its_contacts_and_deals(crm: Store) -> None:
    """Acme's timeline holds its own, Ann's, Bo's and the deal's activities and its moves."""
    crm.activities.bulk_upsert(
        [
            _activity("kick-off", 1, ACME, owner_id="ana"),
            _activity("call Ann", 2, ANN, kind="call", done_at=T0 + timedelta(days=2)),
            _activity("send quote", 4, DEAL, ANN),
            _activity("call Bo", 5, Link(kind="contact", id="C2")),
            _activity("call Cy", 6, Link(kind="contact", id="C3")),
        ]
    )

    page = timeline(crm, ACME)

    assert [
        "task: call Bo",
        "task: send quote",
        "stage new to quote",
        "call: call Ann (done)",
        "task: kick-off",
        "created in stage new",
    ] == _summaries(page)
    assert page.next_after is None
    by_summary = {e.summary: e for e in page}
    assert ANN == by_summary["task: send quote"].record  # contacts come before deals
    assert ANN == by_summary["call: call Ann (done)"].record
    assert ("ana", EntryKind.ACTIVITY) == (
        by_summary["task: kick-off"].actor,
        by_summary["task: kick-off"].kind,
    )
    moved = by_summary["stage new to quote"]
    assert (DEAL, "ana", T0 + timedelta(days=3)) == (moved.record, moved.actor, moved.at)
    assert moved.stage_change is not None
    assert "quote" == moved.stage_change.to_stage


def test_field_changes_come_from_the_history(crm: Store) -> None:
    """An update of the company or the deal is an entry naming the changed fields."""
    crm.companies.update(attrs.evolve(crm.companies.get("K1"), industry="retail"), actor="bo")
    deal = crm.deals.get("D1")
    moved, _ = PIPELINE.move(deal, "won", actor="bo", at=T0 + timedelta(days=9))
    crm.deals.update(attrs.evolve(moved, lead_source="web"), actor="bo")

    changes = [e for e in timeline(crm, ACME) if e.kind is EntryKind.FIELD_CHANGE]

    assert {"changed industry", "changed lead_source"} == set(_summaries(changes))
    industry = next(e for e in changes if e.record == ACME)
    assert ("bo", {"industry": (None, "retail")}) == (industry.actor, dict(industry.changes))
    assert "stage quote to won" in _summaries(timeline(crm, DEAL))


def test_pages_go_through_every_entry_once(crm: Store) -> None:
    """Walking a timeline page by page gives the one-page timeline, for any page size."""
    crm.activities.bulk_upsert(
        [_activity(f"t{i}", i % 4, ACME if i % 2 else ANN) for i in range(9)]
        + [
            Activity(id=f"Z{i}", subject="tie", links=[ACME], due_at=T0 + timedelta(days=3))
            for i in range(3)
        ]
    )
    crm.companies.update(attrs.evolve(crm.companies.get("K1"), industry="retail"))
    whole = list(timeline(crm, ACME, limit=100))

    for size in (1, 2, 5):
        walked: list[TimelineEntry] = []
        before = None
        while True:
            page = timeline(crm, ACME, limit=size, before=before)
            walked.extend(page)
            before = page.next_after
            if before is None:
                break
        assert whole == walked
    assert 15 == len(whole)


def test_a_contact_timeline_holds_its_deals(crm: Store) -> None:
    """A contact's timeline covers the deals it is a contact of, not its company."""
    crm.activities.bulk_upsert([_activity("for the deal", 1, DEAL), _activity("for acme", 2, ACME)])

    assert ["stage new to quote", "task: for the deal", "created in stage new"] == _summaries(
        timeline(crm, crm.contacts.get("C1"))
    )
    assert [] == list(timeline(crm, Link(kind="contact", id="C2")))


def test_a_custom_record_timeline_holds_its_activities(crm: Store) -> None:
    """A record of another kind has the activities linked to it."""
    ticket = Link(kind="ticket", id="T1")
    crm.activities.add(_activity("answer", 1, ticket))

    assert ["task: answer"] == _summaries(timeline(crm, ticket))


def test_missing_records_and_bad_arguments(crm: Store) -> None:
    """A missing company is NotFound; a bad record, limit or cursor names its field."""
    with pytest.raises(NotFound):
        timeline(crm, Link(kind="company", id="K9"))
    for kwargs, field in (
        ({"record": "K1"}, "record"),
        ({"record": ACME, "limit": 0}, "limit"),
        ({"record": ACME, "before": "nope"}, "before"),
    ):
        with pytest.raises(ValidationError) as caught:
            timeline(crm, **kwargs)  # type: ignore[arg-type]
        assert field == caught.value.field
