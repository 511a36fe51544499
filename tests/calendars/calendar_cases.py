"""Calendars, zones and instants shared by the business-calendar tests (strategies too)."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from crmkit.calendars import BusinessCalendar, Interval, PublicHolidays, SpecialDay, Week

#: The zones the arithmetic is tested in, each with the public holidays of a place in it.
ZONES: dict[str, tuple[str, str | None]] = {
    "Europe/Berlin": ("DE", "BY"),
    "America/New_York": ("US", "NY"),
    "America/Sao_Paulo": ("BR", "SP"),
    "Asia/Tehran": ("IR", None),
    "Asia/Kathmandu": ("NP", None),
    "Australia/Lord_Howe": ("AU", "NSW"),
    "Pacific/Kiritimati": ("KI", None),
    "Pacific/Apia": ("WS", None),
    "America/St_Johns": ("CA", "NL"),
}

BERLIN = ZoneInfo("Europe/Berlin")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def offset_changes(zone: ZoneInfo, first_year: int, last_year: int) -> list[datetime]:
    """Every instant from *first_year* to *last_year* at which *zone*'s UTC offset changes.

    Found by asking for the offset each day and bisecting to the minute where it differs:
    the tests' own way, apart from the engine's.
    """

    def offset(minute: int) -> timedelta | None:
        return (_EPOCH + timedelta(minutes=minute)).astimezone(zone).utcoffset()

    found = []
    day = (datetime(first_year, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(minutes=1)
    end = (datetime(last_year + 1, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(minutes=1)
    while day < end:
        after = day + 1440
        if offset(day) != offset(after):
            low, high = day, after  # offset(low) is the old one, offset(high) the new
            while high - low > 1:
                middle = (low + high) // 2
                if offset(middle) == offset(low):
                    low = middle
                else:
                    high = middle
            found.append(_EPOCH + timedelta(minutes=high))
        day = after
    return found


@functools.cache
def changes(zone: str) -> list[datetime]:
    """The offset changes of *zone* from 1990 to 2030."""
    return offset_changes(ZoneInfo(zone), 1990, 2030)


def office(**changes: object) -> BusinessCalendar:
    """A Bavarian office: 09:00-12:30 and 13:30-17:30 on weekdays, German holidays (BY)."""
    parts: dict[str, object] = {
        "week": Week.weekdays("09:00-12:30", "13:30-17:30"),
        "holidays": PublicHolidays(country="DE", subdivision="BY"),
    }
    parts.update(changes)
    return BusinessCalendar("Europe/Berlin", **parts)  # type: ignore[arg-type]


_TEMPLATES = [
    "00:00-24:00",
    "01:00-05:00",
    "02:30-03:30",
    "23:00-24:00",
    "00:00-01:00",
    "09:00-17:00",
]


def _clock(minutes: int) -> time:
    return time(minutes // 60 % 24, minutes % 60)


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[Interval, ...]:
    """The hours of a day: none, a template that meets clock changes, or random minutes."""
    if draw(st.booleans()):
        templates = draw(st.lists(st.sampled_from(_TEMPLATES), max_size=1))
        return tuple(Interval.parse(t) for t in templates)
    count = draw(st.integers(0, 3))
    cuts = sorted(
        draw(st.lists(st.integers(0, 1440), min_size=2 * count, max_size=2 * count, unique=True))
    )
    return tuple(Interval(_clock(a), _clock(b)) for a, b in zip(cuts[::2], cuts[1::2], strict=True))


@st.composite
def calendars(draw: st.DrawFn, zone: str, around: date) -> BusinessCalendar:
    """A calendar in *zone* with random hours, maybe its holidays, special days near *around*."""
    days = [draw(day_hours()) for _ in range(7)]
    if not any(days):
        days[0] = (Interval.parse("09:00-17:00"),)
    week = Week(
        monday=days[0],
        tuesday=days[1],
        wednesday=days[2],
        thursday=days[3],
        friday=days[4],
        saturday=days[5],
        sunday=days[6],
    )
    country, subdivision = ZONES[zone]
    holidays = (
        PublicHolidays(country=country, subdivision=subdivision) if draw(st.booleans()) else None
    )
    shifts = draw(st.lists(st.integers(-4, 4), max_size=3, unique=True))
    special = tuple(
        SpecialDay(day=around + timedelta(days=s), hours=draw(day_hours())) for s in shifts
    )
    return BusinessCalendar(zone, week=week, holidays=holidays, special_days=special)


@st.composite
def instants(draw: st.DrawFn, zone: str) -> datetime:
    """A minute-aligned UTC instant: near one of *zone*'s offset changes, or anywhere."""
    if changes(zone) and draw(st.booleans()):
        base = draw(st.sampled_from(changes(zone)))
    else:
        minutes = draw(st.integers(0, 40 * 366 * 1440))
        base = datetime(1995, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    return base + timedelta(minutes=draw(st.integers(-3 * 1440, 3 * 1440)))
