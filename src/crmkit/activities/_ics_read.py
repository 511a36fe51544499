"""iCalendar to activities: each ``VEVENT`` and ``VTODO`` becomes an Activity.

An event is a ``meeting`` and a to-do a ``task`` unless crmkit wrote its kind. Components
with a ``RECURRENCE-ID`` are the moved occurrences of the series with their ``UID``; what
else they change than the time is not kept. Alarms that fire before the activity becomes
its reminders; ones after it, or at fixed instants after it, are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import attrs

from crmkit._converter import converter
from crmkit._ids import new_id
from crmkit._optional import require
from crmkit._record import utcnow
from crmkit.errors import ErrorCode, SourceError, ValidationError

from ._ics_values import X, get_json, get_micros, get_moment, get_text_moment, zone_of
from ._model import Activity, Link
from ._recurrence_rule import Moved, Recurrence

__all__ = ["from_ics"]


def _moment(component: Any, name: str, where: str, zone: str | None) -> date | None:
    prop = component.get(name)
    if prop is None:
        return None
    return get_moment(prop, f"{where}.{name}", zone, micros=get_micros(prop))


def _moments(component: Any, name: str, where: str, zone: str | None) -> list[date]:
    found = component.get(name)
    if found is None:
        return []
    props = found if isinstance(found, list) else [found]
    return [
        get_moment(value, f"{where}.{name}", zone, micros=get_micros(prop))
        for prop in props
        for value in getattr(prop, "dts", [prop])
    ]


def _text(component: Any, name: str) -> str | None:
    prop = component.get(name)
    return None if prop is None else str(prop)


def _priority(component: Any) -> str:
    value = component.get("PRIORITY")
    number = int(value) if value is not None and str(value).strip().isdigit() else 0
    if 1 <= number <= 4:
        return "high"
    if number >= 6:
        return "low"
    return "normal"


def _zone(component: Any, default: str | None) -> str | None:
    named = _text(component, X.ZONE)
    if named:
        return named
    for name in ("DTSTART", "DUE", "DTEND"):
        found = zone_of(component.get(name))
        if found:
            return found
    return default


def _reminders(component: Any, where: str) -> list[int]:
    written = get_json(component, X.REMINDERS, where)
    if written is not None:
        return list(written)
    out = []
    for alarm in component.walk("VALARM"):
        trigger = alarm.get("TRIGGER")
        value = getattr(trigger, "dt", None)
        if isinstance(value, timedelta) and value <= timedelta(0):
            out.append(int(-value.total_seconds() // 60))
    return out


def _times(component: Any, event: bool, where: str, zone: str | None) -> dict[str, Any]:
    start = _moment(component, "DTSTART", where, zone)
    times: dict[str, Any] = {}
    if isinstance(start, datetime):
        times["start_at"] = start
    elif start is not None:
        times["start_date"] = start
    if event:
        end = _moment(component, "DTEND", where, zone)
        duration = getattr(component.get("DURATION"), "dt", None)
        if end is None and start is not None and isinstance(duration, timedelta):
            end = start + duration
        if isinstance(end, datetime):
            times["end_at"] = end
        elif end is not None:  # iCalendar's all-day end is the day after the last
            times["end_date"] = max(end - timedelta(days=1), start or end)
        return times
    due = _moment(component, "DUE", where, zone)
    times["due_at" if isinstance(due, datetime) else "due_date"] = due
    end_value = get_text_moment(component, X.END, where)
    if end_value is not None:
        times["end_at" if isinstance(end_value, datetime) else "end_date"] = end_value
    return times


def _recurrence(component: Any, where: str, zone: str | None) -> Recurrence | None:
    rule = component.get("RRULE")
    if rule is None:
        return None
    rules = rule if isinstance(rule, list) else [rule]
    if len(rules) != 1:
        raise ValidationError(
            len(rules), "crmkit keeps one RRULE per series", field=f"{where}.RRULE"
        )
    return Recurrence(
        rules[0].to_ical().decode("ascii"),
        start=get_text_moment(component, X.SERIES_START, where),
        exdates=_moments(component, "EXDATE", where, zone),
        rdates=_moments(component, "RDATE", where, zone),
    )


def _done_at(component: Any, event: bool, where: str) -> datetime | None:
    done = (
        get_text_moment(component, X.DONE_AT, where)
        if event
        else _moment(component, "COMPLETED", where, "UTC")
    )
    if isinstance(done, datetime):
        return done
    if not event and str(component.get("STATUS", "")).upper() == "COMPLETED":
        stamped = _moment(component, "LAST-MODIFIED", where, "UTC")
        return stamped if isinstance(stamped, datetime) else utcnow()
    return None


def _activity(component: Any, where: str, zone: str | None, owner_id: str | None) -> Activity:
    event = component.name == "VEVENT"
    zone = _zone(component, zone)
    created = _moment(component, "CREATED", where, "UTC") or _moment(
        component, "DTSTAMP", where, "UTC"
    )
    updated = _moment(component, "LAST-MODIFIED", where, "UTC") or created
    links = get_json(component, X.LINKS, where) or []
    custom = get_json(component, X.CUSTOM, where) or {}
    version = _text(component, X.VERSION)
    return Activity(
        id=_text(component, "UID") or new_id(),
        kind=_text(component, X.KIND) or ("meeting" if event else "task"),
        subject=_text(component, "SUMMARY") or "",
        body=get_json(component, X.BODY, where) or _text(component, "DESCRIPTION") or "",
        owner_id=_text(component, X.OWNER) or owner_id,
        links=[Link(**link) for link in links if isinstance(link, Mapping)],
        zone=zone,
        done_at=_done_at(component, event, where),
        outcome=_text(component, X.OUTCOME),
        priority=_priority(component),
        custom=converter.structure(custom, dict[str, object]),
        reminders=_reminders(component, where),
        recurrence=_recurrence(component, where, zone),
        series_id=_text(component, X.SERIES_ID),
        recurrence_id=get_text_moment(component, X.OCCURRENCE, where),
        created_at=created if isinstance(created, datetime) else utcnow(),
        updated_at=updated if isinstance(updated, datetime) else utcnow(),
        version=int(version) if version and version.isdigit() else 1,
        **_times(component, event, where, zone),
    )


def _parse(data: object) -> Any:
    ical = require("icalendar", extra="ics")
    if not isinstance(data, bytes | str):
        kind = type(data).__name__
        raise _invalid(f"expected iCalendar text or bytes, not {kind}")
    try:
        calendars = ical.Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise _invalid(f"not iCalendar: {exc}") from exc
    if not calendars:
        raise _invalid("no VCALENDAR in it")
    return calendars


def _invalid(reason: str) -> SourceError:
    return SourceError("the calendar", reason, code=ErrorCode.INVALID_ICS)


def from_ics(
    data: bytes | str, *, zone: str | None = None, owner_id: str | None = None
) -> list[Activity]:
    """Read the events and to-dos of an iCalendar file as activities, in file order.

    Args:
        data: the file's content (``Path("x.ics").read_bytes()``).
        zone: the IANA zone of floating times and all-day dates that name none.
        owner_id: the owner of activities that crmkit did not write with one.

    Raises:
        MissingDependency: without the ``ics`` extra (``pip install 'crmkit[ics]'``).
        SourceError: ``activities.invalid_ics`` for text that is not iCalendar.
        ValidationError: for a component that cannot be an activity, its field named
            ``VEVENT[2].DTSTART`` (components counted from 0 in the file): e.g.
            ``activities.no_zone`` for a floating time and no *zone*.
    """
    calendars = _parse(data)
    masters: dict[str, Activity] = {}
    order: list[str] = []
    moves: list[tuple[str, Any, str]] = []
    counts = {"VEVENT": 0, "VTODO": 0}
    for calendar in calendars:
        for component in calendar.walk():
            if component.name not in counts:
                continue
            where = f"{component.name}[{counts[component.name]}]"
            counts[component.name] += 1
            try:
                if component.get("RECURRENCE-ID") is not None:
                    moves.append((_text(component, "UID") or "", component, where))
                    continue
                activity = _activity(component, where, zone, owner_id)
            except ValidationError as exc:
                raise _located(exc, where) from exc
            if activity.id not in masters:
                order.append(activity.id)
            masters[activity.id] = activity
    for uid, component, where in moves:
        masters[uid] = _moved(masters.get(uid), component, where, zone)
    return [masters[uid] for uid in order]


def _located(exc: ValidationError, where: str) -> ValidationError:
    field = exc.field or ""
    return exc if field.startswith(where) else exc.at(field=f"{where}.{field}" if field else where)


def _moved(series: Activity | None, component: Any, where: str, zone: str | None) -> Activity:
    if series is None or series.recurrence is None:
        raise ValidationError(
            _text(component, "UID"),
            "a RECURRENCE-ID names no recurring activity of the file",
            field=f"{where}.RECURRENCE-ID",
        )
    zone = series.zone or zone
    original = _moment(component, "RECURRENCE-ID", where, zone)
    has_start = series.start_at is not None or series.start_date is not None
    to = _moment(component, "DTSTART" if has_start else "DUE", where, zone)
    if original is None or to is None:
        raise ValidationError(None, "a moved occurrence needs its new time", field=where)
    recurrence = series.recurrence
    moved = Recurrence(
        recurrence.rule,
        start=recurrence.start,
        exdates=recurrence.exdates,
        rdates=recurrence.rdates,
        moved=[*recurrence.moved, Moved(original=original, to=to)],
    )
    return attrs.evolve(series, recurrence=moved)
