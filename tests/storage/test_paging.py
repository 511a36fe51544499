"""Streaming every record along a repository's keyset pages."""

from __future__ import annotations

from typing import Any

import pytest

from crmkit.errors import ValidationError
from crmkit.storage import Page
from crmkit.storage._paging import all_pages


class _Pages:
    """A find() over 0..n-1 that records each call's cursor."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.calls: list[str | None] = []

    def find(self, where: Any, *, order_by: str, limit: int, after: str | None = None) -> Page[int]:
        """Return the page of numbers after the cursor."""
        self.calls.append(after)
        start = 0 if after is None else int(after) + 1
        numbers = list(range(start, min(start + limit, self.n)))
        more = start + limit < self.n
        return Page(numbers, str(numbers[-1]) if more else None)


def test_the_first_page_is_read_at_the_call_the_rest_as_consumed() -> None:
    """One query at the call (so bad arguments raise there), then one per page consumed."""
    source = _Pages(10)

    stream = all_pages(source.find, None, "id", 4)
    assert [None] == source.calls
    first_four = [next(stream) for _ in range(4)]
    assert [None] == source.calls
    rest = list(stream)

    assert [0, 1, 2, 3] == first_four
    assert list(range(4, 10)) == rest
    assert [None, "3", "7"] == source.calls


@pytest.mark.parametrize("page_size", [0, 10_001, True, "10", 2.5])
def test_a_bad_page_size_is_refused_before_any_query(page_size: Any) -> None:
    """A page size that is not a whole number from 1 to 10,000 raises ValidationError."""
    source = _Pages(3)

    with pytest.raises(ValidationError, match="expected a page size from 1 to 10000") as caught:
        all_pages(source.find, None, "id", page_size)

    assert ("page_size", []) == (caught.value.field, source.calls)
