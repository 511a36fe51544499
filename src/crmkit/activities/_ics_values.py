"""The iCalendar values an activity is written as and read from: times, and crmkit's own.

A timed value is written in the activity's zone (``TZID``) so that other calendars expand a
series in its wall time; in UTC where that wall time is ambiguous (the hour the clocks go
back) or the activity has no zone. iCalendar times have whole seconds: a sub-second part
travels in the parameter ``X-CRMKIT-US``, so crmkit reads back the exact instant.

What iCalendar has no property for (links, custom values, the owner...) travels in ``X-CRMKIT-``
properties holding ASCII JSON, which other calendars keep and ignore.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from crmkit.errors import ErrorCode, ValidationError

from ._zones import zone_info

__all__ = [
    "X",
    "get_json",
    "get_micros",
    "get_moment",
    "get_text_moment",
    "moment_value",
    "plain_text",
    "put_json",
    "put_moment",
    "put_text_moment",
    "zone_of",
]

_MICROS = "X-CRMKIT-US"


class X:
    """The names of crmkit's own properties."""

    KIND = "X-CRMKIT-KIND"
    OWNER = "X-CRMKIT-OWNER"
    LINKS = "X-CRMKIT-LINKS"
    CUSTOM = "X-CRMKIT-CUSTOM"
    ZONE = "X-CRMKIT-ZONE"
    OUTCOME = "X-CRMKIT-OUTCOME"
    DONE_AT = "X-CRMKIT-DONE-AT"
    END = "X-CRMKIT-END"
    VERSION = "X-CRMKIT-VERSION"
    SERIES_ID = "X-CRMKIT-SERIES-ID"
    OCCURRENCE = "X-CRMKIT-OCCURRENCE"
    SERIES_START = "X-CRMKIT-SERIES-START"
    REMINDERS = "X-CRMKIT-REMINDERS"
    BODY = "X-CRMKIT-BODY"


def plain_text(value: str) -> bool:
    """Whether iCalendar's TEXT keeps *value* as it is (no CR, no other control characters)."""
    return all(c in "\n\t" or c >= " " for c in value) and "\x7f" not in value


def _ambiguous(local: datetime) -> bool:
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def moment_value(value: date, zone: str | None) -> tuple[date, dict[str, str]]:
    """The value and parameters to write *value* (a date, or an instant) with."""
    if not isinstance(value, datetime):
        return value, {}
    params = {_MICROS: str(value.microsecond)} if value.microsecond else {}
    whole = value.replace(microsecond=0)
    if zone is not None and zone != "UTC":
        local = whole.astimezone(zone_info(zone))
        if not _ambiguous(local):
            return local, params
    return whole.astimezone(UTC), params


def put_moment(component: Any, name: str, value: date | None, zone: str | None) -> None:
    """Add *value* (a date or an instant) to *component* as property *name*."""
    if value is None:
        return
    written, params = moment_value(value, zone)
    component.add(name, written, parameters=params or None)


def get_moment(
    prop: Any, where: str, zone: str | None, *, micros: str | None = None
) -> date | datetime:
    """Read a date or an instant (UTC) from one iCalendar value.

    A floating time (no ``TZID``, no ``Z``) is read in *zone*.

    Raises:
        ValidationError: ``activities.no_zone`` naming *where* for a floating time with no
            *zone*; the default code for a value that is no date or time.
    """
    value = getattr(prop, "dt", prop)
    if isinstance(value, tuple):  # a PERIOD: its start
        value = value[0]
    if not isinstance(value, date):
        raise ValidationError(str(prop), "not a date or a date-time", field=where)
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        if zone is None:
            raise ValidationError(
                value.isoformat(),
                "a floating time is a time somewhere: pass from_ics(..., zone=...)",
                field=where,
                code=ErrorCode.NO_ZONE,
            )
        value = value.replace(tzinfo=zone_info(zone))
    if micros:
        value = value.replace(microsecond=int(micros))
    return value.astimezone(UTC)


def put_text_moment(component: Any, name: str, value: date | None) -> None:
    """Add *value* to crmkit's property *name* as ISO 8601 text (an instant in UTC)."""
    if value is not None:
        component.add(name, value.isoformat())


def get_text_moment(component: Any, name: str, where: str) -> date | None:
    """Read crmkit's property *name* written by :func:`put_text_moment`; None if absent.

    Raises:
        ValidationError: naming *where*, for text that is no ISO 8601 date or datetime.
    """
    prop = component.get(name)
    if prop is None:
        return None
    text = str(prop)
    try:
        value = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationError(
            text, "not an ISO 8601 date or datetime", field=f"{where}.{name}"
        ) from exc
    return value.astimezone(UTC) if isinstance(value, datetime) and value.tzinfo else value


def get_micros(prop: Any) -> str | None:
    """The sub-second part crmkit wrote beside a value, if any."""
    params = getattr(prop, "params", None) or {}
    found = params.get(_MICROS)
    return str(found) if found else None


def zone_of(prop: Any) -> str | None:
    """The IANA zone a timed value was written in, if it names one."""
    value = getattr(prop, "dt", None)
    tz = getattr(value, "tzinfo", None)
    key = getattr(tz, "key", None)
    if isinstance(tz, ZoneInfo) and isinstance(key, str) and key != "UTC":
        return key
    return None


def put_json(component: Any, name: str, value: object) -> None:
    """Add *value* as ASCII JSON in crmkit's property *name*."""
    component.add(name, json.dumps(value, ensure_ascii=True, separators=(",", ":")))


def get_json(component: Any, name: str, where: str) -> Any:
    """Read crmkit's property *name* as JSON; None when it is not there.

    Raises:
        ValidationError: naming *where*, for a value that is not JSON.
    """
    prop = component.get(name)
    if prop is None:
        return None
    try:
        return json.loads(str(prop))
    except ValueError as exc:
        raise ValidationError(str(prop), "not JSON", field=f"{where}.{name}") from exc
