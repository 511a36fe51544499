"""Checking a business calendar's data, naming each bad value by its path, and compiling it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from crmkit.errors import ConfigError, ErrorCode

from ._engine import Engine, Hours
from ._holidays import check_holidays
from ._interval import Interval
from ._model import WEEKDAYS, PublicHolidays, SpecialDay, Week
from ._zone import load_zone

__all__ = ["compile_calendar"]


def _day_hours(intervals: Sequence[object], path: str) -> Hours:
    """Return a day's *intervals* as sorted seconds, refusing any two that overlap."""
    seen: list[tuple[int, int, int]] = []
    for index, interval in enumerate(intervals):
        if not isinstance(interval, Interval):
            raise ConfigError(f"{path}[{index}]", f"expected an Interval, not {interval!r}")
        seen.append((interval.start_seconds, interval.end_seconds, index))
    seen.sort()
    reach, reaching = -1, -1
    for start, end, index in seen:
        if start < reach:
            later, earlier = max(index, reaching), min(index, reaching)
            raise ConfigError(
                f"{path}[{later}]",
                f"{intervals[later]} overlaps {intervals[earlier]} ({path}[{earlier}])",
                code=ErrorCode.CALENDAR_OVERLAPPING_HOURS,
            )
        if end > reach:
            reach, reaching = end, index
    return tuple((start, end) for start, end, _ in seen)


def _week(week: object) -> tuple[Hours, ...]:
    if not isinstance(week, Week):
        raise ConfigError("week", f"expected a Week, not {week!r}")
    days = tuple(_day_hours(week.on(n), f"week.{name}") for n, name in enumerate(WEEKDAYS))
    if not any(days):
        raise ConfigError(
            "week",
            "the week has no working hours on any day, so no business time ever passes",
            code=ErrorCode.CALENDAR_NO_HOURS,
        )
    return days


def _special(special_days: Sequence[object]) -> dict[int, Hours]:
    out: dict[int, Hours] = {}
    first: dict[date, int] = {}
    for index, special in enumerate(special_days):
        path = f"special_days[{index}]"
        if not isinstance(special, SpecialDay):
            raise ConfigError(path, f"expected a SpecialDay, not {special!r}")
        if special.day in first:
            raise ConfigError(
                f"{path}.day",
                f"{special.day} is already special_days[{first[special.day]}]",
                code=ErrorCode.CONFIG_DUPLICATE,
            )
        first[special.day] = index
        out[special.day.toordinal()] = _day_hours(special.hours, f"{path}.hours")
    return out


def compile_calendar(
    zone: str,
    week: Week,
    holidays: PublicHolidays | None,
    special_days: Sequence[SpecialDay],
) -> Engine:
    """Check a calendar's parts and return the engine that answers its questions.

    Raises:
        ConfigError: for the first bad value, at its path: ``zone``
            (``calendars.unknown_zone``), ``week.monday[1]``
            (``calendars.overlapping_hours``), ``week`` (``calendars.no_hours``),
            ``holidays.country``, ``holidays.subdivision``, ``special_days[2].day``
            (``config.duplicate``).
    """
    tz: ZoneInfo = load_zone(zone)
    days = _week(week)
    if holidays is not None and not isinstance(holidays, PublicHolidays):
        raise ConfigError("holidays", f"expected PublicHolidays or None, not {holidays!r}")
    source = None
    if holidays is not None:
        check_holidays(holidays.country, holidays.subdivision)
        source = (holidays.country, holidays.subdivision)
    return Engine(tz, days, _special(special_days), source)
