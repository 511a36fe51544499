"""No column is dropped: columns that feed no field reach the clean file, reports and store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.cli import main
from crmkit.errors import ConfigError, ErrorCode
from crmkit.importers import (
    CleanOptions,
    ReadOptions,
    clean_file,
    import_file,
    open_source,
    preview,
)
from crmkit.importers._carry import custom_name
from crmkit.storage import MemoryStore, open_store

URDU = ["نام", "ای میل", "موبائل", "کچھ اور", "Company", "Record ID"]
URDU_ROWS = [
    ["علی رضا", "ali@example.pk", "0300 1234567", "پہلا  نوٹ ", "Acme", "17"],
    ["علی رضا", "ALI@example.pk", "03001234567", "دوسرا", "Acme", "18"],
    ["Sara Khan", "sara@example.com", "+92 300 1112233", "", "Beta", "19"],
]
OPTIONS = CleanOptions(read=ReadOptions(region="PK"))


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _read(path: Path) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    table = open_source(path)
    return table.headers, [row.cells for row in table.rows()]


def test_unmapped_columns_are_written_unchanged_in_input_order(tmp_path: Path) -> None:
    """کچھ اور and Record ID follow the clean columns, as typed; merged rows keep both values."""
    source = _csv(tmp_path / "urdu.csv", URDU, URDU_ROWS)
    report = clean_file(source, out=tmp_path / "clean.csv", options=OPTIONS)
    headers, rows = _read(tmp_path / "clean.csv")

    assert ["کچھ اور", "Record ID"] == [r.column for r in report.mapping.carried]
    assert ("کچھ اور", "Record ID", "source_rows") == headers[-3:]
    assert headers.index("company") < headers.index("کچھ اور")
    assert [("پہلا  نوٹ ; دوسرا", "17; 18"), ("", "19")] == [row[-3:-1] for row in rows]
    assert 0 == report.values_not_kept


_CELL = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(extra=st.lists(st.tuples(_CELL, _CELL), min_size=3, max_size=3))
def test_no_typed_value_of_an_unmapped_column_is_lost(
    tmp_path: Path, extra: list[tuple[str, str]]
) -> None:
    """Whatever the unmapped cells hold, each non-blank one is in the clean file."""
    header = ["Full Name", "E-mail", "Lieblingsfarbe", "Kundennummer"]
    rows = [[f"Person {n}", f"p{n}@example.com", a, b] for n, (a, b) in enumerate(extra, start=1)]
    source = _csv(tmp_path / "extra.csv", header, rows)
    clean_file(source, out=tmp_path / "clean.csv")
    headers, cleaned = _read(tmp_path / "clean.csv")
    written = {(column, row[headers.index(column)]) for row in cleaned for column in header[2:]}

    expected = {
        (column, cell)
        for a, b in extra
        for column, cell in zip(header[2:], (a, b), strict=True)
        if cell.strip()
    }
    assert expected <= written


def test_a_carried_header_named_like_a_clean_column_is_kept_apart(tmp_path: Path) -> None:
    """An input column that would take a clean column's header is written under its own."""
    source = _csv(
        tmp_path / "same.csv", ["name", "Email", "Work Email"], [["Ann Lee", "a@x.com", "x"]]
    )
    # "Work Email" is an e-mail column: its bad value rejects the row, so map it away
    options = CleanOptions(read=ReadOptions(mapping={"Work Email": "custom:work"}))
    clean_file(source, out=tmp_path / "clean.csv", options=options)
    headers, _ = _read(tmp_path / "clean.csv")

    assert len(set(headers)) == len(headers)


def test_import_keeps_unmapped_columns_as_text_fields_when_asked(tmp_path: Path) -> None:
    """keep_unmapped=True stores each carried column as a text custom field named from it."""
    source = _csv(tmp_path / "urdu.csv", URDU, URDU_ROWS[2:] + URDU_ROWS[:1])
    store = MemoryStore()
    report = import_file(source, store, options=OPTIONS, keep_unmapped=True)
    people = {c.full_name: c.custom for c in store.contacts.find_all()}

    assert 2 == report.created
    assert {"company": "Acme", "کچھ_اور": "پہلا نوٹ", "record_id": "17"} == people["علی رضا"]
    assert "text" == store.schema("contact").field_types()["record_id"]
    again = import_file(source, store, options=OPTIONS, keep_unmapped=True)
    assert 0 == again.created  # the same fields again, not record_id_column
    assert "record_id_column" not in store.schema("contact").field_types()


def test_import_leaves_unmapped_columns_out_by_default(tmp_path: Path) -> None:
    """Without keep_unmapped the carried columns are listed, not stored."""
    source = _csv(tmp_path / "urdu.csv", URDU, URDU_ROWS[2:])
    store = MemoryStore()
    report = import_file(source, store, options=OPTIONS)

    assert ["کچھ اور", "Record ID"] == report.to_dict()["carried_columns"]
    assert {"company": "Beta"} == next(iter(store.contacts.find_all())).custom


def test_keep_unmapped_must_be_a_bool(tmp_path: Path) -> None:
    """Bad input: keep_unmapped="yes" is a ConfigError naming it."""
    source = _csv(tmp_path / "urdu.csv", URDU, URDU_ROWS)
    with pytest.raises(ConfigError) as caught:
        import_file(source, MemoryStore(), keep_unmapped="yes")  # type: ignore[arg-type]

    assert ErrorCode.CONFIG == caught.value.code
    assert "keep_unmapped: expected true or false, not 'yes'" == str(caught.value)


@pytest.mark.parametrize(
    ("header", "name"),
    [("Lead score", "lead_score"), ("کچھ اور", "کچھ_اور"), ("2024 target", "column_2024_target"),
     ("टिप्पणी", "टिप्पणी"), ("Phone 1 - Type", "phone_1_type"), ("!!", "column")],
)  # fmt: skip
def test_custom_names_from_headers(header: str, name: str) -> None:
    """A header gives an identifier: lower case, words joined by _, never a leading digit."""
    assert name == custom_name(header)
    assert custom_name(header).isidentifier()


def test_cli_prints_the_mapping_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The summary lists each column with its field and why; --json carries the same."""
    source = _csv(tmp_path / "urdu.csv", URDU, URDU_ROWS)
    out = tmp_path / "clean.csv"

    assert 0 == main(["clean", str(source), "-o", str(out), "--region", "PK"])
    printed = capsys.readouterr().out
    assert "name (synonym 'نام')" in printed
    assert "carried, closest" in printed
    assert 0 == main(["clean", str(source), "-o", str(out), "--region", "PK", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert URDU == [c["column"] for c in data["columns"]]
    assert ["name", "email", "mobile", None, "company", None] == [
        c["field"] for c in data["columns"]
    ]


def test_cli_keep_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The import command's --keep-columns stores the carried columns."""
    source = _csv(tmp_path / "urdu.csv", URDU, URDU_ROWS[2:])
    db = f"sqlite:///{tmp_path / 'crm.db'}"

    assert 0 == main(["import", str(source), "--db", db, "--region", "PK", "--keep-columns", "-q"])
    store = open_store(db)
    try:
        assert "19" == next(iter(store.contacts.find_all())).custom["record_id"]
    finally:
        store.close()


def test_preview_shows_the_mapping_report(tmp_path: Path) -> None:
    """The plan says how each column matched, and its rows hold the carried values."""
    source = _csv(tmp_path / "urdu.csv", URDU, URDU_ROWS)
    plan = preview(source, rows=1, options=OPTIONS)

    assert ["synonym", "synonym", "synonym", "carried", "synonym", "carried"] == [
        m.how for m in plan.mapping.matches
    ]
    assert "'کچھ اور' carried: no field matches this header" in plan.describe()
    assert "پہلا  نوٹ " == plan.rows[0].values["column:کچھ اور"]
