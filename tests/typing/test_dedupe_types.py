"""The dedupe API's types for what is merged and what is only offered for review.

mypy checks these (``mypy --strict tests/typing``); at run time each ``assert_type`` is a
no-op, so this file also runs as an ordinary test.
"""

from __future__ import annotations

from typing import assert_type

from crmkit import Contact
from crmkit.dedupe import (
    DuplicateGroup,
    DuplicateGroups,
    MatchRules,
    PairExplanation,
    find_duplicates,
)


def test_review_types() -> None:
    """A possible group says whether names differ; rules say whether that may merge."""
    board = ["+1 212 555 0100"]
    found = find_duplicates(
        [
            Contact(id="a", first_name="Anna", last_name="Novak", phones=board),
            Contact(id="b", first_name="Omar", last_name="Farouk", phones=board),
        ]
    )
    assert_type(found, DuplicateGroups)
    assert_type(found.possible, list[DuplicateGroup])
    assert_type(MatchRules.for_contacts().merge_different_names, bool)
    for group in found:
        assert_type(group.names_differ, bool)
        assert_type(group.explain().pairs[0], PairExplanation)
        assert_type(group.explain().pairs[0].names_differ, bool)

    assert [] == found.matches
