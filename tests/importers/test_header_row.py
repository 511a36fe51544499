"""The header row of a report that does not start with it: found, or given, never rejected."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from crmkit.errors import ConfigError, ErrorCode, SourceError
from crmkit.importers import CleanOptions, ReadOptions, clean_file, open_source, preview

HEADER = ["Contact Name", "Email Address", "Mobile Phone", "Account Name", "Mailing City"]
PEOPLE = [
    ["Ann Lee", "ann.lee@example.com", "+44 7400 123456", "Acme Ltd", "London"],
    ["Bilal Khan", "bilal@example.pk", "+92 300 1234567", "Lahore Traders", "Lahore"],
    ["Chloé Martin", "chloe.martin@example.fr", "+33 6 12 34 56 78", "Globex SA", "Paris"],
    ["Dieter Roth", "d.roth@example.de", "+49 151 23456789", "Initech GmbH", "Berlin"],
]
# what an Excel report exported as CSV looks like above its table
TITLE = [["Contacts by Account - Q4 2026"], ["Generated 03/12/2026 09:14 by Sales Ops"], []]


def _csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _report_csv(path: Path, delimiter: str = ",") -> Path:
    # a title cell, a subtitle, a blank row, then the table: as Excel saves such a sheet
    path.write_text(_csv_text([*TITLE, HEADER, *PEOPLE], delimiter), encoding="utf-8")
    return path


def _report_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = TITLE[0][0]
    sheet.merge_cells("A1:E1")
    sheet["A2"] = TITLE[1][0]
    # rows 3 and 4 blank, the header on row 5, the table starting in column A
    for column, name in enumerate(HEADER, start=1):
        sheet.cell(row=5, column=column, value=name)
    for offset, person in enumerate(PEOPLE):
        for column, value in enumerate(person, start=1):
            sheet.cell(row=6 + offset, column=column, value=value)
    book.save(path)
    return path


def test_csv_report_title_and_blank_rows_are_not_data(tmp_path: Path) -> None:
    """A CSV report's title lines are left out; the rows keep their line numbers."""
    table = open_source(_report_csv(tmp_path / "report.csv"))
    rows = list(table.rows())

    assert 4 == table.header_row
    assert tuple(HEADER) == table.headers
    assert [5, 6, 7, 8] == [r.number for r in rows]
    assert [tuple(p) for p in PEOPLE] == [r.cells for r in rows]
    assert [None] * 4 == [r.problem for r in rows]


def test_xlsx_report_title_and_blank_rows_are_not_data(tmp_path: Path) -> None:
    """A workbook report's merged title and blank rows are left out; sheet rows stay true."""
    table = open_source(_report_xlsx(tmp_path / "report.xlsx"))
    rows = list(table.rows())

    assert 5 == table.header_row
    assert tuple(HEADER) == table.headers
    assert [6, 7, 8, 9] == [r.number for r in rows]
    assert [tuple(p) for p in PEOPLE] == [r.cells for r in rows]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_clean_of_a_report_rejects_nothing(tmp_path: Path, kind: str) -> None:
    """Cleaning a report with a title uses every person and names the header row."""
    path = _report_csv(tmp_path / "r.csv") if kind == "csv" else _report_xlsx(tmp_path / "r.xlsx")
    report = clean_file(path, out=tmp_path / "clean.csv", rejects=tmp_path / "rejects.csv")

    assert (4, 4, 0, 0) == (report.rows_read, report.created, report.rejected, report.skipped)
    assert (4 if kind == "csv" else 5) == report.header_row
    assert report.to_dict()["header_row"] == report.header_row


def test_preview_names_the_header_row(tmp_path: Path) -> None:
    """The preview of a report says where its headers are and numbers rows truly."""
    plan = preview(_report_csv(tmp_path / "r.csv"), rows=2)

    assert (4, [5, 6]) == (plan.header_row, [r.number for r in plan.rows])
    assert plan.describe().startswith(f"{tmp_path / 'r.csv'} (headers on row 4):")


def test_semicolon_report_with_a_title_is_split_on_semicolons(tmp_path: Path) -> None:
    """A title line with no delimiter does not make the sniffer fall back to commas."""
    table = open_source(_report_csv(tmp_path / "r.csv", delimiter=";"))

    assert (";", tuple(HEADER)) == (table.delimiter, table.headers)


def test_header_row_can_be_given(tmp_path: Path) -> None:
    """header_row names the header line: lines above are left out, even text-like ones."""
    path = tmp_path / "given.csv"
    path.write_text(_csv_text([["Name", "Email"], ["Note", "Value"], *[p[:2] for p in PEOPLE]]))
    table = open_source(path, header_row=2)

    assert (("Note", "Value"), 2) == (table.headers, table.header_row)
    assert [3, 4, 5, 6] == [r.number for r in table.rows()]


def test_read_options_carry_the_header_row(tmp_path: Path) -> None:
    """ReadOptions(header_row=...) reaches the reader through clean_file."""
    path = tmp_path / "given.csv"
    path.write_text(_csv_text([["x", "y"], ["Name", "Email"], *[p[:2] for p in PEOPLE]]))
    options = CleanOptions(read=ReadOptions(header_row=2))
    report = clean_file(path, out=tmp_path / "c.csv", options=options)

    assert (2, 4, 0) == (report.header_row, report.created, report.rejected)


def test_a_repeated_header_under_a_title_is_found(tmp_path: Path) -> None:
    """A header that names one column twice, as exports do, is still taken for the header."""
    path = tmp_path / "twice.csv"
    rows = [["All contacts"], [], ["Name", "Phone", "Phone", "Email"]]
    rows += [["Ann Lee", "+44 7400 123456", "+44 7400 654321", "ann@example.com"]]
    path.write_text(_csv_text(rows))
    table = open_source(path)

    assert (3, ("Name", "Phone", "Phone (2)", "Email")) == (table.header_row, table.headers)


def test_custom_headers_over_ragged_rows_stay_on_row_one(tmp_path: Path) -> None:
    """A header of unknown names, over rows with one cell too many, is still row 1."""
    path = tmp_path / "ragged.csv"
    rows = [["Kundennummer", "Bemerkung", "Segment"], *[["1", "gut", "A", "x"]] * 5]
    path.write_text(_csv_text(rows))
    table = open_source(path)

    assert (1, ("Kundennummer", "Bemerkung", "Segment")) == (table.header_row, table.headers)
    assert [2, 3, 4, 5, 6] == [r.number for r in table.rows()]


@pytest.mark.parametrize("bad", [0, -3, True, "2", 1.5])
def test_bad_header_row_is_a_source_error(tmp_path: Path, bad: object) -> None:
    """A header row that is not a row number of at least 1 is refused with its code."""
    path = _report_csv(tmp_path / "r.csv")
    with pytest.raises(SourceError) as caught:
        open_source(path, header_row=bad)  # type: ignore[arg-type]

    assert ErrorCode.SOURCE_HEADER_ROW == caught.value.code
    assert f"the header row must be a row number of at least 1, not {bad!r}" in str(caught.value)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_header_row_past_the_end_is_a_source_error(tmp_path: Path, kind: str) -> None:
    """A header row beyond the last row is refused, naming the row."""
    path = _report_csv(tmp_path / "r.csv") if kind == "csv" else _report_xlsx(tmp_path / "r.xlsx")
    with pytest.raises(SourceError) as caught:
        open_source(path, header_row=40)

    assert ErrorCode.SOURCE_HEADER_ROW == caught.value.code
    assert "the header row 40 is past the end" in str(caught.value)


def test_bad_header_row_in_read_options_names_its_path() -> None:
    """ReadOptions refuses a header row of 0 with the path read.header_row."""
    with pytest.raises(ConfigError) as caught:
        ReadOptions(header_row=0)

    assert ("read.header_row", "expected a row number of at least 1, not 0") == (
        caught.value.path,
        caught.value.reason,
    )


_titles = st.lists(
    st.sampled_from(
        [
            [],
            [""],
            ["Contacts export"],
            ["Report: all contacts"],
            ["Generated 2026-12-03"],
            ["Owner: Sales Ops", ""],
        ]
    ),
    max_size=8,
)
_people = st.lists(
    st.tuples(
        st.text("abcdefghijklmnopqrstuvwxyzéüñ", min_size=1, max_size=12),
        st.integers(0, 10**6 - 1),
    ),
    min_size=1,
    max_size=20,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(titles=_titles, people=_people, xlsx=st.booleans())
def test_every_data_row_keeps_its_line_under_any_title(
    tmp_path: Path, titles: list[list[str]], people: list[tuple[str, int]], xlsx: bool
) -> None:
    """Whatever stands above the header, each data row is read under its true line number."""
    header = ["Name", "E-mail", "Phone"]
    data = [[name.title(), f"{name}{n}@example.com", f"+44 7400 {n:06d}"] for name, n in people]
    if xlsx:
        path = tmp_path / "p.xlsx"
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for number, row in enumerate([*titles, header, *data], start=1):
            for column, value in enumerate(row, start=1):
                if value:
                    sheet.cell(row=number, column=column, value=value)
        book.save(path)
    else:
        path = tmp_path / "p.csv"
        path.write_text(_csv_text([*titles, header, *data]), encoding="utf-8")
    first = len(titles) + 2  # the line of the first data row
    report = clean_file(path, out=tmp_path / "c.csv", rejects=tmp_path / "r.csv")
    rows = list(open_source(path).rows())

    assert list(range(first, first + len(data))) == [r.number for r in rows]
    assert [tuple(d) for d in data] == [r.cells for r in rows]
    assert (len(data), 0, 0) == (report.rows_read, report.rejected, report.skipped)
