"""Business-time arithmetic over a calendar's chunks of working time, in UTC microseconds.

Every answer is exact to the microsecond: instants and durations are whole microseconds and
so are the spans of working time. A chunk is built the first time a question reaches it
and kept (the last 64 of them); a chunk's total is kept for good, so a question spanning
many years only sums them.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final, final
from zoneinfo import ZoneInfo

from ._holidays import holiday_ordinals
from ._timeline import CHUNK_US, MAX_US, MIN_US, Chunk, build_chunk

__all__ = ["Engine", "Hours"]

#: A day's hours as ``(start, end)`` seconds after its midnight, in order.
Hours = tuple[tuple[int, int], ...]

_MAX_ORDINAL: Final = date.max.toordinal()
_CHUNKS_KEPT: Final = 64


def _outside() -> OverflowError:
    return OverflowError("outside the years 1 to 9999")


@final
class Engine:
    """The arithmetic of one calendar, with its chunks of working time.

    Args:
        zone: the calendar's zone.
        week: the hours of each weekday, Monday first.
        special: the hours of the special days, by date ordinal.
        holidays: the holiday country and subdivision, or None.
    """

    __slots__ = ("_chunk", "_holidays", "_special", "_totals", "_week", "zone")

    def __init__(
        self,
        zone: ZoneInfo,
        week: Sequence[Hours],
        special: Mapping[int, Hours],
        holidays: tuple[str, str | None] | None,
    ) -> None:
        self.zone = zone
        self._week = tuple(week)
        self._special = dict(special)
        self._holidays = holidays
        self._totals: dict[int, int] = {}
        self._chunk = functools.lru_cache(maxsize=_CHUNKS_KEPT)(self._build)

    def __reduce__(self) -> tuple[Any, ...]:
        # the chunks are a cache: a copy builds its own
        return (Engine, (self.zone, self._week, self._special, self._holidays))

    # -- days ----------------------------------------------------------------------------
    def day(self, ordinal: int) -> Hours:
        """Return the hours of the local date with *ordinal*: special day, holiday or week."""
        special = self._special.get(ordinal)
        if special is not None:
            return special
        if self._holidays is not None:
            country, subdivision = self._holidays
            year = date.fromordinal(ordinal).year
            if ordinal in holiday_ordinals(country, subdivision, year):
                return ()
        return self._week[(ordinal - 1) % 7]

    def shift_days(self, ordinal: int, days: int) -> int:
        """Return the ordinal of the *days*-th working day after *ordinal* (before, if < 0).

        With *days* 0, *ordinal* itself when it is a working day, else the next one.

        Raises:
            OverflowError: when the answer lies outside the years 1 to 9999.
        """
        step = 1 if days >= 0 else -1
        left = abs(days)
        if left == 0:
            ordinal -= 1
            left = 1
        while left:
            ordinal += step
            if not 1 <= ordinal <= _MAX_ORDINAL:
                raise _outside()
            if self.day(ordinal):
                left -= 1
        return ordinal

    # -- chunks --------------------------------------------------------------------------
    def _build(self, index: int) -> Chunk:
        chunk = build_chunk(self.zone, self.day, index)
        self._totals[index] = chunk.total
        return chunk

    def _total(self, index: int) -> int:
        total = self._totals.get(index)
        return self._chunk(index).total if total is None else total

    def _at(self, instant: int) -> tuple[int, Chunk]:
        if not MIN_US <= instant < MAX_US:
            raise _outside()
        index = instant // CHUNK_US
        return index, self._chunk(index)

    @staticmethod
    def _done(chunk: Chunk, instant: int) -> int:
        """The working time of *chunk* before *instant*."""
        at = bisect_right(chunk.starts, instant) - 1
        if at < 0:
            return 0
        return chunk.before[at] + min(instant, chunk.ends[at]) - chunk.starts[at]

    # -- questions -----------------------------------------------------------------------
    def between(self, start: int, end: int) -> int:
        """Return the working time in ``[start, end)``; negative when *end* < *start*."""
        if end < start:
            return -self.between(end, start)
        first, chunk = self._at(start)
        last, final_chunk = self._at(end)
        if first == last:
            return self._done(chunk, end) - self._done(chunk, start)
        worked = chunk.total - self._done(chunk, start)
        for index in range(first + 1, last):
            worked += self._total(index)
        return worked + self._done(final_chunk, end)

    def add(self, start: int, duration: int) -> int:
        """Return where *duration* of working time from *start* runs out.

        Forwards, the earliest instant with that much working time since *start*; backwards
        (a negative *duration*), the latest instant with that much working time until
        *start*. So the answer is the end or the start of working time, never the
        non-working time after or before it.

        Raises:
            OverflowError: when the answer lies outside the years 1 to 9999.
        """
        if duration == 0:
            return start
        index, chunk = self._at(start)
        target = self._done(chunk, start) + duration
        if duration > 0:
            while target > chunk.total:
                target -= chunk.total
                index += 1
                chunk = self._chunk(index)
            at = bisect_left(chunk.through, target)
        else:
            while target < 0:
                index -= 1
                chunk = self._chunk(index)
                target += chunk.total
            at = bisect_right(chunk.before, target) - 1
        return chunk.starts[at] + target - chunk.before[at]

    def is_working(self, instant: int) -> bool:
        """Return whether *instant* is working time."""
        _, chunk = self._at(instant)
        at = bisect_right(chunk.starts, instant) - 1
        return at >= 0 and instant < chunk.ends[at]

    def next_working(self, instant: int) -> int:
        """Return *instant* if it is working time, else the start of the next working time.

        Raises:
            OverflowError: when there is none before the end of the year 9999.
        """
        index, chunk = self._at(instant)
        at = bisect_right(chunk.starts, instant) - 1
        if at >= 0 and instant < chunk.ends[at]:
            return instant
        at += 1
        while at >= len(chunk.starts):
            index += 1
            chunk = self._chunk(index)
            at = 0
        return chunk.starts[at]
