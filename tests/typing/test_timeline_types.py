"""The activity store's and the timeline's types say what they mean.

mypy checks these (``mypy --strict tests/typing``); at run time each ``assert_type`` is a
no-op, so this file also runs as an ordinary test.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import assert_type

from crmkit.activities import Activity, Agenda, DueReminder, Link, first_reminder
from crmkit.contacts import Company
from crmkit.permissions import Policy, SecuredStore
from crmkit.storage import ActivityRepository, HistoryEntry, MemoryStore, Page, Store
from crmkit.timeline import TimelineEntry, agenda, due_reminders, timeline


def test_timeline_types() -> None:
    """Activity reads, histories, timelines and agendas are typed on any store."""
    now = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
    store: Store = MemoryStore()
    acme = store.companies.add(Company(name="Acme"))
    link = Link(kind="company", id=acme.id)

    assert_type(store.activities, ActivityRepository)
    assert_type(store.activities.for_records([link]), Page[Activity])
    assert_type(store.activities.open_for_owner("ana", until=now), list[Activity])
    assert_type(store.histories([acme.id]), dict[str, list[HistoryEntry]])
    assert_type(timeline(store, acme), Page[TimelineEntry])
    assert_type(timeline(store, link, limit=5).next_after, str | None)
    assert_type(agenda(store, "ana", now=now, tz="UTC"), Agenda)


def test_secured_store_is_a_store() -> None:
    """A secured store fulfils the Store protocol, so timelines and agendas run through it."""
    now = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
    policy = Policy.from_dict({"users": [{"id": "ana"}]})
    secured: Store = SecuredStore(MemoryStore(), policy, "ana")
    link = Link(kind="project", id="p1")  # a custom object's timeline: its activities alone

    assert_type(secured.activities.for_records([link]), Page[Activity])
    assert_type(timeline(secured, link), Page[TimelineEntry])
    assert_type(agenda(secured, "ana", now=now, tz="UTC"), Agenda)
    assert_type(secured.activities.reminding_before(now), list[Activity])
    assert_type(due_reminders(secured, now, now), list[DueReminder])


def test_reminder_types() -> None:
    """Reminders from a store and an activity's first reminder are typed."""
    now = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
    store: Store = MemoryStore()

    assert_type(store.activities.reminding_before(now), list[Activity])
    assert_type(due_reminders(store, now, now), list[DueReminder])
    assert_type(first_reminder(Activity(subject="Call")), datetime | None)
