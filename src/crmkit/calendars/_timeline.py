"""A calendar's working time as sorted spans of UTC microseconds, built a chunk at a time.

Time after the epoch is cut into chunks of 364 days. A chunk holds the instants in it that
are working time, as sorted, disjoint ``[start, end)`` spans of microseconds, with the
working time before each span, so that the working time up to any instant of the chunk is
one bisection and one subtraction.

An instant is working time when its wall-clock reading in the calendar's zone falls in one
of the hours of its local date. Each span of constant UTC offset maps wall-clock hours to
UTC by one subtraction, so a clock change inside working hours is counted as the time that
really passes: the hour a spring change skips is not worked, the hour an autumn change
repeats is worked twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Final, final
from zoneinfo import ZoneInfo

from ._zone import EPOCH, offset_spans

__all__ = ["CHUNK_US", "MAX_US", "MIN_US", "Chunk", "DayHours", "build_chunk"]

_DAY: Final = 86_400
_US: Final = 1_000_000
_CHUNK_S: Final = 364 * _DAY
CHUNK_US: Final = _CHUNK_S * _US
_EPOCH_ORDINAL: Final = EPOCH.date().toordinal()


# A week inside each end of datetime's range: local dates a day or so either side of any
# instant in it are still dates.
_MIN_S: Final = _DAY * ((datetime(1, 1, 8, tzinfo=UTC) - EPOCH).days)
_MAX_S: Final = _DAY * ((datetime(9999, 12, 24, tzinfo=UTC) - EPOCH).days)
MIN_US: Final = _MIN_S * _US
MAX_US: Final = _MAX_S * _US

#: The hours of a local date (by ordinal) as ``(start, end)`` seconds after its midnight.
DayHours = Callable[[int], tuple[tuple[int, int], ...]]


@final
class Chunk:
    """The working time of one chunk.

    Attributes:
        starts: the start of each working span, in microseconds after the epoch.
        ends: the end of each span (excluded).
        before: the working time before each span, from the chunk's start.
        through: the working time to the end of each span, from the chunk's start.
        total: the chunk's working time.
    """

    __slots__ = ("before", "ends", "starts", "through", "total")

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [start * _US for start, _ in spans]
        self.ends = [end * _US for _, end in spans]
        self.before: list[int] = []
        self.through: list[int] = []
        done = 0
        for start, end in zip(self.starts, self.ends, strict=True):
            self.before.append(done)
            done += end - start
            self.through.append(done)
        self.total = done


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort *spans* (disjoint: each instant has one local date) and join the touching ones."""
    spans.sort()
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and out[-1][1] == start:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def build_chunk(zone: ZoneInfo, day_hours: DayHours, index: int) -> Chunk:
    """Return the working time of chunk *index* (the chunk starting ``index * 364`` days in).

    Raises:
        OverflowError: for a chunk wholly outside the years datetime can hold.
    """
    low = max(index * _CHUNK_S, _MIN_S)
    high = min(low + _CHUNK_S, (index + 1) * _CHUNK_S, _MAX_S)
    if low >= high:
        raise OverflowError("outside the years 1 to 9999")
    spans = []
    # a span of local dates reaches up to a day beyond the chunk either side
    for first, last, offset in offset_spans(zone, low - 2 * _DAY, high + 2 * _DAY):
        clip_low, clip_high = max(first, low), min(last, high)
        if clip_low >= clip_high:
            continue
        for day in range((clip_low + offset) // _DAY, (clip_high - 1 + offset) // _DAY + 1):
            midnight = day * _DAY - offset  # the UTC second this offset puts at local 00:00
            for start, end in day_hours(day + _EPOCH_ORDINAL):
                begin = max(midnight + start, clip_low)
                finish = min(midnight + end, clip_high)
                if begin < finish:
                    spans.append((begin, finish))
    return Chunk(_merged(spans))
