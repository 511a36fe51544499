"""Term-frequency adjustment: agreement on a rarer value never counts less."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from crmkit.dedupe._frequency import local_part_points, value_points

_counts = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=5), st.integers(1, 40), min_size=2
)


@given(_counts, st.floats(1.0, 14.0))
def test_value_points_are_monotone_in_rarity(counts: dict[str, int], agree: float) -> None:
    """A value carried by fewer records gets at least the points of a more common one."""
    column: list[object] = [v for v, c in counts.items() for _ in range(c)]

    points = value_points(column, agree)

    ranked = sorted(counts, key=counts.__getitem__)
    for rarer, commoner in pairwise(ranked):
        assert points[rarer] >= points[commoner]
    assert all(-0.75 * agree <= p <= 2.0 for p in points.values())


@given(
    st.dictionaries(st.sampled_from(["jsmith", "info", "kj77", "ann.lee"]), st.integers(1, 12)),
    st.floats(2.0, 14.0),
)
def test_local_part_points_are_monotone_in_rarity(spread: dict[str, int], agree: float) -> None:
    """An address whose local part more addresses share counts no more; never above agree."""
    column: list[object] = []
    for local, domains in spread.items():
        for d in range(domains):
            column += [f"{local}@d{d}.example"] * 2  # each address on two records

    points = local_part_points(column, agree)

    def of(local: str) -> float:
        return points.get(f"{local}@d0.example", 0.0)

    ranked = sorted(spread, key=spread.__getitem__)
    for rarer, commoner in pairwise(ranked):
        assert of(rarer) >= of(commoner)
    assert all(-0.75 * agree <= p <= 0.0 for p in points.values())


def test_a_local_part_made_of_common_names_counts_less() -> None:
    """jsmith@ shared by two of many J. Smiths counts less than one only they could have."""
    names = [("john", "smith")] * 6 + [("jane", "smith")] * 6 + [("kelwood", "jorby")] * 2
    first, last = [f for f, _ in names], [la for _, la in names]
    column: list[object] = [None] * len(names)
    column[0] = column[6] = "jsmith@gmail.com"
    column[12] = column[13] = "kjorby@gmail.com"

    points = local_part_points(column, 14.0, (first, last))

    assert points["jsmith@gmail.com"] < -2
    assert "kjorby@gmail.com" not in points


def test_a_number_in_the_local_part_tells_people_apart() -> None:
    """jsmith1987@ is not what every J. Smith is given: sharing it keeps its full weight."""
    names = [("john", "smith")] * 6 + [("jane", "smith")] * 6
    first, last = [f for f, _ in names], [la for _, la in names]
    column: list[object] = [None] * len(names)
    column[0] = column[1] = "jsmith1987@gmail.com"
    column[6] = column[7] = "j.smith@gmail.com"

    points = local_part_points(column, 14.0, (first, last))

    assert "jsmith1987@gmail.com" not in points
    assert points["j.smith@gmail.com"] < -2
