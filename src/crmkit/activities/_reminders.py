"""Reminders: the instants, within a window, at which an activity's owner is to be reminded.

A reminder is a number of minutes before the activity is due (before its due instant, or
before the start of its due day in its zone). A scheduler that asks for consecutive windows
[t0, t1), [t1, t2)... gets every reminder exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from attrs import frozen

from crmkit.errors import ValidationError

from ._model import Activity, activities_arg
from ._recurrence import occurrence_at, pending, window
from ._zones import day_start, zone_info

__all__ = ["DueReminder", "due_instant", "first_reminder", "reminders_between"]

# Occurrences come in the order of their anchors; their dues may run out of it by the
# hours of a change of offset (see _recurrence), never by a day.
_SLACK = timedelta(days=1)


@frozen(kw_only=True)
class DueReminder:
    """One reminder to send.

    Attributes:
        at: when to send it (UTC).
        activity: what it is about: the activity, or the occurrence of a series
            (``series_id`` and ``recurrence_id`` say which).
        minutes_before: how long before the activity is due.
    """

    at: datetime
    activity: Activity
    minutes_before: int


def due_instant(activity: Activity) -> datetime | None:
    """Return the instant *activity* is due: its due instant, or the start of its due day.

    None for an activity with no due and no start.
    """
    due = activity.due
    if due is None or isinstance(due, datetime):
        return due
    return day_start(due, zone_info(activity.zone))


def first_reminder(activity: Activity) -> datetime | None:
    """Return an instant no later than any reminder *activity* still has to send.

    For a single activity its earliest reminder (its due instant less its longest
    reminder); for a series that of its current occurrence, a day earlier (its later
    occurrences are due after it, give or take a change of offset). None for a done
    activity, or one with no reminders or no due. A store keeps it in a column so that a
    scheduler's window is one range scan.
    """
    if activity.done_at is not None or not activity.reminders:
        return None
    due = due_instant(activity)
    if due is None:
        return None
    first = due - timedelta(minutes=activity.reminders[-1])
    return first if activity.recurrence is None else first - _SLACK


def _one(
    activity: Activity, since: datetime, until: datetime, out: list[DueReminder]
) -> datetime | None:
    """Add *activity*'s reminders in [since, until) to *out*; return its due instant."""
    due = due_instant(activity)
    if due is None:
        return None
    for minutes in activity.reminders:
        at = due - timedelta(minutes=minutes)
        if since <= at < until:
            out.append(DueReminder(at=at, activity=activity, minutes_before=minutes))
    return due


def _series(series: Activity, since: datetime, until: datetime, out: list[DueReminder]) -> None:
    longest = timedelta(minutes=series.reminders[-1])
    for original, effective in pending(series):
        due = _one(occurrence_at(series, original, effective), since, until, out)
        if due is not None and due - longest >= until + _SLACK:
            return


def reminders_between(
    activities: Iterable[Activity], since: datetime, until: datetime
) -> list[DueReminder]:
    """Return the reminders of *activities* due in [since, until), in time order, each once.

    Done activities have none; a series gives those of its occurrences from its current one
    on, however far the window lies (occurrences are listed lazily, without a cap, and the
    window bounds them).

    Args:
        activities: the activities to look at.
        since: the window's start (aware), included.
        until: the window's end (aware), excluded.

    Raises:
        ValidationError: ``activities.no_zone`` for a naive bound,
            ``activities.end_before_start`` for *until* before *since*, the default code
            for something that is not an activity.
    """
    low, high = window(since, until, names=("since", "until"))
    if low is None or high is None:
        raise ValidationError(None, "reminders are listed between two instants", field="until")
    out: list[DueReminder] = []
    for activity in activities_arg(activities):
        if activity.done_at is not None or not activity.reminders:
            continue
        if activity.recurrence is None:
            _one(activity, low, high, out)
        else:
            _series(activity, low, high, out)
    out.sort(key=lambda r: (r.at, r.activity.id, str(r.activity.recurrence_id), r.minutes_before))
    return out
