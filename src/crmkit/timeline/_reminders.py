"""The reminders a store's open activities have to send in a window, for a host's scheduler.

The store gives the open activities whose first reminder comes before the window's end (one
range scan of the index on that first reminder); :func:`crmkit.activities.reminders_between`
picks those of the window, series expanded. A scheduler that asks for consecutive windows
[t0, t1), [t1, t2)... gets every reminder exactly once.
"""

from __future__ import annotations

from datetime import datetime

from crmkit.activities import DueReminder, reminders_between
from crmkit.storage import Store

__all__ = ["due_reminders"]


def due_reminders(store: Store, since: datetime, until: datetime) -> list[DueReminder]:
    """Return the reminders of *store*'s open activities due in [since, until), each once.

    In time order, as :func:`crmkit.activities.reminders_between` gives them over all the
    store's activities; a series gives those of its occurrences from its current one on.

    Args:
        store: the store to read.
        since: the window's start (aware), included.
        until: the window's end (aware), excluded.

    Raises:
        ValidationError: ``activities.no_zone`` for a naive bound,
            ``activities.end_before_start`` for *until* before *since*.
    """
    reminders_between((), since, until)  # the window's checks, before any read
    return reminders_between(store.activities.reminding_before(until), since, until)
