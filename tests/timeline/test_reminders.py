"""A store's due reminders: each once over consecutive windows, as the pure function gives."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.activities import (
    Activity,
    DueReminder,
    Recurrence,
    due_instant,
    reminders_between,
)
from crmkit.errors import ErrorCode, ValidationError
from crmkit.storage import MemoryStore, SqlStore, Store
from crmkit.testing import activities
from crmkit.timeline import due_reminders

NOW = datetime(2030, 3, 4, 16, 0, tzinfo=UTC)
BERLIN = "Europe/Berlin"


def _work() -> list[Activity]:
    return [
        Activity(subject="call", due_at=NOW + timedelta(hours=2), reminders=[15, 60]),
        Activity(subject="no reminder", due_at=NOW + timedelta(hours=1)),
        Activity(subject="date", due_date=date(2030, 3, 5), zone=BERLIN, reminders=[0, 24 * 60]),
        Activity(subject="done", due_at=NOW + timedelta(hours=3), done_at=NOW, reminders=[30]),
        Activity(subject="long ago", due_at=NOW - timedelta(days=9), reminders=[10]),
        Activity(
            subject="far ahead, reminded early",
            due_at=NOW + timedelta(days=40),
            reminders=[60 * 24 * 38],
        ),
        Activity(
            subject="standup",
            start_at=datetime(2030, 2, 1, 8, 0, tzinfo=UTC),
            zone=BERLIN,
            recurrence=Recurrence("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"),
            reminders=[5],
        ),
    ]


def _key(reminder: DueReminder) -> tuple[datetime, str, str, int]:
    activity = reminder.activity
    return (reminder.at, activity.id, str(activity.recurrence_id), reminder.minutes_before)


def test_the_store_window_is_the_pure_window(store: Store) -> None:
    """A window from the store holds the reminders the pure function finds in all the work."""
    work = _work()
    store.activities.bulk_upsert(work)
    since, until = NOW, NOW + timedelta(days=3)

    found = due_reminders(store, since, until)

    assert [_key(r) for r in reminders_between(work, since, until)] == [_key(r) for r in found]
    subjects = {r.activity.subject for r in found}
    assert {"call", "date", "standup", "far ahead, reminded early"} == subjects


def test_a_completed_activity_stops_reminding(store: Store) -> None:
    """Once an activity is done its reminders are no longer given."""
    call = store.activities.add(_work()[0])
    store.activities.update(attrs.evolve(call, done_at=NOW))

    found = due_reminders(store, NOW, NOW + timedelta(days=1))

    assert [] == found


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.integers(-48, 48).map(lambda h: NOW + timedelta(hours=h)),
    steps=st.lists(st.integers(1, 36 * 60).map(lambda m: timedelta(minutes=m)), max_size=8),
)
def test_consecutive_windows_give_each_reminder_once(
    store: Store, start: datetime, steps: list[timedelta]
) -> None:
    """Windows [t0, t1), [t1, t2)... give each reminder once, as one window over all does."""
    if not store.activities.count():
        store.activities.bulk_upsert(_work())
    work = list(store.activities.find_all())
    bounds = [start]
    for step in steps:
        bounds.append(bounds[-1] + step)

    found = [
        _key(r) for low, high in itertools.pairwise(bounds) for r in due_reminders(store, low, high)
    ]

    assert [_key(r) for r in reminders_between(work, bounds[0], bounds[-1])] == found


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
@settings(max_examples=30, deadline=None)
@given(
    work=st.lists(
        activities().map(lambda a: attrs.evolve(a, links=(), body="", custom={})), max_size=6
    ),
    pick=st.integers(0, 5),
    lead=st.integers(0, 8 * 24).map(lambda h: timedelta(hours=h)),
    steps=st.lists(st.integers(1, 3 * 24 * 60).map(lambda m: timedelta(minutes=m)), max_size=6),
)
def test_any_activities_in_consecutive_windows(
    backend: str, work: list[Activity], pick: int, lead: timedelta, steps: list[timedelta]
) -> None:
    """Any activities (series, dates in far zones, done ones): each reminder once, as pure."""
    dues = [d for d in (due_instant(a) for a in work) if d is not None]
    start = (dues[pick % len(dues)] if dues else NOW) - lead
    bounds = [start]
    for step in steps:
        bounds.append(bounds[-1] + step)
    store: Store = MemoryStore() if backend == "memory" else SqlStore("sqlite://")
    try:
        store.activities.bulk_upsert(work)

        found = [
            _key(r)
            for low, high in itertools.pairwise(bounds)
            for r in due_reminders(store, low, high)
        ]
    finally:
        store.close()

    assert [_key(r) for r in reminders_between(work, bounds[0], bounds[-1])] == found


@pytest.mark.parametrize(
    ("since", "until", "field", "code"),
    [
        (datetime(2030, 1, 1), NOW, "since", ErrorCode.NO_ZONE),
        (NOW, NOW - timedelta(hours=1), "until", ErrorCode.END_BEFORE_START),
    ],
    ids=["naive", "backwards"],
)
def test_bad_windows(store: Store, since: datetime, until: datetime, field: str, code: str) -> None:
    """A bad window raises ValidationError naming the bound, before the store is read."""
    with pytest.raises(ValidationError) as caught:
        due_reminders(store, since, until)

    assert (field, code) == (caught.value.field, caught.value.code)


def test_reminding_before_needs_an_aware_instant(store: Store) -> None:
    """The repository query refuses a naive instant, naming its argument."""
    with pytest.raises(ValidationError) as caught:
        store.activities.reminding_before(datetime(2030, 1, 1))

    assert ("until", ErrorCode.VALIDATION) == (caught.value.field, caught.value.code)
