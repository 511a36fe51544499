"""Finding duplicates in contacts given column by column, and explanations without values."""

from __future__ import annotations

from array import array

import pytest

from crmkit.contacts import Contact
from crmkit.dedupe import find_duplicates
from crmkit.dedupe._columns import Columns, RowIds
from crmkit.dedupe._find import find_in_columns
from crmkit.dedupe._rules import MatchRules
from crmkit.errors import ConfigError
from crmkit.values import Address

_PEOPLE = [
    Contact(id="a", first_name="Sara", last_name="Khan", emails=["sara@acme.example"]),
    Contact(id="b", first_name="Sara", last_name="Khan", emails=["SARA@acme.example"]),
    Contact(
        id="c",
        first_name="Ali",
        last_name="Rezaei",
        phones=["+923001234567"],
        addresses=[Address(city="Lahore")],
    ),
]


def _columns(people: list[Contact]) -> Columns:
    values = {
        "first_name": [p.first_name for p in people],
        "last_name": [p.last_name for p in people],
        "email": [p.emails[0].address.match_key if p.emails else None for p in people],
        "phone": [p.phones[0].number.e164 if p.phones else None for p in people],
        "city": [p.addresses[0].city if p.addresses else None for p in people],
        "company": [None for _ in people],
        "birth_date": [p.birth_date for p in people],
    }
    return Columns([p.id for p in people], values, people.__getitem__)


def test_columns_give_the_groups_the_contacts_give() -> None:
    """The same contacts, as columns or as objects, give the same groups and scores."""
    on_columns = list(find_in_columns(_columns(_PEOPLE), MatchRules.for_contacts()))
    on_contacts = find_duplicates(_PEOPLE).matches

    assert [("a", "b")] == [g.ids for g in on_columns]
    assert [(g.ids, g.score, g.kind, g.records) for g in on_contacts] == [
        (g.ids, g.score, g.kind, g.records) for g in on_columns
    ]


def test_a_field_the_columns_lack_is_read_from_built_contacts() -> None:
    """A rule on a field with no column reads it from contacts built one at a time."""
    columns = _columns(_PEOPLE)
    del columns.values["email"]  # type: ignore[attr-defined]

    found = find_in_columns(columns, MatchRules.for_contacts())

    assert [("a", "b")] == [g.ids for g in found]


def test_columns_refuse_unknown_fields_and_uneven_columns() -> None:
    """Columns only take the fields they can stand for, one value per id."""
    with pytest.raises(ConfigError, match=r"values: cannot take pre-read values of \['job'\]"):
        Columns(["a"], {"job": ["CEO"]}, _PEOPLE.__getitem__)
    with pytest.raises(ConfigError, match="values: every column needs one value per id"):
        Columns(["a", "b"], {"first_name": ["Sara"]}, _PEOPLE.__getitem__)


def test_columns_index_and_slice_like_a_list() -> None:
    """Columns build the contact at an index, negative ones and slices included."""
    columns = _columns(_PEOPLE)

    assert 3 == len(columns)
    assert "c" == columns[-1].id
    assert ["a", "b"] == [c.id for c in columns[:2]]
    with pytest.raises(IndexError):
        columns[3]


def test_an_explanation_without_values_keeps_the_words_and_points() -> None:
    """explain(values=False) leaves the shown values empty and changes nothing else."""
    (group,) = find_duplicates(_PEOPLE).matches

    full = group.explain().pairs[0]
    bare = group.explain(values=False).pairs[0]

    assert {"", None} != {f.left for f in full.fields}
    assert {""} == {f.left for f in bare.fields} | {f.right for f in bare.fields}
    assert [(f.field, f.points, f.note) for f in full.fields] == [
        (f.field, f.points, f.note) for f in bare.fields
    ]
    assert full.score == bare.score


def test_row_ids_are_numbers_as_text_and_must_increase() -> None:
    """RowIds reads each number as text; numbers that do not increase are refused."""
    ids = RowIds(array("q", [3, 7, 12]))

    assert ["3", "7", "12"] == list(ids)
    assert "12" == ids[-1]
    assert ["7", "12"] == ids[1:]
    with pytest.raises(ConfigError, match="ids: row numbers must strictly increase"):
        RowIds([3, 3, 4])
    with pytest.raises(ConfigError, match="ids: row numbers must strictly increase"):
        RowIds([5, 4])
