"""An owner's agenda: what is overdue, what is due today, and the days ahead, by local day.

Days are the owner's: an activity due at an instant goes under its date in the owner's zone,
one due on a date under that date. A series shows its current occurrence wherever it falls
(overdue, if it is) and its later occurrences in the days ahead; occurrences between an
overdue one and now are not shown again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from attrs import frozen

from crmkit.errors import ValidationError

from ._model import Activity, Priority, activities_arg
from ._recurrence import occurrence_at, pending
from ._reminders import due_instant
from ._status import Status, due_day, status
from ._zones import instant, local_date, zone_info

__all__ = ["Agenda", "AgendaDay", "agenda"]

_RANK = {Priority.HIGH: 0, Priority.NORMAL: 1, Priority.LOW: 2}


@frozen(kw_only=True)
class AgendaDay:
    """The activities due on one day, all-day ones first, then by time."""

    day: date
    activities: tuple[Activity, ...]


@frozen(kw_only=True)
class Agenda:
    """An owner's work as of one instant.

    Attributes:
        owner_id: whose agenda it is (None: everyone's).
        zone: the owner's IANA zone, whose days these are.
        today: today's date there.
        overdue: open activities past due, oldest first.
        due_today: open activities due today and not yet past due.
        upcoming: the days after today (up to the agenda's last) with something due, in
            order.
    """

    owner_id: str | None
    zone: str
    today: date
    overdue: tuple[Activity, ...]
    due_today: tuple[Activity, ...]
    upcoming: tuple[AgendaDay, ...]


def _key(activity: Activity, tz: ZoneInfo) -> tuple[date, int, datetime, int, str]:
    day = due_day(activity, tz)
    due = due_instant(activity)
    # only dated activities get here
    assert day is not None  # noqa: S101
    assert due is not None  # noqa: S101
    return (day, 0 if activity.all_day else 1, due, _RANK[activity.priority], activity.subject)


def _open(activities: Iterable[Activity], owner_id: str | None) -> Iterator[Activity]:
    for activity in activities_arg(activities):
        if activity.done_at is None and (owner_id is None or activity.owner_id == owner_id):
            yield activity


def _candidates(activity: Activity, tz: ZoneInfo, last: date) -> Iterator[Activity]:
    """The activity, or its series' occurrences due up to *last*, current one first."""
    if activity.recurrence is None:
        yield activity
        return
    for n, (original, effective) in enumerate(pending(activity)):
        occurrence = occurrence_at(activity, original, effective)
        day = due_day(occurrence, tz)
        if day is not None and day > last + timedelta(days=1):
            return
        if n == 0 or day is None or day <= last:
            yield occurrence


def _count(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValidationError(days, "expected a whole number of days, 0 or more", field="days")
    return days


def agenda(
    activities: Iterable[Activity],
    *,
    now: datetime,
    tz: str,
    owner_id: str | None = None,
    days: int = 7,
) -> Agenda:
    """Return the agenda of *owner_id* at *now*: overdue, today, and the next *days* days.

    Args:
        activities: the activities to look at (others' and done ones are left out).
        now: the current instant (aware).
        tz: the owner's IANA zone.
        owner_id: whose agenda; None for everyone's.
        days: how many days after today to show.

    Raises:
        ValidationError: ``activities.no_zone`` for a naive *now*,
            ``activities.unknown_zone`` for a bad *tz*, the default code for a negative
            *days* or something that is not an activity.
    """
    moment = instant(now, field="now")
    zone = zone_info(tz, field="tz")
    today = local_date(moment, zone)
    last = today + timedelta(days=_count(days))
    overdue, due_today, ahead = [], [], []
    for activity in _open(activities, owner_id):
        for n, candidate in enumerate(_candidates(activity, zone, last)):
            day = due_day(candidate, zone)
            if day is None:
                continue
            stand = status(candidate, moment, zone)
            if stand is Status.OVERDUE:
                if n == 0:  # a series is overdue once, by its current occurrence
                    overdue.append(candidate)
            elif stand is Status.TODAY:
                due_today.append(candidate)
            elif day <= last:
                ahead.append(candidate)
    by_day: dict[date, list[Activity]] = {}
    for item in sorted(ahead, key=lambda a: _key(a, zone)):
        by_day.setdefault(_key(item, zone)[0], []).append(item)
    return Agenda(
        owner_id=owner_id,
        zone=zone.key,
        today=today,
        overdue=tuple(sorted(overdue, key=lambda a: _key(a, zone))),
        due_today=tuple(sorted(due_today, key=lambda a: _key(a, zone))),
        upcoming=tuple(AgendaDay(day=d, activities=tuple(v)) for d, v in by_day.items()),
    )
