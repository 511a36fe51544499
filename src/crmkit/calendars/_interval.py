"""One span of working hours within a day, in wall-clock time: ``09:00-12:30``."""

from __future__ import annotations

import re
from datetime import time

from attrs import frozen

from crmkit.errors import ConfigError, ErrorCode

__all__ = ["Interval", "seconds_of_day"]

_DAY = 86_400
_TEXT = re.compile(r"\s*(\d{1,2}:\d{2}(?::\d{2})?)\s*[-–]\s*(\d{1,2}:\d{2}(?::\d{2})?)\s*")


def seconds_of_day(moment: time) -> int:
    """Return the seconds from midnight to *moment*."""
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _show(moment: time, *, end: bool = False) -> str:
    if end and moment == time(0):
        return "24:00"
    if moment.second:
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%H:%M")


def _read(text: str, *, end: bool) -> time:
    if end and text in ("24:00", "24:00:00"):
        return time(0)
    padded = f"0{text}" if text.index(":") == 1 else text
    try:
        return time.fromisoformat(padded)
    except ValueError:
        raise ConfigError("", f"{text!r} is not a time of day (HH:MM or HH:MM:SS)") from None


@frozen(repr=False)
class Interval:
    """Working hours within one day, from *start* (included) to *end* (excluded).

    Times are wall-clock times of the calendar's zone. An interval never crosses midnight:
    ``end`` of ``time(0)`` means the end of the day (written ``24:00``), so a night shift is
    ``22:00-24:00`` on one day and ``00:00-06:00`` on the next, and ``00:00-24:00`` is the
    whole day. Times are whole seconds with no time zone of their own.

    Raises:
        ConfigError: ``calendars.end_before_start`` when *end* is not after *start*;
            ``config.invalid`` for a time with a zone or a fraction of a second.
    """

    start: time
    end: time

    def __attrs_post_init__(self) -> None:
        for name, moment in (("start", self.start), ("end", self.end)):
            if not isinstance(moment, time):
                raise ConfigError(name, f"expected a time of day, not {moment!r}")
            if moment.tzinfo is not None or moment.microsecond:
                raise ConfigError(name, f"{moment} must be whole seconds with no time zone")
        if self.end_seconds <= self.start_seconds:
            raise ConfigError(
                "end",
                f"{self} ends before it starts; hours may not cross midnight "
                "(write 22:00-24:00 and 00:00-06:00 on the next day)",
                code=ErrorCode.CALENDAR_END_BEFORE_START,
            )

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Read ``"09:00-12:30"`` (seconds allowed: ``"09:00:30-12:00"``; ``24:00`` ends a day).

        Raises:
            ConfigError: for text that is not two times joined by ``-``, or an end that is
                not after the start (``calendars.end_before_start``).
        """
        if not isinstance(text, str):
            raise ConfigError(
                "", f"expected working hours as text like '09:00-17:00', not {text!r}"
            )
        found = _TEXT.fullmatch(text)
        if found is None:
            raise ConfigError("", f"{text!r} is not working hours like '09:00-17:00'")
        start, end = _read(found[1], end=False), _read(found[2], end=True)
        try:
            return cls(start, end)
        except ConfigError as exc:
            raise ConfigError("", exc.reason, code=exc.code) from None

    @property
    def start_seconds(self) -> int:
        """Seconds from midnight to the start."""
        return seconds_of_day(self.start)

    @property
    def end_seconds(self) -> int:
        """Seconds from midnight to the end (86,400 for ``24:00``)."""
        return seconds_of_day(self.end) or _DAY

    def __str__(self) -> str:
        return f"{_show(self.start)}-{_show(self.end, end=True)}"

    def __repr__(self) -> str:
        return f"Interval.parse({str(self)!r})"
