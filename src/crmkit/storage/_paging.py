"""Keyset pagination: sort orders and the opaque cursors that carry a page's last position."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from attrs import frozen

from crmkit.errors import ValidationError

from ._kinds import RecordKind
from ._protocol import Page

__all__ = ["Order", "all_pages", "check_page_size", "decode_cursor", "encode_cursor", "parse_order"]

_R = TypeVar("_R")

MAX_LIMIT = 10_000


@frozen
class Order:
    """A sort order: one field, ascending or not, with the id breaking ties the same way."""

    field: str
    descending: bool
    type_name: str


def parse_order(kind: RecordKind[Any], order_by: object) -> Order:
    """Read ``order_by`` (``"last_name"``, ``"-updated_at"``) for *kind*.

    Raises:
        ValidationError: for a field that is not sortable.
    """
    if not isinstance(order_by, str):
        raise ValidationError(order_by, "expected a field name", field="order_by")
    name = order_by.removeprefix("-")
    if name != "id" and name not in kind.sort_fields:
        known = ", ".join(("id", *kind.sort_fields))
        raise ValidationError(
            order_by, f"cannot sort {kind.name} records by it (sortable: {known})", field="order_by"
        )
    return Order(name, order_by.startswith("-"), kind.fields.get(name, "text"))


def check_limit(limit: object) -> int:
    """Return *limit* if it is a page size between 1 and 10,000.

    Raises:
        ValidationError: otherwise.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(limit, f"expected a page size from 1 to {MAX_LIMIT}", field="limit")
    return limit


def check_page_size(page_size: object) -> int:
    """Return *page_size* if it is from 1 to 10,000 (the ``page_size`` of ``find_all``).

    Raises:
        ValidationError: otherwise.
    """
    if (
        isinstance(page_size, bool)
        or not isinstance(page_size, int)
        or not 1 <= page_size <= MAX_LIMIT
    ):
        raise ValidationError(
            page_size, f"expected a page size from 1 to {MAX_LIMIT}", field="page_size"
        )
    return page_size


def encode_cursor(value: object, record_id: str) -> str:
    """Return the opaque cursor of a position: the sort value and the id."""
    plain = value.isoformat() if isinstance(value, datetime) else value
    raw = json.dumps([plain, record_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(order: Order, cursor: object) -> tuple[object, str]:
    """Read a cursor made by :func:`encode_cursor` back into ``(value, id)``.

    Raises:
        ValidationError: if it is not a cursor of this order.
    """
    try:
        if not isinstance(cursor, str):
            raise TypeError(cursor)
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, record_id = json.loads(raw)
        if not isinstance(record_id, str):
            raise TypeError(record_id)
        if order.type_name == "datetime":
            value = datetime.fromisoformat(value)
        elif not isinstance(value, str):
            raise TypeError(value)
    except (TypeError, ValueError, binascii.Error) as exc:
        raise ValidationError(cursor, "not a cursor of this scan", field="after") from exc
    return value, record_id


def all_pages(
    find: Callable[..., Page[_R]], where: object, order_by: str, page_size: int
) -> Iterator[_R]:
    """Yield every record *find* returns for *where*, page after page along its cursor.

    *find* is a repository's ``find``; the arguments are checked before the first query, so a
    bad one raises at the call rather than at the first ``next()``.

    Raises:
        ValidationError: for a *page_size* that is not from 1 to 10,000.
    """
    check_page_size(page_size)
    first = find(where, order_by=order_by, limit=page_size)
    return _following(find, where, order_by, page_size, first)


def _following(
    find: Callable[..., Page[_R]], where: object, order_by: str, page_size: int, page: Page[_R]
) -> Iterator[_R]:
    while True:
        yield from page
        if page.next_after is None:
            return
        page = find(where, order_by=order_by, limit=page_size, after=page.next_after)
