"""The Activity record: plain fields, checked on construction, round-tripping through dicts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given

from crmkit import from_dict, to_dict
from crmkit.activities import Activity, ActivityKind, Link, Moved, Priority, Recurrence
from crmkit.errors import ErrorCode, ValidationError
from crmkit.testing import activities

_AT = datetime(2024, 3, 18, 8, 0, tzinfo=UTC)


@given(activities())
def test_dict_round_trip(activity: Activity) -> None:
    """Converting an activity to a dict, through JSON and back gives an equal activity."""
    raw = json.loads(json.dumps(to_dict(activity)))

    assert activity == from_dict(raw, Activity)


def test_a_meeting_with_every_field_round_trips() -> None:
    """A recurring meeting with links, reminders, moved and removed occurrences round-trips."""
    meeting = Activity(
        kind=ActivityKind.MEETING,
        subject="Weekly pipeline review",
        start_at=_AT,
        end_at=_AT + timedelta(hours=1),
        zone="Europe/Berlin",
        links=[Link(kind="deal", id="d1"), {"kind": "contact", "id": "c1"}],
        reminders=[60, 15, 15],
        priority="high",
        recurrence=Recurrence(
            "rrule:freq=weekly;byday=mo",
            exdates=[_AT + timedelta(weeks=1)],
            moved=[Moved(original=_AT + timedelta(weeks=2), to=_AT + timedelta(weeks=2, days=1))],
        ),
        custom={"room": "Alster", "seats": 8},
    )

    assert meeting == from_dict(to_dict(meeting), Activity)
    assert ("meeting", Priority.HIGH, (15, 60)) == (
        meeting.kind,
        meeting.priority,
        meeting.reminders,
    )
    assert "FREQ=WEEKLY;BYDAY=MO" == meeting.recurrence.rule if meeting.recurrence else None
    assert _AT == (meeting.recurrence.start if meeting.recurrence else None)


def test_instants_are_kept_in_utc() -> None:
    """An aware datetime in any zone is stored as the same instant in UTC."""
    tehran = timezone(timedelta(hours=3, minutes=30))
    task = Activity(due_at=datetime(2024, 3, 18, 11, 30, tzinfo=tehran))

    assert datetime(2024, 3, 18, 8, 0, tzinfo=UTC) == task.due_at
    assert UTC == (task.due_at.tzinfo if task.due_at else None)


def test_due_is_the_deadline_else_the_start() -> None:
    """`due` is the deadline when there is one, else the start; `anchor` the other way round."""
    meeting = Activity(start_at=_AT, due_at=_AT + timedelta(days=1))
    note = Activity(kind="note")

    assert (_AT + timedelta(days=1), _AT) == (meeting.due, meeting.anchor)
    assert (None, None, False) == (note.due, note.anchor, note.all_day)


_BAD = [
    ("no_zone_date", {"due_date": date(2024, 3, 1)}, ErrorCode.NO_ZONE, "due_date"),
    ("no_zone_start", {"start_date": date(2024, 3, 1)}, ErrorCode.NO_ZONE, "start_date"),
    ("naive", {"due_at": datetime(2024, 3, 1, 9)}, ErrorCode.NO_ZONE, "due_at"),
    (
        "no_zone_series",
        {"due_at": _AT, "recurrence": "FREQ=DAILY"},
        ErrorCode.NO_ZONE,
        "recurrence",
    ),
    ("unknown_zone", {"zone": "Europe/Atlantis"}, ErrorCode.UNKNOWN_ZONE, "zone"),
    ("bad_zone_text", {"zone": "../../etc/passwd"}, ErrorCode.UNKNOWN_ZONE, "zone"),
    (
        "bad_rrule",
        {"due_at": _AT, "zone": "UTC", "recurrence": "FREQ=SOMETIMES"},
        ErrorCode.BAD_RRULE,
        "recurrence.rule",
    ),
    (
        "rrule_lines",
        {"due_at": _AT, "zone": "UTC", "recurrence": "FREQ=DAILY\nEXDATE:20240101"},
        ErrorCode.BAD_RRULE,
        "recurrence.rule",
    ),
    (
        "interval_zero",
        {"due_at": _AT, "zone": "UTC", "recurrence": "FREQ=DAILY;INTERVAL=0"},
        ErrorCode.BAD_RRULE,
        "recurrence.rule",
    ),
    (
        "until_floating",
        {"due_at": _AT, "zone": "UTC", "recurrence": "FREQ=DAILY;UNTIL=20240401T000000"},
        ErrorCode.BAD_RRULE,
        "recurrence.rule",
    ),
    (
        "end_before_start",
        {"start_at": _AT, "end_at": _AT - timedelta(minutes=1)},
        ErrorCode.END_BEFORE_START,
        "end_at",
    ),
    (
        "end_date_before_start",
        {"start_date": date(2024, 3, 2), "end_date": date(2024, 3, 1), "zone": "UTC"},
        ErrorCode.END_BEFORE_START,
        "end_date",
    ),
    (
        "two_dues",
        {"due_at": _AT, "due_date": date(2024, 3, 1), "zone": "UTC"},
        ErrorCode.CONFLICTING_TIMES,
        "due_date",
    ),
    ("end_alone", {"end_at": _AT}, ErrorCode.CONFLICTING_TIMES, "end_at"),
    (
        "series_without_time",
        {"zone": "UTC", "recurrence": "FREQ=DAILY"},
        ErrorCode.CONFLICTING_TIMES,
        "recurrence",
    ),
    (
        "exdate_of_other_kind",
        {
            "due_at": _AT,
            "zone": "UTC",
            "recurrence": Recurrence("FREQ=DAILY", exdates=[date(2024, 3, 19)]),
        },
        ErrorCode.CONFLICTING_TIMES,
        "recurrence.exdates",
    ),
    ("negative_reminder", {"reminders": [-5]}, ErrorCode.VALIDATION, "reminders"),
    ("priority", {"priority": "urgent"}, ErrorCode.VALIDATION, "priority"),
    ("blank_kind", {"kind": " "}, ErrorCode.VALIDATION, "kind"),
    ("blank_link", {"links": [{"kind": "contact", "id": ""}]}, ErrorCode.VALIDATION, "links.id"),
]


@pytest.mark.parametrize(
    ("changes", "code", "where"), [b[1:] for b in _BAD], ids=[b[0] for b in _BAD]
)
def test_bad_values_name_their_field_and_cause(
    changes: dict[str, object], code: str, where: str
) -> None:
    """Each bad value raises a ValidationError with the code of its cause, naming its field."""
    with pytest.raises(ValidationError) as caught:
        Activity(**changes)  # type: ignore[arg-type]

    assert (code, where) == (caught.value.code, caught.value.field)
    assert f"for {where!r}" in str(caught.value)


def test_from_dict_keeps_the_code_and_field() -> None:
    """A bad zone read from a dict is the same error as one given directly."""
    raw = to_dict(Activity(due_date=date(2024, 3, 1), zone="UTC"))
    raw["zone"] = "Mars/Olympus"

    with pytest.raises(ValidationError) as caught:
        from_dict(raw, Activity)

    assert ErrorCode.UNKNOWN_ZONE == caught.value.code
    assert "Mars/Olympus" in str(caught.value)
