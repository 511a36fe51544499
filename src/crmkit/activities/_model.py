"""The Activity record: a task, call, meeting, e-mail or note, or a kind the user defines.

Every field is plain data (text, dates, aware UTC instants, tuples of small frozen values), so
``to_dict`` and ``from_dict`` round-trip an activity and a store keeps it in ordinary columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from attrs import field, frozen

from crmkit._ids import new_id
from crmkit._record import aware, check_version, custom_values, optional_text, text, utcnow
from crmkit.errors import ErrorCode, ValidationError

from ._recurrence_rule import Moment, Recurrence, build_rule, moment
from ._zones import instant, zone_info, zone_name

__all__ = ["Activity", "ActivityKind", "Link", "Priority", "activities_arg"]


class ActivityKind(StrEnum):
    """The built-in kinds of activity; :class:`~crmkit.activities.ActivityType` adds others."""

    TASK = "task"
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    NOTE = "note"


class Priority(StrEnum):
    """How urgent an activity is."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


def _kind(value: object) -> str:
    cleaned = text(value)
    if not cleaned:
        raise ValidationError(value, "an activity needs a kind ('task', 'call'...)", field="kind")
    return cleaned


def _non_empty(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(value, "expected non-empty text", field=name)
    return value.strip()


def _link_kind(value: object) -> str:
    return _non_empty(value, "links.kind")


def _link_id(value: object) -> str:
    return _non_empty(value, "links.id")


@frozen(kw_only=True)
class Link:
    """A record an activity is about: a contact, company, deal or any custom object.

    Attributes:
        kind: the record kind (``"contact"``, ``"company"``, ``"deal"``, or a custom
            object type's name).
        id: the record's id.
    """

    kind: str = field(converter=_link_kind)
    id: str = field(converter=_link_id)


def _links(values: Iterable[Link | Mapping[str, Any]]) -> tuple[Link, ...]:
    if isinstance(values, Link | Mapping):
        values = [values]
    found = {v if isinstance(v, Link) else Link(**v): None for v in values}
    return tuple(found)


def _body(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(value, "expected text", field="body")
    return value


def _optional_instant(value: object, name: str) -> datetime | None:
    return None if value is None else instant(value, field=name)


def _optional_date(value: object, name: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(value, "expected a date (not a datetime)", field=name)
    return value


def _due_at(value: object) -> datetime | None:
    return _optional_instant(value, "due_at")


def _start_at(value: object) -> datetime | None:
    return _optional_instant(value, "start_at")


def _end_at(value: object) -> datetime | None:
    return _optional_instant(value, "end_at")


def _done_at(value: object) -> datetime | None:
    return _optional_instant(value, "done_at")


def _due_date(value: object) -> date | None:
    return _optional_date(value, "due_date")


def _start_date(value: object) -> date | None:
    return _optional_date(value, "start_date")


def _end_date(value: object) -> date | None:
    return _optional_date(value, "end_date")


def _priority(value: object) -> Priority:
    try:
        return Priority(str(value))
    except ValueError as exc:
        known = ", ".join(p.value for p in Priority)
        raise ValidationError(value, f"expected a priority ({known})", field="priority") from exc


def _reminders(values: Iterable[object]) -> tuple[int, ...]:
    if isinstance(values, int):
        values = [values]
    out = set()
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                value, "a reminder is a whole number of minutes before, 0 or more",
                field="reminders",
            )  # fmt: skip
        out.add(value)
    return tuple(sorted(out))


def _recurrence(value: Recurrence | Mapping[str, Any] | str | None) -> Recurrence | None:
    if value is None or isinstance(value, Recurrence):
        return value
    if isinstance(value, str):
        return Recurrence(value)
    return Recurrence(**value)


def _optional_moment(value: object) -> Moment | None:
    return None if value is None else moment(value, field="recurrence_id")


def _timed(moment_: Moment) -> bool:
    return isinstance(moment_, datetime)


@frozen(kw_only=True)
class Activity:
    """Something to do or done with a client: a task, call, meeting, e-mail, note...

    An activity is due at an instant (``due_at``, aware, kept in UTC) or on a date
    (``due_date``, a day in ``zone``); a meeting has a start and maybe an end, timed
    (``start_at``/``end_at``) or all-day (``start_date``/``end_date``, the end being the
    last day, inclusive). Where it is due is its deadline, or without one its start.

    A done activity has ``done_at``: it is kept, never deleted.
    :func:`~crmkit.activities.complete` returns the done activity and, for a recurring one,
    the series moved on to its next occurrence.

    Attributes:
        id: the activity's id.
        kind: an :class:`ActivityKind` or the id of an activity type the user defined.
        subject: one line saying what it is.
        body: notes, the text of an e-mail... kept as written.
        owner_id: the user responsible.
        links: the records it is about, several at once.
        due_at: the instant it is due.
        due_date: the date it is due, a day in ``zone``.
        zone: the IANA zone of the activity's dates and of a series' wall time; needed for
            ``due_date``, all-day dates and any recurrence.
        start_at: when a timed meeting or call starts.
        end_at: when it ends.
        start_date: the first day of an all-day activity, in ``zone``.
        end_date: its last day (inclusive).
        done_at: when it was done; None while it is open.
        outcome: what came of it (``"left a voicemail"``), once done.
        priority: how urgent it is.
        custom: custom field values by field name.
        reminders: minutes before the activity is due at which to remind its owner, sorted,
            each once; an activity due on a date is due at the start of that day.
        recurrence: how it repeats, or None.
        series_id: for an occurrence of a series (done or listed), the series' id.
        recurrence_id: for such an occurrence, when the rule puts it.
        created_at: when it was created (UTC).
        updated_at: when it was last changed (UTC).
        version: the record version a store checks on update.

    Raises:
        ValidationError: for a bad value, naming its field: ``activities.no_zone`` (a date or
            a recurrence without ``zone``, a naive datetime), ``activities.unknown_zone``,
            ``activities.bad_rrule``, ``activities.end_before_start``,
            ``activities.conflicting_times`` (a due instant and a due date, an end without
            a start...).
    """

    id: str = field(factory=new_id)
    kind: str = field(default=ActivityKind.TASK.value, converter=_kind)
    subject: str = field(default="", converter=text)
    body: str = field(default="", converter=_body)
    owner_id: str | None = None
    links: tuple[Link, ...] = field(default=(), converter=_links)
    due_at: datetime | None = field(default=None, converter=_due_at)
    due_date: date | None = field(default=None, converter=_due_date)
    zone: str | None = field(default=None, converter=zone_name)
    start_at: datetime | None = field(default=None, converter=_start_at)
    end_at: datetime | None = field(default=None, converter=_end_at)
    start_date: date | None = field(default=None, converter=_start_date)
    end_date: date | None = field(default=None, converter=_end_date)
    done_at: datetime | None = field(default=None, converter=_done_at)
    outcome: str | None = field(default=None, converter=optional_text)
    priority: Priority = field(default=Priority.NORMAL, converter=_priority)
    custom: dict[str, object] = field(factory=dict, converter=custom_values, hash=False)
    reminders: tuple[int, ...] = field(default=(), converter=_reminders)
    recurrence: Recurrence | None = field(default=None, converter=_recurrence)
    series_id: str | None = None
    recurrence_id: Moment | None = field(default=None, converter=_optional_moment)
    created_at: datetime = field(factory=utcnow, converter=aware)
    updated_at: datetime = field(factory=utcnow, converter=aware)
    version: int = field(default=1, validator=check_version)

    def __attrs_post_init__(self) -> None:
        _check_times(self)
        if self.recurrence is not None:
            recurrence = _check_recurrence(self, self.recurrence)
            object.__setattr__(self, "recurrence", recurrence)

    @property
    def due(self) -> Moment | None:
        """When the activity is due: its deadline, or without one its start; None if neither."""
        for value in (self.due_at, self.due_date, self.start_at, self.start_date):
            if value is not None:
                return value
        return None

    @property
    def anchor(self) -> Moment | None:
        """Where a recurrence rule starts from (iCalendar's ``DTSTART``): its start, else due."""
        for value in (self.start_at, self.start_date, self.due_at, self.due_date):
            if value is not None:
                return value
        return None

    @property
    def is_done(self) -> bool:
        """Whether the activity is done."""
        return self.done_at is not None

    @property
    def all_day(self) -> bool:
        """Whether the activity's times are dates (due on a day, or an all-day meeting)."""
        due = self.due
        return due is not None and not _timed(due)


def _conflict(value: object, reason: str, name: str) -> ValidationError:
    return ValidationError(value, reason, field=name, code=ErrorCode.CONFLICTING_TIMES)


def _check_times(activity: Activity) -> None:
    if activity.due_at is not None and activity.due_date is not None:
        raise _conflict(
            activity.due_date, "an activity is due at an instant or on a date", "due_date"
        )
    if activity.start_at is not None and activity.start_date is not None:
        raise _conflict(activity.start_date, "a start is timed or all-day, not both", "start_date")
    if activity.end_at is not None and activity.start_at is None:
        raise _conflict(activity.end_at, "an end needs a start_at", "end_at")
    if activity.end_date is not None and activity.start_date is None:
        raise _conflict(activity.end_date, "an end needs a start_date", "end_date")
    for start, end, name in (
        (activity.start_at, activity.end_at, "end_at"),
        (activity.start_date, activity.end_date, "end_date"),
    ):
        if start is not None and end is not None and end < start:
            raise ValidationError(
                end, f"ends before it starts ({start.isoformat()})", field=name,
                code=ErrorCode.END_BEFORE_START,
            )  # fmt: skip
    for value, name in ((activity.due_date, "due_date"), (activity.start_date, "start_date")):
        if value is not None and activity.zone is None:
            raise ValidationError(
                value, "a date is a day somewhere: give the activity a zone", field=name,
                code=ErrorCode.NO_ZONE,
            )  # fmt: skip
    if activity.recurrence_id is not None and activity.series_id is None:
        raise _conflict(
            activity.recurrence_id, "an occurrence names its series_id", "recurrence_id"
        )


def _check_recurrence(activity: Activity, recurrence: Recurrence) -> Recurrence:
    anchor = activity.anchor
    if anchor is None:
        raise _conflict(
            recurrence.rule, "a recurring activity needs a start or a due", "recurrence"
        )
    if activity.zone is None:
        raise ValidationError(
            recurrence.rule, "a series repeats in someone's wall time: give the activity a zone",
            field="recurrence", code=ErrorCode.NO_ZONE,
        )  # fmt: skip
    start = anchor if recurrence.start is None else recurrence.start
    timed = _timed(anchor)
    named: list[tuple[str, Moment]] = [("start", start)]
    named += [("exdates", v) for v in recurrence.exdates]
    named += [("rdates", v) for v in recurrence.rdates]
    for move in recurrence.moved:
        named += [("moved.original", move.original), ("moved.to", move.to)]
    for name, value in named:
        if _timed(value) != timed:
            want = "instants (aware datetimes)" if timed else "dates"
            raise _conflict(
                value, f"the occurrences of this series are {want}", f"recurrence.{name}"
            )
    build_rule(recurrence, start, zone_info(activity.zone))
    if recurrence.start is None:
        return Recurrence(
            recurrence.rule,
            start=start,
            exdates=recurrence.exdates,
            rdates=recurrence.rdates,
            moved=recurrence.moved,
        )
    return recurrence


def activities_arg(values: object, name: str = "activities") -> Iterator[Activity]:
    """Yield the activities of *values*, checking each; for the functions that take many.

    Raises:
        ValidationError: naming *name*, for something that is not an iterable of activities.
    """
    if isinstance(values, Activity | str | bytes | Mapping) or not isinstance(values, Iterable):
        raise ValidationError(
            type(values).__name__, "expected an iterable of activities", field=name
        )
    for value in values:
        if not isinstance(value, Activity):
            raise ValidationError(type(value).__name__, "expected an Activity", field=name)
        yield value
