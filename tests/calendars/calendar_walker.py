"""The reference the business-time arithmetic is tested against: a walk, minute by minute.

It steps through UTC one minute at a time, reads each minute's wall clock in the calendar's
zone and asks whether that reading lies in the hours of its local date, which it looks up
itself (special day, then the holidays library, then the weekday). It knows nothing of the
engine's offset spans, chunks or bisections. With minute-aligned instants, hours and zone
offsets, each minute is working time or not as a whole, so its counts are exact.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

import holidays

from crmkit.calendars import BusinessCalendar

MINUTE = timedelta(minutes=1)


class MinuteWalker:
    """The working minutes of *calendar* from *start* to *end* (UTC, minute-aligned)."""

    def __init__(self, calendar: BusinessCalendar, start: datetime, end: datetime) -> None:
        self.zone = ZoneInfo(calendar.zone)
        self.start = start.astimezone(UTC)
        self.calendar = calendar
        self._days: dict[date, list[tuple[int, int]]] = {}
        self._special = {s.day: s.hours for s in calendar.special_days}
        count = (end - start) // MINUTE
        flags = [self._working(self.start + n * MINUTE) for n in range(count)]
        self.flags = flags
        #: done[n]: working minutes before minute n
        self.done = [0, *accumulate(flags)]

    def _hours(self, day: date) -> list[tuple[int, int]]:
        found = self._days.get(day)
        if found is None:
            rules = self.calendar.holidays
            if day in self._special:
                intervals = self._special[day]
            elif rules is not None and day in holidays.country_holidays(
                rules.country, subdiv=rules.subdivision, years=day.year
            ):
                intervals = ()
            else:
                intervals = self.calendar.week.on(day.weekday())
            found = [(i.start_seconds, i.end_seconds) for i in intervals]
            self._days[day] = found
        return found

    def _working(self, minute: datetime) -> bool:
        local = minute.astimezone(self.zone)
        second = local.hour * 3600 + local.minute * 60 + local.second
        return any(start <= second < end for start, end in self._hours(local.date()))

    def index(self, instant: datetime) -> int:
        """The minute number of *instant*, which must lie in the walk."""
        steps, rest = divmod(instant.astimezone(UTC) - self.start, MINUTE)
        assert not rest, instant
        assert 0 <= steps <= len(self.flags), instant
        return steps

    def instant(self, index: int) -> datetime:
        """The instant at the start of minute number *index*."""
        return self.start + index * MINUTE

    def worked(self, start: datetime, end: datetime) -> timedelta:
        """The working time from *start* to *end* (*start* <= *end*)."""
        return (self.done[self.index(end)] - self.done[self.index(start)]) * MINUTE

    def working(self, instant: datetime) -> bool:
        """Whether the minute starting at *instant* is working time."""
        return self.flags[self.index(instant)]

    def add(self, start: datetime, minutes: int) -> datetime | None:
        """The earliest instant with *minutes* of work since *start* (latest, backwards)."""
        begin = self.index(start)
        if minutes == 0:
            return start
        if minutes > 0:
            # the end of the minute in which the count reaches the target
            target = self.done[begin] + minutes
            found = bisect_left(self.done, target)
            return None if found >= len(self.done) else self.instant(found)
        target = self.done[begin] + minutes
        if target < 0:
            return None
        # the start of the minute after which the count is still the target
        return self.instant(bisect_right(self.done, target) - 1)

    def next_working(self, instant: datetime) -> datetime | None:
        """The first working minute from *instant* on, or None within the walk."""
        for index in range(self.index(instant), len(self.flags)):
            if self.flags[index]:
                return self.instant(index)
        return None
