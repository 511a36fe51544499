"""Activities: tasks, calls, meetings, e-mails and notes, with recurrence and reminders.

The package is pure: its functions take activities and instants and return new values. A
store keeps activities (``store.activities``); this package never imports one.
"""

from ._model import Activity, ActivityKind, Link, Priority
from ._recurrence_rule import Moved, Recurrence

__all__ = ["Activity", "ActivityKind", "Link", "Moved", "Priority", "Recurrence"]
