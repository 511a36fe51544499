"""Completing an activity: the done record, the series' next occurrence, what follows.

Nothing is deleted. A one-off activity is marked done. For a series the current occurrence
becomes a done activity of its own (a new id, ``series_id`` naming the series) and the
series moves on to its next occurrence; after its last, the series itself is marked done.
The activity's type may then suggest or plan the next activity.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import attrs
from attrs import frozen

from crmkit._ids import new_id
from crmkit.errors import ErrorCode, ValidationError

from ._model import Activity, Link
from ._recurrence import occurrence_at, pending, shifted
from ._types import ActivityType, ActivityTypes, Chaining, WorkingDay, due_after, weekdays
from ._zones import instant, local_date, zone_info

__all__ = ["Completion", "complete", "plan"]


@frozen(kw_only=True)
class Completion:
    """What completing an activity gives.

    Store ``done`` (it is new when its id differs from the activity's, else the activity
    itself, done), then ``next`` and ``follow_up`` when there are.

    Attributes:
        done: the done activity: the activity itself, or the occurrence of a series.
        next: the series moved on to its next occurrence (same id); None for a one-off
            activity or after a series' last occurrence.
        follow_up: the activity planned at once by a type that triggers one.
        suggested: the types a type that suggests offers next.
    """

    done: Activity
    next: Activity | None = None
    follow_up: Activity | None = None
    suggested: tuple[ActivityType, ...] = ()


def plan(
    kind: ActivityType,
    *,
    today: date,
    zone: str,
    previous: date | None = None,
    is_working_day: WorkingDay = weekdays,
    owner_id: str | None = None,
    links: Iterable[Link] = (),
    subject: str = "",
) -> Activity:
    """Return a new activity of type *kind*, due on the date its delay gives, in *zone*.

    Args:
        kind: the type.
        today: today's date in *zone*.
        zone: the owner's IANA zone; the due date is a day there.
        previous: the deadline of the activity done before, for a delay counted from it.
        is_working_day: the working-day rule for business days.
        owner_id: who it is for.
        links: the records it is about.
        subject: its subject; the type's name when empty.

    Raises:
        ValidationError: ``activities.unknown_zone`` for a bad *zone*.
        ConfigError: ``activities.no_working_day`` when *is_working_day* finds none.
    """
    due = due_after(kind.delay, today=today, previous=previous, is_working_day=is_working_day)
    return Activity(
        kind=kind.id,
        subject=subject or kind.name,
        owner_id=owner_id,
        links=tuple(links),
        due_date=due,
        zone=zone,
        reminders=kind.reminders,
    )


def _deadline(activity: Activity, zone: str) -> date | None:
    due = activity.due
    if isinstance(due, datetime):
        return local_date(due, zone_info(zone))
    return due


def _chain(
    done: Activity,
    at: datetime,
    types: ActivityTypes,
    zone: str | None,
    is_working_day: WorkingDay,
) -> tuple[Activity | None, tuple[ActivityType, ...]]:
    kind = types.get(done.kind)
    if kind.chaining is Chaining.NONE:
        return None, ()
    following = tuple(types.get(name) for name in kind.next_types)
    if kind.chaining is Chaining.SUGGEST:
        return None, following
    where = zone or done.zone
    if where is None:
        raise ValidationError(
            done.kind,
            "planning the next activity needs the owner's zone: pass zone= or give the "
            "activity one",
            field="zone",
            code=ErrorCode.NO_ZONE,
        )
    follow_up = plan(
        following[0],
        today=local_date(at, zone_info(where, field="zone")),
        zone=where,
        previous=_deadline(done, where),
        is_working_day=is_working_day,
        owner_id=done.owner_id,
        links=done.links,
    )
    return follow_up, ()


def complete(
    activity: Activity,
    at: datetime,
    *,
    outcome: str | None = None,
    types: ActivityTypes | None = None,
    zone: str | None = None,
    is_working_day: WorkingDay = weekdays,
) -> Completion:
    """Mark *activity* (or a series' current occurrence) done at *at*.

    Args:
        activity: the activity or series.
        at: when it was done (aware); also its ``updated_at``.
        outcome: what came of it.
        types: the team's activity types; with them, the activity's type may suggest the
            next types or plan the next activity (due by its delay, in the owner's zone).
        zone: the owner's zone for that plan; the activity's own zone when None.
        is_working_day: the working-day rule for a delay in business days.

    Raises:
        ValidationError: ``activities.already_done`` for a done activity,
            ``activities.no_zone`` for a naive *at*, or a plan with no zone to be made in.
        ConfigError: ``activities.unknown_type`` for an activity whose kind *types* lacks.
    """
    when = instant(at, field="at")
    if activity.done_at is not None:
        raise ValidationError(
            activity.id,
            f"already done at {activity.done_at.isoformat()}",
            field="done_at",
            code=ErrorCode.ALREADY_DONE,
        )
    done, following = _done_and_next(activity, when, outcome)
    follow_up: Activity | None = None
    suggested: tuple[ActivityType, ...] = ()
    if types is not None:
        follow_up, suggested = _chain(done, when, types, zone, is_working_day)
    return Completion(done=done, next=following, follow_up=follow_up, suggested=suggested)


def _done_and_next(
    activity: Activity, at: datetime, outcome: str | None
) -> tuple[Activity, Activity | None]:
    finished: dict[str, Any] = {"done_at": at, "outcome": outcome, "updated_at": at}
    if activity.recurrence is None:
        return attrs.evolve(activity, **finished), None
    upcoming = pending(activity)
    current = next(upcoming, None)
    if current is None:  # every occurrence taken out: the series is over
        return attrs.evolve(activity, **finished), None
    after = next(upcoming, None)
    if after is None:  # its last occurrence: the series itself is done, where it was
        return attrs.evolve(activity, **shifted(activity, current[1]), **finished), None
    occurrence = occurrence_at(activity, *current)
    done = attrs.evolve(occurrence, id=new_id(), created_at=at, version=1, **finished)
    moved_on = attrs.evolve(activity, updated_at=at, **shifted(activity, after[1]))
    return done, moved_on
