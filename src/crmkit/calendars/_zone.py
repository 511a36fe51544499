"""IANA zones: reading a zone's name, and the spans of UTC time in which its offset holds."""

from __future__ import annotations

import functools
import zoneinfo
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from crmkit.errors import ConfigError, ErrorCode

__all__ = ["EPOCH", "load_zone", "offset_spans"]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# zoneinfo has no public list of a zone's transitions, so they are found by asking for the
# offset every _PROBE seconds and bisecting where it changes. No zone of the IANA database
# changes its offset twice within three days (tests/calendars/test_zone.py checks the data
# installed), so a probe every 12 hours misses none.
_PROBE = 12 * 3600


@functools.cache
def _known() -> dict[str, str]:
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


def load_zone(name: object) -> ZoneInfo:
    """Return the zone called *name* (``"Europe/Berlin"``).

    Raises:
        ConfigError: ``calendars.unknown_zone`` at ``zone``, for a name that is no IANA
            zone, suggesting the right spelling when only the letter case is wrong.
    """
    if not isinstance(name, str):
        raise ConfigError("zone", f"expected an IANA zone name like 'Europe/Berlin', not {name!r}")
    try:
        return ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    spelled = _known().get(name.casefold())
    hint = f" (did you mean {spelled!r}?)" if spelled else ""
    raise ConfigError(
        "zone", f"unknown time zone {name!r}{hint}", code=ErrorCode.CALENDAR_UNKNOWN_ZONE
    )


def _offset(zone: ZoneInfo, second: int) -> int:
    """The zone's UTC offset, in seconds, at *second* seconds after the epoch."""
    moment = EPOCH + timedelta(seconds=second)
    shift = moment.astimezone(zone).replace(tzinfo=None) - moment.replace(tzinfo=None)
    return shift.days * 86_400 + shift.seconds


def offset_spans(zone: ZoneInfo, low: int, high: int) -> list[tuple[int, int, int]]:
    """Split the seconds ``[low, high)`` after the epoch where *zone*'s offset changes.

    Returns:
        ``(start, end, offset)`` spans that cover ``[low, high)`` in order, each with the
        offset in seconds that holds through it.
    """
    spans = []
    start, offset = low, _offset(zone, low)
    probe = low
    while probe < high:
        nxt = min(probe + _PROBE, high - 1)
        if nxt <= probe:
            break
        later = _offset(zone, nxt)
        if later != offset:
            # the first second with the new offset lies in (probe, nxt]
            before, after = probe, nxt
            while after - before > 1:
                middle = (before + after) // 2
                if _offset(zone, middle) == offset:
                    before = middle
                else:
                    after = middle
            spans.append((start, after, offset))
            start, offset = after, later
        probe = nxt
    spans.append((start, high, offset))
    return spans
