from __future__ import annotations

import csv
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crmkit.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    """The --version option prints the installed package's version and succeeds."""
    code = main(["--version"])

    assert 0 == code
    assert f"crmkit {importlib.metadata.version('crmkit')}\n" == capsys.readouterr().out


def test_readme_main_job_writes_three_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's command writes clean, duplicates and rejects, creating out/."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)

    code = main(
        [
            "clean",
            "examples/contacts.csv",
            "-o",
            "out/clean.csv",
            "--duplicates",
            "out/duplicates.csv",
            "--rejects",
            "out/rejects.csv",
        ]
    )

    assert 0 == code
    assert {"clean.csv", "duplicates.csv", "rejects.csv"} == {
        p.name for p in (tmp_path / "out").iterdir()
    }
    assert "rows read" in capsys.readouterr().out


def test_json_report_adds_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one JSON object whose counts add up to the rows read."""
    code = main(
        ["clean", str(ROOT / "examples/contacts.csv"), "-o", str(tmp_path / "c.csv"), "--json"]
    )
    data = json.loads(capsys.readouterr().out)

    assert 0 == code
    parts = ("created", "updated", "merged", "skipped", "rejected")
    assert data["rows_read"] == sum(data[k] for k in parts)


def test_summary_counts_rows_kept_with_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The summary says how many rows kept a cell as typed, by reason, and the date notes."""
    source = tmp_path / "in.csv"
    source.write_text(
        "Name,Email,Mobile,Birthday\nAnn Lee,ann@example.com,12,03/04/1980\n"
        "Bo Li,bo@example.com,+44 7400 123456,05/06/1970\n",
        encoding="utf-8",
    )
    code = main(["clean", str(source), "-o", str(tmp_path / "c.csv")])
    out = capsys.readouterr().out

    assert 0 == code
    assert re.search(r"kept with problems\W+1\b", out)
    assert re.search(r"invalid phone\W+1\b", out)
    assert 'column "Birthday": no value says whether' in " ".join(out.split())


def test_quiet_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--quiet leaves stdout empty."""
    main(["clean", str(ROOT / "examples/contacts_fa.csv"), "-o", str(tmp_path / "c.csv"), "-q"])

    assert "" == capsys.readouterr().out


def test_map_option_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--map "Header=field" maps a column the guesser would not."""
    source = tmp_path / "in.csv"
    source.write_text("Who,Tel\nAnn Lee,+44 7400 123456\n", encoding="utf-8")
    main(
        [
            "clean",
            str(source),
            "-o",
            str(tmp_path / "c.csv"),
            "--map",
            "Who=name",
            "--map",
            "Tel=phone",
            "-q",
        ]
    )
    with (tmp_path / "c.csv").open(encoding="utf-8-sig") as fh:
        (row,) = list(csv.DictReader(fh))

    assert ("Ann Lee", "'+447400123456") == (row["name"], row["phone"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["clean", "missing.csv", "-o", "c.csv"], "cannot read missing.csv: no such file"),
        (["clean", "x.csv"], "required: -o/--output"),
        (["clean", "{examples}/contacts.csv", "-o", "c.csv", "--map", "oops"], "--map takes"),
        (["clean", "{examples}/contacts.csv", "-o", "c.csv", "--region", "XYZ"], "two-letter"),
        (
            ["clean", "{examples}/contacts.csv", "-o", "c.csv", "--region", "XX"],
            "crmkit: --region: unknown region 'XX'",
        ),
        (
            ["clean", "{examples}/contacts.csv", "-o", "{examples}/contacts.csv"],
            "crmkit: -o/--output: ",
        ),
        (["clean", "{examples}/contacts.csv", "-o", "c.csv", "--rejects", "c.csv"], "--rejects: "),
        (["export", "--db", "sqlite:///nothing-here.db", "-o", "e.csv"], "no database at"),
        (["dedupe", "--db", "sqlite:///nothing-here.db"], "no database at"),
        (["export", "--db", "sqlite:////no/such/dir/x.db", "-o", "e.csv"], "no database at"),
        (["import", "{examples}/contacts.csv", "--db", "sqlite:////no/such/dir/x.db"], "crmkit: "),
        (["export", "--db", "not a url", "-o", "e.csv"], "--db: not a database URL"),
        (["frobnicate"], "invalid choice"),
        (
            ["clean", "{examples}/contacts.csv", "-o", "c.csv", "--workers", "0"],
            "crmkit: --workers: must be at least 1, not 0",
        ),
        (
            ["clean", "{examples}/contacts.csv", "-o", "c.csv", "--encoding", "klingon"],
            "crmkit: --encoding: unknown encoding 'klingon'",
        ),
        (
            ["clean", "{examples}/contacts.csv", "-o", "c.csv", "--map", "Tel=fax"],
            "crmkit: --map: unknown field 'fax'",
        ),
        (
            ["import", "{examples}/contacts.csv", "--options", "missing.json"],
            "missing.json: No such file",
        ),
    ],
)
def test_errors_are_one_line_and_nonzero(
    argv: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Bad arguments or files give one line on stderr and exit code 2."""
    monkeypatch.chdir(tmp_path)
    code = main([a.replace("{examples}", str(ROOT / "examples")) for a in argv])
    err = capsys.readouterr().err.strip()

    assert 2 == code
    assert message in err
    assert 1 == len(err.splitlines())
    assert err.startswith("crmkit: ")
    assert "Traceback" not in err
    assert not (tmp_path / "nothing-here.db").exists()


@pytest.mark.parametrize(
    "command", ["clean", "import", "dedupe", "export", "undo-import", "agenda"]
)
def test_help_per_command(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each command has its own --help."""
    code = main([command, "--help"])

    assert 0 == code
    assert f"crmkit {command}" in capsys.readouterr().out


def test_python_dash_m_runs() -> None:
    """Python -m crmkit is the same command line."""
    done = subprocess.run(
        [sys.executable, "-m", "crmkit", "--help"], capture_output=True, text=True, check=False
    )

    assert 0 == done.returncode
    assert "clean" in done.stdout


def test_dedupe_lists_groups_from_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Import then dedupe: the rows sharing a phone but not an e-mail come back as a group."""
    source = tmp_path / "in.csv"
    source.write_text(
        "Name,Email,Mobile\n"
        "Ann Lee,ann@alpha.example,+44 7400 123456\n"
        "Ann Lee,ann.lee@beta.example,+44 7400 123456\n"
        "Raj Patel,raj@gamma.example,+44 7400 654321\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    assert 0 == main(["import", str(source), "--db", db, "-q"])
    code = main(["dedupe", "--db", db, "-o", str(tmp_path / "groups.csv"), "--json"])
    data = json.loads(capsys.readouterr().out)
    with (tmp_path / "groups.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))

    assert 0 == code
    assert {"groups": 1, "contacts": 3} == data
    assert 2 == len(rows)
    assert "phone number" in rows[0]["explanation"]


def test_export_to_an_unknown_format_speaks_of_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Export -o e.pdf says it cannot write a .pdf, in one line, and writes nothing."""
    source = tmp_path / "in.csv"
    source.write_text("Name,Email\nAnn Lee,ann@alpha.example\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    assert 0 == main(["import", str(source), "--db", db, "-q"])
    code = main(["export", "--db", db, "-o", str(tmp_path / "e.pdf")])
    err = capsys.readouterr().err.strip()

    assert 2 == code
    assert "-o/--output: cannot write" in err
    assert "unknown format '.pdf'" in err
    assert 1 == len(err.splitlines())
    assert not (tmp_path / "e.pdf").exists()


def test_import_rejects_option_writes_the_rejected_rows(tmp_path: Path) -> None:
    """Crmkit import --rejects writes each rejected row with its cells and reason."""
    source = tmp_path / "in.csv"
    source.write_text(
        "Name,Email,Mobile\nAnn Lee,ann@alpha.example,+44 7400 123456\n,nope@,12\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "r.csv"
    db = f"sqlite:///{tmp_path / 'crm.db'}"
    code = main(["import", str(source), "--db", db, "--rejects", str(rejects), "-q"])
    with rejects.open(encoding="utf-8-sig") as fh:
        (row,) = list(csv.DictReader(fh))

    assert 0 == code
    assert ("", "nope@", "12", "3") == (row["Name"], row["Email"], row["Mobile"], row["row"])
    assert "invalid e-mail" in row["reason"]
    assert "contacts.invalid_email; contacts.invalid_phone; contacts.no_identity" == row["code"]


def test_unexpected_errors_are_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An error with a multi-line message (a database driver's) still prints one line."""
    from crmkit import cli  # noqa: PLC0415

    class DriverError(Exception):
        pass

    class WrappedError(Exception):
        def __init__(self) -> None:
            super().__init__("(driver) disk I/O error\n[SQL: INSERT ...]\n(Background: ...)")
            self.orig = DriverError("disk I/O error\nmore detail")

    def boom(args: object) -> int:
        raise WrappedError

    monkeypatch.setitem(cli._COMMANDS, "export", boom)
    code = main(["export", "-o", str(tmp_path / "e.csv")])
    err = capsys.readouterr().err

    assert 0 != code
    assert "crmkit: database error: disk I/O error\n" == err


@pytest.mark.parametrize("command", ["clean", "import"])
def test_progress_bar_on_a_terminal(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the progress bar runs and stops cleanly; the job's outputs are written."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    source = str(ROOT / "examples/contacts_fa.csv")
    if command == "clean":
        args = ["clean", source, "-o", str(tmp_path / "c.csv")]
        written = tmp_path / "c.csv"
    else:
        args = ["import", source, "--db", f"sqlite:///{tmp_path / 'crm.db'}"]
        written = tmp_path / "crm.db"

    code = main(args)

    assert 0 == code
    assert written.stat().st_size > 0


def _options_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_options_file_and_flags(tmp_path: Path) -> None:
    """--options FILE (JSON or YAML) sets the options; a flag given as well wins over it."""
    source = _options_file(tmp_path, "in.csv", "Who;Tel\nAnn Lee;07400 123456\n")
    settings = '{"read": {"delimiter": ";", "mapping": {"Who": "name"}, "region": "PK"}}'
    as_json = _options_file(tmp_path, "o.json", settings)
    as_yaml = _options_file(tmp_path, "o.yaml", "read:\n  delimiter: ';'\n  region: GB\n")
    base = ["clean", str(source), "-q", "--map", "Tel=phone"]

    main([*base, "-o", str(tmp_path / "a.csv"), "--options", str(as_json), "--region", "GB"])
    main([*base, "-o", str(tmp_path / "b.csv"), "--options", str(as_yaml), "--map", "Who=name"])
    rows = []
    for name in ("a.csv", "b.csv"):
        with (tmp_path / name).open(encoding="utf-8-sig") as fh:
            (row,) = list(csv.DictReader(fh))
        rows.append((row["name"], row["phone"]))

    # the clean CSV keeps a spreadsheet from reading the number as a formula
    assert [("Ann Lee", "'+447400123456")] * 2 == rows


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"read": {"encoding": "klingon"}}', "read.encoding: unknown encoding 'klingon'"),
        ('{"workers": 0}', "workers: must be at least 1"),
        ('{"speed": 9}', "speed: unknown option"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_options_file(
    text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad options file is one line naming the file and the bad option, exit code 2."""
    path = _options_file(tmp_path, "o.json", text)
    argv = ["clean", str(ROOT / "examples/contacts.csv"), "-o", str(tmp_path / "c.csv")]

    code = main([*argv, "--options", str(path)])
    err = capsys.readouterr().err.strip()

    assert 2 == code
    assert err.startswith(f"crmkit: --options: {path}: ")
    assert message in err
    assert 1 == len(err.splitlines())
