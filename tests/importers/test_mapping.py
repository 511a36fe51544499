from __future__ import annotations

import pytest

from crmkit.errors import ConfigError
from crmkit.importers import map_columns


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("ایمیل", "email"),
        ("ای میل", "email"),
        ("ای میل پتہ", "email"),
        ("ايميل", "email"),
        ("Mobile", "mobile"),
        ("موبائل", "mobile"),
        ("تلفن همراه", "mobile"),
        ("Phone 2", "phone"),
        ("Company", "company"),
        ("Organization", "company"),
        ("شرکت", "company"),
        ("کمپنی", "company"),
        ("Full Name", "name"),
        ("نام و نام خانوادگی", "name"),
        ("  FULL-NAME ", "name"),
        ("Emial", "email"),
        ("Compnay", "company"),
    ],
)
def test_headers_map_to_fields(header: str, field: str) -> None:
    """Known spellings, other languages, punctuation and small typos all map."""
    mapping = map_columns([header])

    assert [field] == [rule.field for rule in mapping.rules]


def test_unknown_and_repeated_columns_are_listed_as_ignored() -> None:
    """Nothing is dropped silently: unmapped columns come with a reason."""
    mapping = map_columns(["Company", "Organization", "Favourite colour"])

    assert ["Organization", "Favourite colour"] == [c for c, _ in mapping.ignored]


def test_overrides_win_and_can_ignore() -> None:
    """An explicit mapping beats the guess, and None ignores a column."""
    mapping = map_columns(["Tel", "Notes"], {"Tel": "mobile", "Notes": None})

    assert [("Tel", "mobile")] == [(r.column, r.field) for r in mapping.rules]
    assert ("Notes", "ignored by the mapping") in mapping.ignored


def test_name_next_to_last_name_is_the_first_name() -> None:
    """A plain "Name" column beside "Last name" holds the given name."""
    mapping = map_columns(["Name", "Last name"])

    assert ["first_name", "last_name"] == [r.field for r in mapping.rules]


def test_bad_override_names_the_column() -> None:
    """An unknown target field is a ConfigError naming the column."""
    with pytest.raises(ConfigError, match=r"mapping\['Tel'\]: unknown field 'fax'"):
        map_columns(["Tel"], {"Tel": "fax"})


def test_override_for_missing_column() -> None:
    """Overriding a header that is not in the file is a ConfigError."""
    with pytest.raises(ConfigError, match="no such column"):
        map_columns(["Tel"], {"Phone": "phone"})
