"""Keyset pagination: sort orders and the opaque cursors that carry a page's last position."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from attrs import frozen

from crmkit.errors import ValidationError

from ._kinds import RecordKind

__all__ = ["Order", "decode_cursor", "encode_cursor", "parse_order"]

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
