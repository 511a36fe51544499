"""An owner's agenda from a store: the same days as the pure agenda over every activity."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.activities import Activity, Recurrence
from crmkit.activities import agenda as pure_agenda
from crmkit.errors import ErrorCode, ValidationError
from crmkit.storage import Store
from crmkit.timeline import agenda

NOW = datetime(2030, 3, 4, 16, 0, tzinfo=UTC)  # a Monday; 17:00 in Berlin
BERLIN = "Europe/Berlin"


def _work() -> list[Activity]:
    return [
        Activity(subject="late call", owner_id="ana", due_at=NOW - timedelta(days=40)),
        Activity(subject="past date", owner_id="ana", due_date=date(2030, 3, 3), zone=BERLIN),
        Activity(subject="tonight", owner_id="ana", due_at=NOW + timedelta(hours=5)),
        Activity(subject="friday", owner_id="ana", due_date=date(2030, 3, 8), zone=BERLIN),
        Activity(
            subject="last day, far west",
            owner_id="ana",
            due_date=date(2030, 3, 11),
            zone="Pacific/Pago_Pago",
        ),
        Activity(
            subject="after, far east",
            owner_id="ana",
            due_date=date(2030, 3, 12),
            zone="Pacific/Kiritimati",
        ),
        Activity(subject="next month", owner_id="ana", due_at=NOW + timedelta(days=30)),
        Activity(subject="done", owner_id="ana", due_at=NOW, done_at=NOW),
        Activity(subject="bo's", owner_id="bo", due_at=NOW + timedelta(hours=1)),
        Activity(subject="no due", owner_id="ana"),
        Activity(
            subject="standup",
            owner_id="ana",
            start_at=datetime(2030, 3, 1, 8, 0, tzinfo=UTC),
            zone=BERLIN,
            recurrence=Recurrence("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"),
        ),
    ]


def test_the_store_agenda_is_the_agenda_of_every_activity(store: Store) -> None:
    """Overdue, today and the next days from the store are those of all the owner's work."""
    work = _work()
    store.activities.bulk_upsert(work)

    found = agenda(store, "ana", now=NOW, tz=BERLIN)

    assert pure_agenda(work, now=NOW, tz=BERLIN, owner_id="ana") == found
    assert ["late call", "standup", "past date"] == [a.subject for a in found.overdue]
    assert ["tonight"] == [a.subject for a in found.due_today]
    assert date(2030, 3, 11) == found.upcoming[-1].day
    assert "last day, far west" in [a.subject for a in found.upcoming[-1].activities]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    shift=st.integers(-72, 72).map(lambda h: timedelta(hours=h)),
    tz=st.sampled_from(["UTC", BERLIN, "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Tehran"]),
    days=st.integers(0, 9),
)
def test_any_now_zone_and_window(store: Store, shift: timedelta, tz: str, days: int) -> None:
    """For other instants, zones and windows the store still finds exactly the pure agenda."""
    if not store.activities.count():
        store.activities.bulk_upsert(_work())
    work = list(store.activities.find_all())

    found = agenda(store, "ana", now=NOW + shift, tz=tz, days=days)

    assert pure_agenda(work, now=NOW + shift, tz=tz, owner_id="ana", days=days) == found


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"now": datetime(2030, 1, 1)}, "now", ErrorCode.NO_ZONE),
        ({"tz": "Mars/Olympus"}, "tz", ErrorCode.UNKNOWN_ZONE),
        ({"days": -1}, "days", ErrorCode.VALIDATION),
        ({"owner_id": ["ana"]}, "owner_id", ErrorCode.VALIDATION),
    ],
    ids=["naive-now", "bad-zone", "negative-days", "owner-list"],
)
def test_bad_arguments(store: Store, kwargs: dict[str, object], field: str, code: str) -> None:
    """A bad argument raises ValidationError naming it, before the store is read."""
    arguments: dict[str, object] = {"owner_id": "ana", "now": NOW, "tz": BERLIN, **kwargs}
    owner = arguments.pop("owner_id")

    with pytest.raises(ValidationError) as caught:
        agenda(store, owner, **arguments)  # type: ignore[arg-type]

    assert (field, code) == (caught.value.field, caught.value.code)
