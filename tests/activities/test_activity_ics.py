"""iCalendar: export then import gives equal activities; foreign files read as activities."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.activities import Activity, from_ics, occurrences, to_ics
from crmkit.errors import ErrorCode, MissingDependency, SourceError, ValidationError
from crmkit.testing import activities

BERLIN = ZoneInfo("Europe/Berlin")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(activities(), max_size=3, unique_by=lambda a: a.id))
def test_export_then_import_gives_equal_activities(batch: list[Activity]) -> None:
    """Every field of every shape of activity survives a trip through an .ics file."""
    assert batch == from_ics(to_ics(batch))


def test_the_file_is_what_other_calendars_read() -> None:
    """A recurring meeting is a VEVENT in its zone with VTIMEZONE, RRULE, EXDATE and VALARM."""
    start = datetime(2024, 3, 25, 9, 0, tzinfo=BERLIN)
    meeting = Activity(
        kind="meeting", subject="Standup", start_at=start, end_at=start + timedelta(minutes=15),
        zone="Europe/Berlin", reminders=[10],
        recurrence={"rule": "FREQ=WEEKLY;BYDAY=MO", "exdates": [start + timedelta(weeks=1)]},
    )  # fmt: skip
    task = Activity(subject="Send quote", due_date=date(2024, 3, 29), zone="Europe/Berlin")

    text = to_ics([meeting, task]).decode()

    for line in [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Berlin",
        "DTSTART;TZID=Europe/Berlin:20240325T090000",
        "RRULE:FREQ=WEEKLY;BYDAY=MO",
        "EXDATE;TZID=Europe/Berlin:20240401T090000",
        "TRIGGER:-PT10M",
        "BEGIN:VTODO",
        "DUE;VALUE=DATE:20240329",
        "STATUS:NEEDS-ACTION",
    ]:
        assert line in text.splitlines()


_FOREIGN = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//EN
BEGIN:VEVENT
UID:ev1@example.com
DTSTAMP:20240301T120000Z
DTSTART;TZID=America/New_York:20240310T090000
DURATION:PT45M
RRULE:FREQ=DAILY;COUNT=3
SUMMARY:Kick-off
PRIORITY:2
BEGIN:VALARM
ACTION:DISPLAY
TRIGGER:-PT15M
END:VALARM
END:VEVENT
BEGIN:VEVENT
UID:ev1@example.com
RECURRENCE-ID;TZID=America/New_York:20240311T090000
DTSTART;TZID=America/New_York:20240311T140000
DTSTAMP:20240301T120000Z
END:VEVENT
BEGIN:VEVENT
UID:offsite@example.com
DTSTAMP:20240301T120000Z
DTSTART;VALUE=DATE:20240402
DTEND;VALUE=DATE:20240404
SUMMARY:Offsite
END:VEVENT
BEGIN:VTODO
UID:todo1@example.com
DTSTAMP:20240301T120000Z
DUE:20240315T170000Z
STATUS:COMPLETED
COMPLETED:20240314T100000Z
SUMMARY:Send contract
END:VTODO
END:VCALENDAR
"""


def test_a_foreign_calendar_reads_as_activities() -> None:
    """Events become meetings, to-dos tasks; moved occurrences, all-day ends and alarms are kept."""
    kickoff, offsite, contract = from_ics(_FOREIGN, zone="Europe/Berlin", owner_id="rep")
    new_york = ZoneInfo("America/New_York")

    starts = [
        o.start_at.astimezone(new_york).strftime("%d %H:%M")
        for o in occurrences(kickoff)
        if o.start_at
    ]
    assert ("meeting", "high", (15,), "America/New_York") == (
        kickoff.kind,
        kickoff.priority,
        kickoff.reminders,
        kickoff.zone,
    )
    assert ["10 09:00", "11 14:00", "12 09:00"] == starts
    assert (date(2024, 4, 2), date(2024, 4, 3), "Europe/Berlin") == (
        offsite.start_date,
        offsite.end_date,
        offsite.zone,
    )
    assert ("task", datetime(2024, 3, 14, 10, 0, tzinfo=UTC), "rep") == (
        contract.kind,
        contract.done_at,
        contract.owner_id,
    )


def test_a_floating_time_needs_a_zone() -> None:
    """A time with neither TZID nor Z, and no zone given, names the component and property."""
    floating = (
        b"BEGIN:VCALENDAR\nBEGIN:VTODO\nUID:t1\nDUE:20240315T170000\nEND:VTODO\nEND:VCALENDAR\n"
    )

    with pytest.raises(ValidationError) as caught:
        from_ics(floating)

    assert (ErrorCode.NO_ZONE, "VTODO[0].DUE") == (caught.value.code, caught.value.field)
    assert "pass from_ics(..., zone=...)" in str(caught.value)


def test_an_all_day_event_needs_a_zone() -> None:
    """An all-day date is a day somewhere: without a zone it is refused, naming the event."""
    with pytest.raises(ValidationError) as caught:
        from_ics(_FOREIGN)

    assert (ErrorCode.NO_ZONE, "VEVENT[2].start_date") == (caught.value.code, caught.value.field)


def test_a_bad_rule_names_its_component() -> None:
    """An RRULE crmkit cannot read is activities.bad_rrule, with the component in the field."""
    bad = _FOREIGN.replace(b"RRULE:FREQ=DAILY;COUNT=3", b"RRULE:FREQ=DAILY;INTERVAL=0")

    with pytest.raises(ValidationError) as caught:
        from_ics(bad, zone="UTC")

    assert (ErrorCode.BAD_RRULE, "VEVENT[0].recurrence.rule") == (
        caught.value.code,
        caught.value.field,
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [(b"garbage", "not iCalendar"), (b"", "no VCALENDAR"), (42, "expected iCalendar text")],
    ids=["garbage", "empty", "not_text"],
)
def test_text_that_is_not_icalendar(data: bytes, words: str) -> None:
    """Something that is not iCalendar is a SourceError with activities.invalid_ics."""
    with pytest.raises(SourceError) as caught:
        from_ics(data)

    assert ErrorCode.INVALID_ICS == caught.value.code
    assert words in str(caught.value)


@pytest.mark.parametrize(
    "call", [lambda: to_ics([]), lambda: from_ics(b"")], ids=["to_ics", "from_ics"]
)
def test_without_the_extra(monkeypatch: pytest.MonkeyPatch, call: object) -> None:
    """Without icalendar, both directions name the ics extra."""
    monkeypatch.setitem(sys.modules, "icalendar", None)

    with pytest.raises(MissingDependency) as caught:
        call()  # type: ignore[operator]

    assert ("icalendar", "ics") == (caught.value.module, caught.value.extra)
