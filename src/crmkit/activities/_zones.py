"""IANA zones, aware instants and local days: the time checks every activity function shares.

Instants are aware datetimes, kept in UTC. A local date means nothing without the zone it is
a date in, so every function that turns one into the other takes the zone by name.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crmkit.errors import ErrorCode, ValidationError

__all__ = ["day_start", "instant", "local_date", "zone_info", "zone_name"]


@lru_cache(maxsize=1024)
def _lookup(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone_info(name: object, *, field: str = "zone") -> ZoneInfo:
    """Return the IANA zone called *name* (``"Europe/Berlin"``); a ZoneInfo is returned as is.

    Raises:
        ValidationError: ``activities.unknown_zone`` naming *field*, for a name that is not
            a zone of the IANA database (or not text).
    """
    if isinstance(name, ZoneInfo):
        return name
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(
            name,
            "expected an IANA zone name such as 'Europe/Berlin'",
            field=field,
            code=ErrorCode.UNKNOWN_ZONE,
        )
    try:
        return _lookup(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValidationError(
            name, "not a zone of the IANA database", field=field, code=ErrorCode.UNKNOWN_ZONE
        ) from exc


def zone_name(value: object, *, field: str = "zone") -> str | None:
    """Return *value* as a checked IANA zone name, None for None.

    Raises:
        ValidationError: ``activities.unknown_zone``, as :func:`zone_info` does.
    """
    if value is None:
        return None
    return zone_info(value, field=field).key


def instant(value: object, *, field: str) -> datetime:
    """Return *value*, an aware datetime, in UTC.

    Raises:
        ValidationError: ``activities.no_zone`` for a naive datetime, and the default code for
            anything that is not a datetime; both name *field*.
    """
    if not isinstance(value, datetime):
        raise ValidationError(value, "expected an aware datetime", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(
            value,
            "a datetime without a zone is no instant: give it a tzinfo (UTC or an IANA zone)",
            field=field,
            code=ErrorCode.NO_ZONE,
        )
    return value.astimezone(UTC)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """Return the calendar date that clocks in *zone* show at the instant *moment*."""
    return moment.astimezone(zone).date()


def _transition(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The instant in (before, after] where *zone*'s UTC offset changes, to the second."""
    offset = before.astimezone(zone).utcoffset()
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        if middle.astimezone(zone).utcoffset() == offset:
            before = middle
        else:
            after = middle
    return after.replace(microsecond=0)  # zones change offset on whole seconds


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """Return the first instant (UTC) at which clocks in *zone* show *day* or a later date.

    Midnight, usually; where a change of offset skips midnight (Sao Paulo's old spring
    forward at 00:00, or a whole day as Samoa skipped 30 December 2011), the moment the clocks
    jump. Where they go back over midnight, the first of the two midnights.
    """
    wall = datetime.combine(day, time())
    first = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the earlier reading
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # midnight is in a gap: the day began when the clocks jumped over it
    # (fold=0 reads the wall time with the offset before the jump, fold=1 with the one after,
    # and the jump lies between the two readings)
    earliest = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return _transition(earliest, first, zone)
