"""Business time in fixed cases: clock changes, skipped dates, holidays, special days, ends."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from calendar_cases import BERLIN, office
from calendar_walker import MinuteWalker

from crmkit.calendars import BusinessCalendar, PublicHolidays, SpecialDay, Week

HOUR = timedelta(hours=1)


def _every_day(*hours: str) -> Week:
    return Week(
        monday=hours,
        tuesday=hours,
        wednesday=hours,
        thursday=hours,
        friday=hours,
        saturday=hours,
        sunday=hours,
    )


ALL_DAY = _every_day("00:00-24:00")


def _day(calendar: BusinessCalendar, day: date) -> timedelta:
    """The working time of the local *day*, from its midnight to the next."""
    zone = calendar.tzinfo
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = start.replace(tzinfo=None) + timedelta(days=1)
    return calendar.between(start, end.replace(tzinfo=zone))


@pytest.mark.parametrize(
    ("hours", "day", "worked"),
    [
        ("01:00-05:00", date(2024, 3, 31), 3 * HOUR),  # 02:00-03:00 is skipped
        ("01:00-05:00", date(2024, 10, 27), 5 * HOUR),  # 02:00-03:00 comes twice
        ("09:00-17:00", date(2024, 3, 31), 8 * HOUR),
        ("09:00-17:00", date(2024, 10, 27), 8 * HOUR),
        ("02:15-02:45", date(2024, 3, 31), timedelta(0)),  # wholly in the gap
        ("02:30-04:00", date(2024, 3, 31), HOUR),  # starts in the gap: from 03:00 on
        ("01:30-02:30", date(2024, 10, 27), 1.5 * HOUR),  # 01:30-02:30, then 02:00-02:30
    ],
)
def test_a_clock_change_counts_the_time_that_passes(
    hours: str, day: date, worked: timedelta
) -> None:
    """Hours that meet a clock change hold the time that really passes in them."""
    calendar = BusinessCalendar("Europe/Berlin", week=_every_day(hours))

    assert worked == _day(calendar, day)


def test_the_repeated_hour_is_worked_twice() -> None:
    """Both passes of an autumn hour are working time when the hours cover them."""
    calendar = BusinessCalendar("Europe/Berlin", week=_every_day("01:30-02:30"))
    first = datetime(2024, 10, 27, 0, 15, tzinfo=UTC)  # 02:15 summer time
    second = datetime(2024, 10, 27, 1, 15, tzinfo=UTC)  # 02:15 winter time
    between = datetime(2024, 10, 27, 0, 45, tzinfo=UTC)  # 02:45 summer time

    assert (True, True, False) == (
        calendar.is_working(first),
        calendar.is_working(second),
        calendar.is_working(between),
    )
    assert datetime(2024, 10, 27, 1, 0, tzinfo=UTC) == calendar.next_working(between)


def test_a_change_at_midnight_moves_the_day() -> None:
    """São Paulo's clocks changed at midnight: the repeated 23:00 counts, the skipped 00:00 not."""
    calendar = BusinessCalendar("America/Sao_Paulo", week=_every_day("22:00-24:00", "00:00-02:00"))

    assert 5 * HOUR == _day(calendar, date(2018, 2, 17))  # 23:00-24:00 twice
    assert 3 * HOUR == _day(calendar, date(2018, 11, 4))  # 00:00-01:00 never was


def test_half_hour_changes() -> None:
    """Lord Howe moves its clocks by half an hour."""
    calendar = BusinessCalendar("Australia/Lord_Howe", week=_every_day("01:00-03:00"))

    assert 1.5 * HOUR == _day(calendar, date(2024, 10, 6))
    assert 2.5 * HOUR == _day(calendar, date(2024, 4, 7))


@pytest.mark.parametrize(
    ("zone", "skipped"),
    [("Pacific/Apia", date(2011, 12, 30)), ("Pacific/Kiritimati", date(1994, 12, 31))],
)
def test_a_date_a_zone_skipped_has_no_working_time(zone: str, skipped: date) -> None:
    """A date the zone jumped over (crossing the date line) holds no time at all."""
    calendar = BusinessCalendar(zone, week=ALL_DAY)
    tz = ZoneInfo(zone)
    before = datetime.combine(skipped - timedelta(days=1), datetime.min.time(), tzinfo=tz)
    after = datetime.combine(skipped + timedelta(days=1), datetime.min.time(), tzinfo=tz)

    assert 24 * HOUR == calendar.between(before, after)
    assert after == calendar.add(before, 24 * HOUR)
    assert calendar.is_working_day(skipped)  # it has hours; no instant of it exists


def test_sla_across_a_holiday_weekend_and_the_clock_change() -> None:
    """8 business hours from Thursday 15:00 before Easter 2024 end on the Tuesday at 15:30."""
    arrived = datetime(2024, 3, 28, 15, 0, tzinfo=BERLIN)

    due = office().add(arrived, 8 * HOUR)

    assert datetime(2024, 4, 2, 15, 30, tzinfo=BERLIN) == due
    assert 8 * HOUR == office().between(arrived, due)
    # an hour of the night went: the wall clocks are 5 days and 30 minutes apart
    assert timedelta(days=4, hours=23, minutes=30) == due.astimezone(UTC) - arrived


def test_add_stops_when_the_work_is_done() -> None:
    """Forwards, the end of the working time; backwards, its start; zero is the instant itself."""
    calendar = office()
    friday = datetime(2024, 6, 7, 16, 30, tzinfo=BERLIN)
    monday = datetime(2024, 6, 10, 9, 30, tzinfo=BERLIN)

    assert datetime(2024, 6, 7, 17, 30, tzinfo=BERLIN) == calendar.add(friday, HOUR)
    assert datetime(2024, 6, 10, 9, 0, tzinfo=BERLIN) == calendar.subtract(monday, HOUR / 2)
    assert datetime(2024, 6, 7, 17, 0, tzinfo=BERLIN) == calendar.add(monday, -HOUR)
    saturday = datetime(2024, 6, 8, 12, tzinfo=BERLIN)
    assert saturday == calendar.add(saturday, timedelta(0))


def test_answers_keep_the_tzinfo_given() -> None:
    """An instant in UTC gets an answer in UTC, one in the calendar's zone an answer there."""
    calendar = office()
    start = datetime(2024, 6, 7, 14, 30, tzinfo=UTC)

    assert UTC is calendar.add(start, HOUR).tzinfo
    assert BERLIN is calendar.add(start.astimezone(BERLIN), HOUR).tzinfo
    assert calendar.add(start, HOUR) == calendar.add(start.astimezone(BERLIN), HOUR)


def test_next_working() -> None:
    """Working time is its own next; a break's end, an evening and a holiday move on."""
    calendar = office()

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2024, 5, day, hour, minute, tzinfo=BERLIN)

    assert at(6, 10) == calendar.next_working(at(6, 10))
    assert at(6, 13, 30) == calendar.next_working(at(6, 12, 30))  # the lunch break
    assert at(7, 9) == calendar.next_working(at(6, 17, 30))  # the interval's end is not work
    assert at(10, 9) == calendar.next_working(at(8, 18))  # 9 May is Ascension Day
    assert not calendar.is_working(at(6, 17, 30))
    assert calendar.is_working(at(6, 9))


def test_special_days_replace_a_dates_hours() -> None:
    """A special day closes a date, opens a holiday or a Saturday, or makes a half day."""
    calendar = office(
        special_days=[
            SpecialDay(day=date(2024, 12, 23), name="Inventory"),
            SpecialDay(day=date(2024, 12, 24), hours=["09:00-12:00"], name="Christmas Eve"),
            SpecialDay(day=date(2024, 12, 26), hours=["10:00-14:00"], name="Boxing Day rota"),
            SpecialDay(day=date(2024, 12, 28), hours=["10:00-13:00"], name="Sale"),
        ]
    )

    assert timedelta(0) == _day(calendar, date(2024, 12, 23))
    assert 3 * HOUR == _day(calendar, date(2024, 12, 24))
    assert timedelta(0) == _day(calendar, date(2024, 12, 25))  # a holiday
    assert 4 * HOUR == _day(calendar, date(2024, 12, 26))  # a holiday, opened
    assert 7.5 * HOUR == _day(calendar, date(2024, 12, 27))
    assert 3 * HOUR == _day(calendar, date(2024, 12, 28))
    assert "09:00-12:00" == str(calendar.hours_on(date(2024, 12, 24))[0])


def test_subdivision_holidays() -> None:
    """Bavaria closes on Epiphany and Berlin does not; Berlin closes on Women's Day."""
    bavaria = office()
    berlin = office(holidays=PublicHolidays(country="DE", subdivision="BE"))
    epiphany, womens_day = date(2025, 1, 6), date(2024, 3, 8)

    assert (False, True) == (bavaria.is_working_day(epiphany), berlin.is_working_day(epiphany))
    assert (True, False) == (bavaria.is_working_day(womens_day), berlin.is_working_day(womens_day))


def test_add_days() -> None:
    """Business days skip weekends and holidays; a datetime keeps its wall-clock time."""
    calendar = office()

    assert date(2024, 4, 2) == calendar.add_days(date(2024, 3, 28), 1)  # Easter in between
    assert date(2024, 3, 28) == calendar.add_days(date(2024, 4, 2), -1)
    assert date(2024, 6, 10) == calendar.add_days(date(2024, 6, 8), 1)  # from a Saturday
    assert date(2024, 6, 10) == calendar.add_days(date(2024, 6, 8), 0)
    assert date(2024, 6, 7) == calendar.add_days(date(2024, 6, 7), 0)
    assert date(2024, 6, 7) == calendar.add_days(date(2024, 6, 10), -1)
    friday = datetime(2024, 3, 22, 10, 15, tzinfo=BERLIN)
    assert datetime(2024, 3, 26, 10, 15, tzinfo=BERLIN) == calendar.add_days(friday, 2)
    utc = friday.astimezone(UTC)
    assert datetime(2024, 3, 26, 9, 15, tzinfo=UTC) == calendar.add_days(utc, 2)


def test_add_days_moves_a_skipped_time_on() -> None:
    """A wall-clock time the target day's clock change skips moves on by the skipped hour."""
    calendar = BusinessCalendar("Europe/Berlin", week=ALL_DAY)
    early = datetime(2024, 3, 30, 2, 30, tzinfo=BERLIN)

    assert datetime(2024, 3, 31, 3, 30, tzinfo=BERLIN) == calendar.add_days(early, 1)


def test_working_day_questions_take_a_datetime_as_its_local_date() -> None:
    """hours_on and is_working_day read an instant as its date in the calendar's zone."""
    calendar = office()
    late_friday_utc = datetime(2024, 6, 7, 23, 30, tzinfo=UTC)  # Saturday in Berlin

    assert () == calendar.hours_on(late_friday_utc)
    assert not calendar.is_working_day(late_friday_utc)


def test_long_durations_cross_chunks_and_years() -> None:
    """Years of working time add and come back exactly, across the engine's chunks."""
    calendar = office()
    start = datetime(2019, 5, 17, 8, 11, 11, 111_111, tzinfo=UTC)  # 10:11 in Berlin
    duration = timedelta(hours=9_876, microseconds=7)

    landed = calendar.add(start, duration)

    assert duration == calendar.between(start, landed)
    assert start == calendar.subtract(landed, duration)
    lunch = datetime(2019, 5, 17, 11, 11, tzinfo=UTC)  # 13:11: back to where work resumed
    assert datetime(2019, 5, 17, 11, 30, tzinfo=UTC) == calendar.subtract(
        calendar.add(lunch, duration), duration
    )
    assert landed > start + timedelta(days=5 * 365)


@pytest.mark.parametrize(
    ("calendar", "start", "end"),
    [
        (office(), datetime(2023, 12, 25, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC)),
        (
            BusinessCalendar(
                "Pacific/Apia",
                week=Week.weekdays("07:00-12:00", "13:00-24:00"),
                holidays=PublicHolidays(country="WS"),
            ),
            datetime(2011, 6, 1, tzinfo=UTC),
            datetime(2012, 6, 1, tzinfo=UTC),
        ),
    ],
    ids=["berlin-2024", "apia-date-line"],
)
def test_a_year_agrees_with_the_minute_walk(
    calendar: BusinessCalendar, start: datetime, end: datetime
) -> None:
    """Over a whole year, each month's working time is the walk's count."""
    walk = MinuteWalker(calendar, start, end)
    edges = [start + timedelta(days=30 * n + n % 7) for n in range(13)] + [end]

    assert walk.worked(start, end) == calendar.between(start, end)
    assert [walk.worked(a, b) for a, b in itertools.pairwise(edges)] == [
        calendar.between(a, b) for a, b in itertools.pairwise(edges)
    ]
