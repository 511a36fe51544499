"""Status and days until due, in every zone at every instant, against a reference.

The reference converts through dateutil's own reader of the zone files, not zoneinfo, and
judges by comparing local calendar dates as a person would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz as dateutil_tz
from hypothesis import given
from hypothesis import strategies as st

from crmkit.activities import Activity, Status, due_in_days, status
from crmkit.activities._zones import day_start
from crmkit.errors import ErrorCode, ValidationError
from crmkit.testing import ZONES


@cache
def _transitions(zone: str) -> tuple[datetime, ...]:
    """The instants of 2023-2025 at which *zone* changes its offset, found hour by hour."""
    info = ZoneInfo(zone)
    found = []
    at = datetime(2023, 1, 1, tzinfo=UTC)
    offset = at.astimezone(info).utcoffset()
    while at < datetime(2026, 1, 1, tzinfo=UTC):
        at += timedelta(hours=1)
        now = at.astimezone(info).utcoffset()
        if now != offset:
            found.append(at)
            offset = now
    return tuple(found) or (datetime(2024, 6, 1, tzinfo=UTC),)


@st.composite
def _instants(draw: st.DrawFn, zone: str) -> datetime:
    """An instant of 2023-2025, often within a day and a half of a change of offset."""
    if draw(st.booleans()):
        base = draw(st.sampled_from(_transitions(zone)))
        return base + timedelta(minutes=draw(st.integers(-36 * 60, 36 * 60)))
    return draw(st.datetimes(datetime(2023, 1, 1), datetime(2025, 12, 31), timezones=st.just(UTC)))


def _reference_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(dateutil_tz.gettz(zone)).date()


@st.composite
def _cases(draw: st.DrawFn) -> tuple[str, str, datetime, datetime]:
    own = draw(st.sampled_from(ZONES))
    viewer = draw(st.sampled_from(ZONES))
    return own, viewer, draw(_instants(viewer)), draw(_instants(own))


@given(_cases())
def test_a_due_instant_is_judged_in_the_viewers_zone(
    case: tuple[str, str, datetime, datetime],
) -> None:
    """A due instant's status and day count follow the viewer's local dates."""
    _, viewer, now, due = case
    task = Activity(due_at=due)
    days = (_reference_date(due, viewer) - _reference_date(now, viewer)).days
    expected = Status.OVERDUE if due < now else Status.TODAY if days == 0 else Status.PLANNED

    assert (expected, days) == (status(task, now, viewer), due_in_days(task, now, viewer))


@given(_cases())
def test_a_due_date_is_judged_in_its_own_zone(case: tuple[str, str, datetime, datetime]) -> None:
    """A due date's status and day count follow its own zone's dates, whoever looks."""
    own, viewer, now, moment = case
    due = _reference_date(moment, own)
    task = Activity(due_date=due, zone=own)
    days = (due - _reference_date(now, own)).days
    expected = Status.OVERDUE if days < 0 else Status.TODAY if days == 0 else Status.PLANNED

    assert (expected, days) == (status(task, now, viewer), due_in_days(task, now, viewer))


@given(st.sampled_from(ZONES).flatmap(lambda z: st.tuples(st.just(z), _instants(z))))
def test_a_due_date_turns_overdue_when_its_day_ends_there(case: tuple[str, datetime]) -> None:
    """Stepping minute by minute over the next day's start, the status flips exactly there."""
    zone, moment = case
    due = _reference_date(moment, zone)
    end = day_start(due + timedelta(days=1), ZoneInfo(zone))
    task = Activity(due_date=due, zone=zone)
    steps = [end + timedelta(minutes=m) for m in range(-3, 3)]

    assert [Status.TODAY] * 3 + [Status.OVERDUE] * 3 == [status(task, s, "UTC") for s in steps]


@given(st.sampled_from(ZONES).flatmap(lambda z: st.tuples(st.just(z), _instants(z))))
def test_day_start_is_the_first_minute_of_the_day(case: tuple[str, datetime]) -> None:
    """No minute of the 30 hours before a day's start shows that day or a later one."""
    zone, moment = case
    day = _reference_date(moment, zone)
    start = day_start(day, ZoneInfo(zone))
    before = [start - timedelta(minutes=m) for m in range(1, 30 * 60, 7)]

    assert day <= _reference_date(start, zone)
    assert [] == [b for b in before if _reference_date(b, zone) >= day]


@pytest.mark.parametrize(
    ("zone", "now", "expected"),
    [
        # 23:30 UTC on 4 March is already 5 March in Karachi and still 4 March in New York
        ("Asia/Karachi", datetime(2024, 3, 4, 23, 30, tzinfo=UTC), Status.TODAY),
        ("America/New_York", datetime(2024, 3, 5, 23, 30, tzinfo=UTC), Status.TODAY),
        ("Pacific/Kiritimati", datetime(2024, 3, 5, 10, 0, tzinfo=UTC), Status.OVERDUE),
        ("Pacific/Pago_Pago", datetime(2024, 3, 6, 10, 0, tzinfo=UTC), Status.TODAY),
    ],
)
def test_today_is_never_the_utc_date(zone: str, now: datetime, expected: Status) -> None:
    """A task due 5 March in the owner's zone is today by that zone's date, not UTC's."""
    task = Activity(due_date=date(2024, 3, 5), zone=zone)

    assert expected == status(task, now, "UTC")


def test_a_timed_call_later_today_is_today_and_overdue_once_past() -> None:
    """A call at 15:00 is due today at 09:00 and overdue at 15:01, though still 0 days away."""
    call = Activity(kind="call", due_at=datetime(2024, 3, 5, 14, 0, tzinfo=UTC))
    morning = datetime(2024, 3, 5, 8, 0, tzinfo=UTC)
    after = datetime(2024, 3, 5, 14, 1, tzinfo=UTC)

    assert (Status.TODAY, 0) == (
        status(call, morning, "Europe/Berlin"),
        due_in_days(call, morning, "Europe/Berlin"),
    )
    assert (Status.OVERDUE, 0) == (
        status(call, after, "Europe/Berlin"),
        due_in_days(call, after, "Europe/Berlin"),
    )


def test_done_and_undated() -> None:
    """A done activity is done; one without a time is planned, with no day count."""
    now = datetime(2024, 3, 5, tzinfo=UTC)
    done = Activity(due_at=now - timedelta(days=3), done_at=now)
    note = Activity(kind="note")

    assert (Status.DONE, -3) == (status(done, now, "UTC"), due_in_days(done, now, "UTC"))
    assert (Status.PLANNED, None) == (status(note, now, "UTC"), due_in_days(note, now, "UTC"))


@pytest.mark.parametrize("function", [status, due_in_days])
@pytest.mark.parametrize(
    ("now", "zone", "code", "where"),
    [
        (datetime(2024, 3, 5), "UTC", ErrorCode.NO_ZONE, "now"),
        (datetime(2024, 3, 5, tzinfo=UTC), "Mars/Olympus", ErrorCode.UNKNOWN_ZONE, "tz"),
    ],
    ids=["naive_now", "unknown_zone"],
)
def test_bad_now_or_zone(function: object, now: datetime, zone: str, code: str, where: str) -> None:
    """A naive now or an unknown viewer's zone is a ValidationError naming it."""
    task = Activity(due_at=datetime(2024, 3, 5, tzinfo=UTC))

    with pytest.raises(ValidationError) as caught:
        function(task, now, zone)  # type: ignore[operator]

    assert (code, where) == (caught.value.code, caught.value.field)
    assert f"for {where!r}" in str(caught.value)
