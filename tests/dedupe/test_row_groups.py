"""Rows that are one contact: exact keys and the rules' groups, never across clear names."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit.dedupe._conflict import Names, name_key, names_conflict
from crmkit.dedupe._row_groups import MERGE, REVIEW, FuzzyGroup, Group, RowGroups

Row = tuple[int, str, str]


def _key(key: str, rows: Iterable[Row]) -> tuple[str, int, str]:
    listed = [list(r) for r in rows]
    return key, len(listed), json.dumps(listed)


def _groups(keys: list[tuple[str, int, str]], found: Iterable[FuzzyGroup] = ()) -> list[Group]:
    linked = RowGroups()
    linked.add_keys(keys)
    linked.add_found(found)
    return linked.groups()


def _names(*pairs: tuple[str, str]) -> tuple[Names, ...]:
    return tuple((name_key(f), name_key(la)) for f, la in pairs)


def test_one_person_sharing_a_phone_is_merged() -> None:
    """Rows sharing a phone whose names agree (nickname, initial, typo) become one group."""
    rows = [(3, "Robert", "Keller"), (8, "Bob", "Keller"), (9, "R.", "Keler")]

    (group,) = _groups([_key("p:+12125550100", rows)])

    assert (MERGE, (3, 8, 9), 1.0) == (group.status, group.members, group.score)
    assert "rows 3, 8, 9: same phone number (+12125550100)" == group.explanation


def test_a_switchboard_of_nineteen_people_stays_nineteen_contacts() -> None:
    """19 people with different names behind one number: one review group, no merge."""
    firsts = [
        "Anna",
        "Bob",
        "Carla",
        "Dmitri",
        "Elena",
        "Farid",
        "Grace",
        "Hiro",
        "Ines",
        "Jonas",
        "Kemal",
        "Lena",
        "Marco",
    ]
    firsts += ["Nadia", "Omar", "Priya", "Quentin", "Rosa", "Samir"]
    lasts = [
        "Novak",
        "Singh",
        "Okafor",
        "Rossi",
        "Haddad",
        "Lindqvist",
        "Tanaka",
        "Moreau",
        "Brandt",
        "Yilmaz",
    ]
    lasts += [
        "Fischer",
        "Costa",
        "Petrova",
        "Farouk",
        "Iyer",
        "Dupont",
        "Alvarez",
        "Nasser",
        "Keller",
    ]
    rows = [(n, f, la) for n, (f, la) in enumerate(zip(firsts, lasts, strict=True), start=2)]

    groups = _groups([_key("p:+12125550100", rows)])

    assert [REVIEW] == [g.status for g in groups]
    assert tuple(range(2, 21)) == groups[0].members
    assert groups[0].score is None
    assert "same phone number (+12125550100) on rows of 19 people" in groups[0].explanation


def test_a_shared_inbox_merges_each_person_and_offers_the_rest() -> None:
    """info@ shared by two people, one of them twice: that one merges, all are for review."""
    rows = [(2, "Lena", "Fischer"), (5, "Omar", "Farouk"), (7, "Lena", "Fischer")]

    merged, review = _groups([_key("e:info@acme.example", rows)])

    assert (MERGE, (2, 7)) == (merged.status, merged.members)
    assert (REVIEW, (2, 5, 7)) == (review.status, review.members)
    assert review.number == 2


def test_a_row_that_fits_two_people_joins_neither() -> None:
    """A row for "J. Smith" beside John and Jane Smith on one phone joins neither."""
    rows = [(2, "John", "Smith"), (3, "Jane", "Smith"), (4, "J.", "Smith")]

    (review,) = _groups([_key("p:+441234567890", rows)])

    assert (REVIEW, (2, 3, 4)) == (review.status, review.members)
    assert "row 4 fit more than one of them" in review.explanation


def test_a_blank_name_joins_the_only_person_of_its_key() -> None:
    """A row with a phone and no name joins the one named person sharing that phone."""
    rows = [(2, "Ann", "Lee"), (6, "", "")]

    (group,) = _groups([_key("p:+441234567890", rows)])

    assert (MERGE, (2, 6)) == (group.status, group.members)


def test_chains_through_two_keys_never_join_clear_names() -> None:
    """Row 3 shares a phone with Ann and an e-mail with Raj: it joins only Ann, once."""
    phone = _key("p:+15550001", [(2, "Ann", "Lee"), (3, "A", "Lee")])
    email = _key("e:office@x.example", [(3, "A", "Lee"), (9, "Raj", "Lee")])

    merged, review = _groups([phone, email])

    assert (MERGE, (2, 3)) == (merged.status, merged.members)
    assert (REVIEW, (3, 9)) == (review.status, review.members)


def test_rule_groups_join_key_groups_sharing_a_row() -> None:
    """A rule group sharing a row with a key group joins it, keeping both reasons."""
    keys = [_key("p:+15550001", [(1, "Ann", "Lee"), (2, "Ann", "Lee")])]
    found = [((2, 3), 0.95, "rows 2, 3: likely the same", _names(("Ann", "Lee"), ("Anne", "Lee")))]

    (group,) = _groups(keys, found)

    assert (1, 2, 3) == group.members
    assert 0.95 == group.score
    assert "rows 1, 2: same phone number (+15550001); rows 2, 3: likely the same" == (
        group.explanation
    )


def test_a_rule_group_never_joins_a_clearly_different_name() -> None:
    """A rule group whose row is already one contact with another name is offered instead."""
    keys = [_key("p:+15550001", [(1, "Ann", "Lee"), (2, "A", "Lee")])]
    found = [((2, 3), 0.95, "rows 2, 3: likely the same", _names(("A", "Lee"), ("Amir", "Lee")))]

    merged, review = _groups(keys, found)

    assert (MERGE, (1, 2)) == (merged.status, merged.members)
    assert (REVIEW, (1, 2, 3)) == (review.status, review.members)
    assert "joining row 3 to row 2" in review.explanation


def test_keys_shared_by_too_many_rows_are_left_out() -> None:
    """A key of more than 50 rows links nobody and is listed with its count."""
    rows = [(n, "Ann", "Lee") for n in range(1, 53)]
    linked = RowGroups()

    linked.add_keys([_key("p:+15550001", rows)])

    assert [] == linked.groups()
    assert [("p:+15550001", 52)] == linked.common


_FIRST = st.sampled_from(
    [
        "anna",
        "bob",
        "carla",
        "dmitri",
        "farid",
        "grace",
        "hiro",
        "ines",
        "kemal",
        "marco",
        "nadia",
        "omar",
        "priya",
        "quentin",
    ]
)
_LAST = st.sampled_from(
    ["novak", "singh", "okafor", "haddad", "tanaka", "moreau", "yilmaz", "costa", "petrova"]
)


@st.composite
def _strangers(draw: st.DrawFn) -> list[tuple[str, str]]:
    """People whose names clearly differ pairwise."""
    people: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(2, 12))):
        name = (draw(_FIRST), draw(_LAST))
        if all(names_conflict(name, other) for other in people):
            people.append(name)
    return people


_STRANGERS = _strangers().filter(lambda people: len(people) > 1)


@settings(max_examples=60)
@given(_STRANGERS, st.integers(1, 3), st.randoms(use_true_random=False))
def test_people_sharing_a_phone_never_share_a_group(
    people: list[tuple[str, str]], copies: int, rng: random.Random
) -> None:
    """People of clearly different names behind one phone never share a group; each merges.

    Each person's own rows (the same name, several times) still become one group.
    """
    rows = [(p, name) for p, name in enumerate(people) for _ in range(copies)]
    rng.shuffle(rows)
    listed = [(n, first, last) for n, (_, (first, last)) in enumerate(rows, start=2)]
    person = {n: p for n, (p, _) in enumerate(rows, start=2)}
    email = [(n, f, la) for n, f, la in listed if person[n] % 2 == 0]

    groups = _groups([_key("p:+15550001", listed), _key("e:info@x.example", email)])
    merges = [g for g in groups if g.status == MERGE]

    assert all(len({person[n] for n in g.members}) == 1 for g in merges)
    expected = len(people) if copies > 1 else 0
    assert expected == len(merges)
    assert any(g.status == REVIEW for g in groups)


@settings(max_examples=60)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(1, 30), _FIRST, _LAST), min_size=2, max_size=6),
        max_size=6,
    )
)
def test_each_row_is_in_at_most_one_merge_group_of_one_name(
    keys: list[list[tuple[int, str, str]]],
) -> None:
    """Merge groups are disjoint, and none holds two clearly different names."""
    names: dict[int, tuple[str, str]] = {}
    shared = []
    for k, rows in enumerate(keys):
        # one row has one name, whichever key lists it
        fixed = [(n, *names.setdefault(n, (f, la))) for n, f, la in rows]
        shared.append(_key(f"p:+1555{k}", dict.fromkeys(fixed)))

    groups = [g for g in _groups(shared) if g.status == MERGE]
    rows = [n for g in groups for n in g.members]

    assert len(rows) == len(set(rows))
    for g in groups:
        keyed = [(name_key(names[n][0]), name_key(names[n][1])) for n in g.members]
        assert not any(names_conflict(a, b) for a in keyed for b in keyed)
