"""Tests of person name parsing and name match keys."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crmkit.contacts._names import PersonName, name_match_key, parse_name
from crmkit.errors import InvalidName, ValidationError

_LATIN = ["john", "mary", "jean-luc", "o'neil", "mcdonald", "van", "de", "la", "jr.", "dr.", "a."]
_ARABIC = ["محمد", "رضا", "احمدی", "علي", "عبد", "الله", "فاطمة", "کریم", "آقای"]
# Letter variants that name_match_key unifies, each with its unified form
_VARIANTS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا"})


def _names() -> st.SearchStrategy[str]:
    word = st.sampled_from(_LATIN + _ARABIC + [w.upper() for w in _LATIN] + ["Doe", "Smith"])
    words = st.lists(word, min_size=1, max_size=5).map(" ".join)
    return words | st.tuples(words, words).map(", ".join) | st.text(min_size=1, max_size=30)


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("Doe, John", ("", "John", "", "Doe", "")),
        ("Dr. John A. Doe Jr.", ("Dr.", "John", "A.", "Doe", "Jr.")),
        ("john doe", ("", "John", "", "Doe", "")),
        ("  JOHN   DOE  ", ("", "John", "", "Doe", "")),
        ("Doe, Dr. John A., Jr.", ("Dr.", "John", "A.", "Doe", "Jr.")),
        ("John Doe, PhD", ("", "John", "", "Doe", "PhD")),
        ("vincent van gogh", ("", "Vincent", "", "van Gogh", "")),
        ("juan de la cruz", ("", "Juan", "", "de la Cruz", "")),
        ("محمد رضا احمدی", ("", "محمد رضا", "", "احمدی", "")),
        ("احمد عبد الله", ("", "احمد", "", "عبد الله", "")),
        ("Muhammad Ali Khan", ("", "Muhammad", "Ali", "Khan", "")),
        ("Madonna", ("", "Madonna", "", "", "")),
        ("Mrs. Doe", ("Mrs.", "", "", "Doe", "")),
    ],
)
def test_name_parts(raw: str, parts: tuple[str, str, str, str, str]) -> None:
    """Common forms of names split into prefix, first, middle, last and suffix."""
    name = parse_name(raw)

    assert parts == (name.prefix, name.first, name.middle, name.last, name.suffix)
    assert name.original == raw


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("MCDONALD", "McDonald"),
        ("o'neil", "O'Neil"),
        ("MARY O'NEIL-MACDONALD", "Mary O'Neil-MacDonald"),
        ("jean-luc picard", "Jean-Luc Picard"),
        ("ahmed al-rashid", "Ahmed al-Rashid"),
        ("van morrison", "Van Morrison"),
        ("JOHN DOE III", "John Doe III"),
        ("dr. jane doe phd", "Dr. Jane Doe PhD"),
    ],
)
def test_case_repair(raw: str, fixed: str) -> None:
    """Names typed all upper or all lower case get conventional capitals."""
    assert fixed == parse_name(raw).full


@pytest.mark.parametrize("raw", ["DeShawn McKenzie", "Ludwig van Beethoven", "iPhone Smith"])
def test_mixed_case_is_kept(raw: str) -> None:
    """Mixed-case names are kept as written."""
    assert raw == parse_name(raw).full


def test_caseless_script_is_kept() -> None:
    """Names in Arabic script keep their letters as written."""
    assert parse_name("علي كريمي").full == "علي كريمي"


def test_full_puts_family_first_when_needed() -> None:
    """A family name of several plain words is shown family-first so it reads back."""
    name = parse_name("Doe Smith, John")

    assert name.last == "Doe Smith"
    assert name.full == "Doe Smith, John"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("علي", "علی"),
        ("كريم", "کریم"),
        ("فاطمة", "فاطمه"),
        ("أحمد", "احمد"),
        ("إسماعيل", "اسماعیل"),
        ("مُحَمَّد", "محمد"),
        ("محمد\u200cرضا", "محمدرضا"),
        ("محـــمد", "محمد"),
        ("مسؤول", "مسوول"),
        ("José Müller", "jose muller"),
        ("O'Neil", "ONEIL"),
        ("Jean-Luc", "jean luc"),
        ("  John   DOE ", "john doe"),
    ],
)
def test_match_key_unifies_spellings(one: str, other: str) -> None:
    """Spelling variants of one name share a match key."""
    assert name_match_key(one) == name_match_key(other)


def test_person_match_key_uses_first_and_last() -> None:
    """Titles, middle names and suffixes are left out of a person's key."""
    assert parse_name("Dr. John A. Doe Jr.").match_key == parse_name("Doe, John").match_key


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("", "empty"), ("   \t ", "empty"), ("123 456", "no letters"), ("--", "no letters")],
)
def test_invalid_names(raw: str, reason: str) -> None:
    """Empty text and text without letters raise InvalidName."""
    with pytest.raises(InvalidName, match=reason):
        parse_name(raw)


@given(_names())
def test_parsing_the_full_name_gives_the_same_parts(raw: str) -> None:
    """parse_name(p.full) has the same parts and key as p."""
    try:
        name = parse_name(raw)
    except InvalidName:
        assume(False)
        raise
    again = parse_name(name.full)

    assert _parts(name) == _parts(again)


@given(st.text())
def test_only_validation_errors(raw: str) -> None:
    """Arbitrary text either parses or raises a ValidationError."""
    with contextlib.suppress(ValidationError):
        parse_name(raw)


@given(st.text())
def test_match_key_is_idempotent(text: str) -> None:
    """A key is its own key."""
    key = name_match_key(text)

    assert key == name_match_key(key)


@given(st.text(alphabet=st.sampled_from("abcxyzABCXYZéÉ' -" + "".join(_ARABIC))))
def test_match_key_ignores_case_and_variants(text: str) -> None:
    """Upper case, lower case and Arabic letter variants give the same key."""
    key = name_match_key(text)

    assert key == name_match_key(text.upper())
    assert key == name_match_key(text.lower())
    assert key == name_match_key(text.translate(_VARIANTS))


def _parts(name: PersonName) -> tuple[str, ...]:
    return (name.prefix, name.first, name.middle, name.last, name.suffix, name.match_key)


@pytest.mark.parametrize(("raw", "first"), [("ß", "Ss"), ("strauß", "Strauß"), ("ǆemal", "Džemal")])
def test_capitalizing_letters_whose_capital_is_two_letters(raw: str, first: str) -> None:
    """All-lower names are title-cased (ß -> Ss, not SS) and read back unchanged."""
    once = parse_name(raw)
    again = parse_name(once.full)

    assert first == once.first
    assert (once.first, once.match_key) == (again.first, again.match_key)
