"""Match weights learned from unlabelled records: EM of m and u, and the public call."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit.contacts import Contact
from crmkit.dedupe import MatchRules, estimate_weights, find_duplicates
from crmkit.dedupe._em import AGREE, DISAGREE, Pattern, fit
from crmkit.errors import ConfigError, ValidationError


def _vectors(
    rng: random.Random, share: float, m: list[float], u: list[float], pairs: int
) -> Counter[Pattern]:
    out: Counter[Pattern] = Counter()
    for _ in range(pairs):
        probs = m if rng.random() < share else u
        out[tuple(AGREE if rng.random() < p else DISAGREE for p in probs)] += 1
    return out


@settings(max_examples=25, deadline=None)
@given(
    share=st.floats(0.15, 0.6),
    m=st.lists(st.floats(0.75, 0.97), min_size=4, max_size=6),
    seed=st.integers(0, 2**16),
)
def test_em_recovers_the_generators_m_and_u(share: float, m: list[float], seed: int) -> None:
    """On vectors drawn from a known mixture, EM finds its share, m and u (within 0.05)."""
    rng = random.Random(seed)
    u = [rng.uniform(0.02, 0.2) for _ in m]
    vectors = _vectors(rng, share, m, u, 20_000)

    found = fit(vectors, iterations=500, tolerance=1e-7)

    assert abs(share - found.share) < 0.05
    for f in range(len(m)):
        assert abs(m[f] - found.m[f][AGREE]) < 0.05
        assert abs(u[f] - found.u[f][AGREE]) < 0.05


def test_em_with_u_held_estimates_only_m_and_the_share() -> None:
    """With estimate_u False, u stays at its start."""
    rng = random.Random(1)
    vectors = _vectors(rng, 0.3, [0.9, 0.9, 0.9], [0.1, 0.1, 0.1], 5_000)
    start = [([0.2, 0.0, 0.8], [0.9, 0.0, 0.1])] * 3

    found = fit(vectors, start=start, estimate_u=False)

    assert all(abs(0.1 - row[AGREE]) < 1e-9 for row in found.u)
    assert abs(0.9 - found.m[0][AGREE]) < 0.05


@pytest.mark.parametrize(
    ("patterns", "options", "match"),
    [
        ({}, {}, "no candidate pairs"),
        ({(2, 0): 3, (2,): 1}, {}, "one outcome per field"),
        ({(5,): 3}, {}, "unknown outcome"),
        ({(2,): 0}, {}, "positive count"),
        ({(2,): 1}, {"share": 1.0}, "strictly between 0 and 1"),
        ({(2,): 1}, {"iterations": 0}, "positive integer"),
        ({(2,): 1}, {"tolerance": 0.0}, "must be positive"),
        ({(2,): 1}, {"start": [None, None]}, "one start per field"),
    ],
)
def test_em_refuses_bad_input(
    patterns: dict[Pattern, int], options: dict[str, object], match: str
) -> None:
    """Bad vectors or settings are a ConfigError saying what is wrong."""
    with pytest.raises(ConfigError, match=match):
        fit(patterns, **options)  # type: ignore[arg-type]


def _people(count: int, seed: int) -> list[Contact]:
    rng = random.Random(seed)
    firsts = ["Anna", "Ben", "Carla", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jon"]
    records = []
    for k in range(count):
        first, last = firsts[k // 2 % len(firsts)], f"Lastname{k // 2}"
        born = date(1950 + k // 2 % 50, 1 + k // 2 % 12, 1 + k // 2 % 28)
        if k % 2 and rng.random() < 0.3:
            first = first[:-1]  # a typo in the copy
        records.append(Contact(id=f"p{k}", first_name=first, last_name=last, birth_date=born))
    return records


def test_estimated_rules_find_duplicates_and_show_m_and_u() -> None:
    """Estimated rules carry m and u per field; explanations show them."""
    records = _people(400, 3)

    rules = estimate_weights(records)
    found = find_duplicates(records, rules)

    last = next(f for f in rules.fields if f.field == "last_name")
    assert last.m is not None
    assert last.u is not None
    assert last.m > last.u
    assert rules.prior < 0
    assert found.matches
    pair = found.matches[0].explain().pairs[0]
    shown = next(f for f in pair.fields if f.field == "last_name")
    assert (last.m, last.u) == (shown.m, shown.u)
    assert f"m {last.m:.3f}" in str(shown)


def test_fields_never_filled_in_get_no_weight() -> None:
    """A field blank on every record (e-mail on a person list) adds nothing either way."""
    rules = estimate_weights(_people(200, 4))

    email = next(f for f in rules.fields if f.field == "email")
    assert (0.0, 0.0) == (email.agree_points, email.disagree_points)


@pytest.mark.parametrize(
    ("records", "options", "error", "match"),
    [
        (None, {}, ValidationError, "expected a list of contacts"),
        ([Contact(first_name="A")], {"rules": "x"}, ConfigError, "expected MatchRules"),
        ([Contact(first_name="A")], {"max_pairs": 0}, ConfigError, "positive integer"),
        ([Contact(first_name="A")], {"iterations": True}, ConfigError, "positive integer"),
        ([Contact(first_name="A")], {}, ConfigError, "no candidate pairs"),
    ],
)
def test_estimate_weights_refuses_bad_input(
    records: object, options: dict[str, object], error: type[Exception], match: str
) -> None:
    """Bad records or settings raise the error of find_duplicates, or a ConfigError."""
    with pytest.raises(error, match=match) as info:
        estimate_weights(records, **options)  # type: ignore[arg-type]

    assert getattr(info.value, "code", "")


def test_estimated_rules_round_trip() -> None:
    """Estimated rules convert to plain data and back like any others."""
    rules = estimate_weights(_people(200, 5))

    assert MatchRules.from_dict(rules.to_dict()) == rules
