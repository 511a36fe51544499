"""Folding the rows of one duplicate group into one clean row, losing nothing.

Single-valued fields keep the first row's non-empty value; every other value of the group
is listed as not kept, so the duplicates report shows it. E-mail addresses are united by
their match key and phone numbers by their E.164 form (across the phone fields), so that
``john@acme.com`` and ``JOHN@acme.com`` are one address. The clean file writes each
e-mail and phone in a column of its own (``email``, ``email_2``...), which the column
mapping reads back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from ._mapping import CUSTOM_PREFIX
from ._rows import _email, _Refusal

__all__ = ["SPLIT_FIELDS", "fold", "split_columns", "split_values", "widths"]

#: Fields written one value per column in the clean file.
SPLIT_FIELDS: Final = ("email", "mobile", "phone", "home_phone")
_PHONES: Final = frozenset({"mobile", "phone", "home_phone"})
_LISTS: Final = frozenset({"tags", "notes"})
_SEPARATOR: Final = "; "


def _email_key(value: str) -> str:
    found = _email(value)
    return value.casefold() if isinstance(found, _Refusal) else found.match_key


def fold(
    rows: Iterable[tuple[int, dict[str, str]]], email_keys: Mapping[str, str] | None = None
) -> tuple[dict[str, str], list[list[str]]]:
    """Fold a group's rows (in row order) into one row.

    *email_keys* may give the match key of addresses already validated; the others are
    validated again to find theirs.

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
                for address in value.split(_SEPARATOR):
                    key = email_keys.get(address) if email_keys else None
                    items.setdefault(key or _email_key(address), address)
            elif field in _PHONES:
                items = lists.setdefault(field, {})
                for number in value.split(_SEPARATOR):
                    # one number given as a mobile in one row and a phone in another is
                    # one number: the first field it appears in keeps it
                    if number not in numbers:
                        numbers.add(number)
                        items[number] = number
            elif field in _LISTS:
                items = lists.setdefault(field, {})
                for item in value.split(_SEPARATOR):
                    items.setdefault(item, item)
            elif field not in merged:
                merged[field] = value
            elif merged[field] != value:
                dropped.append(f"{field.removeprefix(CUSTOM_PREFIX)}={value}")
        lost.append(dropped)
    for field, items in lists.items():
        if items:
            merged[field] = _SEPARATOR.join(items.values())
    return merged, lost


def widths(values: dict[str, str], into: dict[str, int]) -> None:
    """Raise *into*'s count of columns for each split field to what *values* needs."""
    for field in SPLIT_FIELDS:
        value = values.get(field)
        if value:
            count = value.count(_SEPARATOR) + 1
            if count > into.get(field, 0):
                into[field] = count


def split_columns(fields: list[str], counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """The clean file's columns: (header, field, index of the value in the field's list)."""
    columns: list[tuple[str, str, int]] = []
    for field in fields:
        header = field.removeprefix(CUSTOM_PREFIX)
        if field in SPLIT_FIELDS:
            columns.append((header, field, 0))
            columns.extend((f"{header}_{n + 1}", field, n) for n in range(1, counts.get(field, 1)))
        else:
            columns.append((header, field, -1))
    return columns


def split_values(values: dict[str, str], columns: list[tuple[str, str, int]]) -> list[str]:
    """One clean row's cells for *columns*."""
    cells: list[str] = []
    parts: dict[str, list[str]] = {}
    for _, field, index in columns:
        value = values.get(field, "")
        if index < 0:
            cells.append(value)
            continue
        items = parts.get(field)
        if items is None:
            items = parts[field] = value.split(_SEPARATOR) if value else []
        cells.append(items[index] if index < len(items) else "")
    return cells
