"""Checks and conversions every record kind shares: timestamps, text, versions, custom values.

Contacts, companies, deals and stored custom records all normalize these the same way, so the
helpers live below every domain package.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal

import attrs

from crmkit.errors import ValidationError
from crmkit.values import Money

__all__ = ["aware", "check_version", "custom_values", "optional_text", "text", "utcnow"]


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC (every crmkit timestamp is)."""
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """Return *value* in UTC; a naive or non-datetime value is a ValidationError."""
    if not isinstance(value, datetime):
        raise ValidationError(value, "expected a datetime", field="timestamp")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(value, "timestamps must be timezone-aware", field="timestamp")
    return value.astimezone(UTC)


def text(value: object) -> str:
    """Return *value* as NFKC text with collapsed whitespace (None is empty)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(value, "expected text")
    return " ".join(unicodedata.normalize("NFKC", value).split())


def optional_text(value: object) -> str | None:
    """Return :func:`text` of *value*, or None when that is empty."""
    cleaned = text(value)
    return cleaned or None


_CUSTOM_SCALARS = (str, int, float, bool, Decimal, date, datetime, Money, type(None))


def _custom_value(name: str, value: object) -> object:
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return tuple(_custom_value(name, v) for v in items)
    if isinstance(value, datetime):
        return aware(value)
    if not isinstance(value, _CUSTOM_SCALARS):
        raise ValidationError(
            value, f"custom values must be plain data, not {type(value).__name__}", field=name
        )
    return value


def custom_values(values: object) -> dict[str, object]:
    """Return a record's custom values checked as plain data (datetimes in UTC, sets sorted)."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise ValidationError(values, "custom values must be a mapping", field="custom")
    out = {}
    for key, value in values.items():
        if not isinstance(key, str) or not key:
            raise ValidationError(key, "custom field names must be non-empty text", field="custom")
        out[key] = _custom_value(key, value)
    return out


def check_version(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    """An attrs validator: a record version is a positive integer."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(value, "version must be a positive integer", field="version")
