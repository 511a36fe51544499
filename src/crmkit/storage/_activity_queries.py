"""The arguments of the activity queries, checked alike by every backend, and their cursors.

A timeline page ends at a position: the sort instant and the id of its last activity. The
cursor carries that position, so the next page starts right after it whatever was written
in between.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from crmkit.activities import Activity, Link
from crmkit.errors import ValidationError

from ._activity_kind import sort_instant
from ._paging import Order, check_limit, decode_cursor, encode_cursor

__all__ = [
    "Position",
    "check_links_given",
    "check_owners",
    "check_until",
    "cursor_after",
    "position_of",
]

Position = tuple[datetime, str]
"""Where a timeline page ends: the last activity's sort instant and id."""

_ORDER = Order("sort_at", descending=True, type_name="datetime")


def check_links_given(links: object) -> list[tuple[str, str]]:
    """Return *links* as ``(kind, id)`` pairs without repeats, in the order given.

    Raises:
        ValidationError: for one Link instead of several, something not iterable, or an
            item that is not a :class:`~crmkit.activities.Link`.
    """
    if isinstance(links, Link | str | bytes) or not isinstance(links, Iterable):
        raise ValidationError(
            links, f"expected an iterable of Links, not {type(links).__name__}", field="links"
        )
    pairs: dict[tuple[str, str], None] = {}
    for link in links:
        if not isinstance(link, Link):
            raise ValidationError(
                link, f"a record is named by a Link, not {type(link).__name__}", field="links"
            )
        pairs[(link.kind, link.id)] = None
    return list(pairs)


def position_of(before: object, limit: object) -> Position | None:
    """Check *limit* and read *before*: a cursor, a ``(sort instant, id)`` position, or None.

    Raises:
        ValidationError: for a bad limit, a cursor that is not one of a timeline, or a
            position that is not an aware datetime and an id.
    """
    check_limit(limit)
    if before is None:
        return None
    if isinstance(before, tuple):
        if len(before) == 2 and isinstance(before[1], str):
            at = before[0]
            if isinstance(at, datetime) and at.tzinfo is not None and at.utcoffset() is not None:
                return at.astimezone(UTC), before[1]
        raise ValidationError(
            before, "expected a (sort instant, activity id) position", field="before"
        )
    try:
        value, record_id = decode_cursor(_ORDER, before)
    except ValidationError as exc:
        raise ValidationError(before, "not a cursor of this scan", field="before") from exc
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValidationError(before, "not a cursor of this scan", field="before")
    return value.astimezone(UTC), record_id


def cursor_after(activity: Activity) -> str:
    """Return the cursor of the position right after *activity*."""
    return encode_cursor(sort_instant(activity), activity.id)


def check_owners(owner_ids: object) -> list[str]:
    """Return the owner ids: one text or an iterable of texts, without repeats.

    Raises:
        ValidationError: for something else.
    """
    if isinstance(owner_ids, str):
        return [owner_ids]
    if isinstance(owner_ids, bytes) or not isinstance(owner_ids, Iterable):
        raise ValidationError(owner_ids, "expected an owner id or several", field="owner_ids")
    owners = list(dict.fromkeys(owner_ids))
    for owner in owners:
        if not isinstance(owner, str):
            raise ValidationError(owner, "an owner id is text", field="owner_ids")
    return owners


def check_until(until: object, limit: object) -> datetime | None:
    """Check the *until* and *limit* of ``open_for_owner``.

    Raises:
        ValidationError: for an *until* that is not an aware datetime, or a bad *limit*.
    """
    if limit is not None:
        check_limit(limit)
    if until is None:
        return None
    if not isinstance(until, datetime) or until.tzinfo is None or until.utcoffset() is None:
        raise ValidationError(until, "expected an aware datetime", field="until")
    return until


def check_end(until: object) -> datetime:
    """Check the *until* of ``reminding_before``: an aware datetime.

    Raises:
        ValidationError: for anything else.
    """
    end = check_until(until, None)
    if end is None:
        raise ValidationError(until, "expected an aware datetime", field="until")
    return end
