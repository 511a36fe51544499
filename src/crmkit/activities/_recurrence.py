"""The occurrences of a recurring activity, listed lazily, without a cap.

A series is an activity with a :class:`Recurrence`. Its own times are those of its *current*
occurrence, the first one not yet done: completing it moves the series on (see
:func:`~crmkit.activities.complete`), so a store can find what is due by the activity's plain
fields. The rule still counts from ``Recurrence.start``.

A timed series repeats in the wall time of its zone: the rule is expanded in local time
(09:00 Europe/Berlin every Monday) and each occurrence then converted to UTC, so it stays at
09:00 across the change to summer time. A wall time that does not exist that day (02:30 on
the night the clocks jump) is read with the offset before the jump and one that exists
twice as the first, as RFC 5545 says.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from crmkit.errors import ErrorCode, ValidationError

from ._model import Activity
from ._recurrence_rule import Moment, Recurrence, build_rule
from ._zones import day_start, instant, zone_info

__all__ = ["occurrence_at", "occurrences", "pending", "shifted", "window"]


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    return wall.replace(tzinfo=zone).astimezone(UTC)


def shifted(activity: Activity, to: Moment) -> dict[str, Any]:
    """The time fields of *activity* moved so that its anchor is at *to*, in wall time."""
    anchor = activity.anchor
    zone = zone_info(activity.zone)
    if isinstance(anchor, datetime) and isinstance(to, datetime):
        wall_delta = _wall(to, zone) - _wall(anchor, zone)
        day_delta = timedelta(days=(_wall(to, zone).date() - _wall(anchor, zone).date()).days)
    elif isinstance(anchor, date) and not isinstance(to, datetime):
        wall_delta = day_delta = to - anchor
    else:  # pragma: no cover - the model keeps a series' moments of one kind
        raise TypeError("a series' moments are all instants or all dates")
    changes: dict[str, Any] = {}
    for name in ("due_at", "start_at", "end_at"):
        value = getattr(activity, name)
        if value is not None:
            changes[name] = (
                to if value == anchor else _instant(_wall(value, zone) + wall_delta, zone)
            )
    for name in ("due_date", "start_date", "end_date"):
        value = getattr(activity, name)
        if value is not None:
            changes[name] = to if value == anchor else value + day_delta
    return changes


def _rule_moments(series: Activity, recurrence: Recurrence, zone: ZoneInfo) -> Iterator[Moment]:
    start = recurrence.start if recurrence.start is not None else series.anchor
    assert start is not None  # the model refuses a series without a time  # noqa: S101
    for found in build_rule(recurrence, start, zone):
        yield found.astimezone(UTC) if isinstance(start, datetime) else found.date()


def _dedupe(moments: Iterator[Moment]) -> Iterator[Moment]:
    last: Moment | None = None
    for moment in moments:
        if moment != last:
            yield moment
        last = moment


def _pairs(series: Activity, recurrence: Recurrence) -> Iterator[tuple[Moment, Moment]]:
    """Every (original, effective) time of the series' set, by effective time, lazily."""
    zone = zone_info(series.zone)
    excluded = set(recurrence.exdates)
    moved = {m.original: m.to for m in recurrence.moved if m.original not in excluded}
    originals = _dedupe(heapq.merge(_rule_moments(series, recurrence, zone), recurrence.rdates))
    kept = ((o, o) for o in originals if o not in excluded and o not in moved)
    later = sorted(((to, original) for original, to in moved.items()), key=lambda p: p[0])
    elsewhere = ((original, to) for to, original in later)
    return heapq.merge(kept, elsewhere, key=lambda pair: pair[1])


def occurrence_at(series: Activity, original: Moment, effective: Moment) -> Activity:
    """The occurrence of *series* the rule puts at *original*, happening at *effective*.

    It is the series' activity with its times moved there, no recurrence, ``series_id`` and
    ``id`` the series' id and ``recurrence_id`` *original*.
    """
    return attrs.evolve(
        series,
        recurrence=None,
        series_id=series.id,
        recurrence_id=original,
        **shifted(series, effective),
    )


def pending(series: Activity) -> Iterator[tuple[Moment, Moment]]:
    """The (original, effective) times of *series*' occurrences from its current one on.

    The current one is the activity at its own time (the rule's start counts, as in RFC
    5545, even where the rule would not give it); it is left out only if ``exdates`` takes
    it out. Later ones are those of the set after it.
    """
    recurrence = series.recurrence
    if recurrence is None or series.done_at is not None:
        return
    anchor = series.anchor
    assert anchor is not None  # a series always has one  # noqa: S101
    current = next((m.original for m in recurrence.moved if m.to == anchor), anchor)
    if current not in recurrence.exdates:
        yield current, anchor
    for original, effective in _pairs(series, recurrence):
        if effective > anchor:
            yield original, effective


def window(start: object, end: object, *, names: tuple[str, str] = ("start", "end")) -> Any:
    """Check a half-open window [start, end) of aware instants; either end may be None.

    Raises:
        ValidationError: ``activities.no_zone`` for a naive end,
            ``activities.end_before_start`` for an end before the start.
    """
    low = None if start is None else instant(start, field=names[0])
    high = None if end is None else instant(end, field=names[1])
    if low is not None and high is not None and high < low:
        raise ValidationError(
            high,
            f"the window ends before it starts ({low.isoformat()})",
            field=names[1],
            code=ErrorCode.END_BEFORE_START,
        )
    return low, high


def _span(activity: Activity) -> tuple[datetime, datetime] | None:
    """The instants an activity takes for a window: its due instant, or its due day."""
    due = activity.due
    if due is None:
        return None
    if isinstance(due, datetime):
        return due, due
    zone = zone_info(activity.zone)
    return day_start(due, zone), day_start(due + timedelta(days=1), zone)


def _inside(activity: Activity, low: datetime | None, high: datetime | None) -> bool | None:
    """True inside [low, high), False before it, None after it (or with no due, False)."""
    span = _span(activity)
    if span is None:
        return False
    first, last = span
    if high is not None and first >= high:
        return None
    if low is None:
        return True
    return last > low if last != first else first >= low


def occurrences(
    activity: Activity, start: datetime | None = None, end: datetime | None = None
) -> Iterator[Activity]:
    """Return the occurrences of *activity* due in the window [start, end), lazily, in order.

    A timed occurrence is in the window when its due instant is; one due on a date (or
    all-day) when its day, in the activity's zone, overlaps the window. A recurring activity
    gives its occurrences from its current one on (see :func:`occurrence_at`), a done
    series none; any other activity gives itself, if it is in the window.

    There is no cap: a never-ending rule yields for as long as it is asked, so listing it
    needs an *end*.

    Args:
        activity: the activity, recurring or not.
        start: the window's start (aware), None for no start.
        end: the window's end (aware, excluded), None for no end.

    Raises:
        ValidationError: ``activities.unbounded`` for a never-ending rule with no *end*,
            ``activities.no_zone`` for a naive bound, ``activities.end_before_start``
            for an *end* before *start*.
    """
    low, high = window(start, end)
    recurrence = activity.recurrence
    if recurrence is not None and high is None and not recurrence.ends:
        raise ValidationError(
            recurrence.rule,
            "the rule never ends: give the window an end",
            field="end",
            code=ErrorCode.UNBOUNDED,
        )
    return _occurrences(activity, low, high)


# Occurrences come in the order of their anchors; a due moves with its anchor in wall time,
# so across a change of offset the dues may run out of that order by a few hours, never a day.
_SLACK = timedelta(days=1)


def _occurrences(
    activity: Activity, low: datetime | None, high: datetime | None
) -> Iterator[Activity]:
    if activity.recurrence is None:
        if _inside(activity, low, high):
            yield activity
        return
    for original, effective in pending(activity):
        occurrence = occurrence_at(activity, original, effective)
        inside = _inside(occurrence, low, high)
        if inside:
            yield occurrence
        elif inside is None and high is not None:
            span = _span(occurrence)
            if span is not None and span[0] >= high + _SLACK:
                return
