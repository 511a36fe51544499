"""A timeline entry: what happened, who did it, when, on which record; and the page cursor.

Entries of every kind are ordered together, newest first, by ``(at, rank, key)``: the rank
of their kind breaks a tie of instants (activities first, then stage changes, then field
changes), the key a tie within a kind. A cursor carries the position of a page's last entry.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from attrs import field, frozen

from crmkit.activities import Activity, Link
from crmkit.errors import ValidationError
from crmkit.pipeline import StageChange

__all__ = ["EntryKind", "Position", "TimelineEntry", "activity_rank", "decode", "encode"]


class EntryKind(StrEnum):
    """What a timeline entry records."""

    ACTIVITY = "activity"
    STAGE_CHANGE = "stage_change"
    FIELD_CHANGE = "field_change"


_RANK = {EntryKind.FIELD_CHANGE: 0, EntryKind.STAGE_CHANGE: 1, EntryKind.ACTIVITY: 2}

Position = tuple[datetime, int, str]
"""Where an entry stands: its instant, the rank of its kind, its key."""


@frozen(kw_only=True)
class TimelineEntry:
    """One thing that happened on a record of a timeline.

    Attributes:
        kind: an activity, a deal's stage change, or a change of a record's fields.
        at: when: the activity's sort instant (done, else start, else due, else created),
            the move's instant, or when the change was stored (UTC).
        record: the record it happened on: for an activity, the first of its links among
            the timeline's records (the timeline's own record before related ones).
        actor: who: the activity's owner, the user who moved the deal or changed the
            record, as the caller named them; None when not known.
        summary: what happened, in a few words (``"call: Discuss renewal (done)"``,
            ``"stage qualification to quote"``, ``"changed amount, close_date"``).
        key: what orders entries of one kind at one instant: the activity's id, or the
            record's id with the position of the change.
        activity: the activity, for an activity entry.
        stage_change: the deal's history entry, for a stage change.
        changes: for a field change, each changed field with its ``(old, new)`` values as
            plain data (as :class:`~crmkit.storage.HistoryEntry` has them).
    """

    kind: EntryKind
    at: datetime
    record: Link
    actor: str | None
    summary: str
    key: str
    activity: Activity | None = None
    stage_change: StageChange | None = None
    changes: Mapping[str, tuple[Any, Any]] = field(factory=dict)

    @property
    def position(self) -> Position:
        """Where the entry stands in a timeline: ``(at, rank of its kind, key)``."""
        return (self.at, _RANK[self.kind], self.key)


def activity_rank() -> int:
    """The rank of activity entries (the highest: at one instant, activities come first)."""
    return _RANK[EntryKind.ACTIVITY]


def encode(position: Position) -> str:
    """Return the opaque cursor of *position*."""
    at, rank, key = position
    raw = json.dumps([at.isoformat(), rank, key], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: object) -> Position:
    """Read a cursor made by :func:`encode`.

    Raises:
        ValidationError: if it is not the cursor of a timeline.
    """
    try:
        if not isinstance(cursor, str):
            raise TypeError(cursor)
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, rank, key = json.loads(raw)
        when = datetime.fromisoformat(at)
        if when.tzinfo is None or type(rank) is not int or not isinstance(key, str):
            raise TypeError(cursor)
    except (TypeError, ValueError, binascii.Error) as exc:
        raise ValidationError(cursor, "not a cursor of a timeline", field="before") from exc
    return when.astimezone(UTC), rank, key
