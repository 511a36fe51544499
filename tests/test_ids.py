"""Tests of record ids."""

from __future__ import annotations

import time

from crmkit._ids import _ALPHABET, new_id


def test_ids_are_distinct_and_sort_by_creation() -> None:
    """Ids made a few milliseconds apart sort in the order they were made; none repeats."""
    first = [new_id() for _ in range(1000)]
    time.sleep(0.002)
    later = new_id()

    assert len(set(first)) == 1000
    assert all(len(i) == 26 and set(i) <= set(_ALPHABET) for i in first)
    assert max(first) < later
