"""Merging records in a store keeps their activities: linked to the survivor, and back on undo."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from crmkit.activities import Activity, Link
from crmkit.contacts import Company, Contact
from crmkit.dedupe import merge_in_store, undo_merge
from crmkit.dedupe._merge import MergeStrategy
from crmkit.storage import Store

DUE = datetime(2026, 12, 1, 9, tzinfo=UTC)


@pytest.fixture
def store(backend_store: Store) -> Store:
    """A fresh store of each backend."""
    return backend_store


def _links(activity: Activity) -> list[tuple[str, str]]:
    return [(link.kind, link.id) for link in activity.links]


def test_activities_of_merged_contacts_follow_the_survivor(store: Store) -> None:
    """Each activity names the survivor once; the timeline of the merged one is not lost."""
    bob = store.contacts.add(Contact(first_name="Bob", last_name="Smith", emails=["bob@x.com"]))
    robert = store.contacts.add(Contact(first_name="Robert", last_name="Smith"))
    acme = store.companies.add(Company(name="Acme"))
    call = store.activities.add(
        Activity(
            kind="call", subject="Call back", due_at=DUE, links=[Link(kind="contact", id=robert.id)]
        )
    )
    meeting = store.activities.add(
        Activity(
            kind="meeting",
            subject="Both came",
            start_at=DUE,
            links=[
                Link(kind="contact", id=robert.id),
                Link(kind="company", id=acme.id),
                Link(kind="contact", id=bob.id),
            ],
        )
    )

    result = merge_in_store(store, [bob.id, robert.id], MergeStrategy(master=bob.id), actor="t")

    assert [("contact", bob.id)] == _links(store.activities.get(call.id))
    assert [("contact", bob.id), ("company", acme.id)] == _links(store.activities.get(meeting.id))
    found = store.activities.for_records([Link(kind="contact", id=bob.id)])
    assert {call.id, meeting.id} == {a.id for a in found}
    assert result.merge_id is not None

    undo_merge(store, result.merge_id, actor="t")

    assert _links(call) == _links(store.activities.get(call.id))
    assert _links(meeting) == _links(store.activities.get(meeting.id))


def test_undo_keeps_links_added_after_the_merge(store: Store) -> None:
    """A record linked to an activity since the merge stays linked after the undo."""
    bob = store.contacts.add(Contact(first_name="Bob", last_name="Smith"))
    robert = store.contacts.add(Contact(first_name="Robert", last_name="Smith"))
    acme = store.companies.add(Company(name="Acme"))
    note = store.activities.add(
        Activity(kind="note", subject="Met", links=[Link(kind="contact", id=robert.id)])
    )
    result = merge_in_store(store, [bob.id, robert.id], MergeStrategy(master=bob.id), actor="t")
    linked = store.activities.get(note.id)
    store.activities.update(
        attrs.evolve(linked, links=[*linked.links, Link(kind="company", id=acme.id)]), actor="t"
    )
    assert result.merge_id is not None

    undo_merge(store, result.merge_id, actor="t")

    assert [("contact", robert.id), ("company", acme.id)] == _links(store.activities.get(note.id))
