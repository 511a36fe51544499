"""Checking the record ids a repository is given, so a wrong argument gets a clear error."""

from __future__ import annotations

from collections.abc import Iterable

from crmkit.errors import ValidationError

__all__ = ["record_ids"]


def record_ids(given: object) -> list[str]:
    """Return *given* (an iterable of ids) as a list without repeats, in the order given.

    Raises:
        ValidationError: for one text instead of several ids (its letters would be read as
            ids), something that is not iterable, or an id that is not text.
    """
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise ValidationError(
            given, f"expected an iterable of ids, not {type(given).__name__}", field="record_ids"
        )
    ids = list(dict.fromkeys(given))
    for record_id in ids:
        if not isinstance(record_id, str):
            raise ValidationError(
                record_id, f"an id is text, not {type(record_id).__name__}", field="record_ids"
            )
    return ids
