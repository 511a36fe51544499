"""Fixture files for the importer tests, generated so that every test knows their content."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["Full Name", "E-mail", "Mobile", "Company", "City"]
ROWS = [
    ["John Smith", "john.smith@example.com", "+44 7400 123456", "Acme Ltd", "London"],
    ["SMITH, JOHN", "JOHN.SMITH@EXAMPLE.COM", "07400 123456", "ACME Limited", "London"],
    ["Ayesha Malik", "ayesha@example.pk", "0300 1234567", "Lahore Traders", "Lahore"],
    ["", "", "", "", ""],
    ["Peter Parker", "peter.parker@", "12", "Daily Bugle", "New York"],
    ["علی رضایی", "ali@example.ir", "۰۹۱۲ ۳۴۵ ۶۷۸۹", "شرکت پارس", "تهران"],
]


def _csv(path: Path, encoding: str, delimiter: str, rows: list[list[str]]) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every fixture file by name, all holding ROWS (cp1256 and cp1252 ones where they can)."""
    folder = tmp_path_factory.mktemp("fixtures")
    latin = [r for r in ROWS if all(c.isascii() for c in "".join(r))]
    files = {
        "utf8": _csv(folder / "utf8.csv", "utf-8", ",", ROWS),
        "utf8_bom": _csv(folder / "bom.csv", "utf-8-sig", ";", ROWS),
        "utf16": _csv(folder / "utf16.csv", "utf-16", "\t", ROWS),
        "pipe": _csv(folder / "pipe.csv", "utf-8", "|", ROWS),
        "cp1252": _csv(
            folder / "cp1252.csv",
            "cp1252",
            ",",
            [
                *latin,
                ["Zoë Müller", "zoe@example.de", "+49 1511 2345678", "Müller GmbH", "München"],
            ],
        ),
        "cp1256": _csv(
            folder / "cp1256.csv",
            "cp1256",
            ";",
            [[c.replace("ی", "ي") for c in r] for r in ROWS if "۰" not in r[2]]
            + [["علي رضايي", "ali@example.ir", "09123456789", "شرکت پارس", "تهران"]],
        ),
        "bundled": ROOT / "examples" / "contacts.csv",
        "bundled_fa": ROOT / "examples" / "contacts_fa.csv",
    }
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append([c or None for c in row])
    sheet.append(["Excel Float", "float@example.com", 923001234567.0, None, None])
    book.save(folder / "book.xlsx")
    files["xlsx"] = folder / "book.xlsx"
    with (folder / "rows.jsonl").open("w", encoding="utf-8") as fh:
        for row in ROWS:
            fh.write(json.dumps(dict(zip(HEADER, row, strict=True)), ensure_ascii=False) + "\n")
    files["jsonl"] = folder / "rows.jsonl"
    with (folder / "ragged.csv").open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\n")
        fh.write('"Multi\nLine Name",multi@example.com,+44 7400 123457,Acme,London\n')
        fh.write("Too Many,many@example.com,+44 7400 123458,Acme,London,extra,cells\n")
        fh.write("Short Row,short@example.com\n")
    files["ragged"] = folder / "ragged.csv"
    return files


@pytest.fixture(scope="session")
def header() -> list[str]:
    """The fixture files' header row."""
    return HEADER


@pytest.fixture(scope="session")
def rows() -> list[list[str]]:
    """The fixture files' data rows."""
    return ROWS
