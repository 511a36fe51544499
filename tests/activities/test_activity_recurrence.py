"""Recurrence: wall time across changes of offset, short months, no cap, against brute force."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz as dateutil_tz
from hypothesis import given
from hypothesis import strategies as st

from crmkit.activities import Activity, Moved, Recurrence, occurrences
from crmkit.errors import ErrorCode, ValidationError
from crmkit.testing import ZONES

BERLIN = ZoneInfo("Europe/Berlin")
_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _weekly_standup(**changes: object) -> Activity:
    start = datetime(2024, 3, 18, 9, 0, tzinfo=BERLIN)
    fields: dict[str, object] = {
        "kind": "meeting",
        "start_at": start,
        "end_at": start + timedelta(minutes=30),
        "zone": "Europe/Berlin",
        "recurrence": "FREQ=WEEKLY;BYDAY=MO",
    }
    return Activity(**{**fields, **changes})  # type: ignore[arg-type]


def test_weekly_at_nine_stays_at_nine_across_summer_time() -> None:
    """Each Monday's standup is at 09:00 in Berlin before and after 31 March; UTC moves."""
    found = list(occurrences(_weekly_standup(), end=datetime(2024, 4, 9, tzinfo=UTC)))
    local = [
        (o.start_at.astimezone(BERLIN).time(), o.end_at.astimezone(BERLIN).time())
        for o in found
        if o.start_at and o.end_at
    ]
    utc_hours = [o.start_at.hour for o in found if o.start_at]

    assert [(time(9), time(9, 30))] * 4 == local
    assert [8, 8, 7, 7] == utc_hours


def test_bymonthday_31_skips_short_months() -> None:
    """A rule for the 31st gives only months that have one."""
    task = Activity(
        due_date=date(2024, 1, 31), zone="Asia/Kathmandu", recurrence="FREQ=MONTHLY;BYMONTHDAY=31"
    )

    days = [o.due_date for o in occurrences(task, end=datetime(2025, 1, 1, tzinfo=UTC))]

    assert [date(2024, m, 31) for m in (1, 3, 5, 7, 8, 10, 12)] == days


def test_exdates_rdates_and_moves() -> None:
    """A removed Monday is gone, an added Thursday is there, a moved one is at its new time."""

    def at(day: int, hour: int = 9, month: int = 3) -> datetime:
        return datetime(2024, month, day, hour, 0, tzinfo=BERLIN).astimezone(UTC)

    standup = _weekly_standup(
        recurrence=Recurrence(
            "FREQ=WEEKLY;BYDAY=MO;COUNT=4",
            exdates=[at(25)],
            rdates=[at(28)],
            moved=[Moved(original=at(1, month=4), to=at(2, 11, month=4))],
        )
    )

    found = [(o.start_at, o.end_at, o.recurrence_id) for o in occurrences(standup)]
    half = timedelta(minutes=30)

    assert [
        (at(18), at(18) + half, at(18)),
        (at(28), at(28) + half, at(28)),
        (at(2, 11, month=4), at(2, 11, month=4) + half, at(1, month=4)),
        (at(8, month=4), at(8, month=4) + half, at(8, month=4)),
    ] == found


def test_no_cap_on_a_never_ending_rule() -> None:
    """A daily rule lists its 10,000th occurrence when the window reaches that far."""
    task = Activity(due_date=date(2000, 1, 1), zone="UTC", recurrence="FREQ=DAILY")

    found = list(occurrences(task, end=datetime(2030, 1, 1, tzinfo=UTC)))
    lazy = list(islice(occurrences(task, end=datetime(9999, 1, 1, tzinfo=UTC)), 3))

    assert 10958 == len(found)
    assert [date(2000, 1, 1), date(2000, 1, 2), date(2000, 1, 3)] == [o.due_date for o in lazy]


def test_a_window_start_keeps_what_overlaps_it() -> None:
    """An all-day occurrence overlapping the window's start is listed; a timed one before is not."""
    task = Activity(
        due_date=date(2024, 3, 1), zone="Europe/Berlin", recurrence="FREQ=DAILY;COUNT=5"
    )
    since = datetime(2024, 3, 2, 12, 0, tzinfo=BERLIN)

    assert [date(2024, 3, d) for d in (2, 3, 4, 5)] == [
        o.due_date for o in occurrences(task, since)
    ]


@st.composite
def _series(draw: st.DrawFn) -> tuple[str, datetime, str, set[int], int]:
    zone = draw(st.sampled_from(ZONES))
    day = draw(st.dates(date(2023, 1, 1), date(2025, 6, 1)))
    wall = datetime.combine(
        day, time(draw(st.integers(9, 20)), draw(st.sampled_from([0, 15, 30, 45])))
    )
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1))
    interval = draw(st.integers(1, 3))
    rule = f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={','.join(_DAYS[d] for d in sorted(weekdays))}"
    return zone, wall, rule, weekdays, interval


def _brute_force(
    zone: str, wall: datetime, weekdays: set[int], interval: int, end: datetime
) -> list[datetime]:
    """Step day by day in wall time, keep the rule's weekdays, convert through dateutil."""
    info = dateutil_tz.gettz(zone)
    week_start = wall.date() - timedelta(days=wall.weekday())
    out = [wall.replace(tzinfo=info).astimezone(UTC)]  # the series' start counts
    day = wall.date()
    while True:
        moment = datetime.combine(day, wall.time()).replace(tzinfo=info).astimezone(UTC)
        if moment >= end:
            return sorted(set(out))
        weeks = (day - week_start).days // 7
        if day.weekday() in weekdays and weeks % interval == 0 and day >= wall.date():
            out.append(moment)
        day += timedelta(days=1)


@given(_series())
def test_weekly_rules_match_brute_force(series: tuple[str, datetime, str, set[int], int]) -> None:
    """Weekly rules give the occurrences a day-by-day walk in local wall time gives."""
    zone, wall, rule, weekdays, interval = series
    start = wall.replace(tzinfo=ZoneInfo(zone))
    end = start.astimezone(UTC) + timedelta(days=120)
    task = Activity(due_at=start, zone=zone, recurrence=rule)

    found = [o.due_at for o in occurrences(task, end=end)]

    assert _brute_force(zone, wall, weekdays, interval, end) == found


_BAD = [
    ("unbounded", {}, {}, ErrorCode.UNBOUNDED, "end"),
    ("naive_end", {}, {"end": datetime(2024, 5, 1)}, ErrorCode.NO_ZONE, "end"),
    (
        "end_before_start",
        {},
        {"start": datetime(2024, 5, 1, tzinfo=UTC), "end": datetime(2024, 4, 1, tzinfo=UTC)},
        ErrorCode.END_BEFORE_START,
        "end",
    ),
]


@pytest.mark.parametrize(
    ("changes", "window", "code", "where"), [b[1:] for b in _BAD], ids=[b[0] for b in _BAD]
)
def test_bad_windows(
    changes: dict[str, object], window: dict[str, datetime], code: str, where: str
) -> None:
    """A never-ending rule with no end, a naive bound or a reversed window is refused at once."""
    with pytest.raises(ValidationError) as caught:
        occurrences(_weekly_standup(**changes), **window)

    assert (code, where) == (caught.value.code, caught.value.field)
    assert f"for {where!r}" in str(caught.value)
