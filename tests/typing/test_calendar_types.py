"""The business calendar's types say what they mean (``mypy --strict tests/typing``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, assert_type
from zoneinfo import ZoneInfo

from crmkit.calendars import BusinessCalendar, Interval, PublicHolidays, SpecialDay, Week


def test_calendar_types() -> None:
    """Building, converting and asking a calendar keep their types."""
    week = Week(monday=["09:00-12:30", "13:30-17:30"], friday="09:00-15:00")
    calendar = BusinessCalendar(
        "Europe/Berlin",
        week=week,
        holidays=PublicHolidays(country="DE", subdivision="BY"),
        special_days=[SpecialDay(day=date(2024, 12, 24), hours=["09:00-12:00"])],
    )
    assert_type(BusinessCalendar(ZoneInfo("UTC")), BusinessCalendar)
    assert_type(BusinessCalendar.from_dict(calendar.to_dict()), BusinessCalendar)
    assert_type(BusinessCalendar.from_json(calendar.to_json()), BusinessCalendar)
    assert_type(calendar.to_dict(), dict[str, Any])
    assert_type(calendar.tzinfo, ZoneInfo)
    assert_type(week.monday, tuple[Interval, ...])
    assert_type(Interval.parse("09:00-17:00"), Interval)

    start = datetime(2024, 3, 28, 14, tzinfo=UTC)
    assert_type(calendar.add(start, timedelta(hours=8)), datetime)
    assert_type(calendar.subtract(start, timedelta(hours=8)), datetime)
    assert_type(calendar.between(start, start), timedelta)
    assert_type(calendar.is_working(start), bool)
    assert_type(calendar.next_working(start), datetime)
    assert_type(calendar.add_days(start, 3), datetime)
    assert_type(calendar.add_days(date(2024, 3, 28), 3), date)
    assert_type(calendar.is_working_day(date(2024, 3, 28)), bool)
    assert_type(calendar.hours_on(date(2024, 3, 28)), tuple[Interval, ...])
    assert date(2024, 4, 5) == calendar.add_days(date(2024, 3, 28), 1)  # Fridays and Mondays
