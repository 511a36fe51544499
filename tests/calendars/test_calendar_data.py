"""A business calendar is plain data: built from text, converted to dicts and JSON and back."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from calendar_cases import ZONES, calendars, office
from hypothesis import given
from hypothesis import strategies as st

from crmkit.calendars import WEEKDAYS, BusinessCalendar, Interval, PublicHolidays, SpecialDay, Week


@given(st.sampled_from(sorted(ZONES)).flatmap(lambda zone: calendars(zone, date(2024, 3, 31))))
def test_dict_and_json_round_trip(calendar: BusinessCalendar) -> None:
    """to_dict and to_json read back as an equal calendar, and the dict is JSON."""
    raw = calendar.to_dict()

    assert calendar == BusinessCalendar.from_dict(raw)
    assert calendar == BusinessCalendar.from_json(calendar.to_json())
    assert raw == json.loads(json.dumps(raw))


def test_the_dict_reads_as_people_write_it() -> None:
    """Hours are text, dates ISO 8601, and every weekday is listed."""
    calendar = office(special_days=[SpecialDay(day=date(2024, 12, 24), hours=["09:00-12:00"])])

    assert {
        "zone": "Europe/Berlin",
        "week": {
            **{day: ["09:00-12:30", "13:30-17:30"] for day in WEEKDAYS[:5]},
            "saturday": [],
            "sunday": [],
        },
        "holidays": {"country": "DE", "subdivision": "BY"},
        "special_days": [{"day": "2024-12-24", "hours": ["09:00-12:00"], "name": ""}],
    } == json.loads(calendar.to_json())


def test_defaults() -> None:
    """A calendar with only a zone works 09:00-17:00 on weekdays, with no holidays."""
    calendar = BusinessCalendar.from_dict({"zone": "America/New_York"})

    assert BusinessCalendar("America/New_York", week=Week.weekdays("09:00-17:00")) == calendar
    assert (None, ()) == (calendar.holidays, calendar.special_days)
    assert ZoneInfo("America/New_York") is calendar.tzinfo


@pytest.mark.parametrize(
    ("text", "start", "end", "shown"),
    [
        ("09:00-17:00", time(9), time(17), "09:00-17:00"),
        ("9:00 - 17:00", time(9), time(17), "09:00-17:00"),
        ("22:00-24:00", time(22), time(0), "22:00-24:00"),
        ("00:00-24:00", time(0), time(0), "00:00-24:00"),
        ("08:59:30-12:00:15", time(8, 59, 30), time(12, 0, 15), "08:59:30-12:00:15"),
    ],
)
def test_interval_text(text: str, start: time, end: time, shown: str) -> None:
    """Hours are read from text, 24:00 ends the day, and they print back the same way."""
    interval = Interval.parse(text)

    assert (start, end) == (interval.start, interval.end)
    assert shown == str(interval)
    assert f"Interval.parse({shown!r})" == repr(interval)


def test_an_interval_until_midnight_counts_to_midnight() -> None:
    """An end of 24:00 (time(0)) is 86,400 seconds after midnight; hours meet across days."""
    late, early = Interval.parse("22:00-24:00"), Interval.parse("00:00-06:00")
    night = BusinessCalendar("Europe/Berlin", week=Week(monday=[late], tuesday=[early]))
    monday_night = datetime(2024, 6, 3, 22, tzinfo=ZoneInfo("Europe/Berlin"))

    assert (79_200, 86_400) == (late.start_seconds, late.end_seconds)
    assert timedelta(hours=8) == night.between(monday_night, monday_night + timedelta(days=1))
    assert monday_night + timedelta(hours=8) == night.add(monday_night, timedelta(hours=8))


def test_weeks_take_text_or_intervals() -> None:
    """Week fields read text, one string or many, and Week.weekdays fills Monday to Friday."""
    week = Week.weekdays("09:00-12:00", Interval(time(13), time(17)))

    assert Week(monday="09:00-12:00") == Week(monday=[Interval(time(9), time(12))])
    both = (Interval.parse("09:00-12:00"), Interval.parse("13:00-17:00"))
    assert both == week.on(0) == week.friday
    assert () == week.on(5) == week.sunday


def test_one_interval_may_stand_alone_in_data() -> None:
    """In data, a day's single interval may be written without its list."""
    alone = BusinessCalendar.from_dict({"zone": "UTC", "week": {"monday": "09:00-17:00"}})

    assert (Interval.parse("09:00-17:00"),) == alone.week.monday


def test_a_zoneinfo_stands_for_its_name() -> None:
    """A ZoneInfo given as the zone is kept as its IANA name."""
    assert BusinessCalendar("Asia/Kathmandu") == BusinessCalendar(ZoneInfo("Asia/Kathmandu"))


def test_hours_on_a_day() -> None:
    """hours_on gives a date's hours: the weekday's, none on a holiday, a special day's."""
    calendar = office(special_days=[SpecialDay(day=date(2024, 12, 24), hours=["09:00-12:00"])])

    assert ("09:00-12:30", "13:30-17:30") == tuple(map(str, calendar.hours_on(date(2024, 12, 23))))
    assert () == calendar.hours_on(date(2024, 12, 25))
    assert ("09:00-12:00",) == tuple(map(str, calendar.hours_on(date(2024, 12, 24))))
    assert calendar.is_working_day(date(2024, 12, 24))
    assert not calendar.is_working_day(date(2024, 12, 26))


def test_a_calendar_pickles_evolves_and_hashes() -> None:
    """A copy answers as the original does; evolve builds a new calendar; equal ones hash alike."""
    calendar = office()
    start = datetime(2024, 3, 28, 14, tzinfo=UTC)
    copy = pickle.loads(pickle.dumps(calendar))  # noqa: S301 - bytes this test just made
    later = attrs.evolve(calendar, holidays=None)

    assert calendar == copy
    assert hash(calendar) == hash(office())
    assert calendar.add(start, timedelta(hours=8)) == copy.add(start, timedelta(hours=8))
    assert later.add(start, timedelta(hours=8)) < calendar.add(start, timedelta(hours=8))
    assert PublicHolidays(country="DE", subdivision="BY") == calendar.holidays


def _loaded_after(code: str) -> bool:
    probe = f"{code}\nimport sys\nprint('holidays' in sys.modules)"
    done = subprocess.run(  # noqa: S603 - our own interpreter on our own probe
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1] == "True"


def test_the_holidays_library_loads_when_first_needed() -> None:
    """Importing crmkit.calendars, or a calendar without holidays, leaves holidays unloaded."""
    plain = (
        "from datetime import datetime, timedelta, UTC\n"
        "from crmkit.calendars import BusinessCalendar\n"
        "BusinessCalendar('Europe/Berlin').add(datetime.now(UTC), timedelta(hours=1))"
    )
    with_holidays = (
        "from crmkit.calendars import BusinessCalendar, PublicHolidays\n"
        "BusinessCalendar('Europe/Berlin', holidays=PublicHolidays(country='DE'))"
    )

    assert (False, True) == (_loaded_after(plain), _loaded_after(with_holidays))
