"""The business calendar: its data, and the business-time arithmetic over it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, overload
from zoneinfo import ZoneInfo

from attrs import field, frozen

from crmkit.errors import ConfigError, ErrorCode, ValidationError

from ._checks import compile_calendar
from ._engine import Engine
from ._interval import Interval
from ._load import load_parts, parse_json, unstructure
from ._model import PublicHolidays, SpecialDay, Week
from ._zone import EPOCH

__all__ = ["BusinessCalendar"]

_US = 1_000_000
_OUTSIDE = "the answer lies outside the years 1 to 9999"


def _zone_name(zone: str | ZoneInfo) -> str:
    if isinstance(zone, ZoneInfo):
        if zone.key is None:
            raise ConfigError("zone", "a zone read from a file has no IANA name to keep")
        return zone.key
    return zone


def _special_days(days: Iterable[SpecialDay]) -> tuple[SpecialDay, ...]:
    return tuple(days)


def _office_week() -> Week:
    return Week.weekdays("09:00-17:00")


def _micros(instant: object, name: str) -> int:
    """Return *instant* as microseconds after the epoch, refusing anything but an instant."""
    if not isinstance(instant, datetime):
        raise ValidationError(instant, "expected a timezone-aware datetime", field=name)
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValidationError(
            instant,
            "a naive datetime is no instant: give it a tzinfo (UTC or the calendar's zone)",
            field=name,
            code=ErrorCode.CALENDAR_NAIVE_DATETIME,
        )
    span = instant - EPOCH
    return (span.days * 86_400 + span.seconds) * _US + span.microseconds


def _duration(duration: object) -> int:
    if not isinstance(duration, timedelta):
        raise ValidationError(duration, "expected a timedelta of working time", field="duration")
    return (duration.days * 86_400 + duration.seconds) * _US + duration.microseconds


def _interval(start: int, end: int) -> Interval:
    def moment(second: int) -> time:
        return time(second // 3600 % 24, second // 60 % 60, second % 60)

    return Interval(moment(start), moment(end))


@frozen
class BusinessCalendar:
    """When a business works: weekly hours in an IANA zone, public holidays, special days.

    A calendar is plain data that converts to and from dicts and JSON (:meth:`to_dict`,
    :meth:`from_dict`), and answers business-time questions exactly, to the microsecond,
    across clock changes, holidays and breaks, in any zone.

    **What counts as working time.** An instant is working time when its wall-clock reading
    in *zone* falls in one of the hours of its local date: the date's special day if it has
    one, else nothing on a public holiday, else its weekday's hours. A clock change inside
    working hours counts the time that really passes: on the day a spring change skips
    02:00-03:00, hours of 01:00-05:00 hold 3 hours of work; on the day an autumn change
    repeats 02:00-03:00, they hold 5. A 09:00-17:00 day far from the change holds 8.

    Args:
        zone: an IANA zone name (``"Europe/Berlin"``) or a :class:`zoneinfo.ZoneInfo`.
        week: the hours of each weekday; by default 09:00-17:00 Monday to Friday.
        holidays: public holidays that close the calendar, or None for none.
        special_days: dates whose hours differ from their weekday's.

    Raises:
        ConfigError: naming the path of a bad value: an unknown ``zone``
            (``calendars.unknown_zone``), overlapping hours at ``week.monday[1]``
            (``calendars.overlapping_hours``), a ``week`` without hours
            (``calendars.no_hours``), an unknown ``holidays.country`` or
            ``holidays.subdivision``, a special day given twice (``config.duplicate``).
    """

    zone: str = field(converter=_zone_name)
    week: Week = field(factory=_office_week, kw_only=True)
    holidays: PublicHolidays | None = field(default=None, kw_only=True)
    special_days: tuple[SpecialDay, ...] = field(default=(), converter=_special_days, kw_only=True)
    _engine: Engine = field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        engine = compile_calendar(self.zone, self.week, self.holidays, self.special_days)
        object.__setattr__(self, "_engine", engine)

    # -- data ----------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any) -> BusinessCalendar:
        """Build a calendar from plain data, as :meth:`to_dict` makes or a person writes.

        Raises:
            ConfigError: naming the path of the first bad value (``week.monday[1]``).
        """
        if isinstance(data, BusinessCalendar):
            return data
        return cls(**load_parts(data))

    @classmethod
    def from_json(cls, text: str | bytes) -> BusinessCalendar:
        """Build a calendar from JSON text.

        Raises:
            ConfigError: for text that is not JSON, or a bad value (with its path).
        """
        return cls.from_dict(parse_json(text))

    def to_dict(self) -> dict[str, Any]:
        """Return the calendar as JSON-safe plain data; :meth:`from_dict` reads it back."""
        data: dict[str, Any] = unstructure(self)
        return data

    def to_json(self) -> str:
        """Return the calendar as JSON text; :meth:`from_json` reads it back."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @property
    def tzinfo(self) -> ZoneInfo:
        """The calendar's zone, in which its wall-clock hours are read."""
        return self._engine.zone

    # -- days ----------------------------------------------------------------------------
    def _local_date(self, day: object, name: str) -> date:
        if isinstance(day, datetime):
            return self._local(day, name).date()
        if not isinstance(day, date):
            raise ValidationError(day, "expected a date or a timezone-aware datetime", field=name)
        return day

    def _local(self, instant: datetime, name: str) -> datetime:
        _micros(instant, name)  # refuses a naive datetime
        return instant.astimezone(self._engine.zone)

    def hours_on(self, day: date) -> tuple[Interval, ...]:
        """Return the working hours of *day*, in order.

        They are its special day's, none on a public holiday, else its weekday's. A
        datetime stands for its date in the calendar's zone.
        """
        ordinal = self._local_date(day, "day").toordinal()
        return tuple(_interval(start, end) for start, end in self._engine.day(ordinal))

    def is_working_day(self, day: date) -> bool:
        """Return whether *day* has working hours (a datetime: its date in the calendar's zone).

        A day whose hours all fall in a clock change's gap still counts.
        """
        return bool(self._engine.day(self._local_date(day, "day").toordinal()))

    @overload
    def add_days(self, start: datetime, days: int) -> datetime: ...
    @overload
    def add_days(self, start: date, days: int) -> date: ...
    def add_days(self, start: date, days: int) -> date:
        """Return the *days*-th working day after *start*, or before it for negative *days*.

        *start* itself need not be a working day: 1 day after a Saturday is the Monday.
        With *days* 0, *start* if it is a working day, else the next one. For a datetime,
        the answer is at the same wall-clock time of the calendar's zone on that day (a time
        that day's clock change skips moves on by the skipped span), in *start*'s tzinfo.

        Raises:
            ValidationError: for a naive datetime (``calendars.naive_datetime``), or an
                answer past the year 9999 (``calendars.out_of_range``).
        """
        if isinstance(days, bool) or not isinstance(days, int):
            raise ValidationError(days, "expected a whole number of days", field="days")
        first = self._local_date(start, "start")
        try:
            found = date.fromordinal(self._engine.shift_days(first.toordinal(), days))
        except OverflowError:
            raise ValidationError(
                days, _OUTSIDE, field="days", code=ErrorCode.CALENDAR_OUT_OF_RANGE
            ) from None
        if not isinstance(start, datetime):
            return found
        clock = self._local(start, "start").time()
        wall = datetime.combine(found, clock, tzinfo=self._engine.zone)
        return wall.astimezone(UTC).astimezone(start.tzinfo)

    # -- instants ------------------------------------------------------------------------
    @staticmethod
    def _instant(micros: int, like: datetime) -> datetime:
        """The instant *micros* after the epoch, in the tzinfo of *like*."""
        found = EPOCH + timedelta(microseconds=micros)
        return found if like.tzinfo is UTC else found.astimezone(like.tzinfo)

    def add(self, instant: datetime, duration: timedelta) -> datetime:
        """Return the instant *duration* of working time after *instant*.

        The earliest such instant: work that runs out at 17:00 on a Friday is done at
        17:00 on the Friday, not at the Monday's opening. A negative *duration* counts
        back and gives the latest such instant, so an hour before a Monday's 09:30 is
        Monday 08:30 when the day opens at 08:00, and 16:30 of the Friday when it opens at
        09:00. ``add(t, timedelta(0))`` is *t*. The answer is in *instant*'s tzinfo.

        Raises:
            ValidationError: for a naive datetime (``calendars.naive_datetime``), or an
                answer outside the years 1 to 9999 (``calendars.out_of_range``).
        """
        start = _micros(instant, "instant")
        try:
            return self._instant(self._engine.add(start, _duration(duration)), instant)
        except OverflowError:
            raise ValidationError(
                duration, _OUTSIDE, field="duration", code=ErrorCode.CALENDAR_OUT_OF_RANGE
            ) from None

    def subtract(self, instant: datetime, duration: timedelta) -> datetime:
        """Return the instant *duration* of working time before *instant*: ``add(instant, -d)``.

        Raises:
            ValidationError: as :meth:`add` does.
        """
        if not isinstance(duration, timedelta):
            raise ValidationError(
                duration, "expected a timedelta of working time", field="duration"
            )
        return self.add(instant, -duration)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Return the working time from *start* to *end*; negative when *end* is earlier.

        Raises:
            ValidationError: for a naive datetime (``calendars.naive_datetime``).
        """
        first, last = _micros(start, "start"), _micros(end, "end")
        try:
            return timedelta(microseconds=self._engine.between(first, last))
        except OverflowError:
            raise ValidationError(
                end, _OUTSIDE, field="end", code=ErrorCode.CALENDAR_OUT_OF_RANGE
            ) from None

    def is_working(self, instant: datetime) -> bool:
        """Return whether *instant* is working time (an interval's start is, its end is not).

        Raises:
            ValidationError: for a naive datetime (``calendars.naive_datetime``).
        """
        at = _micros(instant, "instant")
        try:
            return self._engine.is_working(at)
        except OverflowError:
            raise ValidationError(
                instant, _OUTSIDE, field="instant", code=ErrorCode.CALENDAR_OUT_OF_RANGE
            ) from None

    def next_working(self, instant: datetime) -> datetime:
        """Return *instant* if it is working time, else the start of the next working time.

        The answer is in *instant*'s tzinfo.

        Raises:
            ValidationError: for a naive datetime (``calendars.naive_datetime``).
        """
        at = _micros(instant, "instant")
        try:
            return self._instant(self._engine.next_working(at), instant)
        except OverflowError:
            raise ValidationError(
                instant, _OUTSIDE, field="instant", code=ErrorCode.CALENDAR_OUT_OF_RANGE
            ) from None
