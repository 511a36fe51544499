"""Activities to iCalendar: meetings as events, the rest as to-dos, with zones and alarms.

An activity with a start and no deadline becomes a ``VEVENT`` (``DTSTART``, ``DTEND``); any
other a ``VTODO`` (``DUE``, and ``DTSTART`` when it has a start). A series carries its
``RRULE``, ``EXDATE`` and ``RDATE``; each moved occurrence is a component of its own with
the series' ``UID`` and a ``RECURRENCE-ID``. Each reminder is a ``VALARM``. The zones used
get their ``VTIMEZONE``, so other calendars need no zone database of their own.

After a series has been moved on by completing occurrences, its ``DTSTART`` is its current
occurrence and ``X-CRMKIT-SERIES-START`` keeps where the rule began: another calendar counts
a ``COUNT`` from the current occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from crmkit._converter import converter, to_dict
from crmkit._optional import require

from ._ics_values import X, plain_text, put_json, put_moment, put_text_moment
from ._model import Activity, Priority, activities_arg
from ._recurrence import shifted

__all__ = ["to_ics"]

_PRIORITY = {Priority.HIGH: 1, Priority.NORMAL: 5, Priority.LOW: 9}
_PRODID = "-//crmkit//activities//EN"


def _is_event(activity: Activity) -> bool:
    has_start = activity.start_at is not None or activity.start_date is not None
    return has_start and activity.due_at is None and activity.due_date is None


def _times(component: Any, activity: Activity, event: bool) -> None:
    zone = activity.zone
    put_moment(component, "DTSTART", activity.start_at or activity.start_date, zone)
    if event:
        if activity.end_date is not None:  # iCalendar's all-day end is the day after
            put_moment(component, "DTEND", activity.end_date + timedelta(days=1), zone)
        put_moment(component, "DTEND", activity.end_at, zone)
        return
    put_moment(component, "DUE", activity.due_at or activity.due_date, zone)
    # a to-do has no end of its own
    put_text_moment(component, X.END, activity.end_at or activity.end_date)


def _alarms(ical: Any, component: Any, activity: Activity, event: bool) -> None:
    if activity.due is None:
        if activity.reminders:
            put_json(component, X.REMINDERS, list(activity.reminders))
        return
    # an event's alarms count from its start, a to-do's from its due (RELATED=END)
    params = None if event or activity.anchor == activity.due else {"RELATED": "END"}
    for minutes in activity.reminders:
        alarm = ical.Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", activity.subject or "Reminder")
        alarm.add("TRIGGER", timedelta(minutes=-minutes), parameters=params)
        component.add_component(alarm)


def _recurrence(component: Any, activity: Activity) -> None:
    recurrence = activity.recurrence
    if recurrence is None:
        return
    ical = require("icalendar", extra="ics")
    component.add("RRULE", ical.vRecur.from_ical(recurrence.rule))
    for name, values in (("EXDATE", recurrence.exdates), ("RDATE", recurrence.rdates)):
        for value in values:  # one property each, each with its own sub-second part
            put_moment(component, name, value, activity.zone)
    if recurrence.start is not None and recurrence.start != activity.anchor:
        put_text_moment(component, X.SERIES_START, recurrence.start)


def _crmkit(component: Any, activity: Activity) -> None:
    component.add(X.KIND, activity.kind)
    if activity.owner_id is not None:
        component.add(X.OWNER, activity.owner_id)
    if activity.links:
        put_json(component, X.LINKS, to_dict(activity.links))
    if activity.custom:
        put_json(component, X.CUSTOM, converter.unstructure(activity.custom, dict[str, object]))
    if activity.zone is not None:
        component.add(X.ZONE, activity.zone)
    if activity.outcome is not None:
        component.add(X.OUTCOME, activity.outcome)
    component.add(X.VERSION, str(activity.version))
    if activity.series_id is not None:
        component.add(X.SERIES_ID, activity.series_id)
        put_text_moment(component, X.OCCURRENCE, activity.recurrence_id)


def _component(ical: Any, activity: Activity) -> Any:
    event = _is_event(activity)
    component = ical.Event() if event else ical.Todo()
    component.add("UID", activity.id)
    put_moment(component, "DTSTAMP", activity.updated_at, None)
    put_moment(component, "CREATED", activity.created_at, None)
    put_moment(component, "LAST-MODIFIED", activity.updated_at, None)
    if activity.subject:
        component.add("SUMMARY", activity.subject)
    if activity.body:
        component.add("DESCRIPTION", activity.body)
        if not plain_text(activity.body):  # line ends and control characters, exactly
            put_json(component, X.BODY, activity.body)
    component.add("PRIORITY", _PRIORITY[activity.priority])
    _times(component, activity, event)
    if activity.done_at is not None:
        if event:
            put_text_moment(component, X.DONE_AT, activity.done_at)
        else:
            component.add("STATUS", "COMPLETED")
            put_moment(component, "COMPLETED", activity.done_at, None)
    elif not event:
        component.add("STATUS", "NEEDS-ACTION")
    _recurrence(component, activity)
    _crmkit(component, activity)
    _alarms(ical, component, activity, event)
    return component


def _moved(ical: Any, activity: Activity) -> list[Any]:
    """The components of a series' moved occurrences."""
    if activity.recurrence is None:
        return []
    out = []
    for move in activity.recurrence.moved:
        there = Activity(
            id=activity.id,
            kind=activity.kind,
            subject=activity.subject,
            zone=activity.zone,
            **shifted(activity, move.to),
            created_at=activity.created_at,
            updated_at=activity.updated_at,
        )
        event = _is_event(there)
        component = ical.Event() if event else ical.Todo()
        component.add("UID", activity.id)
        put_moment(component, "DTSTAMP", activity.updated_at, None)
        put_moment(component, "RECURRENCE-ID", move.original, activity.zone)
        if activity.subject:
            component.add("SUMMARY", activity.subject)
        _times(component, there, event)
        out.append(component)
    return out


def to_ics(activities: Iterable[Activity], *, name: str | None = None) -> bytes:
    """Return *activities* as an iCalendar file (RFC 5545), with the zones they use.

    :func:`from_ics` reads it back into equal activities.

    Args:
        activities: the activities to write.
        name: the calendar's name (``X-WR-CALNAME``), if any.

    Raises:
        MissingDependency: without the ``ics`` extra (``pip install 'crmkit[ics]'``).
        ValidationError: for something that is not an activity.
    """
    ical = require("icalendar", extra="ics")
    calendar = ical.Calendar()
    calendar.add("PRODID", _PRODID)
    calendar.add("VERSION", "2.0")
    if name:
        calendar.add("X-WR-CALNAME", name)
    for activity in activities_arg(activities):
        calendar.add_component(_component(ical, activity))
        for component in _moved(ical, activity):
            calendar.add_component(component)
    calendar.add_missing_timezones()
    data: bytes = calendar.to_ical()
    return data
