"""Timelines and agendas read from a store (the service layer above ``crmkit.activities``).

:func:`timeline` gives what happened on a record and its related records, newest first and
paged by keyset: activities, deals' stage changes and field changes, each a
:class:`TimelineEntry`. :func:`agenda` gives an owner's open work by local day, through
:func:`crmkit.activities.agenda`. :func:`due_reminders` gives the reminders a window of
time holds, for a host's scheduler. All read any :class:`~crmkit.storage.Store`; see
``docs/activities-store.md``.
"""

from ._agenda import agenda
from ._entry import EntryKind, TimelineEntry
from ._reminders import due_reminders
from ._timeline import RecordIn, timeline

__all__ = ["EntryKind", "RecordIn", "TimelineEntry", "agenda", "due_reminders", "timeline"]
