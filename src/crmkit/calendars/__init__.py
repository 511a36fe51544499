"""Business calendars: working hours in an IANA zone, public holidays, business-time arithmetic.

A :class:`BusinessCalendar` is plain data (weekly hours with breaks, holidays by country and
subdivision, special days) that answers, exactly across clock changes: how much working time
lies between two instants, when a span of working time from an instant runs out, whether an
instant is working time, and which day is n business days away. See ``docs/calendars.md``.
"""

from ._calendar import BusinessCalendar
from ._interval import Interval
from ._model import WEEKDAYS, PublicHolidays, SpecialDay, Week

__all__ = [
    "WEEKDAYS",
    "BusinessCalendar",
    "Interval",
    "PublicHolidays",
    "SpecialDay",
    "Week",
]
