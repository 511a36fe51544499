from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crmkit.cli import main

ROOT = Path(__file__).resolve().parent.parent


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

    assert ("Ann Lee", "+447400123456") == (row["name"], row["phone"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["clean", "missing.csv", "-o", "c.csv"], "cannot read missing.csv: no such file"),
        (["clean", "x.csv"], "required: -o/--output"),
        (["clean", "{examples}/contacts.csv", "-o", "c.csv", "--map", "oops"], "--map takes"),
        (["clean", "{examples}/contacts.csv", "-o", "c.csv", "--region", "XYZ"], "two-letter"),
        (["frobnicate"], "invalid choice"),
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
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["clean", "import", "dedupe", "export", "undo-import"])
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
