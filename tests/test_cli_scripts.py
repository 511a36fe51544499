"""What a script relies on: exit codes, --max-rejects, --skip-lines, stdin and stdout."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from crmkit._cli_report import max_rejects
from crmkit.cli import main
from crmkit.errors import ConfigError, ErrorCode

HEADER = ["Full Name", "E-mail", "Mobile", "Company"]


def _person(n: int) -> list[str]:
    return [f"Person {n}", f"person{n}@example.com", f"+44 7400 {n:06d}", "Acme Ltd"]


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _file(path: Path, rows: list[list[str]]) -> Path:
    path.write_text(_csv_text(rows), encoding="utf-8")
    return path


def _people(path: Path, good: int, bad: int) -> Path:
    """*good* usable rows, then *bad* rows with no valid e-mail, phone or name."""
    rows = [_person(n) for n in range(good)]
    rows += [["", f"nobody{n}@", "12", ""] for n in range(bad)]
    return _file(path, [HEADER, *rows])


def _json(capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, object], str]:
    captured = capsys.readouterr()
    return json.loads(captured.out.strip().splitlines()[-1]), captured.err


def test_title_rows_above_the_header_are_no_rejects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An Excel-style report with a title exits 0 with every row used."""
    rows = [["Contacts - December"], ["Exported by Sales Ops"], [], HEADER, *map(_person, range(3))]
    path = _file(tmp_path / "report.csv", rows)
    code = main(["clean", str(path), "-o", str(tmp_path / "c.csv"), "--json"])
    data, _ = _json(capsys)

    assert 0 == code
    assert (4, 3, 0) == (data["header_row"], data["created"], data["rejected"])


def test_no_usable_row_exits_3_and_reasons_add_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every row rejected: exit 3, and the reasons of rejected rows sum to the rejected count."""
    path = _people(tmp_path / "bad.csv", 0, 3)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(",,,\r\n")
    code = main(["clean", str(path), "-o", str(tmp_path / "c.csv"), "--json"])
    data, err = _json(capsys)

    assert 3 == code
    assert "crmkit: no usable row: 3 of 4 rows rejected and 1 empty" in err
    assert 3 == data["rejected"]
    assert data["rejected"] == sum(data["reasons"].values())  # type: ignore[attr-defined]
    assert {"empty row": 1} == data["skipped_reasons"]
    assert (tmp_path / "c.csv").is_file()


@pytest.mark.parametrize(
    ("limit", "expected"),
    [("1", 3), ("2", 0), ("10%", 3), ("20%", 0), ("0%", 3)],
)
@pytest.mark.parametrize("command", ["clean", "import"])
def test_max_rejects_fails_above_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], limit: str, expected: int, command: str
) -> None:
    """2 rejects in 10 rows: a limit below exits 3, a limit at or above exits 0."""
    path = _people(tmp_path / "p.csv", 8, 2)
    where = ["-o", str(tmp_path / "c.csv")]
    if command == "import":
        where = ["--db", f"sqlite:///{tmp_path / 'crm.db'}"]
    code = main([command, str(path), *where, "--max-rejects", limit, "-q"])
    err = capsys.readouterr().err

    assert expected == code
    if expected:
        assert f"2 of 10 rows rejected (20.0%), more than --max-rejects {limit} allows" in err


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("lots", "expected a number of rows (10) or a percentage (2.5%), not 'lots'"),
        ("1.5", "expected a number of rows (10) or a percentage (2.5%), not '1.5'"),
        ("-2", "expected a number of rows (10) or a percentage (2.5%), not '-2'"),
        ("150%", "a percentage is at most 100%, not '150%'"),
    ],
)
def test_bad_max_rejects_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, reason: str
) -> None:
    """A bad --max-rejects is a ConfigError; the command line names the flag and exits 2."""
    with pytest.raises(ConfigError) as caught:
        max_rejects(text)
    path = _people(tmp_path / "p.csv", 2, 0)
    code = main(["clean", str(path), "-o", str(tmp_path / "c.csv"), "--max-rejects", text])

    assert ("max_rejects", reason, ErrorCode.CONFIG) == (
        caught.value.path,
        caught.value.reason,
        caught.value.code,
    )
    assert 2 == code
    assert f"crmkit: --max-rejects: {reason}\n" == capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()


def test_skip_lines_names_the_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--skip-lines 2 reads the header from line 3, whatever the lines above look like."""
    rows = [["Name", "Email"], ["Source: old CRM", "x"], HEADER, *map(_person, range(2))]
    path = _file(tmp_path / "p.csv", rows)
    code = main(["clean", str(path), "-o", str(tmp_path / "c.csv"), "--skip-lines", "2", "--json"])
    data, _ = _json(capsys)

    assert 0 == code
    assert (3, 2, 0) == (data["header_row"], data["created"], data["rejected"])


def test_negative_skip_lines_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--skip-lines -1 exits 2, naming the flag."""
    path = _people(tmp_path / "p.csv", 2, 0)
    code = main(["clean", str(path), "-o", str(tmp_path / "c.csv"), "--skip-lines", "-1"])

    assert 2 == code
    assert (
        "crmkit: --skip-lines: expected a number of lines of at least 0, not -1\n"
        == capsys.readouterr().err
    )


def test_summary_lists_skipped_and_rejected_reasons_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The drawn summary shows each reason under the count it belongs to."""
    path = _people(tmp_path / "p.csv", 2, 1)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(",,,\r\n")
    main(["clean", str(path), "-o", str(tmp_path / "c.csv")])
    cells = [line.strip("│ ").split("│") for line in capsys.readouterr().out.splitlines()]
    labels = [row[0].strip() for row in cells if len(row) == 2]

    skipped, rejected = labels.index("skipped"), labels.index("rejected")
    assert ["empty row", "rejected", "invalid e-mail"] == labels[skipped + 1 : rejected + 2]


class _Stdout(io.TextIOWrapper):
    """A stdout with a byte buffer under it, as a terminal or a pipe has."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", newline="")

    def bytes(self) -> bytes:
        self.flush()
        raw = self.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue()


def test_clean_reads_stdin_and_writes_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A clean of - -o - pipes CSV through; the JSON report goes to stderr, naming the streams."""
    text = _csv_text([HEADER, *map(_person, range(4)), ["Dup", "person1@example.com", "", ""]])
    stdin = io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8")
    stdout = _Stdout()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    code = main(["clean", "-", "-o", "-", "--json"])
    written = stdout.bytes()
    report = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    rows = list(csv.DictReader(io.StringIO(written.decode("utf-8"))))

    assert 0 == code
    assert not written.startswith(b"\xef\xbb\xbf")
    assert [f"person{n}@example.com" for n in range(4)] == [r["email"] for r in rows]
    assert ("<stdin>", {"clean": "<stdout>"}) == (report["source"], report["outputs"])
    assert (5, 4, 1) == (report["rows_read"], report["created"], report["merged"])


def test_stdin_workbook_is_read_as_a_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A workbook piped in is recognized by its bytes and read as a sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *map(_person, range(3))]:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.getvalue())))
    code = main(["clean", "-", "-o", str(tmp_path / "c.csv"), "--json"])
    report, _ = _json(capsys)

    assert 0 == code
    assert (3, 3) == (report["rows_read"], report["created"])


def test_stdin_vcard_is_read_as_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Cards (vCard) piped in are recognized by their first line and read one row per card."""
    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {n}\r\nN:{n};Person;;;\r\n"
        f"EMAIL:person{n}@example.com\r\nEND:VCARD\r\n"
        for n in range(3)
    )
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(cards.encode("utf-8"))))
    out = tmp_path / "c.csv"
    code = main(["clean", "-", "-o", str(out), "--json"])
    report, _ = _json(capsys)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))

    assert 0 == code
    assert (3, 3) == (report["rows_read"], report["created"])
    assert [f"person{n}@example.com" for n in range(3)] == [r["email"] for r in rows]


def test_pipe_through_a_real_process(tmp_path: Path) -> None:
    """In a shell pipe, crmkit clean - -o - reads and writes the real streams."""
    text = _csv_text([HEADER, *map(_person, range(3))])
    done = subprocess.run(
        [sys.executable, "-m", "crmkit", "clean", "-", "-o", "-", "-q"],
        input=text.encode("utf-8"),
        capture_output=True,
        check=False,
        cwd=tmp_path,
    )
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"))))

    assert (0, b"") == (done.returncode, done.stderr)
    assert ["Person 0", "Person 1", "Person 2"] == [r["name"] for r in rows]


def test_import_reads_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An import of - takes its rows from stdin."""
    text = _csv_text([HEADER, *map(_person, range(3))])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    code = main(["import", "-", "--db", f"sqlite:///{tmp_path / 'crm.db'}", "--json"])
    report, _ = _json(capsys)

    assert 0 == code
    assert ("<stdin>", 3) == (report["source"], report["created"])


def test_dry_run_creates_no_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A dry-run import against a database file that does not exist leaves none behind."""
    path = _people(tmp_path / "p.csv", 3, 0)
    db = tmp_path / "crm.db"
    code = main(["import", str(path), "--db", f"sqlite:///{db}", "--dry-run", "--json"])
    report, _ = _json(capsys)

    assert 0 == code
    assert (True, 3) == (report["dry_run"], report["created"])
    assert not db.exists()


def test_dry_run_on_an_existing_database_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dry run against a stored database matches against it but writes no row."""
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    assert 0 == main(["import", str(_people(tmp_path / "a.csv", 2, 0)), "--db", db, "-q"])
    more = _file(tmp_path / "b.csv", [HEADER, *map(_person, range(5))])
    code = main(["import", str(more), "--db", db, "--dry-run", "--json"])
    report, _ = _json(capsys)
    main(["export", "--db", db, "-o", str(tmp_path / "all.csv"), "-q"])

    assert 0 == code
    assert (3, {"already up to date": 2}) == (report["created"], report["skipped_reasons"])
    assert 3 == len((tmp_path / "all.csv").read_text(encoding="utf-8-sig").splitlines())


def test_export_where_to_xlsx_writes_the_matching_contacts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An export --where to a workbook writes only the contacts the filter keeps."""
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    assert 0 == main(["import", str(_people(tmp_path / "a.csv", 4, 0)), "--db", db, "-q"])
    out = tmp_path / "some.xlsx"
    code = main(["export", "--db", db, "-o", str(out), "--where", "BEGINS(email, 'person2')"])
    sheet = load_workbook(out).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]

    assert 0 == code
    assert "wrote 1 contacts" in capsys.readouterr().out
    assert 2 == len(values)
    assert "person2@example.com" in values[1]


def test_export_where_to_xlsx_with_a_bad_filter_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A filter that cannot run on the database exits 2 in one line and leaves no workbook."""
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    assert 0 == main(["import", str(_people(tmp_path / "a.csv", 2, 0)), "--db", db, "-q"])
    out = tmp_path / "some.xlsx"
    code = main(["export", "--db", db, "-o", str(out), "--where", "LEFT(email, 1) = 'p'"])
    err = capsys.readouterr().err

    assert 2 == code
    assert "crmkit: LEFT: has no SQL form at line 1, column 1\n" == err
    assert not out.exists()


def test_dry_run_on_an_empty_database_file_leaves_it_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A dry run against an SQLite file with no tables creates none in it."""
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    path = _people(tmp_path / "p.csv", 2, 0)
    code = main(["import", str(path), "--db", f"sqlite:///{db}", "--dry-run", "--json"])
    report, _ = _json(capsys)

    assert (0, 2) == (code, report["created"])
    assert b"" == db.read_bytes()


def test_help_shows_the_new_flags(capsys: pytest.CaptureFixture[str]) -> None:
    """The help of clean lists --skip-lines and --max-rejects as a user types them."""
    code = main(["clean", "--help"])
    shown = capsys.readouterr().out

    assert 0 == code
    assert "[--skip-lines N] [--max-rejects N|P%]" in " ".join(shown.split())
