"""A CSV with lines in several encodings: each line decoded alone, a foreign one flagged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from crmkit.errors import ErrorCode
from crmkit.importers import clean_file, import_file, open_source
from crmkit.importers._textfile import detect_encoding
from crmkit.storage import MemoryStore

HEADER = ["Full Name", "E-mail", "Mobile", "Company", "Notes"]
LINES = 5000
NOTE_AT = 3000  # a quoted note over three lines starts here
CP1252_AT = 4006
CP1256_AT = 4500
UNREADABLE_AT = 4800
# bytes that no Windows code page charset-normalizer tries makes text of
GARBAGE = b"\x00\x00\x00\xff\x00\x81\x8d\x8f\x90\x9d\xaa\xfa\x98"


def _line(row: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(row)
    return out.getvalue()


def _person(n: int) -> list[str]:
    name = "José Núñez" if n % 3 == 0 else f"Person {n}"
    return [name, f"user{n}@example.com", f"+44 7400 {n:06d}", "Acme Ltd", ""]


def _mixed_file(path: Path) -> dict[int, list[str]]:
    """A UTF-8 export with a multi-line note, then cp1252, cp1256 and unreadable lines.

    Returns the expected cells of each data row by the line it starts on.
    """
    chunks = [_line(HEADER).encode("utf-8")]
    expected: dict[int, list[str]] = {}
    line = 2
    while line <= LINES:
        if line == NOTE_AT:
            row = [*_person(line)[:4], "called twice\nno answer\nretry in May"]
            data = _line(row).encode("utf-8")
        elif line == CP1252_AT:
            row = ["Hans Müller", "hans.mueller@example.de", "+49 151 23456789", "Müller GmbH", ""]
            data = _line(row).encode("cp1252")
        elif line == CP1256_AT:
            row = ["محمد عبدالله", "m.abdullah@example.sa", "+966 50 123 4567", "شركة الرياض", ""]
            data = _line(row).encode("cp1256")
        elif line == UNREADABLE_AT:
            row = ["Bad Bytes", "bad@example.com", "", "", "<bytes>"]
            data = b"Bad Bytes,bad@example.com,,," + GARBAGE + b"\r\n"
        else:
            row = _person(line)
            data = _line(row).encode("utf-8")
        expected[line] = row
        chunks.append(data)
        line += data.count(b"\n")
    path.write_bytes(b"".join(chunks))
    return expected


def test_each_line_is_read_in_its_own_encoding_under_its_true_line(tmp_path: Path) -> None:
    """UTF-8 rows stay UTF-8; the cp1252 and cp1256 rows are read as such, with their lines."""
    expected = _mixed_file(tmp_path / "mixed.csv")
    table = open_source(tmp_path / "mixed.csv")
    rows = {r.number: r for r in table.rows()}

    assert "utf-8" == table.encoding
    assert sorted(expected) == sorted(rows)
    assert NOTE_AT + 3 == min(n for n in rows if n > NOTE_AT)
    assert tuple(expected[CP1252_AT]) == rows[CP1252_AT].cells
    assert tuple(expected[CP1256_AT]) == rows[CP1256_AT].cells
    assert tuple(expected[3]) == rows[3].cells
    assert ("José Núñez", "called twice\nno answer\nretry in May") == (
        rows[3].cells[0],
        rows[NOTE_AT].cells[4],
    )


def test_only_the_foreign_lines_are_flagged_with_their_line(tmp_path: Path) -> None:
    """The rows of the foreign lines carry a line-encoding problem naming the true line."""
    _mixed_file(tmp_path / "mixed.csv")
    flagged = {r.number: r.problem for r in open_source(tmp_path / "mixed.csv").rows() if r.problem}

    assert [CP1252_AT, CP1256_AT, UNREADABLE_AT] == sorted(flagged)
    codes = {n: getattr(p, "code", None) for n, p in flagged.items()}
    assert {CP1252_AT: ErrorCode.LINE_ENCODING, CP1256_AT: ErrorCode.LINE_ENCODING} == {
        n: c for n, c in codes.items() if n != UNREADABLE_AT
    }
    assert ErrorCode.LINE_UNREADABLE == codes[UNREADABLE_AT]
    assert f"line {CP1252_AT} is not utf-8: read as cp1252, check its text" == flagged[CP1252_AT]
    assert f"line {CP1256_AT} is not utf-8: read as cp1256, check its text" == flagged[CP1256_AT]
    assert f"line {UNREADABLE_AT} is not utf-8 nor any encoding" in str(flagged[UNREADABLE_AT])


def test_clean_keeps_the_rows_read_in_another_encoding_and_rejects_the_unreadable(
    tmp_path: Path,
) -> None:
    """Rows read in cp1252 and cp1256 are used and flagged; the unreadable one is rejected."""
    expected = _mixed_file(tmp_path / "mixed.csv")
    rejects, out = tmp_path / "rejects.csv", tmp_path / "c.csv"
    report = clean_file(tmp_path / "mixed.csv", out=out, rejects=rejects)
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        refused = list(csv.DictReader(fh))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        clean = {r["name"]: r for r in csv.DictReader(fh)}

    assert (len(expected), len(expected) - 1, 1, 2) == (
        report.rows_read,
        report.created,
        report.rejected,
        report.flagged,
    )
    assert [str(UNREADABLE_AT)] == [r["row"] for r in refused]
    # the unreadable line also holds NUL bytes: a second problem of its row
    assert ErrorCode.LINE_UNREADABLE == refused[0]["code"].split("; ")[0]
    assert "\ufffd" in refused[0]["Notes"]
    assert [(CP1252_AT, ErrorCode.LINE_ENCODING), (CP1256_AT, ErrorCode.LINE_ENCODING)] == [
        (p.row, p.code) for p in report.problems
    ]
    assert "hans.mueller@example.de" == clean["Hans Müller"]["email"]
    assert (
        f"line {CP1256_AT} is not utf-8: read as cp1256, check its text"
        == (clean["محمد عبدالله"]["problems"])
    )


def test_a_utf8_sample_with_one_windows_line_is_utf8() -> None:
    """One cp1252 line among UTF-8 lines does not turn the whole file into cp1252."""
    sample = (
        "Name,City\r\nJosé Núñez,Málaga\r\n".encode()
        + "Hans Müller,Köln\r\n".encode("cp1252")
        + "Zoë Åberg,Göteborg\r\n".encode()
    )

    assert "utf-8" == detect_encoding(sample)


def test_a_windows_file_is_still_detected_as_such() -> None:
    """A file whose accented text is all cp1252 is read as cp1252, not UTF-8."""
    sample = "Name,City\r\nJosé Núñez,Málaga\r\nHans Müller,Köln\r\n".encode("cp1252")

    assert "cp1252" == detect_encoding(sample)


def test_a_declared_encoding_is_decoded_line_by_line(tmp_path: Path) -> None:
    """With encoding='utf-8' given, a cp1252 line rejects its row only, not the read."""
    path = tmp_path / "declared.csv"
    path.write_bytes(
        b"Name,Email\r\n"
        + "Zoë,zoe@example.com\r\n".encode()
        + "Müller,m@example.de\r\n".encode("cp1252")
    )
    rows = list(open_source(path, encoding="utf-8").rows())

    assert [(2, None), (3, "line 3 is not utf-8: read as cp1252, check its text")] == [
        (r.number, r.problem) for r in rows
    ]


def test_a_bom_file_with_a_windows_line_gives_that_line_back_whole(tmp_path: Path) -> None:
    """In a UTF-8 file with a byte order mark, a cp1252 line is read as cp1252, nothing added."""
    path = tmp_path / "bom.csv"
    path.write_bytes(
        b"\xef\xbb\xbfName,Email\r\n"
        + "Zoë,zoe@example.com\r\n".encode()
        + "Müller,m@example.de\r\n".encode("cp1252")
    )
    table = open_source(path)
    rows = list(table.rows())

    assert ("utf-8-sig", ("Name", "Email")) == (table.encoding, table.headers)
    assert [("Zoë", "zoe@example.com"), ("Müller", "m@example.de")] == [r.cells for r in rows]
    assert "line 3 is not utf-8-sig: read as cp1252, check its text" == rows[1].problem


def test_company_import_rejects_a_line_read_in_another_encoding(tmp_path: Path) -> None:
    """Companies have no problems column: a line read in cp1252 waits in the rejects."""
    path = tmp_path / "companies.csv"
    path.write_bytes(
        "Company,City\r\nNúñez SL,Málaga\r\n".encode() + "Müller GmbH,Köln\r\n".encode("cp1252")
    )
    store = MemoryStore()

    report = import_file(path, store, kind="company")

    assert (1, 1) == (report.created, report.rejected)
    (refused,) = report.rejections
    assert (3, ErrorCode.LINE_ENCODING) == (refused.row, refused.code)
    assert ["Núñez SL"] == [c.name for c in store.companies.find_all()]
