"""Folding the rows of one duplicate group into one row, losing nothing.

Single-valued fields keep the first row's non-empty value; every other value of the group
is listed as not kept, so a duplicates report can show it. E-mail addresses are united by
their match key and phone numbers by their E.164 form (across the phone fields), so that
``john@acme.com`` and ``JOHN@acme.com`` are one address; several values of one field are
joined by :data:`SEPARATOR`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Final

from crmkit.errors import ValidationError
from crmkit.values import normalize_email

__all__ = ["SEPARATOR", "fold"]

#: What joins several values of one field in a folded row.
SEPARATOR: Final = "; "
_PHONES: Final = frozenset({"mobile", "phone", "home_phone"})
# "problems" lists the cells each row kept as typed: a merged row keeps them all
_LISTS: Final = frozenset({"tags", "notes", "problems"})


@lru_cache(maxsize=65_536)
def _email_key(value: str) -> str:
    try:
        return normalize_email(value).match_key
    except ValidationError:
        return value.casefold()


def fold(
    rows: Iterable[tuple[int, dict[str, str]]],
    email_keys: Mapping[str, str] | None = None,
    *,
    prefix: str = "",
) -> tuple[dict[str, str], list[list[str]]]:
    """Fold a group's rows (in row order) into one row.

    *email_keys* may give the match key of addresses already validated; the others are
    validated again to find theirs. *prefix* is left out of the field names of values not
    kept (custom fields carry one in the rows).

    Returns:
        The folded values, and for each row the values it had that the folded row does not
        keep, as ``field=value`` pairs (none for the first row).
    """
    merged: dict[str, str] = {}
    lists: dict[str, dict[str, str]] = {}
    numbers: set[str] = set()
    lost: list[list[str]] = []
    for _, values in rows:
        dropped: list[str] = []
        for field, value in values.items():
            if not value:
                continue
            if field == "email":
                items = lists.setdefault(field, {})
                for address in value.split(SEPARATOR):
                    key = email_keys.get(address) if email_keys else None
                    items.setdefault(key or _email_key(address), address)
            elif field in _PHONES:
                items = lists.setdefault(field, {})
                for number in value.split(SEPARATOR):
                    # one number given as a mobile in one row and a phone in another is
                    # one number: the first field it appears in keeps it
                    if number not in numbers:
                        numbers.add(number)
                        items[number] = number
            elif field in _LISTS:
                items = lists.setdefault(field, {})
                for item in value.split(SEPARATOR):
                    items.setdefault(item, item)
            elif field not in merged:
                merged[field] = value
            elif merged[field] != value:
                dropped.append(f"{field.removeprefix(prefix)}={value}")
        lost.append(dropped)
    for field, items in lists.items():
        if items:
            merged[field] = SEPARATOR.join(items.values())
    return merged, lost
