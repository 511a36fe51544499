from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.contacts import parse_name
from crmkit.errors import ConfigError, InvalidName, ValidationError
from crmkit.importers import (
    LocaleOptions,
    SourceRow,
    map_columns,
    normalize_row,
    row_to_contact,
)


def test_normalize_row_bad_arguments() -> None:
    """normalize_row names the argument that is not of its type."""
    mapping = map_columns(["Name", "Email"])

    with pytest.raises(ConfigError, match=r"^row: expected a SourceRow, not NoneType"):
        normalize_row(None, mapping)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^mapping: expected a ColumnMapping, not dict"):
        normalize_row(SourceRow(1, ("Ann", "a@x.example")), {})  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^options: expected a LocaleOptions, not str"):
        normalize_row(SourceRow(1, ("Ann", "a@x.example")), mapping, "GB")  # type: ignore[arg-type]


def test_same_address_in_two_spellings_is_kept_once() -> None:
    """Two e-mail columns holding one address in two cases give one e-mail."""
    mapping = map_columns(["Name", "Email", "Email 2"])
    result = normalize_row(SourceRow(1, ("Ann Lee", "ann@x.example", "ANN@x.example")), mapping)

    assert "ann@x.example" == result.values["email"]


def test_row_to_contact_bad_values() -> None:
    """row_to_contact refuses what is not a mapping of text, naming the field."""
    with pytest.raises(ValidationError, match="expected a mapping of field values"):
        row_to_contact(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected text"):
        row_to_contact({"first_name": 5})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match=r"not an ISO date \(expected e.g. 2024-08-02\)"):
        row_to_contact({"first_name": "Ann", "birth_date": "not a date"})


# NUL is refused before any field reads the cell (test_hostile covers it)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30))
def test_full_name_alone_is_split_as_parse_name_splits_it(text: str) -> None:
    """A full-name column with no part columns gives the parts parse_name gives, in order."""
    mapping = map_columns(["Full Name", "Email"])
    result = normalize_row(SourceRow(1, (text, "a@x.example")), mapping)
    given_name = text.strip()
    try:
        parsed = parse_name(given_name)
    except InvalidName as exc:
        reason = f"invalid name: {exc.reason}"
        expected = [("Full Name", given_name, reason, exc.code)] if given_name else []
        assert expected == [(p.column, p.value, p.reason, p.code) for p in result.problems]
        return
    names = ("name", "prefix", "first_name", "middle_name", "last_name", "suffix")
    parts = (parsed.full, parsed.prefix, parsed.first, parsed.middle, parsed.last, parsed.suffix)

    assert list(zip(names, parts, strict=True)) == list(result.values.items())[:6]


@pytest.mark.parametrize(
    ("phone", "reason", "code"),
    [
        ("+1 555 0100 999", "not a valid number for region US", "contacts.invalid_phone"),
        ("+99 123 4567", "unknown country calling code", "contacts.phone_unknown_country"),
    ],
)
def test_bad_international_number_gives_its_own_reason(phone: str, reason: str, code: str) -> None:
    """A bad number with its country code keeps its own reason when no region is given.

    It is not read again as a national number of the row's country or the file's regions.
    """
    mapping = map_columns(["Name", "Phone", "Country"])
    options = LocaleOptions(fallback_regions=("PK", "GB"))
    result = normalize_row(SourceRow(1, ("Ann Lee", phone, "Pakistan")), mapping, options)

    assert [("Phone", phone, f"invalid phone: {reason}", code)] == [
        (p.column, p.value, p.reason, p.code) for p in result.problems
    ]


def test_national_number_without_region_is_read_with_the_rows_country() -> None:
    """With no region, a national number is read as a number of the row's country."""
    mapping = map_columns(["Name", "Phone", "Country"])
    result = normalize_row(SourceRow(1, ("Ann Lee", "0300 1234567", "Pakistan")), mapping)

    assert "+923001234567" == result.values["phone"]


def test_national_number_with_no_region_at_all_asks_for_one() -> None:
    """A national number with no region, no row hint and no file region says a region is needed."""
    mapping = map_columns(["Name", "Phone"])
    result = normalize_row(SourceRow(1, ("Ann Lee", "0300 1234567")), mapping)

    assert [("Phone", "contacts.phone_needs_region")] == [
        (p.column, p.code) for p in result.problems
    ]
    assert "invalid phone: national number with no region given (pass a region)" == (
        result.problems[0].reason
    )


def test_national_number_valid_in_several_file_regions_is_ambiguous() -> None:
    """A national number that is a valid number in two of the file's regions is refused as such."""
    mapping = map_columns(["Name", "Phone"])
    options = LocaleOptions(fallback_regions=("FR", "NL"))
    result = normalize_row(SourceRow(1, ("Ann Lee", "06 12 34 56 78")), mapping, options)

    assert ["importers.ambiguous_phone"] == [p.code for p in result.problems]
    assert "national number valid in several regions (FR, NL): pass a region" in (
        result.problems[0].reason
    )


@pytest.mark.parametrize(
    ("cells", "status", "problems"),
    [
        (("Ann Lee", "nope@", "", ""), "ok", [("Email", "contacts.invalid_email")]),
        (("Ann Lee", "", "12", ""), "ok", [("Mobile", "contacts.invalid_phone")]),
        (("Ann Lee", "", "", "31/31/1990"), "ok", [("Birthday", "values.invalid_date")]),
        (
            ("123", "", "", ""),
            "rejected",
            [("Name", "contacts.invalid_name"), ("<row>", "contacts.no_identity")],
        ),
        (("", "", "", "1990-01-01"), "rejected", [("<row>", "contacts.no_identity")]),
    ],
)
def test_each_problem_carries_its_code(
    cells: tuple[str, ...], status: str, problems: list[tuple[str, str]]
) -> None:
    """A refused cell's problem names the code of its cause; only a nameless row is rejected."""
    mapping = map_columns(["Name", "Email", "Mobile", "Birthday"])
    result = normalize_row(SourceRow(1, cells), mapping, LocaleOptions(region="GB"))

    assert (status, problems) == (result.status, [(p.column, p.code) for p in result.problems])


def test_a_malformed_source_row_is_a_problem_with_its_code() -> None:
    """A row the source could not read as it is (a ragged row) is refused as malformed."""
    mapping = map_columns(["Name", "Email"])
    row = SourceRow(1, ("Ann Lee", "a@x.example", "extra"), "row has 3 cells but the header has 2")
    result = normalize_row(row, mapping)

    assert [("<row>", "importers.malformed_row")] == [(p.column, p.code) for p in result.problems]
