"""A shared phone, mailbox or address is not a person: what merges, what is only offered."""

from __future__ import annotations

import random

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit.contacts import Contact
from crmkit.dedupe import MatchRules, find_duplicates, match_against
from crmkit.dedupe._conflict import name_key, names_conflict
from crmkit.errors import ConfigError, ErrorCode
from crmkit.storage import MemoryStore

SWITCHBOARD = "+1 212 555 0100"
FIRST = [
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
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Samir",
]
LAST = [
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


def _keys(first: str, last: str) -> tuple[str | None, str | None]:
    return name_key(first), name_key(last)


def _staff(count: int = 19, *, inbox: int = 0) -> list[Contact]:
    """*count* people behind one switchboard, the first *inbox* of them also on info@."""
    people = []
    for k, (first, last) in enumerate(zip(FIRST[:count], LAST[:count], strict=True)):
        emails = [f"{first.lower()}.{last.lower()}@acme.example"]
        if k < inbox:
            emails.append("info@acme.example")
        people.append(
            Contact(
                id=f"s{k:02d}",
                first_name=first,
                last_name=last,
                emails=emails,
                phones=[SWITCHBOARD],
                custom={"company": "Acme"},
            )
        )
    return people


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Bob", "Keller"), ("Robert", "Keller")),  # nickname
        (("Elena", "Rossi"), ("Elena", "Rosi")),  # typo in the last name
        (("Ali", "Rezaei"), ("Ai", "Rezaei")),  # a letter left out of a short name
        (("Ben", "Torlin"), ("Bne", "Torlin")),  # two letters swapped
        (("Jimmy", "Fenfen"), ("Jamse", "Fenfen")),  # a nickname beside a typo of its name
        (("A.", "Keller"), ("Anna", "Keller")),  # initial
        (("R.", "Keller"), ("Bob", "Keller")),  # initial of the formal name
        (("Keller", "Anna"), ("Anna", "Keller")),  # the wrong way round
        (("Keller", "Bob"), ("Robert", "Keller")),  # the wrong way round, nickname
        (("Mohammad", "Rezaei"), ("Muhammad", "Rezaei")),  # transliteration
        (("Anna", ""), ("Anna", "Keller")),  # a name left blank
        (("علی", "رضایی"), ("Ali", "Rezaei")),  # two scripts: nothing to judge
    ],
)
def test_names_of_one_person_do_not_conflict(a: tuple[str, str], b: tuple[str, str]) -> None:
    """Nicknames, typos, initials, swaps, blanks and other scripts are not clear conflicts."""
    assert not names_conflict(_keys(*a), _keys(*b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Anna", "Novak"), ("Carla", "Singh")),
        (("John", "Smith"), ("Mary", "Smith")),  # a household
        (("John", "Smith"), ("John", "Okafor")),
        (("J.", "Smith"), ("Mary", "Smith")),
        (("Anna", ""), ("Lena", "")),
    ],
)
def test_names_of_different_people_conflict(a: tuple[str, str], b: tuple[str, str]) -> None:
    """A first or a last name that is clearly different, straight and crosswise, conflicts."""
    assert names_conflict(_keys(*a), _keys(*b))


def test_a_switchboard_of_nineteen_people_stays_nineteen_people() -> None:
    """19 people on one number, four on one info@ too: no match; the strong pairs for review."""
    staff = _staff(inbox=4)

    found = find_duplicates(staff)

    assert [] == found.matches
    # the four on info@ as well as the switchboard scored as matches: offered, never merged
    flagged = [g.ids for g in found.possible if g.names_differ]
    assert [(a.id, b.id) for x, a in enumerate(staff[:4]) for b in staff[x + 1 : 4]] == flagged
    assert all(g.score > 0.9 for g in found.possible if g.names_differ)


def test_true_duplicates_behind_a_switchboard_still_merge() -> None:
    """Bob and Robert Keller on the switchboard merge; the 18 others stay apart."""
    staff = _staff(18, inbox=3)
    bob = Contact(
        id="k1", first_name="Bob", last_name="Keller", emails=["bk@example.org"],
        phones=[SWITCHBOARD], custom={"company": "Acme"},
    )  # fmt: skip
    robert = attrs.evolve(bob, id="k2", first_name="Robert", emails=["info@acme.example"])

    found = find_duplicates([*staff, bob, robert])

    assert [("k1", "k2")] == [g.ids for g in found.matches]


def test_an_explanation_says_the_names_differ() -> None:
    """A flagged pair's explanation is 'possible' and says why it is not merged."""
    staff = _staff(2, inbox=2)
    (pair,) = find_duplicates(staff).possible

    explained = pair.explain().pairs[0]

    assert ("possible", True) == (explained.kind, explained.names_differ)
    assert explained.score > 0.9
    assert "the names clearly differ" in str(explained)


def test_rules_can_let_different_names_merge() -> None:
    """merge_different_names=True gives back the score's own verdict (for data without names)."""
    rules = attrs.evolve(MatchRules.for_contacts(), merge_different_names=True)

    found = find_duplicates(_staff(3, inbox=3), rules)

    assert [("s00", "s01", "s02")] == [g.ids for g in found.matches]
    assert rules == MatchRules.from_dict(rules.to_dict())


def test_merge_different_names_must_be_true_or_false() -> None:
    """A merge_different_names that is not a boolean is a config error naming it."""
    raw = MatchRules.for_contacts().to_dict()
    raw["merge_different_names"] = "yes"

    with pytest.raises(ConfigError) as caught:
        MatchRules.from_dict(raw)

    assert ErrorCode.CONFIG == caught.value.code
    assert "merge_different_names" == caught.value.path
    assert "merge_different_names: expected true or false, got 'yes'" == str(caught.value)


def test_match_against_offers_a_colleague_only_as_possible() -> None:
    """An incoming colleague on the stored one's phone and inbox is possible, not the best."""
    store = MemoryStore()
    stored, incoming = _staff(2, inbox=2)
    store.contacts.add(stored)

    (found,) = match_against([incoming], store)

    assert found.best is None
    assert [("possible", stored.id)] == [(m.kind, m.record.id) for m in found.matches]


_NAMES = st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST))


@st.composite
def _strangers(draw: st.DrawFn) -> list[tuple[str, str]]:
    """Two to twelve people whose names clearly differ pairwise."""
    people: list[tuple[str, str]] = []
    for name in draw(st.lists(_NAMES, min_size=2, max_size=12)):
        if all(names_conflict(_keys(*name), _keys(*other)) for other in people):
            people.append(name)
    return people


@settings(max_examples=40, deadline=None)
@given(
    _strangers().filter(lambda p: len(p) > 1),
    st.integers(1, 3),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_people_sharing_a_phone_never_share_a_group(
    people: list[tuple[str, str]], copies: int, inbox: bool, rng: random.Random
) -> None:
    """However many share one phone (and an inbox), no match group holds two of them.

    Each person's own copies (the same name, the same phone) still merge into one group.
    """
    records = []
    for p, (first, last) in enumerate(people):
        for c in range(copies):
            emails = ["info@acme.example"] if inbox else []
            records.append(
                Contact(
                    id=f"p{p:02d}c{c}",
                    first_name=first,
                    last_name=last,
                    emails=emails,
                    phones=[SWITCHBOARD],
                    custom={"company": "Acme"},
                )
            )
    rng.shuffle(records)

    found = find_duplicates(records)

    persons = [{i[:3] for i in g.ids} for g in found.matches]
    assert all(len(p) == 1 for p in persons)
    expected = len(people) if copies > 1 else 0
    assert expected == len(found.matches)
