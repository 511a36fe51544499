"""Merging duplicates: survivorship, the report, and merging in a store with undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.contacts import Affiliation, Company, Contact
from crmkit.contacts._dedupe import match_against, merge_in_store, undo_merge
from crmkit.contacts._merge import MergeStrategy, Survivorship, merge
from crmkit.errors import ConfigError, ConflictError, NotFound, ValidationError
from crmkit.storage import MemoryStore

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
    with pytest.raises(NotFound):
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
