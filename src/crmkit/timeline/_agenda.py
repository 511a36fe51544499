"""An owner's agenda read from a store: the open work the store's index finds, grouped by day.

The store gives the owner's open activities due up to a little past the agenda's last day
(one range scan of the open-work index); :func:`crmkit.activities.agenda` sorts them into
overdue, today and the days ahead, series expanded, by local day in the owner's zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from crmkit.activities import Agenda
from crmkit.activities import agenda as agenda_of
from crmkit.errors import ValidationError
from crmkit.storage import Store

__all__ = ["agenda"]

# The window's last day ends at most days + 1 days (and an hour of summer time) after now;
# an activity due on a date in a zone 26 hours west of the owner's is due that much later.
_SLACK = timedelta(days=3)


def agenda(store: Store, owner_id: str, *, now: datetime, tz: str, days: int = 7) -> Agenda:
    """Return the agenda of *owner_id* at *now* from *store*: overdue, today, the days ahead.

    Overdue work is there however old; what is due goes under its local day in *tz* (a due
    date under that date), today's and the next *days* days'. A series shows its current
    occurrence and, in the days ahead, its later ones. See :func:`crmkit.activities.agenda`.

    Args:
        store: the store to read.
        owner_id: whose agenda.
        now: the current instant (aware).
        tz: the owner's IANA zone.
        days: how many days after today to show.

    Raises:
        ValidationError: ``activities.no_zone`` for a naive *now*,
            ``activities.unknown_zone`` for a bad *tz*, the default code for a negative
            *days* or an owner id that is not text.
    """
    if not isinstance(owner_id, str):
        raise ValidationError(owner_id, "expected an owner id", field="owner_id")
    agenda_of((), now=now, tz=tz, owner_id=owner_id, days=days)  # the arguments' checks
    until = now + timedelta(days=days) + _SLACK
    found = store.activities.open_for_owner(owner_id, until=until)
    return agenda_of(found, now=now, tz=tz, owner_id=owner_id, days=days)
