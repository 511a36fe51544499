"""Business-time arithmetic agrees with a minute-by-minute walk, in zones with odd clocks.

Each example draws a zone, a calendar in it (random hours, some that meet the zone's clock
changes, maybe its holidays, special days nearby) and two minute-aligned instants close to
one of the zone's offset changes or anywhere from 1995 to 2035, at most a few days apart so
the walk stays quick. The properties:

- ``between(a, b)`` is the walk's count of working minutes, and ``between(b, a)`` its
  negation;
- ``is_working(t)`` is whether the walk counts the minute starting at *t*;
- ``add(a, between(a, b))`` for ``a <= b`` is the earliest instant *u* with
  ``between(a, u) == between(a, b)``: *b* itself when ``b == a`` or the minute before *b*
  is working time, else the end of the last working time before *b* (or *a*); so ``u <= b``,
  ``between(u, b) == 0`` and ``next_working(u) == next_working(b)``;
- ``add(a, d)`` and ``subtract(a, d)`` land where the walk has counted *d* working minutes
  (the earliest instant forwards, the latest backwards), and ``between`` gives *d* back;
- ``next_working(t)`` is the walk's first working minute from *t* on.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from calendar_cases import ZONES, calendars, instants
from calendar_walker import MINUTE, MinuteWalker
from hypothesis import given
from hypothesis import strategies as st

from crmkit.calendars import BusinessCalendar

ZONE_NAMES = sorted(ZONES)
Question = tuple[BusinessCalendar, datetime, datetime, float, float]
ExactQuestion = tuple[BusinessCalendar, datetime, datetime, datetime, timedelta]


@st.composite
def questions(draw: st.DrawFn) -> Question:
    """A zone's calendar, two instants, and a fraction of the work around the first."""
    zone = draw(st.sampled_from(ZONE_NAMES))
    start = draw(instants(zone))
    end = start + timedelta(minutes=draw(st.integers(-2 * 1440, 4 * 1440)))
    calendar = draw(calendars(zone, start.date()))
    return calendar, start, end, draw(st.floats(0, 1)), draw(st.floats(0, 1))


@given(questions())
def test_arithmetic_agrees_with_the_minute_walk(question: Question) -> None:
    """between, is_working, add, subtract and next_working all say what the walk says."""
    calendar, a, b, ahead, behind = question
    low, high = min(a, b), max(a, b)
    walk = MinuteWalker(calendar, low - timedelta(days=4), high + timedelta(days=6))

    assert walk.worked(low, high) == calendar.between(low, high)
    assert -calendar.between(low, high) == calendar.between(high, low)
    assert walk.working(a) == calendar.is_working(a)
    assert walk.working(b) == calendar.is_working(b)

    worked = calendar.between(low, high)
    landed = calendar.add(low, worked)
    assert walk.add(low, worked // MINUTE) == landed
    assert landed <= high
    assert worked == calendar.between(low, landed)
    assert timedelta(0) == calendar.between(landed, high)
    assert (landed == high) == (low == high or walk.working(high - MINUTE))
    assert calendar.next_working(landed) == calendar.next_working(high)
    assert a.tzinfo is landed.tzinfo

    found = walk.next_working(a)
    if found is not None:
        assert found == calendar.next_working(a)

    forwards = round(ahead * (walk.worked(a, walk.instant(len(walk.flags))) // MINUTE))
    there = calendar.add(a, forwards * MINUTE)
    assert walk.add(a, forwards) == there
    assert forwards * MINUTE == calendar.between(a, there)

    backwards = round(behind * (walk.worked(walk.start, a) // MINUTE))
    back = calendar.subtract(a, backwards * MINUTE)
    assert walk.add(a, -backwards) == back
    assert backwards * MINUTE == calendar.between(back, a)


@st.composite
def exact_questions(draw: st.DrawFn) -> ExactQuestion:
    """A calendar and three instants to the microsecond, and a duration to the microsecond."""
    zone = draw(st.sampled_from(ZONE_NAMES))
    start = draw(instants(zone)) + timedelta(microseconds=draw(st.integers(0, 60_000_000)))
    later = [timedelta(microseconds=draw(st.integers(0, 10**12))) for _ in range(2)]
    calendar = draw(calendars(zone, start.date()))
    duration = timedelta(microseconds=draw(st.integers(-(10**11), 10**11)))
    return calendar, start, start + min(later), start + max(later), duration


@given(exact_questions())
def test_arithmetic_is_exact_to_the_microsecond(question: ExactQuestion) -> None:
    """Working time adds up over any split, and add then between gives the duration back."""
    calendar, a, b, c, duration = question

    assert calendar.between(a, c) == calendar.between(a, b) + calendar.between(b, c)

    landed = calendar.add(a, duration)
    if duration >= timedelta(0):
        assert duration == calendar.between(a, landed)
    else:
        assert -duration == calendar.between(landed, a)
    assert landed.astimezone(UTC) == calendar.add(a.astimezone(UTC), duration)
