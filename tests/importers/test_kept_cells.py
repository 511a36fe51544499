"""Tests of rows kept with a bad cell, and of the region a row's country or city names."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ConfigError, ErrorCode
from crmkit.importers import (
    CleanOptions,
    LocaleOptions,
    ReadOptions,
    clean_file,
    import_file,
    map_columns,
    normalize_row,
    open_source,
)
from crmkit.importers._hints import city_country, country_code, region_hints
from crmkit.importers._sources import SourceRow
from crmkit.storage import MemoryStore

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["First Name", "Last Name", "Email", "Mobile", "Birthday", "City", "Country"]
FIRST = ["Ann", "Omar", "Sara", "Hans", "Maryam", "John", "Fatima", "Li"]
LAST = ["Lee", "Khan", "Rossi", "Müller", "Rezaei", "Smith", "Ahmed", "Wang"]
# (bad value, column, code) of cells that cannot be read
BAD_CELLS = [
    ("not a phone", "Mobile", ErrorCode.INVALID_PHONE),
    ("12", "Mobile", ErrorCode.INVALID_PHONE),
    ("06 12 34 56 78", "Mobile", ErrorCode.AMBIGUOUS_PHONE),
    ("ann@@example.com", "Email", ErrorCode.INVALID_EMAIL),
    ("31/31/1990", "Birthday", ErrorCode.INVALID_DATE),
]


# mobiles of three countries, as (format, city, country)
PLACES = [
    ("+44 7400 {:06d}", "London", "United Kingdom"),
    ("+33 6 12 {:06d}", "Paris", "France"),
    ("+31 6 12{:06d}", "Amsterdam", "Netherlands"),
]


def _rows(seed: int, count: int) -> list[list[str]]:
    """Rows shaped like a CRM export: names, e-mails, phones with their country code."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        # the first three rows give the file all three regions
        pattern, city, country = PLACES[n % 3] if n < 3 else rng.choice(PLACES)
        mobile = pattern.format(rng.randrange(100000, 999999))
        email = f"{first.lower()}.{n}@example.com"
        rows.append([first, last, email, mobile, "1980-02-03", city, country])
    return rows


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _read(path: Path) -> list[dict[str, str]]:
    # crmkit's own reader, which takes off the ' that keeps cells from running as formulas
    table = open_source(path)
    return [dict(zip(table.headers, row.cells, strict=False)) for row in table.rows()]


@given(
    st.integers(0, 10_000),
    st.lists(st.tuples(st.integers(3, 29), st.sampled_from(BAD_CELLS)), max_size=8),
)
def test_one_bad_cell_never_rejects_a_named_row(
    tmp_path_factory: pytest.TempPathFactory,
    seed: int,
    spoiled: list[tuple[int, tuple[str, str, str]]],
) -> None:
    """Rows with a name and one bad cell are all kept, each bad value kept and explained."""
    rows = _rows(seed, 30)
    bad: dict[int, tuple[str, str, str]] = {}
    for index, cell in spoiled:
        if index not in bad:
            bad[index] = cell
            value, column, _ = cell
            rows[index][HEADER.index(column)] = value
            # the ambiguous national number needs its regions in doubt
            rows[index][HEADER.index("Country")] = ""
            rows[index][HEADER.index("City")] = ""
    folder = tmp_path_factory.mktemp("kept")
    source = _write(folder / "in.csv", rows)
    options = CleanOptions(read=ReadOptions(), fuzzy=False)
    report = clean_file(source, out=folder / "out.csv", options=options)
    out = {row["source_rows"]: row for row in _read(folder / "out.csv")}

    assert (0, len(bad)) == (report.rejected, report.flagged)
    for index, (value, column, code) in bad.items():
        row = out[str(index + 2)]
        assert f'{column} "{value}": ' in row["problems"]
        field = {"Mobile": "mobile", "Email": "email", "Birthday": "birth_date"}[column]
        assert value in row[field].split("; ")
        assert (index + 2, column, value, code) in [
            (p.row, p.column, p.value, p.code) for p in report.problems
        ]


def test_import_stores_the_person_and_keeps_the_bad_value(tmp_path: Path) -> None:
    """import_file stores a row with a bad phone; the contact keeps the value and the reason."""
    rows = _rows(7, 3)
    rows[1][HEADER.index("Mobile")] = "0300 12"
    source = _write(tmp_path / "in.csv", rows)
    store = MemoryStore()
    report = import_file(source, store)
    (contact,) = [c for c in store.contacts.find(limit=10) if c.first_name == rows[1][0]]

    assert (3, 0, 1) == (report.created, report.rejected, report.flagged)
    assert () == contact.phones
    assert rows[1][2] == contact.emails[0].address.value
    assert 'Mobile "0300 12": invalid phone: ' in str(contact.custom["problems"])
    assert [(3, "Mobile", "0300 12")] == [(p.row, p.column, p.value) for p in report.problems]
    # the number as typed stays on the contact, its digits a match key
    assert [("0300 12", "30012", "mobile")] == [
        (p.text, p.digits, p.label) for p in contact.invalid_phones
    ]


def test_a_bad_date_is_kept_out_of_the_contact_but_in_its_problems(tmp_path: Path) -> None:
    """A birthday that is no date leaves the contact's birth date empty and says so."""
    rows = _rows(3, 1)
    rows[0][HEADER.index("Birthday")] = "31/31/1990"
    store = MemoryStore()
    import_file(_write(tmp_path / "in.csv", rows), store)
    (contact,) = store.contacts.find(limit=10)

    assert contact.birth_date is None
    assert 'Birthday "31/31/1990": invalid date' in str(contact.custom["problems"])


def test_a_row_naming_nobody_is_still_rejected() -> None:
    """No valid name, e-mail or phone: the row is rejected with every reason."""
    mapping = map_columns(HEADER)
    cells = ("", "", "nope@", "12", "", "Chicago", "")
    result = normalize_row(SourceRow(5, cells), mapping)

    assert "rejected" == result.status
    assert [ErrorCode.INVALID_EMAIL, ErrorCode.INVALID_PHONE, ErrorCode.NO_IDENTITY] == [
        p.code for p in result.problems
    ]
    assert "problems" not in result.values


def test_bundled_example_rows_with_one_bad_cell_are_kept(tmp_path: Path) -> None:
    """The example file's Chicago and New York rows are US numbers; bad-cell rows are kept."""
    out = tmp_path / "clean.csv"
    report = clean_file(ROOT / "examples" / "contacts.csv", out=out)
    rows = {row["source_rows"]: row for row in _read(out)}
    sources = {n for key in rows for n in key.split("; ")}

    assert {"123", "232"} <= sources
    chicago = next(r for k, r in rows.items() if "123" in k.split("; "))
    assert "+13126683066" == chicago["mobile"]
    assert [25] == [r.row for r in report.rejections]
    assert {41, 79, 127, 142, 242} == {p.row for p in report.problems}


@pytest.mark.parametrize(
    ("city", "country", "e164"),
    [
        ("Chicago", "", "+13126683066"),
        ("Lahore", "", "+923126683066"),
        ("لاہور", "", "+923126683066"),
        ("", "Pakistan", "+923126683066"),
        ("", "پاکستان", "+923126683066"),
        ("", "USA", "+13126683066"),
        ("", "Vereinigte Staaten", "+13126683066"),
        ("Karachi", "United States", "+13126683066"),
    ],
)
def test_the_rows_country_or_city_is_the_phone_region(city: str, country: str, e164: str) -> None:
    """A national number is read in the region the row's country, else its city, names."""
    mapping = map_columns(["Name", "Mobile", "City", "Country"])
    options = LocaleOptions(fallback_regions=("PK", "US"))
    result = normalize_row(
        SourceRow(2, ("Ann Lee", "312.668.3066", city, country)), mapping, options
    )

    assert (e164, ()) == (result.values["mobile"], result.problems)


@pytest.mark.parametrize("city", ["Hyderabad", "Springfield", "Atlantis", ""])
def test_a_city_naming_no_one_country_gives_no_hint(city: str) -> None:
    """An ambiguous or unknown city leaves the number ambiguous, kept and reported."""
    mapping = map_columns(["Name", "Mobile", "City"])
    options = LocaleOptions(fallback_regions=("PK", "US"))
    result = normalize_row(SourceRow(2, ("Ann Lee", "312.668.3066", city)), mapping, options)

    assert ("ok", [ErrorCode.AMBIGUOUS_PHONE]) == (
        result.status,
        [p.code for p in result.problems],
    )
    assert "312.668.3066" == result.values["mobile"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("PK", "PK"),
        ("pk", "PK"),
        ("PAK", "PK"),
        ("Iran", "IR"),
        ("ایران", "IR"),
        ("ايران", "IR"),  # an Arabic yeh, as a cp1256 file writes it
        ("Allemagne", "DE"),
        ("  united   kingdom ", "GB"),
        ("UK", "GB"),
        ("مصر", "EG"),
        ("Narnia", None),
        ("", None),
    ],
)
def test_country_code_reads_codes_and_names(text: str, code: str | None) -> None:
    """Countries by ISO code, by name in many languages, or by a common alias."""
    assert code == country_code(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Chicago", "US"),
        ("MÜNCHEN", "DE"),
        ("کراچی", "PK"),
        ("تهران", "IR"),
        ("شيراز", "IR"),  # the Arabic yeh of a cp1256 file
        ("Sao-Paulo", "BR"),
        ("القاهرة", "EG"),
        ("Hyderabad", None),
        ("Córdoba", None),
        ("Nowhere", None),
    ],
)
def test_city_country(text: str, code: str | None) -> None:
    """A known city names its country; a name several countries share names none."""
    assert code == city_country(text)


def test_region_hints_order_and_no_repeats() -> None:
    """Country first, then city, then e-mail domains, each region once."""
    assert ("PK", "US") == region_hints("Pakistan", "Chicago", ())
    assert ("US",) == region_hints("USA", "Chicago", ())


def test_locale_options_refuse_a_bad_region() -> None:
    """A region that is no region code is a ConfigError naming the option."""
    with pytest.raises(ConfigError) as caught:
        LocaleOptions(region="Chicago")

    assert ErrorCode.CONFIG == caught.value.code
    assert "region" in str(caught.value)


def test_an_exponent_phone_is_read_and_flagged_as_possibly_cut() -> None:
    """9.12345678E+11 is read as the integer it denotes, and the cell is reported."""
    mapping = map_columns(["Name", "Mobile"])
    cells = ("Ann Lee", "9.12345678E+11")
    result = normalize_row(SourceRow(2, cells), mapping, LocaleOptions(region="IN"))

    assert ("ok", "+912345678000") == (result.status, result.values["mobile"])
    assert [ErrorCode.PHONE_MAYBE_CUT] == [p.code for p in result.problems]
    assert "may have cut its last digits" in result.problems[0].reason
    assert ("p:+912345678000",) == result.keys


def test_a_spreadsheet_float_keeps_one_country_code_in_a_clean(tmp_path: Path) -> None:
    """A German number exported as a float with its country code is cleaned as itself."""
    source = tmp_path / "in.csv"
    source.write_text("Name,Mobile\nHans Müller,4915123456789.0\n", encoding="utf-8")
    options = CleanOptions(read=ReadOptions(region="DE"))
    report = clean_file(source, out=tmp_path / "out.csv", options=options)

    assert ["+4915123456789"] == [row["mobile"] for row in _read(tmp_path / "out.csv")]
    assert (0, 0) == (report.flagged, report.rejected)


def test_docstring_examples_hold() -> None:
    """The examples in the region hints' docstrings give what they show."""
    import doctest  # noqa: PLC0415 - only this test runs them

    from crmkit.importers import _hints  # noqa: PLC0415

    result = doctest.testmod(_hints)

    assert (0, 2) == (result.failed, result.attempted)
