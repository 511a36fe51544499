"""Overdue, today, planned or done: where an activity stands at an instant, for a viewer.

"Today" is always a day somewhere. An activity due at an *instant* is judged in the viewer's
zone: a call at 17:00 UTC is today for a viewer in Berlin until their midnight. An activity
due on a *date* is judged in its own zone (``Activity.zone``, the zone of whoever set the
date): "call Ann on 5 March" set in Berlin is overdue once 5 March has ended in Berlin,
wherever the viewer is. Neither is ever judged by the date in UTC (the mistake that shows
a rep in Karachi tomorrow's tasks as today's, and one in New York today's as overdue).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from ._model import Activity
from ._zones import instant, local_date, zone_info

__all__ = ["Status", "due_day", "due_in_days", "status"]


class Status(StrEnum):
    """Where an activity stands: overdue, due today, planned for later, or done."""

    OVERDUE = "overdue"
    TODAY = "today"
    PLANNED = "planned"
    DONE = "done"


def _days(activity: Activity, now: datetime, tz: ZoneInfo) -> int | None:
    due = activity.due
    if due is None:
        return None
    if isinstance(due, datetime):
        return (local_date(due, tz) - local_date(now, tz)).days
    own = zone_info(activity.zone, field="zone")  # the model makes sure a date has one
    return (due - local_date(now, own)).days


def due_in_days(activity: Activity, now: datetime, tz: str | ZoneInfo) -> int | None:
    """Return how many days from *now*'s date the activity is due: 0 today, -1 yesterday.

    Days are calendar days, not spans of 24 hours: a call due at 08:00 tomorrow is 1 day
    away at 23:59 today. An activity due at an instant is counted in the viewer's zone *tz*;
    one due on a date in its own zone (see the module's docs). None for an activity with no
    due and no start (a note).

    Args:
        activity: the activity.
        now: the current instant (aware).
        tz: the viewer's IANA zone.

    Raises:
        ValidationError: ``activities.no_zone`` for a naive *now*,
            ``activities.unknown_zone`` for a *tz* that is no zone.
    """
    return _days(activity, instant(now, field="now"), zone_info(tz, field="tz"))


def status(activity: Activity, now: datetime, tz: str | ZoneInfo) -> Status:
    """Return whether *activity* is overdue, due today, planned or done at *now*.

    Done once ``done_at`` is set. Otherwise an activity due at an instant is overdue once the
    instant has passed, due today while it is later on *now*'s date in *tz*, planned after
    that; one due on a date is overdue after that date, today on it and planned before it,
    in its own zone. An activity with no due and no start is planned.

    Args:
        activity: the activity.
        now: the current instant (aware).
        tz: the viewer's IANA zone.

    Raises:
        ValidationError: ``activities.no_zone`` for a naive *now*,
            ``activities.unknown_zone`` for a *tz* that is no zone.
    """
    moment = instant(now, field="now")
    zone = zone_info(tz, field="tz")
    if activity.done_at is not None:
        return Status.DONE
    days = _days(activity, moment, zone)
    due = activity.due
    if days is None:
        return Status.PLANNED
    if (isinstance(due, datetime) and due < moment) or days < 0:
        return Status.OVERDUE
    return Status.TODAY if days == 0 else Status.PLANNED


def due_day(activity: Activity, tz: ZoneInfo) -> date | None:
    """The day an activity is due on: its date, or its instant's date in the viewer's *tz*."""
    due = activity.due
    if due is None or not isinstance(due, datetime):
        return due
    return local_date(due, tz)
