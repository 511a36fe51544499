from __future__ import annotations

from pathlib import Path

import pytest

from crmkit.errors import SourceError
from crmkit.importers import open_source


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("utf8", "utf-8", ","),
        ("utf8_bom", "utf-8-sig", ";"),
        ("utf16", "utf-16", "\t"),
        ("pipe", "utf-8", "|"),
        ("cp1256", "cp1256", ";"),
    ],
)
def test_csv_encoding_and_delimiter_are_found(
    fixtures: dict[str, Path], header: list[str], name: str, encoding: str, delimiter: str
) -> None:
    """Each CSV variant is read with its own encoding and delimiter, headers intact."""
    table = open_source(fixtures[name])

    assert (encoding, delimiter) == (table.encoding, table.delimiter)
    assert tuple(header) == table.headers


def test_cp1252_text_survives(fixtures: dict[str, Path]) -> None:
    """A Windows Latin file keeps its accented letters."""
    cells = [row.cells for row in open_source(fixtures["cp1252"]).rows()]

    assert "Zoë Müller" in [c[0] for c in cells]


def test_persian_digits_and_rows_read_in_order(
    fixtures: dict[str, Path], rows: list[list[str]]
) -> None:
    """Rows come back in order, numbered by their lines: the first after the header is 2."""
    read = list(open_source(fixtures["utf8"]).rows())

    assert [tuple(r) for r in rows] == [r.cells for r in read]
    assert list(range(2, len(rows) + 2)) == [r.number for r in read]


def test_ragged_rows_are_reported_not_fatal(fixtures: dict[str, Path]) -> None:
    """A quoted newline stays in its cell, extra cells are flagged, short rows are padded."""
    rows = list(open_source(fixtures["ragged"]).rows())

    assert "Multi\nLine Name" == rows[0].cells[0]
    assert rows[1].problem is not None
    assert "7 cells" in rows[1].problem
    assert ("Short Row", "short@example.com", "", "", "") == rows[2].cells


def test_xlsx_floats_become_digits(fixtures: dict[str, Path]) -> None:
    """A phone stored by Excel as a number is read back as its digits."""
    rows = list(open_source(fixtures["xlsx"]).rows())

    assert "923001234567" == rows[-1].cells[2]
    assert "" == rows[3].cells[0]


def test_jsonl_and_records(
    fixtures: dict[str, Path], header: list[str], rows: list[list[str]]
) -> None:
    """JSON lines and a list of dicts read like the CSV."""
    from_json = [r.cells for r in open_source(fixtures["jsonl"]).rows()]
    records = [dict(zip(header, r, strict=True)) for r in rows]
    from_records = [r.cells for r in open_source(records).rows()]

    assert [tuple(r) for r in rows] == from_json == from_records


def test_one_shot_iterator_cannot_be_read_twice() -> None:
    """An iterator is read once; reading again is a clear error."""
    table = open_source(iter([{"Name": "A"}]))
    list(table.rows())

    with pytest.raises(SourceError, match="read only once"):
        list(table.rows())


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        (None, ".csv", "no such file"),
        (b"", ".csv", "empty"),
        (b"a,b\n", ".doc", "unknown file type"),
        (b"not json\n", ".jsonl", "holds no JSON objects"),
        (b"not a workbook", ".xlsx", "not a readable spreadsheet"),
    ],
)
def test_unreadable_sources(
    tmp_path: Path, content: bytes | None, suffix: str, message: str
) -> None:
    """A source that cannot be read raises SourceError saying why."""
    path = tmp_path / f"input{suffix}"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(SourceError, match=message):
        open_source(path)


def test_bad_sheet_name(fixtures: dict[str, Path]) -> None:
    """Asking for a sheet that is not there names the sheets that are."""
    with pytest.raises(SourceError, match="no sheet 'Nope'"):
        open_source(fixtures["xlsx"], sheet="Nope")
