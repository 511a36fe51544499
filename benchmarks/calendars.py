"""Business-time arithmetic: how long between() and add() take, next to the goals.

A Bavarian office calendar (09:00-12:30 and 13:30-17:30 on weekdays in Europe/Berlin,
German and Bavarian public holidays, a few dozen random special days) is asked questions
made from the seed: ``between(a, b)`` for spans of 25 to 35 days starting anywhere from
2023 to 2027, to the microsecond, so that clock changes, holidays and chunk edges all come
up and no two questions are alike; and ``add(a, d)`` for 1 to 300 hours of working time.

The same spans, cut to whole minutes, are counted by two slower ways in the same run, whose
answers must agree: a walk through every minute in UTC asking whether it is working time
(the tests' reference), and a loop over the local days converting each interval's ends
with zoneinfo (the obvious hand-written way; it disagrees on clock changes inside hours,
which this calendar never has).

Figures are the best of several repeats of CPU time (the process's own, so other jobs on a
shared machine disturb them less); ``first_us`` is a first question in a year no question
reached yet, which builds the engine's chunk for it.

Run: ``.venv/bin/python benchmarks/calendars.py [--quick] [--json] [--seed N]``
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from crmkit.calendars import BusinessCalendar, PublicHolidays, SpecialDay, Week

CALENDAR_GOAL_US = 100.0  # between() over a 30-day span
ADD_GOAL_US = 100.0

ZONE = ZoneInfo("Europe/Berlin")
START = datetime(2023, 1, 1, tzinfo=UTC)
YEARS = 5
MINUTE = timedelta(minutes=1)


def make_calendar(rng: random.Random) -> BusinessCalendar:
    """The office, with 40 random special days: closed, half days and opened holidays."""
    days = sorted(
        {date(2023, 1, 1) + timedelta(days=rng.randrange(YEARS * 365)) for _ in range(40)}
    )
    kinds = [(), ("09:00-12:00",), ("10:00-14:00",)]
    special = [SpecialDay(day=day, hours=rng.choice(kinds)) for day in days]
    return BusinessCalendar(
        "Europe/Berlin",
        week=Week.weekdays("09:00-12:30", "13:30-17:30"),
        holidays=PublicHolidays(country="DE", subdivision="BY"),
        special_days=special,
    )


def make_spans(
    n: int, rng: random.Random, *, whole_minutes: bool = False
) -> list[tuple[datetime, datetime]]:
    """*n* spans of 25 to 35 days, starting anywhere in the five years from 2023."""
    spans = []
    for _ in range(n):
        micros = rng.randrange((YEARS * 365 - 40) * 86_400 * 10**6)
        length = rng.randrange(25 * 86_400 * 10**6, 35 * 86_400 * 10**6)
        if whole_minutes:
            micros -= micros % (60 * 10**6)
            length -= length % (60 * 10**6)
        start = START + timedelta(microseconds=micros)
        spans.append((start, start + timedelta(microseconds=length)))
    return spans


def walk_minutes(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """The brute-force reference: every minute in UTC, its wall clock, its date's hours."""
    worked, moment, hours = 0, start, {}
    while moment < end:
        local = moment.astimezone(ZONE)
        day = local.date()
        if day not in hours:
            hours[day] = [(i.start_seconds, i.end_seconds) for i in calendar.hours_on(day)]
        second = local.hour * 3600 + local.minute * 60
        worked += any(a <= second < b for a, b in hours[day])
        moment += MINUTE
    return worked * MINUTE


def day_loop(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """The hand-written way: each local day's intervals, their ends converted by zoneinfo."""
    worked = timedelta(0)
    day = start.astimezone(ZONE).date()
    last = end.astimezone(ZONE).date()
    while day <= last:
        for interval in calendar.hours_on(day):
            midnight = datetime.combine(day, datetime.min.time())
            begin = (midnight + timedelta(seconds=interval.start_seconds)).replace(tzinfo=ZONE)
            finish = (midnight + timedelta(seconds=interval.end_seconds)).replace(tzinfo=ZONE)
            begin, finish = max(begin, start), min(finish, end)
            if begin < finish:
                worked += finish.astimezone(UTC) - begin.astimezone(UTC)
        day += timedelta(days=1)
    return worked


def best_of(repeats: int, run: Callable[[], None]) -> float:
    """The fastest of *repeats* timed runs, in seconds of this process's CPU time."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def per_question(
    repeats: int,
    ask: Callable[[datetime, datetime], object],
    spans: list[tuple[datetime, datetime]],
) -> float:
    """Microseconds per question, best of *repeats* passes over *spans*."""

    def run() -> None:
        for a, b in spans:
            ask(a, b)

    return best_of(repeats, run) * 1e6 / len(spans)


def first_question_us(rng: random.Random) -> float:
    """Microseconds for a first between() in a year no question reached (builds its chunk)."""
    calendar = make_calendar(rng)
    start = datetime(2031, 3, 3, 8, tzinfo=UTC)
    began = time.process_time()
    calendar.between(start, start + timedelta(days=30))
    return (time.process_time() - began) * 1e6


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main() -> None:
    """Run the benchmark and print the figures next to the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for CI, a few seconds")
    parser.add_argument("--seed", type=int, default=11, help="seed of the calendar and questions")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    questions = 5_000 if args.quick else 100_000
    walked = 5 if args.quick else 40
    repeats = 3 if args.quick else 5

    calendar = make_calendar(rng)
    spans = make_spans(questions, rng)
    durations = [timedelta(seconds=rng.randrange(3600, 300 * 3600)) for _ in range(questions)]
    adds = [(a, d) for (a, _), d in zip(spans, durations, strict=True)]
    for a, b in spans[:2000]:  # every chunk the questions reach is built before timing
        calendar.between(a, b)

    calendar_us = per_question(repeats, calendar.between, spans)

    def run_adds() -> None:
        for a, d in adds:
            calendar.add(a, d)

    add_us = best_of(repeats, run_adds) * 1e6 / len(adds)
    for a, d in adds[:1000]:
        assert d == calendar.between(a, calendar.add(a, d))

    minute_spans = make_spans(walked, rng, whole_minutes=True)
    for a, b in minute_spans:
        expected = calendar.between(a, b)
        assert expected == walk_minutes(calendar, a, b) == day_loop(calendar, a, b), (a, b)
    walker_us = per_question(1, lambda a, b: walk_minutes(calendar, a, b), minute_spans)
    loop_spans = minute_spans * max(1, 200 // walked)
    day_loop_us = per_question(repeats, lambda a, b: day_loop(calendar, a, b), loop_spans)
    first_us = first_question_us(random.Random(args.seed))

    calendar_met, add_met = calendar_us <= CALENDAR_GOAL_US, add_us <= ADD_GOAL_US
    print(f"calendar: Europe/Berlin office, DE-BY holidays, 40 special days (seed {args.seed})")
    print(f"questions: {questions:,} spans of 25-35 days from 2023 to 2027, to the microsecond")
    print(
        f"  between, 30-day span   {calendar_us:9.2f} us   "
        f"goal <= {CALENDAR_GOAL_US:g} us: {verdict(calendar_met)}"
    )
    print(
        f"  add, 1-300 work hours  {add_us:9.2f} us   "
        f"goal <= {ADD_GOAL_US:g} us: {verdict(add_met)}"
    )
    print(f"  first question in a new year (builds its chunk) {first_us:9.0f} us")
    print(f"the same answers, by slower ways ({walked} spans for the walk, whole minutes):")
    print(f"  minute walk            {walker_us:9.0f} us   {walker_us / calendar_us:8.0f}x slower")
    print(
        f"  loop over the days     {day_loop_us:9.1f} us   {day_loop_us / calendar_us:8.1f}x slower"
    )
    if not calendar_met:
        print(f"GOAL MISSED: between() takes {calendar_us:.1f} us, over {CALENDAR_GOAL_US:g} us")
    if not add_met:
        print(f"GOAL MISSED: add() takes {add_us:.1f} us, over {ADD_GOAL_US:g} us")
    if args.json:
        figures = {
            "seed": args.seed,
            "questions": questions,
            "calendar_us": round(calendar_us, 3),
            "add_us": round(add_us, 3),
            "first_us": round(first_us, 1),
            "walker_us": round(walker_us, 1),
            "day_loop_us": round(day_loop_us, 2),
            "calendar_goal_us": CALENDAR_GOAL_US,
            "add_goal_us": ADD_GOAL_US,
            "calendar_goal_met": calendar_met,
            "add_goal_met": add_met,
        }
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
