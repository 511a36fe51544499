"""Activities: tasks, calls, meetings, e-mails and notes, with recurrence and reminders.

The package is pure: its functions take activities, instants and zones and return new
values. A store keeps activities; this package never imports one. iCalendar files are read
and written by :func:`to_ics` and :func:`from_ics`, which need the ``ics`` extra.
"""

from ._agenda import Agenda, AgendaDay, agenda
from ._complete import Completion, complete, plan
from ._ics_read import from_ics
from ._ics_write import to_ics
from ._model import Activity, ActivityKind, Link, Priority
from ._recurrence import occurrences
from ._recurrence_rule import Moved, Recurrence
from ._reminders import DueReminder, due_instant, first_reminder, reminders_between
from ._status import Status, due_in_days, status
from ._types import (
    BUILTIN_TYPES,
    ActivityType,
    ActivityTypes,
    Chaining,
    Delay,
    DelayFrom,
    DelayUnit,
    WorkingDay,
    due_after,
    weekdays,
)
from ._zones import day_start

__all__ = [
    "BUILTIN_TYPES",
    "Activity",
    "ActivityKind",
    "ActivityType",
    "ActivityTypes",
    "Agenda",
    "AgendaDay",
    "Chaining",
    "Completion",
    "Delay",
    "DelayFrom",
    "DelayUnit",
    "DueReminder",
    "Link",
    "Moved",
    "Priority",
    "Recurrence",
    "Status",
    "WorkingDay",
    "agenda",
    "complete",
    "day_start",
    "due_after",
    "due_in_days",
    "due_instant",
    "first_reminder",
    "from_ics",
    "occurrences",
    "plan",
    "reminders_between",
    "status",
    "to_ics",
    "weekdays",
]
