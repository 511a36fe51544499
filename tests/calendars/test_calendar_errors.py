"""Bad calendars and bad questions: each a CrmkitError with its own code and its path."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from calendar_cases import office

from crmkit.calendars import BusinessCalendar, Interval, PublicHolidays, SpecialDay, Week
from crmkit.errors import ConfigError, CrmkitError, ErrorCode, ValidationError

NAIVE = datetime(2024, 6, 7, 10, 0)
AWARE = datetime(2024, 6, 7, 10, 0, tzinfo=UTC)


def _load(**changes: Any) -> Callable[[], object]:
    data: dict[str, Any] = {"zone": "Europe/Berlin", **changes}
    return lambda: BusinessCalendar.from_dict(data)


_CONFIG: list[tuple[str, Callable[[], object], str, str]] = [
    (
        "unknown_zone",
        _load(zone="Mars/Olympus_Mons"),
        ErrorCode.CALENDAR_UNKNOWN_ZONE,
        "zone: unknown time zone 'Mars/Olympus_Mons'",
    ),
    (
        "zone_spelling",
        lambda: BusinessCalendar("europe/berlin"),
        ErrorCode.CALENDAR_UNKNOWN_ZONE,
        "zone: unknown time zone 'europe/berlin' (did you mean 'Europe/Berlin'?)",
    ),
    (
        "zone_not_text",
        _load(zone=7),
        ErrorCode.CONFIG,
        "zone: expected text, not 7",
    ),
    (
        "end_before_start",
        _load(week={"monday": ["09:00-12:00", "17:00-13:00"]}),
        ErrorCode.CALENDAR_END_BEFORE_START,
        "week.monday[1]: 17:00-13:00 ends before it starts; hours may not cross midnight",
    ),
    (
        "empty_interval",
        _load(week={"monday": ["09:00-09:00"]}),
        ErrorCode.CALENDAR_END_BEFORE_START,
        "week.monday[0]: 09:00-09:00 ends before it starts",
    ),
    (
        "interval_in_python",
        lambda: Interval(time(17), time(9)),
        ErrorCode.CALENDAR_END_BEFORE_START,
        "end: 17:00-09:00 ends before it starts",
    ),
    (
        "not_hours",
        _load(week={"tuesday": ["9 to 5"]}),
        ErrorCode.CONFIG,
        "week.tuesday[0]: '9 to 5' is not working hours like '09:00-17:00'",
    ),
    (
        "not_a_time",
        _load(week={"tuesday": ["09:00-25:00"]}),
        ErrorCode.CONFIG,
        "week.tuesday[0]: '25:00' is not a time of day (HH:MM or HH:MM:SS)",
    ),
    (
        "overlapping",
        _load(week={"friday": ["09:00-13:00", "12:00-17:00"]}),
        ErrorCode.CALENDAR_OVERLAPPING_HOURS,
        "week.friday[1]: 12:00-17:00 overlaps 09:00-13:00 (week.friday[0])",
    ),
    (
        "overlapping_unordered",
        _load(week={"friday": ["13:00-17:00", "08:00-09:00", "10:00-14:00"]}),
        ErrorCode.CALENDAR_OVERLAPPING_HOURS,
        "week.friday[2]: 10:00-14:00 overlaps 13:00-17:00 (week.friday[0])",
    ),
    (
        "overlapping_special_day",
        _load(special_days=[{"day": "2024-12-24", "hours": ["09:00-12:00", "11:00-13:00"]}]),
        ErrorCode.CALENDAR_OVERLAPPING_HOURS,
        "special_days[0].hours[1]: 11:00-13:00 overlaps 09:00-12:00 (special_days[0].hours[0])",
    ),
    (
        "no_hours",
        _load(week={}),
        ErrorCode.CALENDAR_NO_HOURS,
        "week: the week has no working hours on any day",
    ),
    (
        "unknown_country",
        _load(holidays={"country": "XX"}),
        ErrorCode.CALENDAR_UNKNOWN_COUNTRY,
        "holidays.country: unknown holiday country 'XX'",
    ),
    (
        "country_spelling",
        lambda: office(holidays=PublicHolidays(country="de")),
        ErrorCode.CALENDAR_UNKNOWN_COUNTRY,
        "holidays.country: unknown holiday country 'de' (did you mean 'DE'?)",
    ),
    (
        "unknown_subdivision",
        _load(holidays={"country": "DE", "subdivision": "ZZ"}),
        ErrorCode.CALENDAR_UNKNOWN_SUBDIVISION,
        "holidays.subdivision: DE has no subdivision 'ZZ' (known: BB, BE, BW, BY,",
    ),
    (
        "duplicate_day",
        _load(special_days=[{"day": "2024-12-24"}, {"day": "2024-12-31"}, {"day": "2024-12-24"}]),
        ErrorCode.CONFIG_DUPLICATE,
        "special_days[2].day: 2024-12-24 is already special_days[0]",
    ),
    (
        "bad_date",
        _load(special_days=[{"day": "24.12.2024"}]),
        ErrorCode.CONFIG,
        "special_days[0].day: expected a date like '2024-12-24', not '24.12.2024'",
    ),
    (
        "hours_not_a_list",
        _load(week={"tuesday": 5}),
        ErrorCode.CONFIG,
        "week.tuesday: expected a list of working hours, not 5",
    ),
    (
        "week_not_a_mapping",
        _load(week=["09:00-17:00"]),
        ErrorCode.CONFIG,
        "week: expected a mapping of Week fields, not ['09:00-17:00']",
    ),
    (
        "special_days_not_a_list",
        _load(special_days="2024-12-24"),
        ErrorCode.CONFIG,
        "special_days: expected a list of special days, not '2024-12-24'",
    ),
    (
        "holidays_not_a_mapping",
        _load(holidays="DE"),
        ErrorCode.CONFIG,
        "holidays: expected a mapping of PublicHolidays fields, not 'DE'",
    ),
    (
        "unknown_key",
        _load(timezone="Europe/Berlin"),
        ErrorCode.CONFIG_UNKNOWN_KEY,
        "<root>: unknown field(s): timezone",
    ),
    (
        "unknown_weekday",
        _load(week={"funday": ["09:00-17:00"]}),
        ErrorCode.CONFIG_UNKNOWN_KEY,
        "week: unknown field(s): funday",
    ),
    (
        "missing_zone",
        lambda: BusinessCalendar.from_dict({"week": {"monday": ["09:00-17:00"]}}),
        ErrorCode.CONFIG_MISSING,
        "zone: required field missing",
    ),
    (
        "not_json",
        lambda: BusinessCalendar.from_json("{zone"),
        ErrorCode.CONFIG,
        "<root>: not valid JSON",
    ),
    (
        "special_day_at_a_datetime",
        lambda: SpecialDay(day=AWARE),
        ErrorCode.CONFIG,
        "day: expected a date, not datetime.datetime(2024, 6, 7, 10, 0,",
    ),
]


@pytest.mark.parametrize(
    ("make", "code", "words"), [c[1:] for c in _CONFIG], ids=[c[0] for c in _CONFIG]
)
def test_a_bad_calendar_names_its_path(make: Callable[[], object], code: str, words: str) -> None:
    """A bad value of a calendar is a ConfigError with its cause's code, at its path."""
    with pytest.raises(ConfigError) as caught:
        make()

    assert code == caught.value.code
    assert str(caught.value).startswith(words), str(caught.value)


_QUESTIONS: list[tuple[str, Callable[[BusinessCalendar], object], str, str, str]] = [
    (
        "add_naive",
        lambda c: c.add(NAIVE, timedelta(hours=1)),
        ErrorCode.CALENDAR_NAIVE_DATETIME,
        "instant",
        "a naive datetime is no instant",
    ),
    (
        "between_naive_end",
        lambda c: c.between(AWARE, NAIVE),
        ErrorCode.CALENDAR_NAIVE_DATETIME,
        "end",
        "invalid value for 'end' datetime.datetime(2024, 6, 7, 10, 0): a naive datetime",
    ),
    (
        "between_naive_start",
        lambda c: c.between(NAIVE, AWARE),
        ErrorCode.CALENDAR_NAIVE_DATETIME,
        "start",
        "invalid value for 'start'",
    ),
    (
        "is_working_naive",
        lambda c: c.is_working(NAIVE),
        ErrorCode.CALENDAR_NAIVE_DATETIME,
        "instant",
        "a naive datetime is no instant",
    ),
    (
        "next_working_naive",
        lambda c: c.next_working(NAIVE),
        ErrorCode.CALENDAR_NAIVE_DATETIME,
        "instant",
        "a naive datetime is no instant",
    ),
    (
        "add_days_naive",
        lambda c: c.add_days(NAIVE, 1),
        ErrorCode.CALENDAR_NAIVE_DATETIME,
        "start",
        "a naive datetime is no instant",
    ),
    (
        "hours_on_naive",
        lambda c: c.hours_on(NAIVE),
        ErrorCode.CALENDAR_NAIVE_DATETIME,
        "day",
        "a naive datetime is no instant",
    ),
    (
        "add_a_date",
        lambda c: c.add(date(2024, 6, 7), timedelta(hours=1)),  # type: ignore[arg-type]
        ErrorCode.VALIDATION,
        "instant",
        "expected a timezone-aware datetime",
    ),
    (
        "add_hours_as_number",
        lambda c: c.add(AWARE, 8),  # type: ignore[arg-type]
        ErrorCode.VALIDATION,
        "duration",
        "expected a timedelta of working time",
    ),
    (
        "add_days_fraction",
        lambda c: c.add_days(date(2024, 6, 7), 1.5),  # type: ignore[arg-type]
        ErrorCode.VALIDATION,
        "days",
        "expected a whole number of days",
    ),
    (
        "add_past_9999",
        lambda c: c.add(datetime(9999, 6, 1, tzinfo=UTC), timedelta(days=1000)),
        ErrorCode.CALENDAR_OUT_OF_RANGE,
        "duration",
        "the answer lies outside the years 1 to 9999",
    ),
    (
        "add_days_past_9999",
        lambda c: c.add_days(date(9999, 12, 20), 20),
        ErrorCode.CALENDAR_OUT_OF_RANGE,
        "days",
        "the answer lies outside the years 1 to 9999",
    ),
    (
        "subtract_before_year_1",
        lambda c: c.subtract(datetime(1, 2, 1, tzinfo=UTC), timedelta(days=100)),
        ErrorCode.CALENDAR_OUT_OF_RANGE,
        "duration",
        "the answer lies outside the years 1 to 9999",
    ),
    (
        "between_at_the_end_of_time",
        lambda c: c.between(AWARE, datetime.max.replace(tzinfo=UTC)),
        ErrorCode.CALENDAR_OUT_OF_RANGE,
        "end",
        "the answer lies outside the years 1 to 9999",
    ),
]


@pytest.mark.parametrize(
    ("ask", "code", "field", "words"),
    [c[1:] for c in _QUESTIONS],
    ids=[c[0] for c in _QUESTIONS],
)
def test_a_bad_question_names_its_argument(
    ask: Callable[[BusinessCalendar], object], code: str, field: str, words: str
) -> None:
    """A bad argument is a ValidationError with its cause's code, naming the argument."""
    calendar = BusinessCalendar("Europe/Berlin", week=Week.weekdays("09:00-17:00"))

    with pytest.raises(ValidationError) as caught:
        ask(calendar)

    assert (code, field) == (caught.value.code, caught.value.field)
    assert words in str(caught.value)


def test_errors_pickle_with_their_path_and_code() -> None:
    """A calendar's error comes back from a worker process as itself."""
    with pytest.raises(CrmkitError) as caught:
        _load(week={"friday": ["09:00-13:00", "12:00-17:00"]})()

    back = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - bytes this test just made

    assert (type(caught.value), str(caught.value), caught.value.code) == (
        type(back),
        str(back),
        back.code,
    )
