"""``crmkit clean`` on exports shaped like the ones people bring: nothing typed is lost.

Three generated files, each the shape of a real export: an Urdu list saved as UTF-16, a
Persian list saved in Windows-1256 (which can only write the Arabic forms of yeh and kaf,
and no Persian digits), and a German workbook report with a title above its header and
phones that the spreadsheet turned into numbers. Each keeps every name and every column,
gives each phone its one country code, and reports each cell it could not read.
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable
from pathlib import Path

import attrs
import phonenumbers
import pytest
from openpyxl import Workbook

from crmkit.cli import main
from crmkit.errors import ErrorCode
from crmkit.importers import CleanOptions, CleanReport, ReadOptions, clean_file

URDU_FIRST = ["علی", "فاطمہ", "عمران", "عائشہ", "حمزہ", "زینب", "بلال", "مریم", "عثمان", "ثناء"]
URDU_LAST = ["خان", "ملک", "چودھری", "بھٹی", "قریشی", "شیخ", "راجپوت", "اعوان"]
PERSIAN_FIRST = ["محمد", "زهرا", "علی", "مریم", "حسین", "فاطمه", "رضا", "نرگس", "مهدی", "سارا"]
PERSIAN_LAST = ["رضایی", "کریمی", "احمدی", "حسینی", "موسوی", "کاظمی", "یزدانی", "نیکپور"]
GERMAN_FIRST = ["Jürgen", "Anna", "Özlem", "Björn", "Käthe", "Lukas", "Sören", "Maximilian"]
GERMAN_LAST = ["Müller", "Schäfer", "Weiß", "Groß", "Köhler", "Bäcker", "Jäger", "Löwe", "Fuchs"]


@attrs.frozen
class Planted:
    """What a generated row holds, and what its clean row must say."""

    row: int  # where the row is in the file (line or sheet row)
    name: str
    phones: tuple[str, ...]  # the E.164 each good phone must become
    carried: dict[str, str]  # header -> the text a carried column must keep
    bad: tuple[tuple[str, str], ...] = ()  # (column, value) a cell that cannot be read


@attrs.frozen
class Export:
    """A generated file, its rows, its headers and the options a user would give."""

    path: Path
    rows: tuple[Planted, ...]
    headers: tuple[str, ...]
    options: CleanOptions


def _e164(national: str, region: str) -> str:
    """The number's E.164 as the phone library reads it; the generator keeps valid ones only."""
    number = phonenumbers.parse(national, region)
    assert phonenumbers.is_valid_number(number), national
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _names(rng: random.Random, first: list[str], last: list[str], count: int) -> list[str]:
    pairs = [f"{f} {la}" for f in first for la in last]
    rng.shuffle(pairs)
    return pairs[:count]


def _urdu(folder: Path, rng: random.Random) -> Export:
    """A UTF-16 export from a Pakistani desk: Urdu headers, no region, cities in Urdu."""
    headers = ("نام", "موبائل", "ای میل", "شہر", "کمپنی", "حوالہ نمبر")
    cities = ["کراچی", "لاہور", "اسلام آباد", "ملتان", "پشاور"]
    lines: list[list[str]] = [list(headers)]
    planted = []
    for i, name in enumerate(_names(rng, URDU_FIRST, URDU_LAST, 40)):
        digits = f"3{rng.choice(['00', '21', '33', '45'])}{rng.randrange(10**7):07d}"
        typed = rng.choice([f"0{digits[:3]}-{digits[3:]}", f"0{digits}", f"+92 {digits}"])
        bad: tuple[tuple[str, str], ...] = ()
        email = f"user{i}@gmail.com"  # no region hint of its own
        if i % 13 == 5:  # a mobile that is no number: the row keeps its name and e-mail
            typed, bad = "12", (("موبائل", "12"),)
        reference = f"R-{1000 + i}"
        lines.append(
            [name, typed, email, rng.choice(cities), rng.choice(["", "پاک ٹریڈرز"]), reference]
        )
        phones = () if bad else (_e164(f"0{digits}", "PK"),)
        planted.append(Planted(i + 2, name, phones, {"حوالہ نمبر": reference}, bad))
    path = folder / "urdu.csv"
    with path.open("w", encoding="utf-16", newline="") as fh:
        csv.writer(fh, delimiter="\t").writerows(lines)
    return Export(path, tuple(planted), headers, CleanOptions())


def _cp1256(text: str) -> str:
    """The text as a Windows-1256 file holds it: Arabic yeh and kaf, Latin digits."""
    return text.translate(str.maketrans("یک۰۱۲۳۴۵۶۷۸۹", "يك0123456789"))


def _persian(folder: Path, rng: random.Random) -> Export:
    """A cp1256 CSV from an Iranian office: Persian headers, first and last name apart."""
    headers = tuple(
        _cp1256(h) for h in ("نام", "نام خانوادگی", "تلفن همراه", "ایمیل", "شهر", "کد مشتری")
    )
    cities = ["تهران", "شیراز", "مشهد", "اصفهان", "تبریز"]
    lines: list[list[str]] = [list(headers)]
    planted = []
    for i, name in enumerate(_names(rng, PERSIAN_FIRST, PERSIAN_LAST, 40)):
        first, last = name.split(" ")
        digits = f"9{rng.choice(['12', '35', '01', '19'])}{rng.randrange(10**7):07d}"
        typed = rng.choice([f"0{digits}", f"0{digits[:3]} {digits[3:6]} {digits[6:]}"])
        bad: tuple[tuple[str, str], ...] = ()
        if i % 11 == 3:
            typed, bad = "0912", ((headers[2], "0912"),)
        code = str(500 + i)
        lines.append(
            [
                _cp1256(first),
                _cp1256(last),
                typed,
                f"p{i}@gmail.com",
                _cp1256(rng.choice(cities)),
                code,
            ]
        )
        phones = () if bad else (_e164(f"0{digits}", "IR"),)
        planted.append(Planted(i + 2, _cp1256(name), phones, {headers[5]: code}, bad))
    path = folder / "persian.csv"
    with path.open("w", encoding="cp1256", newline="") as fh:
        csv.writer(fh).writerows(lines)
    return Export(path, tuple(planted), headers, CleanOptions())


def _german(folder: Path, rng: random.Random) -> Export:
    """A German workbook report: a title and a blank row above the header, number phones."""
    headers = ("Vorname", "Nachname", "Firma", "Telefon", "Mobil", "E-Mail", "Ort", "Kundennummer")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Kundenliste – Export vom 03.12.2026"])
    sheet.append([])
    sheet.append(list(headers))
    planted = []
    for i, name in enumerate(_names(rng, GERMAN_FIRST, GERMAN_LAST, 40)):
        first, last = name.split(" ")
        landline = f"30{rng.randrange(10**7, 10**8)}"  # Berlin, typed 030 ...
        mobile = f"1{rng.choice(['51', '60', '70', '76'])}{rng.randrange(10**7, 10**8)}"
        # typed with the country code, the number cell lost only its "+"
        phone_cell = float(f"49{landline}")
        # typed 0151..., the number cell lost its leading 0 - unless +151... is a number too
        plus = phonenumbers.parse(f"+{mobile}")
        readable = not phonenumbers.is_valid_number(plus)
        bad = () if readable else (("Mobil", mobile),)
        customer = 10_000 + i
        sheet.append(
            [first, last, rng.choice(["", "Müller GmbH"]), phone_cell, float(mobile),
             f"{i}@example.de", rng.choice(["Berlin", "München", "Köln"]), customer]
        )  # fmt: skip
        phones = (_e164(f"0{landline}", "DE"),)
        if readable:
            phones += (_e164(f"0{mobile}", "DE"),)
        planted.append(Planted(i + 4, name, phones, {"Kundennummer": str(customer)}, bad))
    # one that is both a national number of Germany and an American one: kept, reported
    sheet.append(["Lena", "Vogt", "", None, 15123456789.0, "lena@example.de", "Hamburg", 10_999])
    planted.append(
        Planted(44, "Lena Vogt", (), {"Kundennummer": "10999"}, (("Mobil", "15123456789"),))
    )
    path = folder / "german.xlsx"
    book.save(path)
    return Export(path, tuple(planted), headers, CleanOptions(read=ReadOptions(region="DE")))


EXPORTS: dict[str, Callable[[Path, random.Random], Export]] = {
    "urdu-utf16": _urdu,
    "persian-cp1256": _persian,
    "german-xlsx": _german,
}


def _read(path: Path) -> list[dict[str, str]]:
    """The clean CSV's rows, with the ``'`` that guards a leading ``+`` taken off."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [
            {k: v[1:] if v[:2] == "'+" else v for k, v in row.items()} for row in csv.DictReader(fh)
        ]


def _clean(export: Export, folder: Path) -> tuple[CleanReport, list[dict[str, str]]]:
    out = folder / "clean.csv"
    report = clean_file(
        export.path,
        out=out,
        duplicates=folder / "dups.csv",
        rejects=folder / "rejects.csv",
        options=export.options,
    )
    return report, _read(out)


@pytest.fixture(params=sorted(EXPORTS))
def export(request: pytest.FixtureRequest, tmp_path: Path) -> Export:
    """Each export, generated afresh in the test's folder."""
    return EXPORTS[request.param](tmp_path, random.Random(17))


def test_every_name_is_kept_and_nobody_rejected(export: Export, tmp_path: Path) -> None:
    """Every row names someone, so every row is in the clean file under its own name."""
    report, rows = _clean(export, tmp_path)

    assert report.accounted
    assert (len(export.rows), 0) == (report.created, report.rejected)
    assert sorted(p.name for p in export.rows) == sorted(r["name"] for r in rows)


def test_every_column_is_kept(export: Export, tmp_path: Path) -> None:
    """Each header feeds a field of the clean file or is carried under its own name."""
    report, rows = _clean(export, tmp_path)
    by_name = {r["name"]: r for r in rows}

    fed = {m.column: m.field for m in report.mapping.matches}
    assert set(export.headers) == set(fed)
    for header, field in fed.items():
        assert (field or header) in rows[0], header
    for planted in export.rows:
        for header, text in planted.carried.items():
            assert text == by_name[planted.name][header]


def test_every_phone_has_its_one_country_code(export: Export, tmp_path: Path) -> None:
    """Each readable phone is the E.164 the phone library gives the number as typed."""
    _, rows = _clean(export, tmp_path)
    by_name = {r["name"]: r for r in rows}

    for planted in export.rows:
        row = by_name[planted.name]
        found = {row[c] for c in ("phone", "mobile") if c in row and row[c].startswith("+")}
        assert set(planted.phones) == found, planted.name


def test_what_could_not_be_read_is_kept_and_reported(export: Export, tmp_path: Path) -> None:
    """A cell that cannot be read stays as typed and is named, with its row, in the report."""
    report, rows = _clean(export, tmp_path)
    by_name = {r["name"]: r for r in rows}
    bad = [(p, column, value) for p in export.rows for column, value in p.bad]
    assert bad, "each export plants cells that cannot be read"

    assert len(bad) == report.flagged
    reported = {(problem.row, problem.column, problem.value) for problem in report.problems}
    for planted, column, value in bad:
        assert (planted.row, column, value) in reported
        row = by_name[planted.name]
        assert value in {row.get("phone"), row.get("mobile")}  # kept as typed
        assert f'{column} "{value}"' in row["problems"]
    codes = {problem.code for problem in report.problems}
    assert codes <= {ErrorCode.INVALID_PHONE, ErrorCode.AMBIGUOUS_PHONE}


def test_the_command_line_cleans_each_export(
    export: Export, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``crmkit clean`` exits 0 and writes every name, as the library call does."""
    out = tmp_path / "cli.csv"
    region = export.options.read.region
    argv = [
        "clean", str(export.path), "--out", str(out), "--rejects", str(tmp_path / "r.csv"),
        "--duplicates", str(tmp_path / "d.csv"), "--json",
        *(["--region", region] if region else []),
    ]  # fmt: skip

    assert 0 == main(argv)

    summary = json.loads(capsys.readouterr().out)
    assert (len(export.rows), 0) == (summary["created"], summary["rejected"])
    assert sorted(p.name for p in export.rows) == sorted(r["name"] for r in _read(out))
