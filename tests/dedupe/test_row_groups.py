from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit.dedupe._row_groups import Group, combine


def test_overlapping_groups_are_joined() -> None:
    """A rule group sharing a row with a key group joins it, keeping both reasons."""
    keys = [Group(1, (1, 2), 1.0, "same phone"), Group(2, (7, 9), 0.9, "same name")]
    rules = [((2, 3), 0.95, "likely the same"), ((4, 5), 0.97, "nicknames")]

    joined = combine(keys, rules)

    assert [(1, 2, 3), (4, 5), (7, 9)] == [g.members for g in joined]
    assert [1, 2, 3] == [g.number for g in joined]
    assert 0.95 == joined[0].score
    assert "same phone; likely the same" == joined[0].explanation


def test_no_rule_groups_keeps_the_key_groups() -> None:
    """Without rule groups the key groups come back unchanged."""
    keys = [Group(1, (1, 2), 1.0, "same phone")]

    assert keys == combine(keys, [])


_members = st.lists(st.integers(1, 40), min_size=2, max_size=5, unique=True).map(
    lambda m: tuple(sorted(m))
)


@settings(max_examples=50)
@given(st.lists(_members, max_size=8), st.lists(_members, max_size=8))
def test_each_row_is_in_one_group(
    key_sets: list[tuple[int, ...]], rule_sets: list[tuple[int, ...]]
) -> None:
    """Joined groups are disjoint and cover exactly the rows of all input groups."""
    keys = [Group(i, m, 1.0, "k") for i, m in enumerate(key_sets, start=1)]
    joined = combine(keys, [(m, 0.9, "r") for m in rule_sets])
    rows = [n for g in joined for n in g.members]

    assert len(rows) == len(set(rows))
    assert set(rows) == {n for m in [*key_sets, *rule_sets] for n in m}
