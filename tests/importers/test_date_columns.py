"""Tests of deciding a date column's order (day or month first) from all its values."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ErrorCode
from crmkit.importers import CleanOptions, ReadOptions, clean_file, import_file, open_source
from crmkit.storage import MemoryStore

_DATES = st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31))


def _write(path: Path, births: list[str]) -> Path:
    lines = ["Full Name,Email,Birthday"]
    lines += [f"Person {n},p{n}@example.com,{b}" for n, b in enumerate(births)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _births(path: Path) -> dict[str, str]:
    table = open_source(path)
    rows = [dict(zip(table.headers, row.cells, strict=False)) for row in table.rows()]
    return {row["email"]: row["birth_date"] for row in rows}


def _text(day: date, order: str) -> str:
    first, second = (day.day, day.month) if order == "day_first" else (day.month, day.day)
    return f"{first:02d}/{second:02d}/{day.year}"


@given(
    st.lists(_DATES, min_size=1, max_size=40),
    st.sampled_from(["day_first", "month_first"]),
    st.sampled_from([None, "en_US", "en_GB"]),
    st.randoms(use_true_random=False),
)
def test_a_column_with_evidence_reads_every_date_in_its_order(
    tmp_path_factory: pytest.TempPathFactory,
    days: list[date],
    order: str,
    locale: str | None,
    rng: random.Random,
) -> None:
    """One value that proves the order (anywhere in the column) decides every other value."""
    # a date whose day is above 12 proves the order, shuffled in among the others
    proof = date(1980, 12, 25)
    column = [*days, proof]
    rng.shuffle(column)
    folder = tmp_path_factory.mktemp("dates")
    source = _write(folder / "in.csv", [_text(d, order) for d in column])
    options = CleanOptions(read=ReadOptions(locale=locale), fuzzy=False)
    report = clean_file(source, out=folder / "out.csv", options=options)
    births = _births(folder / "out.csv")

    assert [d.isoformat() for d in column] == [
        births[f"p{n}@example.com"] for n in range(len(column))
    ]
    (decided,) = report.date_columns
    assert (order, "values", 0) == (decided.order, decided.decided_by, decided.contradicts)
    assert () == report.problems


def test_the_example_of_the_issue(tmp_path: Path) -> None:
    """03/04/1980 beside 12/25/1980 is 4 March: the column puts the month first."""
    source = _write(tmp_path / "in.csv", ["03/04/1980", "12/25/1980"])
    clean_file(source, out=tmp_path / "out.csv")

    assert ["1980-03-04", "1980-12-25"] == list(_births(tmp_path / "out.csv").values())


def test_evidence_past_the_first_rows_counts(tmp_path: Path) -> None:
    """The order is decided from the whole column, not from its first rows."""
    births = ["03/04/1980"] * 3000 + ["04/30/1990"]
    source = _write(tmp_path / "in.csv", births)
    report = clean_file(source, out=tmp_path / "out.csv", options=CleanOptions(fuzzy=False))

    assert "1980-03-04" == _births(tmp_path / "out.csv")["p0@example.com"]
    assert "month_first" == report.date_columns[0].order


def test_an_undecided_column_follows_the_locale_and_says_so(tmp_path: Path) -> None:
    """No value proves an order: the locale's is used, and the report's note says so."""
    source = _write(tmp_path / "in.csv", ["03/04/1980", "05/06/1970", "1990-01-02"])
    options = CleanOptions(read=ReadOptions(locale="en_US"), fuzzy=False)
    report = clean_file(source, out=tmp_path / "out.csv", options=options)
    (decided,) = report.date_columns

    assert ("month_first", "locale", 2) == (decided.order, decided.decided_by, decided.either)
    assert "1980-03-04" == _births(tmp_path / "out.csv")["p0@example.com"]
    assert 'column "Birthday": no value says whether the day or the month' in decided.note
    assert [decided.note] == report.to_dict()["notes"]


def test_a_column_that_contradicts_itself_reports_the_rows_that_do_not_fit(tmp_path: Path) -> None:
    """The order most values prove wins; each value proving the other is read and reported."""
    births = ["25/12/1980", "30/01/1975", "12/31/1999", "03/04/1980"]
    source = _write(tmp_path / "in.csv", births)
    report = clean_file(source, out=tmp_path / "out.csv")
    (decided,) = report.date_columns

    assert ("day_first", 2, 1) == (decided.order, decided.day_first, decided.month_first)
    assert [(4, "Birthday", "12/31/1999", ErrorCode.DATE_ORDER_CONFLICT)] == [
        (p.row, p.column, p.value, p.code) for p in report.problems
    ]
    assert "1999-12-31" == _births(tmp_path / "out.csv")["p2@example.com"]
    assert "1980-04-03" == _births(tmp_path / "out.csv")["p3@example.com"]
    assert "contradicts itself (2 day first, 1 month first)" in decided.note


def test_import_decides_the_column_too(tmp_path: Path) -> None:
    """import_file reads the column in the order its values prove."""
    source = _write(tmp_path / "in.csv", ["03/04/1980", "12/25/1980"])
    store = MemoryStore()
    import_file(source, store)
    births = {c.emails[0].address.value: c.birth_date for c in store.contacts.find(limit=10)}

    assert date(1980, 3, 4) == births["p0@example.com"]


def test_import_keeps_a_date_that_does_not_fit_its_column(tmp_path: Path) -> None:
    """A value read the only way it can be is stored, and its cell reported."""
    source = _write(tmp_path / "in.csv", ["25/12/1980", "30/01/1975", "12/31/1999"])
    store = MemoryStore()
    report = import_file(source, store)
    births = {c.emails[0].address.value: c for c in store.contacts.find(limit=10)}

    assert date(1999, 12, 31) == births["p2@example.com"].birth_date
    assert "12/31/1999" in str(births["p2@example.com"].custom["problems"])
    assert [ErrorCode.DATE_ORDER_CONFLICT] == [p.code for p in report.problems]


def test_a_file_without_a_date_column_decides_nothing(tmp_path: Path) -> None:
    """No date column, no decision and no note."""
    source = tmp_path / "in.csv"
    source.write_text("Name,Email\nAnn Lee,ann@example.com\n", encoding="utf-8")
    report = clean_file(source, out=tmp_path / "out.csv")

    assert ((), []) == (report.date_columns, report.to_dict()["notes"])
