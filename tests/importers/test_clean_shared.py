"""Cleaning a file where people share a switchboard and an inbox: nobody is glued together."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from crmkit.cli import main
from crmkit.importers import CleanOptions, ReadOptions, clean_file, open_source

FIRST = ["Anna", "Bob", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas"]
FIRST += ["Kemal", "Lena", "Marco", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Samir"]
LAST = ["Novak", "Singh", "Okafor", "Rossi", "Haddad", "Lindqvist", "Tanaka", "Moreau"]
LAST += ["Brandt", "Yilmaz", "Fischer", "Costa", "Petrova", "Farouk", "Iyer", "Dupont"]
LAST += ["Alvarez", "Nasser", "Quill"]
# the one number of the office, as people type it
BOARD = ["+1 212 555 0100", "(212) 555-0100", "212.555.0100", "+1-212-555-0100"]


def _export(path: Path, seed: int = 3) -> list[str]:
    """Write a CRM export; return the staff's own e-mail addresses.

    19 staff share the switchboard (the 19th is Samir Quill), 4 of them are entered a
    second time with the info@ inbox; Robert Quill is on the switchboard too, entered
    again as Rob (same number) and Bob (his address in capitals); Elena Haddad again as
    "Elena Hadad" with her address; Zoe Quinn twice on her own number ("Z. Quinn"); and
    60 customers.
    """
    rng = random.Random(seed)
    rows: list[list[str]] = []
    emails = []
    for k, (first, last) in enumerate(zip(FIRST, LAST, strict=True)):
        email = f"{first.lower()}.{last.lower()}@acme-corp.example"
        emails.append(email)
        rows.append([f"{first} {last}", email, rng.choice(BOARD), "Acme Corp"])
        if k < 4:
            rows.append([f"{first} {last}", "info@acme-corp.example", rng.choice(BOARD), "Acme"])
    rows += [
        ["Robert Quill", "rquill@example.org", rng.choice(BOARD), "Acme Corp"],
        ["Rob Quill", "", rng.choice(BOARD), "Acme Corp"],
        ["Bob Quill", "RQUILL@example.org", "", ""],
        ["Elena Hadad", "elena.haddad@acme-corp.example", "", "Acme Corp"],
        ["Zoe Quinn", "", "(646) 555-0142", ""],
        ["Z. Quinn", "zq@example.net", "+1 646 555 0142", ""],
    ]
    rows += [
        [f"Customer{i} Buyer{i}", f"c{i}@mail{i % 5}.example", f"+1 415 555 {1000 + i}", ""]
        for i in range(60)
    ]
    rng.shuffle(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Full Name", "E-mail", "Phone", "Company"])
        writer.writerows(rows)
    return emails


def _read(path: Path) -> list[dict[str, str]]:
    table = open_source(path)
    return [dict(zip(table.headers, row.cells, strict=False)) for row in table.rows()]


def _clean(tmp_path: Path) -> tuple[list[str], list[dict[str, str]], list[dict[str, str]]]:
    source = tmp_path / "export.csv"
    emails = _export(source)
    out, dupes = tmp_path / "clean.csv", tmp_path / "dupes.csv"
    clean_file(
        source, out=out, duplicates=dupes, options=CleanOptions(read=ReadOptions(region="US"))
    )
    return emails, _read(out), _read(dupes)


def test_a_switchboard_stays_nineteen_contacts(tmp_path: Path) -> None:
    """Each of the 19 people on one number is one contact of their own."""
    emails, clean, _ = _clean(tmp_path)

    holders = {e: [r["source_rows"] for r in clean if e in r.values()] for e in emails}
    per_row = [sum(e in r.values() for e in emails) for r in clean]

    assert all(len(rows) == 1 for rows in holders.values())
    assert 1 == max(per_row)
    assert 19 + 1 + 1 + 60 == len(clean)  # the staff, Quill, Quinn, the customers


def test_the_shared_number_and_inbox_are_listed_for_review(tmp_path: Path) -> None:
    """The rows on the switchboard and on info@ come back as review groups, not merged."""
    _, _, groups = _clean(tmp_path)

    review = [g for g in groups if g["status"] == "review"]
    board = [g for g in review if "same phone number (+12125550100)" in g["explanation"]]
    inbox = [
        g for g in review if "same e-mail address (info@acme-corp.example)" in g["explanation"]
    ]

    assert 19 + 4 + 2 == len(board)  # staff, their second rows on info@, Robert and Rob
    assert "rows of 20 people" in board[0]["explanation"]
    assert 4 == len(inbox)
    assert {"yes"} == {g["kept"] for g in review}
    assert {""} == {g["score"] for g in review}


def test_true_duplicates_on_a_shared_phone_still_merge(tmp_path: Path) -> None:
    """Robert, Rob and Bob Quill merge, as do the other people entered twice, and no one else.

    Elena Haddad/Hadad, the Quinns and the staff entered again with info@ are the others.
    """
    _, _, groups = _clean(tmp_path)

    merged: dict[str, list[str]] = {}
    for g in groups:
        if g["status"] == "merge":
            merged.setdefault(g["group"], []).append(g["name"])
    found = sorted(sorted(names) for names in merged.values())

    assert [
        ["Anna Novak"] * 2,
        ["Bob Quill", "Rob Quill", "Robert Quill"],
        ["Bob Singh"] * 2,
        ["Carla Okafor"] * 2,
        ["Dmitri Rossi"] * 2,
        ["Elena Hadad", "Elena Haddad"],
        ["Z. Quinn", "Zoe Quinn"],
    ] == found


def test_the_command_line_says_what_is_left_for_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The clean command's JSON counts the review groups beside the duplicate groups."""
    source = tmp_path / "export.csv"
    _export(source)
    args = ["clean", str(source), "-o", str(tmp_path / "c.csv"), "--region", "US", "--json"]

    code = main([*args, "--duplicates", str(tmp_path / "d.csv")])
    data = json.loads(capsys.readouterr().out)

    assert 0 == code
    assert (7, 2) == (data["duplicate_groups"], data["review_groups"])
    assert (81, 8) == (data["created"], data["merged"])
