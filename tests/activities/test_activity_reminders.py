"""Reminders within windows, each once, and an owner's agenda by local day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.activities import Activity, agenda, reminders_between
from crmkit.errors import ErrorCode, ValidationError
from crmkit.testing import activities

BERLIN = ZoneInfo("Europe/Berlin")
_SINCE = datetime(2000, 1, 1, tzinfo=UTC)


def test_reminders_of_a_date_count_from_the_start_of_its_day() -> None:
    """A task due 31 March in Berlin reminds 60 minutes before that day begins there."""
    task = Activity(due_date=date(2024, 3, 31), zone="Europe/Berlin", reminders=[60])

    (reminder,) = reminders_between(
        [task], datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)
    )

    assert datetime(2024, 3, 30, 23, 0, tzinfo=BERLIN) == reminder.at
    assert (task, 60) == (reminder.activity, reminder.minutes_before)


def test_a_series_reminds_for_each_occurrence() -> None:
    """A weekly 09:00 meeting reminds at 08:50 local before and after summer time."""
    standup = Activity(
        kind="meeting", start_at=datetime(2024, 3, 25, 9, 0, tzinfo=BERLIN), zone="Europe/Berlin",
        recurrence="FREQ=WEEKLY", reminders=[10],
    )  # fmt: skip

    found = reminders_between(
        [standup], datetime(2024, 3, 20, tzinfo=UTC), datetime(2024, 4, 9, tzinfo=UTC)
    )

    assert ["08:50"] * 3 == [r.at.astimezone(BERLIN).strftime("%H:%M") for r in found]
    assert [standup.id] * 3 == [r.activity.series_id for r in found]


@given(
    st.lists(activities(), max_size=4),
    st.lists(st.integers(0, 200 * 365 * 24), min_size=1, max_size=4),
)
def test_consecutive_windows_give_each_reminder_once(
    batch: list[Activity], cuts: list[int]
) -> None:
    """Splitting a century into windows gives the same reminders as the whole, none twice."""
    until = datetime(2100, 1, 1, tzinfo=UTC)
    bounds = sorted(
        {
            _SINCE,
            until,
            *(_SINCE + timedelta(hours=c) for c in cuts if _SINCE + timedelta(hours=c) < until),
        }
    )
    open_ended = [a for a in batch if a.recurrence is None or a.recurrence.ends]

    whole = reminders_between(open_ended, _SINCE, until)
    pieces = [r for low, high in pairwise(bounds) for r in reminders_between(open_ended, low, high)]

    assert whole == pieces
    assert len(whole) == len(
        {(r.activity.id, r.activity.recurrence_id, r.minutes_before) for r in whole}
    )
    assert all(_SINCE <= r.at < until for r in whole)


def test_done_activities_remind_no_one() -> None:
    """A done activity has no reminders."""
    done = Activity(
        due_at=datetime(2024, 3, 5, tzinfo=UTC),
        reminders=[5],
        done_at=datetime(2024, 3, 1, tzinfo=UTC),
    )

    assert [] == reminders_between([done], _SINCE, datetime(2030, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("args", "code", "where"),
    [
        ((datetime(2024, 1, 1), datetime(2024, 2, 1, tzinfo=UTC)), ErrorCode.NO_ZONE, "since"),
        (
            (datetime(2024, 2, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)),
            ErrorCode.END_BEFORE_START,
            "until",
        ),
    ],
    ids=["naive", "reversed"],
)
def test_bad_reminder_windows(args: tuple[datetime, datetime], code: str, where: str) -> None:
    """A naive or reversed window is a ValidationError naming its bound."""
    with pytest.raises(ValidationError) as caught:
        reminders_between([], *args)

    assert (code, where) == (caught.value.code, caught.value.field)
    assert f"for {where!r}" in str(caught.value)


def test_not_activities_are_refused() -> None:
    """A single activity or other values where an iterable of activities belongs are refused."""
    task = Activity()

    with pytest.raises(ValidationError) as caught:
        reminders_between(task, _SINCE, _SINCE)  # type: ignore[arg-type]
    assert "expected an iterable of activities" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        agenda([task, "x"], now=_SINCE, tz="UTC")  # type: ignore[list-item]
    assert "expected an Activity" in str(caught.value)


def test_a_reps_agenda() -> None:
    """Overdue first, then today's by time, then the days ahead, in the rep's own days."""
    now = datetime(2024, 3, 28, 10, 0, tzinfo=BERLIN)
    mine = {"owner_id": "rep", "zone": "Europe/Berlin"}
    late = Activity(subject="Send quote", due_date=date(2024, 3, 26), **mine)
    missed = Activity(
        kind="call", subject="Call Ann", due_at=datetime(2024, 3, 28, 9, 0, tzinfo=BERLIN), **mine
    )
    later = Activity(
        kind="call", subject="Call Raj", due_at=datetime(2024, 3, 28, 16, 0, tzinfo=BERLIN), **mine
    )
    memo = Activity(subject="Prepare demo", due_date=date(2024, 3, 28), **mine)
    standup = Activity(
        kind="meeting", subject="Standup", start_at=datetime(2024, 3, 25, 9, 30, tzinfo=BERLIN),
        recurrence="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", **mine,
    )  # fmt: skip
    others = Activity(subject="Not mine", due_date=date(2024, 3, 28), owner_id="boss", zone="UTC")

    day = agenda(
        [late, missed, later, memo, standup, others],
        now=now,
        tz="Europe/Berlin",
        owner_id="rep",
        days=4,
    )

    assert ["Standup", "Send quote", "Call Ann"] == [a.subject for a in day.overdue]
    assert ["Prepare demo", "Call Raj"] == [a.subject for a in day.due_today]
    assert [(date(2024, 3, 29), ["Standup"]), (date(2024, 4, 1), ["Standup"])] == [
        (d.day, [a.subject for a in d.activities]) for d in day.upcoming
    ]


def test_agenda_refuses_bad_arguments() -> None:
    """A negative number of days or an unknown zone is a ValidationError."""
    with pytest.raises(ValidationError) as caught:
        agenda([], now=_SINCE, tz="UTC", days=-1)
    assert ("days", ErrorCode.VALIDATION) == (caught.value.field, caught.value.code)
    with pytest.raises(ValidationError) as caught:
        agenda([], now=_SINCE, tz="Nowhere/Town")
    assert ("tz", ErrorCode.UNKNOWN_ZONE) == (caught.value.field, caught.value.code)
    assert "not a zone of the IANA database" in str(caught.value)
