"""The parts of a business calendar as data: the week's hours, public holidays, special days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from attrs import field, frozen

from crmkit.errors import ConfigError

from ._interval import Interval

__all__ = ["WEEKDAYS", "PublicHolidays", "SpecialDay", "Week"]

#: The weekday names of :class:`Week`, Monday first as :meth:`datetime.date.weekday` counts.
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _intervals(value: Iterable[Interval | str] | str) -> tuple[Interval, ...]:
    """Return *value* as a tuple of intervals, reading text like ``"09:00-17:00"``.

    Raises:
        ConfigError: naming the position (``[1]``) of text that is not working hours.
    """
    if isinstance(value, str | Interval):
        value = (value,)
    out = []
    for index, item in enumerate(value):
        if isinstance(item, Interval):
            out.append(item)
            continue
        try:
            out.append(Interval.parse(item))
        except ConfigError as exc:
            raise ConfigError(f"[{index}]", exc.reason, code=exc.code) from None
    return tuple(out)


@frozen(kw_only=True)
class Week:
    """The working hours of each weekday, in the calendar's wall-clock time.

    A day may have several intervals (a lunch break, a split shift); they must not overlap,
    and a day with none is closed. Each field takes :class:`Interval` values or text:
    ``Week(monday=["09:00-12:30", "13:30-17:00"])``.
    """

    monday: tuple[Interval, ...] = field(default=(), converter=_intervals)
    tuesday: tuple[Interval, ...] = field(default=(), converter=_intervals)
    wednesday: tuple[Interval, ...] = field(default=(), converter=_intervals)
    thursday: tuple[Interval, ...] = field(default=(), converter=_intervals)
    friday: tuple[Interval, ...] = field(default=(), converter=_intervals)
    saturday: tuple[Interval, ...] = field(default=(), converter=_intervals)
    sunday: tuple[Interval, ...] = field(default=(), converter=_intervals)

    @classmethod
    def weekdays(cls, *intervals: Interval | str) -> Week:
        """Return a week with the same *intervals* Monday to Friday, closed at the weekend."""
        same = _intervals(intervals)
        return cls(monday=same, tuesday=same, wednesday=same, thursday=same, friday=same)

    def on(self, weekday: int) -> tuple[Interval, ...]:
        """Return the hours of *weekday*, 0 for Monday to 6 for Sunday."""
        hours_of_day: tuple[Interval, ...] = getattr(self, WEEKDAYS[weekday])
        return hours_of_day


@frozen(kw_only=True)
class PublicHolidays:
    """The public holidays of a country, and of one of its subdivisions, as closed days.

    The dates come from the `holidays <https://pypi.org/project/holidays/>`_ library,
    including the days it observes in place of a holiday that falls on a weekend.

    Attributes:
        country: the ISO 3166-1 code the library knows the country by (``"DE"``, ``"US"``).
        subdivision: a state, province or region of it (``"BY"`` for Bavaria), or None for
            the holidays of the whole country only.
    """

    country: str
    subdivision: str | None = None


@frozen(kw_only=True)
class SpecialDay:
    """A date whose hours differ from its weekday's: closed, open, or a half day.

    A special day's hours replace whatever the date would have had, a public holiday
    included: no hours closes it (a company outing), hours open it (a Saturday sale, a
    holiday worked), shorter hours make a half day (Christmas Eve until noon).

    Attributes:
        day: the date, in the calendar's zone.
        hours: the working hours of that date; none for a closed day.
        name: what the day is, for people (``"Christmas Eve"``).
    """

    day: date
    hours: tuple[Interval, ...] = field(default=(), converter=_intervals)
    name: str = ""

    def __attrs_post_init__(self) -> None:
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise ConfigError("day", f"expected a date, not {self.day!r}")
