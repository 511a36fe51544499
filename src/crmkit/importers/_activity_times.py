"""An activity row's times: a date cell with or without a time of day, and a duration.

The date is read by the one date reader (:meth:`LocaleOptions.parse_date`, with the
column's day-month order); a time of day after it (``14:30``, ``2:30 PM``, ``14:30:05``) is
a wall time in the import's zone, unless the cell gives its own offset (``…T14:30+03:30``,
``…Z``). A cell with no time of day is an all-day date in that zone.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from crmkit.errors import ValidationError
from crmkit.values import DateOrder

from ._locale import LocaleOptions

__all__ = ["read_duration", "read_when"]

_TIME: Final = re.compile(
    r"(?P<date>.+?)[\sT,]+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<half>[ap]\.?\s?m\.?)?",
    re.IGNORECASE,
)
_OFFSET: Final = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)


def _digits(text: str) -> str:
    # Persian and Arabic-Indic digits as ASCII, so the patterns see them
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)


def read_when(
    text: str, options: LocaleOptions, order: DateOrder | None, zone: ZoneInfo
) -> datetime | date:
    """The instant (UTC) or the all-day date a date cell holds.

    Raises:
        ValidationError: ``values.invalid_date`` for a cell that is no date (or a bad time).
    """
    cleaned = _digits(unicodedata.normalize("NFKC", text).strip())
    if _OFFSET.search(cleaned):
        try:
            given = datetime.fromisoformat(cleaned)
        except ValueError:
            given = None
        if given is not None and given.tzinfo is not None:
            return given.astimezone(ZoneInfo("UTC"))
    found = _TIME.fullmatch(cleaned)
    if found is None:
        return options.parse_date(text, order)
    day = options.parse_date(found["date"], order)
    hour, minute, second = int(found["h"]), int(found["m"]), int(found["s"] or 0)
    half = (found["half"] or "").lower()[:1]
    if half and not 1 <= hour <= 12:
        raise ValidationError(text, f"not a time of day: hour {hour} with AM/PM", field="date")
    if half == "p" and hour != 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    try:
        wall = datetime.combine(day, time(hour, minute, second), tzinfo=zone)
    except ValueError as exc:
        raise ValidationError(text, f"not a time of day: {exc}", field="date") from exc
    return wall.astimezone(ZoneInfo("UTC"))


def read_duration(text: str, options: LocaleOptions) -> timedelta:
    """A duration cell: minutes (``12``, ``2,5``), ``h:mm:ss`` or ``m:ss`` (a call's length).

    Raises:
        ValidationError: for anything else, or a negative duration.
    """
    cleaned = _digits(text.strip())
    parts = cleaned.split(":")
    if len(parts) in (2, 3) and all(p.isdigit() for p in parts):
        numbers = [int(p) for p in parts]
        if len(numbers) == 2:
            numbers.insert(0, 0)
        hours, minutes, seconds = numbers
        return timedelta(hours=hours, minutes=minutes, seconds=seconds)
    minutes_given = options.parse_number(cleaned)
    if minutes_given < 0:
        raise ValidationError(text, "a duration is 0 or more minutes", field="duration")
    return timedelta(minutes=float(minutes_given))
