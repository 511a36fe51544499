from __future__ import annotations

import csv
import re
from pathlib import Path

import attrs
import pytest
from openpyxl import load_workbook

from crmkit.contacts import Contact
from crmkit.errors import ConfigError, SourceError
from crmkit.importers import (
    CleanOptions,
    Progress,
    ReadOptions,
    clean_file,
    import_file,
    open_source,
)
from crmkit.storage import MemoryStore
from crmkit.values import normalize_email


def _region(region: str) -> CleanOptions:
    return CleanOptions(read=ReadOptions(region=region))


def _read(path: Path) -> list[dict[str, str]]:
    # crmkit's own reader, which takes off the ' that keeps cells from running as formulas
    table = open_source(path)
    return [dict(zip(table.headers, row.cells, strict=False)) for row in table.rows()]


@pytest.mark.parametrize(
    "name",
    [
        "utf8",
        "utf8_bom",
        "utf16",
        "pipe",
        "cp1252",
        "cp1256",
        "xlsx",
        "jsonl",
        "ragged",
        "bundled",
        "bundled_fa",
    ],
)
def test_every_row_is_accounted_for(fixtures: dict[str, Path], tmp_path: Path, name: str) -> None:
    """Created + merged + skipped + rejected = rows read, and the outputs agree."""
    out, rejects = tmp_path / "clean.csv", tmp_path / "rejects.csv"
    report = clean_file(fixtures[name], out=out, rejects=rejects)
    rows_in_file = sum(1 for _ in open_source(fixtures[name]).rows())

    assert rows_in_file == report.rows_read
    assert report.accounted
    assert report.created == len(_read(out))
    assert report.rejected == len(_read(rejects))
    clean_sources = sum(len(r["source_rows"].split("; ")) for r in _read(out))
    assert report.created + report.merged == clean_sources


def test_duplicates_are_merged_and_explained(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """Rows 2 and 3 (same e-mail in another case, same phone) become one clean row."""
    out, dupes = tmp_path / "clean.csv", tmp_path / "dupes.csv"
    report = clean_file(fixtures["utf8"], out=out, duplicates=dupes, options=_region("GB"))
    groups = _read(dupes)
    first = _read(out)[0]

    assert 1 == report.duplicate_groups
    assert ["2", "3"] == [g["row"] for g in groups]
    assert "same e-mail address (john.smith@example.com)" in groups[0]["explanation"]
    assert "same phone number (+447400123456)" in groups[0]["explanation"]
    assert ("John", "Smith", "+447400123456", "2; 3") == (
        first["first_name"],
        first["last_name"],
        first["mobile"],
        first["source_rows"],
    )


def test_a_row_with_bad_cells_is_kept_with_its_problems(
    fixtures: dict[str, Path], tmp_path: Path, rows: list[list[str]]
) -> None:
    """A named row with a bad e-mail and phone is cleaned, its cells kept as typed, and why."""
    out, rejects = tmp_path / "c.csv", tmp_path / "rejects.csv"
    report = clean_file(fixtures["utf8"], out=out, rejects=rejects)
    (kept,) = [r for r in _read(out) if r["name"] == rows[4][0]]

    assert [] == _read(rejects)
    assert (rows[4][1], rows[4][2]) == (kept["email"], kept["mobile"])
    assert f'E-mail "{rows[4][1]}": invalid e-mail' in kept["problems"]
    assert f'Mobile "{rows[4][2]}": invalid phone' in kept["problems"]
    assert "6" == kept["source_rows"]
    assert 1 == report.flagged
    assert [("E-mail", rows[4][1]), ("Mobile", rows[4][2])] == [
        (p.column, p.value) for p in report.problems
    ]
    assert {"invalid e-mail": 1, "invalid phone": 1} == report.problem_reasons


def test_rejects_keep_original_cells_with_row_column_reason(tmp_path: Path) -> None:
    """A row naming nobody comes back exactly as it was, plus where and why."""
    source = tmp_path / "in.csv"
    cells = ["", "peter.parker@", "12", "Daily Bugle", "New York"]
    source.write_text(
        "Full Name,E-mail,Mobile,Company,City\nAnn Lee,ann@example.com,,,\n"
        + ",".join(cells)
        + "\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    clean_file(source, out=tmp_path / "c.csv", rejects=rejects)
    (bad,) = _read(rejects)

    assert cells == [bad[h] for h in ("Full Name", "E-mail", "Mobile", "Company", "City")]
    assert "3" == bad["row"]
    assert "E-mail; Mobile; <row>" == bad["column"]
    assert "invalid e-mail" in bad["reason"]
    assert "invalid phone" in bad["reason"]
    assert "a contact needs a name, an e-mail or a phone" in bad["reason"]
    assert "contacts.invalid_email; contacts.invalid_phone; contacts.no_identity" == bad["code"]


def test_rejects_code_column_follows_the_reason(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """The rejects file ends with row, column, reason and code, in that order."""
    rejects = tmp_path / "rejects.csv"
    clean_file(fixtures["utf8"], out=tmp_path / "c.csv", rejects=rejects)
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))

    assert ["row", "column", "reason", "code"] == header[-4:]


def test_report_rejections_carry_the_code(tmp_path: Path) -> None:
    """Each rejection of the report carries the code of its first problem."""
    source = tmp_path / "in.csv"
    source.write_text("Name,Email\nAnn Lee,ann@example.com\n,nope@\n", encoding="utf-8")
    report = clean_file(source, out=tmp_path / "c.csv")

    assert [("Email", "contacts.invalid_email")] == [(r.column, r.code) for r in report.rejections]


def test_empty_rows_are_skipped_with_reason(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """An empty row is counted as skipped, with its reason apart from the rejected rows'."""
    report = clean_file(fixtures["utf8"], out=tmp_path / "c.csv")

    assert 1 == report.skipped
    assert {"empty row": 1} == report.skipped_reasons
    assert "empty row" not in report.reasons


def test_persian_digits_and_region_from_email(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """۰۹۱۲ ۳۴۵ ۶۷۸۹ with an .ir address is read as an Iranian mobile."""
    out = tmp_path / "c.csv"
    clean_file(fixtures["utf8"], out=out)

    assert "+989123456789" in [r["mobile"] for r in _read(out)]


def test_excel_float_phone_is_recovered(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """A phone Excel stored as 923001234567.0 comes out in E.164."""
    out = tmp_path / "c.xlsx"
    clean_file(fixtures["xlsx"], out=out)
    sheet = load_workbook(out).active
    assert sheet is not None
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]

    assert "+923001234567" in values


def test_parallel_workers_give_the_same_output(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """Two worker processes write exactly what one process writes."""
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    clean_file(fixtures["bundled"], out=one, options=CleanOptions(workers=1))
    clean_file(fixtures["bundled"], out=two, options=CleanOptions(workers=2))

    assert one.read_text(encoding="utf-8-sig") == two.read_text(encoding="utf-8-sig")


def test_progress_reaches_the_row_count(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """The progress callback ends at the number of rows read."""
    seen: list[Progress] = []
    report = clean_file(fixtures["bundled"], out=tmp_path / "c.csv", progress=seen.append)

    assert report.rows_read == seen[-1].rows_done


def test_bad_inputs(tmp_path: Path) -> None:
    """A missing file and a bad region fail with crmkit errors that say why."""
    with pytest.raises(SourceError, match="no such file"):
        clean_file(tmp_path / "missing.csv", out=tmp_path / "c.csv")
    (tmp_path / "a.csv").write_text("Name,Phone\nA,1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="two-letter"):
        clean_file(tmp_path / "a.csv", out=tmp_path / "c.csv", options=_region("Pakistan"))
    with pytest.raises(ConfigError, match=r"^out: cannot write .*c\.pdf: unknown format '\.pdf'"):
        clean_file(tmp_path / "a.csv", out=tmp_path / "c.pdf")


def _nickname_file(tmp_path: Path) -> Path:
    source = tmp_path / "nick.csv"
    source.write_text(
        "Full Name,E-mail,Company,City\n"
        "Robert Brown,bob@alpha.example,Acme Ltd,Leeds\n"
        "Bob Brown,,Acme Ltd,Leeds\n"
        "Carol White,carol@gamma.example,Initech,York\n",
        encoding="utf-8",
    )
    return source


def test_match_rules_find_what_exact_keys_miss(tmp_path: Path) -> None:
    """A nickname with the same surname, company and city is merged only by the rules."""
    source = _nickname_file(tmp_path)
    exact = clean_file(source, out=tmp_path / "a.csv", options=CleanOptions(fuzzy=False))
    dupes = tmp_path / "d.csv"
    ruled = clean_file(source, out=tmp_path / "b.csv", duplicates=dupes)
    groups = _read(dupes)

    assert (0, False) == (exact.duplicate_groups, exact.fuzzy)
    assert (1, True) == (ruled.duplicate_groups, ruled.fuzzy)
    assert ["2", "3"] == [g["row"] for g in groups]
    assert "likely the same" in groups[0]["explanation"]
    assert "first name" in groups[0]["explanation"]
    assert ruled.accounted
    assert exact.accounted


def test_stricter_rules_find_fewer(tmp_path: Path) -> None:
    """Rules with a match threshold no pair reaches leave the rows apart."""
    from crmkit.dedupe import MatchRules, Thresholds  # noqa: PLC0415

    rules = attrs.evolve(
        MatchRules.for_contacts(), thresholds=Thresholds(match=0.995, possible=0.5, core=0.999)
    )
    report = clean_file(
        _nickname_file(tmp_path), out=tmp_path / "c.csv", options=CleanOptions(rules=rules)
    )

    assert 0 == report.duplicate_groups
    assert 3 == report.created


def test_bad_rules_are_config_errors(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """Rules that are not contact MatchRules fail with ConfigError naming the problem."""
    from crmkit.dedupe import MatchRules  # noqa: PLC0415

    with pytest.raises(ConfigError, match="expected MatchRules, got dict"):
        clean_file(
            fixtures["utf8"], out=tmp_path / "c.csv", options=CleanOptions(rules={"match": 0.9})
        )  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="needs contact rules, not company rules"):
        clean_file(
            fixtures["utf8"],
            out=tmp_path / "c.csv",
            options=CleanOptions(rules=MatchRules.for_companies()),
        )


def test_rows_in_both_kinds_of_group_are_written_once(
    fixtures: dict[str, Path], tmp_path: Path
) -> None:
    """With the rules on, each source row appears in exactly one clean row."""
    out = tmp_path / "c.csv"
    report = clean_file(fixtures["bundled"], out=out, options=CleanOptions(fuzzy=True))
    sources = [n for r in _read(out) for n in r["source_rows"].split("; ")]

    assert len(sources) == len(set(sources))
    assert report.created + report.merged == len(sources)


@pytest.mark.parametrize(
    ("option", "same_as"),
    [("out", "input"), ("rejects", "input"), ("duplicates", "input"), ("rejects", "out")],
)
def test_refuses_to_overwrite_the_input_or_another_output(
    tmp_path: Path, option: str, same_as: str
) -> None:
    """An output naming the input (or another output) is a ConfigError; nothing is written."""
    source = tmp_path / "a.csv"
    source.write_text("Name,Email\nAnn Lee,ann@x.example\n", encoding="utf-8")
    before = source.read_bytes()
    paths: dict[str, Path] = {"out": tmp_path / "clean.csv"}
    paths[option] = source if same_as == "input" else tmp_path / "sub" / ".." / "clean.csv"
    what = "the input" if same_as == "input" else "the out output"

    with pytest.raises(ConfigError, match=rf"^{option}: .* would overwrite {what}$"):
        clean_file(source, **paths)  # type: ignore[arg-type]
    assert before == source.read_bytes()
    assert ["a.csv"] == sorted(p.name for p in tmp_path.iterdir())


def _dupes_file(tmp_path: Path) -> Path:
    source = tmp_path / "dupes.csv"
    source.write_text(
        "Name,Email,Mobile,Job Title,City\n"
        "Dee One,john@acme.example,+44 7400 123456,CTO,Paris\n"
        "Dee One,JOHN@acme.example,+447400123456,CEO,Lyon\n"
        'Dee One,"JOHN@acme.example; dee@other.example",+44 7400 999999,,Paris\n',
        encoding="utf-8",
    )
    return source


def test_merging_loses_no_value(tmp_path: Path) -> None:
    """Values a merged row does not keep are listed under "not kept" in the duplicates file."""
    out, dupes = tmp_path / "c.csv", tmp_path / "d.csv"
    report = clean_file(
        _dupes_file(tmp_path), out=out, duplicates=dupes, options=CleanOptions(fuzzy=False)
    )
    (row,) = _read(out)
    groups = _read(dupes)

    assert ("CTO", "Paris") == (row["job_title"], row["city"])
    assert ["", "job_title=CEO; city=Lyon", ""] == [g["not kept"] for g in groups]
    assert 2 == report.values_not_kept
    assert report.accounted


def test_merged_emails_and_phones_are_deduplicated_by_key(tmp_path: Path) -> None:
    """john@ and JOHN@ are one address, and one number in two spellings is one phone."""
    out = tmp_path / "c.csv"
    clean_file(_dupes_file(tmp_path), out=out, options=CleanOptions(fuzzy=False))
    (row,) = _read(out)

    assert ["john@acme.example", "dee@other.example"] == [row["email"], row["email_2"]]
    assert ["+447400123456", "+447400999999"] == [row["mobile"], row["mobile_2"]]
    assert "3" not in [row.get("email_3"), row.get("mobile_3")]
    assert not any(";" in row[k] for k in ("email", "email_2", "mobile", "mobile_2"))


@pytest.mark.parametrize("name", ["utf8", "xlsx", "jsonl", "ragged", "bundled", "bundled_fa"])
def test_clean_output_imports_as_the_same_contacts(
    fixtures: dict[str, Path], tmp_path: Path, name: str
) -> None:
    """Importing the clean file gives one contact per clean row, same e-mails and phones."""
    out = tmp_path / "clean.csv"
    clean_file(fixtures[name], out=out)
    rows = _read(out)
    store = MemoryStore()
    report = import_file(out, store, options=CleanOptions(fuzzy=False))
    contacts = list(store.contacts.find(limit=10_000))

    def quoted(problems: str) -> frozenset[str]:
        return frozenset(re.findall(r'"([^"]*)":', problems))

    def expected(row: dict[str, str]) -> tuple[frozenset[str], frozenset[str], str, frozenset[str]]:
        # a cell kept as typed is quoted in the problems column and is no address or number
        typed = row.get("problems", "")
        emails = {
            normalize_email(v).match_key
            for k, v in row.items()
            if k.startswith("email") and v and f'"{v}":' not in typed
        }
        phones = {
            v
            for k, v in row.items()
            if ("phone" in k or k.startswith("mobile")) and v and f'"{v}":' not in typed
        }
        return frozenset(emails), frozenset(phones), row["name"], quoted(typed)

    def actual(contact: Contact) -> tuple[frozenset[str], frozenset[str], str, frozenset[str]]:
        emails = frozenset(e.address.match_key for e in contact.emails)
        phones = frozenset(p.number.e164 for p in contact.phones)
        # the cells kept as typed are found again, and kept under the contact's problems
        return emails, phones, contact.full_name, quoted(str(contact.custom.get("problems", "")))

    assert (0, len(rows), len(rows)) == (report.rejected, report.created, len(contacts))
    assert sorted(map(repr, map(expected, rows))) == sorted(map(repr, map(actual, contacts)))
    assert report.accounted


def test_rejects_keep_extra_cells_of_ragged_rows(fixtures: dict[str, Path], tmp_path: Path) -> None:
    """A row longer than the header keeps its surplus cells under extra_1, extra_2."""
    rejects = tmp_path / "r.csv"
    clean_file(fixtures["ragged"], out=tmp_path / "c.csv", rejects=rejects)
    (bad,) = _read(rejects)

    assert ("Too Many", "extra", "cells") == (bad["Full Name"], bad["extra_1"], bad["extra_2"])
    assert "row has 7 cells but the header has 5" in bad["reason"]
    assert "importers.malformed_row" == bad["code"]


def test_a_bad_json_line_is_a_rejected_row(tmp_path: Path) -> None:
    """One line that is not JSON is rejected with its row number; the others are cleaned."""
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"Name": "Ann Lee", "Email": "ann@x.example"}\n'
        "{not json\n"
        '{"Name": "Raj Patel", "Email": "raj@x.example"}\n',
        encoding="utf-8",
    )
    rejects = tmp_path / "r.csv"
    report = clean_file(source, out=tmp_path / "c.csv", rejects=rejects)
    (bad,) = _read(rejects)

    assert (3, 2, 1) == (report.rows_read, report.created, report.rejected)
    assert ("2", "{not json") == (bad["row"], bad["extra_1"])
    assert "line 2 is not JSON" in bad["reason"]
    assert "importers.malformed_row" == bad["code"]
    assert report.accounted


def test_an_abort_leaves_no_output(
    fixtures: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the clean fails part way, no output file (and no temporary file) is left."""
    from crmkit.importers import _clean  # noqa: PLC0415

    def broken(*args: object, **kwargs: object) -> int:
        raise SourceError("disk", "full")

    monkeypatch.setattr(_clean, "_fold_groups", broken)
    folder = tmp_path / "out"

    with pytest.raises(SourceError, match="cannot read disk: full"):
        clean_file(
            fixtures["utf8"],
            out=folder / "c.csv",
            rejects=folder / "r.csv",
            duplicates=folder / "d.csv",
        )
    assert not folder.exists() or [] == list(folder.iterdir())


def test_unknown_region_is_a_config_error_up_front(
    fixtures: dict[str, Path], tmp_path: Path
) -> None:
    """region="XX" is refused before anything is read or written."""
    with pytest.raises(ConfigError, match=r"^read\.region: unknown region 'XX'"):
        clean_file(fixtures["utf8"], out=tmp_path / "c.csv", options=_region("XX"))
    assert not (tmp_path / "c.csv").exists()


def test_match_rules_stop_past_the_limit_by_default(tmp_path: Path) -> None:
    """Past the usable-row limit the exact keys alone run, unless the rules are asked for."""
    source = _nickname_file(tmp_path)
    default = clean_file(source, out=tmp_path / "a.csv", options=CleanOptions(fuzzy_limit=2))
    asked = clean_file(
        source, out=tmp_path / "b.csv", options=CleanOptions(fuzzy=True, fuzzy_limit=2)
    )
    within = clean_file(source, out=tmp_path / "c.csv", options=CleanOptions(fuzzy_limit=3))

    assert (0, False) == (default.duplicate_groups, default.fuzzy)
    assert (1, True) == (asked.duplicate_groups, asked.fuzzy)
    assert (1, True) == (within.duplicate_groups, within.fuzzy)
