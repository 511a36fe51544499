"""Hostile inputs: workbooks that claim or unpack to too much, quotes never closed, deep JSON."""

from __future__ import annotations

import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.cli import main
from crmkit.contacts import Contact
from crmkit.errors import ConfigError, ErrorCode, SourceError
from crmkit.importers import CleanOptions, ReadLimits, clean_file, export, import_file, open_source
from crmkit.importers._tabular import TableWriter
from crmkit.storage import MemoryStore

_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
_STRINGS_HEAD = (
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' count="1" uniqueCount="1"><si><t>'
)
_STRINGS_TAIL = "</t></si></sst>"
_CELLS = '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'


def _workbook(path: Path, sheet: str, strings_bytes: int = 0) -> Path:
    """A minimal workbook written by hand; its one shared string is *strings_bytes* long."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + sheet)
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(_STRINGS_HEAD.encode())
            chunk = b"A" * (1 << 20)
            # streamed, so the test never holds more than a chunk
            for _ in range(strings_bytes // len(chunk)):
                fh.write(chunk)
            fh.write(b"Name" + _STRINGS_TAIL.encode())
    return path


@pytest.fixture(scope="module")
def grid_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 KB workbook whose sheet declares the whole grid."""
    folder = tmp_path_factory.mktemp("bombs")
    return _workbook(folder / "grid.xlsx", '<dimension ref="A1:XFD1048576"/>' + _CELLS)


@pytest.fixture(scope="module")
def string_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small workbook with one shared string of 2 GB when unpacked."""
    folder = tmp_path_factory.mktemp("bombs")
    return _workbook(folder / "strings.xlsx", _CELLS, strings_bytes=2 << 30)


def _limited_run(path: Path) -> subprocess.CompletedProcess[str]:
    """Open *path* in a child process limited to 1 GiB of address space; print the code."""
    script = (
        "import sys\n"
        "from crmkit.errors import SourceError\n"
        "from crmkit.importers import open_source\n"
        "try:\n"
        "    list(open_source(sys.argv[1]).rows())\n"
        "except SourceError as exc:\n"
        "    print(exc.code)\n"
        "else:\n"
        "    print('read')\n"
    )

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=120,
        check=False,
    )


def test_grid_bomb_is_refused_before_reading(grid_bomb: Path) -> None:
    """A sheet declaring A1:XFD1048576 is a SourceError past the cell limit."""
    with pytest.raises(SourceError) as caught:
        open_source(grid_bomb)

    assert ErrorCode.SOURCE_TOO_LARGE == caught.value.code
    assert "declares 17,179,869,184 cells" in str(caught.value)
    assert grid_bomb.stat().st_size < 4096


@pytest.mark.parametrize("bomb", ["grid_bomb", "string_bomb"])
def test_process_survives_a_bomb_under_a_memory_limit(
    bomb: str, request: pytest.FixtureRequest
) -> None:
    """Under a 1 GiB address-space limit the reader exits normally, printing the code."""
    done = _limited_run(request.getfixturevalue(bomb))

    assert (0, "importers.too_large") == (done.returncode, done.stdout.strip())


def test_string_bomb_is_refused_by_its_ratio(string_bomb: Path) -> None:
    """A part that unpacks to a thousand times its size is refused, naming the limit."""
    with pytest.raises(SourceError, match="max_unpacked_bytes") as caught:
        open_source(string_bomb)

    assert ErrorCode.SOURCE_TOO_LARGE == caught.value.code
    assert string_bomb.stat().st_size < 16 << 20


def _understated(path: Path) -> Path:
    """A workbook whose central directory says its shared strings unpack to 1,000 bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + _CELLS)
        book.writestr("xl/sharedStrings.xml", _STRINGS_HEAD + "A" * (4 << 20) + _STRINGS_TAIL)
    data = bytearray(path.read_bytes())
    entry = data.rindex(b"PK\x01\x02")  # the central directory entry of the last part
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def test_unpacked_bytes_are_counted_not_taken_from_the_header(tmp_path: Path) -> None:
    """The bytes a part really unpacks to count, whatever the central directory says."""
    book = _understated(tmp_path / "b.xlsx")
    with pytest.raises(SourceError, match="unpack to more than 2,000,000 bytes") as caught:
        open_source(book, limits=ReadLimits(max_unpacked_bytes=2_000_000))
    with pytest.raises(SourceError, match="says it unpacks to") as declared:
        open_source(
            _workbook(tmp_path / "c.xlsx", _CELLS, 4 << 20),
            limits=ReadLimits(max_unpacked_bytes=2_000_000, max_ratio=10_000),
        )

    assert [ErrorCode.SOURCE_TOO_LARGE] * 2 == [caught.value.code, declared.value.code]


def test_ratio_and_entries_limits(tmp_path: Path) -> None:
    """A part packed too well, and a workbook of too many files, are SourceErrors."""
    book = _workbook(tmp_path / "b.xlsx", _CELLS, strings_bytes=4 << 20)
    with pytest.raises(SourceError, match="max_ratio") as ratio:
        open_source(book, limits=ReadLimits(max_ratio=50))
    with pytest.raises(SourceError, match="max_entries") as entries:
        open_source(book, limits=ReadLimits(max_entries=3))

    assert [ErrorCode.SOURCE_TOO_LARGE] * 2 == [ratio.value.code, entries.value.code]


def test_cells_spanning_past_the_limit_without_a_dimension(tmp_path: Path) -> None:
    """Two cells far apart span the grid between them, dimension or not."""
    far = (
        '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    with pytest.raises(SourceError, match="its cells span") as caught:
        open_source(_workbook(tmp_path / "far.xlsx", far))

    assert ErrorCode.SOURCE_TOO_LARGE == caught.value.code


def test_sheet_past_the_cell_limit(fixtures: dict[str, Path]) -> None:
    """A sheet of 8 rows by 5 columns reads within 40 cells and is refused within 39."""
    table = open_source(fixtures["xlsx"], limits=ReadLimits(max_cells=40))
    with pytest.raises(SourceError, match="40 cells") as caught:
        list(open_source(fixtures["xlsx"], limits=ReadLimits(max_cells=39)).rows())

    assert 7 == len(list(table.rows()))
    assert ErrorCode.SOURCE_TOO_LARGE == caught.value.code


def test_limits_must_be_positive() -> None:
    """A limit that is not a positive number is a ConfigError naming it."""
    with pytest.raises(ConfigError, match="expected a positive number") as caught:
        ReadLimits(max_cells=0)
    with pytest.raises(ConfigError, match="expected a ReadLimits"):
        open_source("examples/contacts.csv", limits={"max_cells": 1})  # type: ignore[arg-type]

    assert "limits.max_cells" == caught.value.path


# --- CSV formulas -------------------------------------------------------------------------

_TRIGGERED = ["=1+1", "+49 30 1234567", "-5", "@SUM(A1)", "\tx", "\rx", "'=x", "''+y"]


def test_csv_cells_are_escaped_and_read_back(tmp_path: Path) -> None:
    """Formula-like cells get a ' in the file, and crmkit reads them back unchanged."""
    path = tmp_path / "f.csv"
    with TableWriter(path, ["value"]) as writer:
        for value in [*_TRIGGERED, "plain", "'quoted"]:
            writer.write([value])
    written = path.read_text(encoding="utf-8-sig").splitlines()

    assert ["'=1+1", "'+49 30 1234567", "'-5", "'@SUM(A1)"] == written[1:5]
    assert [*_TRIGGERED, "plain", "'quoted"] == [r.cells[0] for r in open_source(path).rows()]


def test_escaping_can_be_turned_off(tmp_path: Path) -> None:
    """escape_formulas=False writes every cell as it is; by default crmkit reads it back."""
    people = [Contact.create(name="Ann Lee", phone="+44 7400 123456")]
    export(people, tmp_path / "raw.csv", columns=["phone"], escape_formulas=False)
    export(people, tmp_path / "safe.csv", columns=["phone"])

    assert "+447400123456" == (tmp_path / "raw.csv").read_text("utf-8-sig").split()[1]
    assert "'+447400123456" == (tmp_path / "safe.csv").read_text("utf-8-sig").split()[1]
    assert "+447400123456" == next(open_source(tmp_path / "safe.csv").rows()).cells[0]


def test_clean_import_and_cli_escape_every_csv_output_unless_told(tmp_path: Path) -> None:
    """The clean, duplicates and rejects files, an import's rejects and the CLI escape alike."""
    source = tmp_path / "in.csv"
    source.write_text(
        "Name,Email,Phone,Notes\n"
        "Ann Lee,ann@example.com,+44 7400 123456,=HYPERLINK(1)\n"
        "Ann Lee,ann@example.com,+44 7400 123456,\n"
        "-,@bad,=2+2,\n",
        encoding="utf-8",
    )
    outputs = {"out": "c.csv", "duplicates": "d.csv", "rejects": "r.csv"}

    def cells(name: str) -> str:
        return (tmp_path / name).read_text(encoding="utf-8-sig")

    clean_file(source, **{k: tmp_path / v for k, v in outputs.items()})
    safe = [cells(v) for v in outputs.values()]
    import_file(source, MemoryStore(), rejects=tmp_path / "ir.csv")
    imported = cells("ir.csv")
    clean_file(
        source, **{k: tmp_path / f"raw-{v}" for k, v in outputs.items()}, escape_formulas=False
    )
    raw = [cells(f"raw-{v}") for v in outputs.values()]
    code = main(["clean", str(source), "-o", str(tmp_path / "cli.csv"), "-q", "--raw-cells"])

    assert all("'+447400123456" in text for text in safe[:2])
    assert "'=2+2" in safe[2]
    assert "'=2+2" in imported
    assert all("'+" not in text and "'=" not in text for text in raw)
    assert "=2+2" in raw[2]
    assert 0 == code
    assert ",+447400123456," in cells("cli.csv")


def test_xlsx_text_is_never_a_formula(tmp_path: Path) -> None:
    """An XLSX cell of text that begins with = is a text cell holding the text unchanged."""
    path = tmp_path / "f.xlsx"
    # XML reads a carriage return in text as a line feed: that value is left out here
    values = [v for v in _TRIGGERED if "\r" not in v]
    with TableWriter(path, ["value"]) as writer:
        for value in values:
            writer.write([value])
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()

    assert "<f>" not in sheet
    assert values == [r.cells[0] for r in open_source(path).rows()]


@given(st.text(max_size=60))
def test_any_text_round_trips_through_csv(text: str) -> None:
    """Any text written to a CSV by crmkit reads back as the same text."""
    import tempfile  # noqa: PLC0415 - hypothesis reruns the body; a fixture would be shared

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        with TableWriter(path, ["value"]) as writer:
            writer.write([text])
        (row,) = open_source(path, encoding="utf-8-sig", delimiter=",").rows()

    assert text == row.cells[0]


# --- quotes never closed ------------------------------------------------------------------

_HEADER = "Name,Email,Mobile,Company,City\n"


def test_unclosed_quote_rejects_its_line_and_keeps_the_rest(tmp_path: Path) -> None:
    """A quote never closed rejects its own line; the rows after it are read, all counted."""
    path = tmp_path / "q.csv"
    path.write_text(
        _HEADER
        + '"Ann Lee,ann@example.com,+44 7400 123456,Acme,London\n'
        + "Bob Ray,bob@example.com,+44 7400 123457,Acme,London\n"
        + "Cat Day,cat@example.com,+44 7400 123458,Acme,London\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "r.csv"
    report = clean_file(
        path, out=tmp_path / "c.csv", rejects=rejects, options=CleanOptions(fuzzy=False)
    )
    (bad,) = open_source(rejects).rows()

    assert (3, 2, 1) == (report.rows_read, report.created, report.rejected)
    assert report.accounted
    assert (2, ErrorCode.RUNAWAY_QUOTE) == (report.rejections[0].row, report.rejections[0].code)
    assert "line 2 opens a quoted cell" in report.rejections[0].reason
    assert '"Ann Lee,ann@example.com,+44 7400 123456,Acme,London' in bad.cells


def test_quote_running_past_the_line_limit(tmp_path: Path) -> None:
    """A quoted cell over more lines than the limit is a runaway, whatever it holds."""
    path = tmp_path / "q.csv"
    path.write_text('Name\n"Ann\nBob\nCat\nDan\nEve\n', encoding="utf-8")
    rows = list(open_source(path, limits=ReadLimits(max_quoted_lines=3)).rows())

    assert [2, 3, 4, 5, 6] == [r.number for r in rows]
    assert [ErrorCode.RUNAWAY_QUOTE, None] == [
        getattr(rows[0].problem, "code", None),
        rows[1].problem,
    ]
    assert ["Bob", "Cat", "Dan", "Eve"] == [r.cells[0] for r in rows[1:]]


def test_quoted_cells_over_lines_are_kept(tmp_path: Path) -> None:
    """A real multi-line cell stays one row, and the next row is numbered by its line."""
    path = tmp_path / "q.csv"
    path.write_text(
        _HEADER
        + '"Ann Lee",ann@example.com,+44 7400 123456,Acme,"1 High St,\nLondon"\n'
        + "Bob Ray,bob@example.com,+44 7400 123457,Acme,London\n",
        encoding="utf-8",
    )
    rows = list(open_source(path).rows())

    assert [(2, None), (4, None)] == [(r.number, r.problem) for r in rows]
    assert "1 High St,\nLondon" == rows[0].cells[4]


# --- JSON lines, encodings, NUL -----------------------------------------------------------


def test_deep_json_line_is_one_rejected_row(tmp_path: Path) -> None:
    """A line nested deeper than Python can read is rejected; the job goes on."""
    path = tmp_path / "deep.jsonl"
    deep = '{"Name": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path.write_text(
        '{"Name": "Ann Lee", "Email": "ann@example.com"}\n'
        + deep
        + '\n{"Name": "Bob Ray", "Email": "bob@example.com"}\n',
        encoding="utf-8",
    )
    report = clean_file(path, out=tmp_path / "c.csv")

    assert (3, 2, 1) == (report.rows_read, report.created, report.rejected)
    assert (2, ErrorCode.TOO_DEEP) == (report.rejections[0].row, report.rejections[0].code)
    assert "line 2 is nested too deeply" in report.rejections[0].reason


@pytest.mark.parametrize(("encoding", "said"), [("utf-16", "is not utf-16"), ("hex", "hex")])
def test_wrong_encoding_is_a_source_error(tmp_path: Path, encoding: str, said: str) -> None:
    """An encoding that does not fit the file, or is no text encoding, is a SourceError."""
    path = tmp_path / "e.csv"
    path.write_text("Name,Email\nZoë,zoe@example.com\n", encoding="utf-8")
    with pytest.raises(SourceError, match=said) as caught:
        list(open_source(path, encoding=encoding).rows())
    jsonl = tmp_path / "e.jsonl"
    jsonl.write_text('{"Name": "Zoë"}\n', encoding="utf-8")
    with pytest.raises(SourceError) as again:
        list(open_source(jsonl, encoding=encoding).rows())

    assert [ErrorCode.SOURCE_ENCODING] * 2 == [caught.value.code, again.value.code]


def test_nul_cell_rejects_its_row(tmp_path: Path) -> None:
    """A cell holding NUL rejects its row with the column and a code; the store never sees it."""
    path = tmp_path / "n.csv"
    path.write_text(
        "Name,Email\nAnn\x00Lee,ann@example.com\nBob Ray,bob@example.com\n", encoding="utf-8"
    )
    store = MemoryStore()
    report = import_file(path, store, options=CleanOptions(fuzzy=False))
    (rejection,) = report.rejections

    assert (2, 1, 1) == (report.rows_read, report.created, report.rejected)
    assert (2, "Name", ErrorCode.NUL_CHARACTER) == (rejection.row, rejection.column, rejection.code)
    assert "NUL character" in rejection.reason
    assert ["Bob Ray"] == [c.full_name for c in store.contacts.find_all()]
