"""Timelines and agendas read from a store (the service layer above ``crmkit.activities``).

:func:`timeline` gives what happened on a record and its related records, newest first and
paged by keyset: activities, deals' stage changes and field changes, each a
:class:`TimelineEntry`. :func:`agenda` gives an owner's open work by local day, through
:func:`crmkit.activities.agenda`. Both read any :class:`~crmkit.storage.Store`; see
``docs/activities-store.md``.
"""

from ._agenda import agenda
from ._entry import EntryKind, TimelineEntry
from ._timeline import RecordIn, timeline

__all__ = ["EntryKind", "RecordIn", "TimelineEntry", "agenda", "timeline"]
