"""The clean file's columns: each e-mail and phone of a folded row in a column of its own.

A folded row lists several e-mails or phones in one field, joined by ``"; "``
(:func:`crmkit.dedupe._fold.fold`); the clean file writes them as ``email``, ``email_2``...,
which the column mapping reads back. Carried columns (``column:<header>``, the input's
columns that feed no field) come last, under their own headers, in input order; the
distinct values of a duplicate group's rows are joined (:func:`join_carried`).
"""

from __future__ import annotations

from typing import Final

from crmkit.dedupe._fold import SEPARATOR as _SEPARATOR

from ._mapping import CARRIED_PREFIX, CUSTOM_PREFIX

__all__ = ["SPLIT_FIELDS", "join_carried", "split_columns", "split_values", "widths"]

#: Fields written one value per column in the clean file.
SPLIT_FIELDS: Final = ("email", "mobile", "phone", "home_phone")


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
        if field.startswith(CARRIED_PREFIX):
            continue
        header = field.removeprefix(CUSTOM_PREFIX)
        if field in SPLIT_FIELDS:
            columns.append((header, field, 0))
            columns.extend((f"{header}_{n + 1}", field, n) for n in range(1, counts.get(field, 1)))
        else:
            columns.append((header, field, -1))
    taken = {header for header, _, _ in columns} | {"source_rows"}
    for field in fields:
        if field.startswith(CARRIED_PREFIX):
            header = field.removeprefix(CARRIED_PREFIX)
            while header in taken:
                # an input column named like a clean one ("email_2" beside "E-mail")
                header = f"{header} (input)"
            taken.add(header)
            columns.append((header, field, -1))
    return columns


def join_carried(rows: list[tuple[int, dict[str, str]]]) -> dict[str, str]:
    """The carried values of a group's rows, each column's distinct values joined in order.

    Also takes them out of *rows*, so that folding the rest does not list them as not kept.
    """
    joined: dict[str, dict[str, None]] = {}
    for _, values in rows:
        for field in [f for f in values if f.startswith(CARRIED_PREFIX)]:
            joined.setdefault(field, {})[values.pop(field)] = None
    return {field: _SEPARATOR.join(items) for field, items in joined.items()}


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
