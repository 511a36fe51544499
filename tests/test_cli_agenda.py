"""``crmkit agenda`` and ``crmkit import --kind activity`` through crmkit.cli.main."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from crmkit.activities import Activity, from_ics
from crmkit.cli import main
from crmkit.contacts import Contact, EmailEntry
from crmkit.storage import SqlStore
from crmkit.values import normalize_email

NOW = datetime(2030, 3, 4, 16, 0, tzinfo=UTC)  # a Monday; 17:00 in Berlin
BERLIN = "Europe/Berlin"


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    with SqlStore(url) as store:
        store.activities.bulk_upsert(
            [
                Activity(
                    subject="late call", kind="call", owner_id="ana", due_at=NOW - timedelta(days=2)
                ),
                Activity(subject="tonight", owner_id="ana", due_at=NOW + timedelta(hours=3)),
                Activity(subject="friday", owner_id="ana", due_date=date(2030, 3, 8), zone=BERLIN),
                Activity(subject="bo's", owner_id="bo", due_at=NOW + timedelta(hours=1)),
            ]
        )
    return url


def test_agenda_prints_the_day_by_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Overdue, today and each later day come under their headings, times in the zone."""
    url = _database(tmp_path)

    code = main(["agenda", "--db", url, "--owner", "ana", "--tz", BERLIN, "--now", NOW.isoformat()])

    out = capsys.readouterr().out.splitlines()
    assert 0 == code
    assert "Agenda of ana, Monday 2030-03-04 (Europe/Berlin)" == out[0]
    assert "Overdue (1)" == out[1]
    assert out[2].split() == ["2030-03-02", "17:00", "call", "late", "call"]
    assert "Today (1)" == out[3]
    assert out[4].split() == ["20:00", "task", "tonight"]
    assert "Friday 2030-03-08 (1)" == out[5]
    assert out[6].split() == ["all", "day", "task", "friday"]
    assert 7 == len(out)


def test_agenda_json_and_ics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json gives the sections as data; --ics writes the owner's open activities."""
    pytest.importorskip("icalendar")
    url = _database(tmp_path)
    ics = tmp_path / "ana.ics"

    code = main(
        ["agenda", "--db", url, "--owner", "ana", "--tz", BERLIN, "--now", NOW.isoformat(),
         "--days", "2", "--ics", str(ics), "--json"]
    )  # fmt: skip

    data = json.loads(capsys.readouterr().out)
    assert 0 == code
    assert ["late call"] == [a["subject"] for a in data["overdue"]]
    assert [("tonight", "20:00")] == [(a["subject"], a["time"]) for a in data["due_today"]]
    assert [] == data["upcoming"]  # friday is past the two days
    assert {"path": str(ics), "activities": 3} == data["ics"]
    assert {"late call", "tonight", "friday"} == {a.subject for a in from_ics(ics.read_bytes())}


def test_agenda_without_the_ics_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without icalendar, --ics stops with the extra's install line and exit code 2."""
    url = _database(tmp_path)
    monkeypatch.setitem(sys.modules, "icalendar", None)

    code = main(["agenda", "--db", url, "--owner", "ana", "--ics", str(tmp_path / "a.ics")])

    err = capsys.readouterr().err.strip()
    assert 2 == code
    assert "crmkit: icalendar is not installed" in err
    assert "pip install 'crmkit[ics]'" in err
    assert not (tmp_path / "a.ics").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--tz", "Mars/Olympus"], "Mars/Olympus"),
        (["--days", "-1"], "days"),
        (["--now", "2030-03-04T16:00"], "--now: give the instant's offset"),
        (["--now", "soon"], "--now: not an ISO 8601 instant"),
    ],
    ids=["bad-zone", "negative-days", "naive-now", "bad-now"],
)
def test_agenda_errors_are_one_line(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad options give one line on stderr and exit code 2."""
    url = _database(tmp_path)

    code = main(["agenda", "--db", url, "--owner", "ana", *extra])

    err = capsys.readouterr().err.strip()
    assert 2 == code
    assert err.startswith("crmkit: ")
    assert message in err
    assert 1 == len(err.splitlines())


def test_agenda_of_a_missing_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A database that does not exist is reported, not made."""
    code = main(["agenda", "--db", f"sqlite:///{tmp_path / 'none.db'}", "--owner", "ana"])

    assert 2 == code
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_import_kind_activity_with_a_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An import of --kind activity with --zone reads a call log's times in that zone."""
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    with SqlStore(url) as store:
        store.contacts.add(
            Contact(first_name="Ann", emails=[EmailEntry(address=normalize_email("ann@x.com"))])
        )
    path = tmp_path / "calls.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["Type", "Subject", "Date", "E-mail"],
             ["Call", "Intro", "2030-03-04 09:00", "ann@x.com"],
             ["Call", "Stranger", "2030-03-04 10:00", "who@x.com"]]
        )  # fmt: skip

    code = main(
        ["import", str(path), "--db", url, "--kind", "activity", "--zone", BERLIN, "--json"]
    )

    report = json.loads(capsys.readouterr().out)
    with SqlStore(url) as store:
        (call,) = store.activities.find_all()
    assert 0 == code
    assert (1, 1) == (report["created"], report["rejected"])
    assert datetime(2030, 3, 4, 8, 0, tzinfo=UTC) == call.start_at
