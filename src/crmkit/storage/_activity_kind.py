"""Activities in a store: the activity kind, its derived instants and its link checks.

Three instants are derived from every activity and kept in columns, so the hot queries are
index scans:

* the **sort instant** (``sort_at`` of its links), where it stands on a timeline: when
  it was done (``done_at``); for an open one when it starts (``start_at``, or the start of
  ``start_date`` in the activity's zone), else when it is due (``due_at``, or the start of
  ``due_date`` in its zone); for one with no time at all, when it was created. It is never
  blank.
* the **due instant** (``due_instant``), where open work is ordered: the instant
  :func:`crmkit.activities.due_instant` gives (the deadline, else the start, a date read as
  the first instant of that day in the activity's zone); blank for an activity with no due
  and no start.
* the **reminder start** (``remind_from``), where a scheduler's window starts reading: the
  instant :func:`crmkit.activities.first_reminder` gives (no later than any reminder the
  activity still has to send); blank for a done activity or one with no reminders.

A new link to a contact, a company or a deal must name a live record of the store; links
to other kinds (custom object types) are kept as given.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from crmkit._converter import from_stored
from crmkit.activities import Activity, Link, day_start, due_instant, first_reminder
from crmkit.contacts import RECORD_FIELDS
from crmkit.errors import ErrorCode, InvalidRecord, ValidationError
from crmkit.expr import FieldType
from crmkit.fields import BuiltinFields

from ._kinds import RecordKind

__all__ = [
    "ACTIVITY",
    "ACTIVITY_FIELDS",
    "CHECKED_LINKS",
    "check_links",
    "sort_instant",
]

CHECKED_LINKS = ("contact", "company", "deal")
"""The linked kinds a write checks against the store: each link must name a live record."""


def _at(value: datetime | date, activity: Activity) -> datetime:
    if isinstance(value, datetime):
        return value
    # the model refuses a date without a zone, so the zone is there
    return day_start(value, ZoneInfo(activity.zone or "UTC"))


def sort_instant(activity: Activity) -> datetime:
    """Return where *activity* stands on a timeline (UTC), as stored in its ``sort_at``.

    When it was done; for an open activity when it starts (a start date at the first
    instant of that day in the activity's zone), else when it is due (a due date likewise);
    for one with no time at all, when it was created.
    """
    if activity.done_at is not None:
        return activity.done_at
    for value in (activity.start_at, activity.start_date, activity.due_at, activity.due_date):
        if value is not None:
            return _at(value, activity)
    return activity.created_at


_TEXT, _PICK, _TIME, _DATE = FieldType.TEXT, FieldType.PICKLIST, FieldType.DATETIME, FieldType.DATE

ACTIVITY_FIELDS = BuiltinFields(
    "activity",
    {
        **RECORD_FIELDS,
        "kind": _PICK,
        "subject": _TEXT,
        "body": _TEXT,
        "owner_id": _TEXT,
        "due_at": _TIME,
        "due_date": _DATE,
        "zone": _TEXT,
        "start_at": _TIME,
        "end_at": _TIME,
        "start_date": _DATE,
        "end_date": _DATE,
        "done_at": _TIME,
        "outcome": _TEXT,
        "priority": _PICK,
        "series_id": _TEXT,
        "due_instant": _TIME,
        "remind_from": _TIME,
    },
    {"due_instant": due_instant, "remind_from": first_reminder},
)
"""An activity's own fields, with its derived ``due_instant`` and ``remind_from`` (the sort
instant is the links')."""

_NAMES = frozenset(a.name for a in attrs.fields(Activity))
_TIMES = ("due_at", "start_at", "end_at", "done_at", "created_at", "updated_at")
_DATES = ("due_date", "start_date", "end_date")


def _load(doc: Mapping[str, Any]) -> Activity:
    """Rebuild an activity from its stored data, without the converter for the usual shape.

    An activity with custom values, a recurrence or an occurrence's time, or stored by a
    crmkit whose Activity had other fields, goes through the converter; so does anything
    this cannot read, to raise the converter's own error. Either way the model's own
    checks run.
    """
    if (
        doc.get("custom")
        or doc.get("recurrence") is not None
        or doc.get("recurrence_id") is not None
        or doc.keys() != _NAMES
    ):
        return from_stored(dict(doc), Activity)
    try:
        values = dict(doc)
        for name in _TIMES:
            value = values[name]
            if value is not None:
                values[name] = datetime.fromisoformat(value)
        for name in _DATES:
            value = values[name]
            if value is not None:
                values[name] = date.fromisoformat(value)
        values["links"] = tuple(Link(kind=k["kind"], id=k["id"]) for k in values["links"])
        values["custom"] = {}
        return Activity(**values)
    except (KeyError, TypeError, ValueError, AttributeError):
        return from_stored(dict(doc), Activity)


ACTIVITY: RecordKind[Activity] = RecordKind(
    name="activity",
    record_type=Activity,
    table="crm_activities",
    fields=ACTIVITY_FIELDS,
    columns=(
        "kind",
        "owner_id",
        "done_at",
        "due_instant",
        "remind_from",
        "created_at",
        "updated_at",
    ),
    # done_at, due_instant and remind_from may be blank, and blank instants have no order
    # both backends share
    sortable=("kind", "owner_id", "created_at", "updated_at"),
    load=_load,
)
"""The activity kind: its columns are what timelines, open work and filters read most."""

Exists = Callable[[str, list[str]], Iterable[str]]
"""Given a kind and ids, return those of the ids that name a live record of that kind."""

Kept = Mapping[str, Collection[tuple[str, str]]]
"""By activity id, the ``(kind, id)`` links the store already keeps for that activity."""


def check_links(
    activities: Sequence[Activity], exists: Exists, kept: Kept | None = None, *, batch: bool = False
) -> None:
    """Raise unless every new contact, company and deal link of *activities* names a live record.

    A link is checked when it is written: one the store keeps for the activity already
    (*kept*) passes, so an activity whose contact was deleted since can still be updated.
    *exists* is asked once per checked kind, for every id to check. Errors name the link's
    path: ``links[1].id``, or ``[4].links[1].id`` for the fifth record of a batch.

    Raises:
        ValidationError: ``activities.missing_link`` for the one link to a missing record.
        InvalidRecord: holding one such error for each, when several links are missing.
    """
    kept = kept or {}
    to_check: list[tuple[int, int, Link]] = []
    for index, activity in enumerate(activities):
        if not activity.links:
            continue
        old = kept.get(activity.id)
        for position, link in enumerate(activity.links):
            if link.kind in CHECKED_LINKS and (old is None or (link.kind, link.id) not in old):
                to_check.append((index, position, link))
    if not to_check:
        return
    wanted: dict[str, dict[str, None]] = {}
    for _, _, link in to_check:
        wanted.setdefault(link.kind, {})[link.id] = None
    found = {kind: set(exists(kind, list(ids))) for kind, ids in wanted.items()}
    problems: list[ValidationError] = []
    for index, position, link in to_check:
        if link.id in found[link.kind]:
            continue
        where = f"[{index}].links[{position}].id" if batch else f"links[{position}].id"
        problems.append(
            ValidationError(
                link.id,
                f"the store has no {link.kind} with this id (activity {activities[index].id!r})",
                field=where,
                code=ErrorCode.MISSING_LINK,
            )
        )
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InvalidRecord(problems, record="activity links")
