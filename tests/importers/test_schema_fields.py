"""A crmkit Schema as the custom fields of a contact clean or import."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ConfigError, ErrorCode
from crmkit.fields import FieldDef, MoneyOptions, Schema
from crmkit.importers import CleanOptions, ReadOptions, clean_file, import_file
from crmkit.importers._schema_fields import SchemaFields, as_text
from crmkit.storage import MemoryStore, SqlStore

SCHEMA = Schema(
    "contact",
    [
        FieldDef(
            name="signup", type="date", label="Signup date", translations={"fa": "تاریخ عضویت"}
        ),
        FieldDef(name="score", type="number"),
        FieldDef(name="budget", type="money", options=MoneyOptions(currency="EUR")),
        FieldDef(name="vip", type="bool", label="VIP"),
    ],
)
HEADER = ["Name", "Email", "تاريخ عضويت", "Score", "Budget", "VIP", "Customer No"]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    return path


def _rows() -> list[list[str]]:
    return [
        ["Ann Lee", "ann@example.com", "03/04/2020", "4.5", "1200", "yes", "A-1"],
        ["Bo Li", "bo@example.com", "25/12/2020", "x", "", "no", "A-2"],
    ]


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_import_reads_custom_fields_as_their_types(tmp_path: Path, backend: str) -> None:
    """Headers find fields by label or translation; values are stored as the fields' types."""
    store = MemoryStore() if backend == "memory" else SqlStore(f"sqlite:///{tmp_path / 'c.db'}")
    path = _write(tmp_path / "in.csv", _rows())

    report = import_file(path, store, schema=SCHEMA)

    by_name = {c.first_name: c for c in store.contacts.find_all()}
    ann, bo = by_name["Ann"].custom, by_name["Bo"].custom
    # the column's other date (25/12) proves the day comes first: 03/04 is 3 April
    assert date(2020, 4, 3) == ann["signup"]
    assert (Decimal("4.5"), True) == (ann["score"], ann["vip"])
    assert "1200 EUR" == as_text(ann["budget"])
    assert [] == SCHEMA.validate(by_name["Ann"])
    # one bad cell flags its own column; the row's other fields are read all the same
    assert (date(2020, 12, 25), False) == (bo["signup"], bo["vip"])
    assert "score" not in bo
    assert [("Score", "x")] == [(p.column, p.value) for p in report.problems]
    assert ("تاريخ عضويت", "day_first") == (
        report.date_columns[0].column,
        report.date_columns[0].order,
    )
    store.close()


def test_clean_writes_typed_values_as_text_that_reads_back(tmp_path: Path) -> None:
    """The clean file holds ISO dates and plain numbers; the bad cell stays as typed."""
    path = _write(tmp_path / "in.csv", _rows())
    out = tmp_path / "clean.csv"

    report = clean_file(path, out=out, schema=SCHEMA)

    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["name"]: r for r in csv.DictReader(fh)}
    assert (2, 1) == (report.created, report.flagged)
    ann, bo = rows["Ann Lee"], rows["Bo Li"]
    assert ("2020-04-03", "4.5", "1200 EUR", "true") == (
        ann["signup"],
        ann["score"],
        ann["budget"],
        ann["vip"],
    )
    assert ("x", "A-2") == (bo["score"], bo["Customer No"])
    # the clean file imports back as the same typed values
    store = MemoryStore()
    import_file(out, store, schema=SCHEMA)
    again = {c.first_name: c.custom for c in store.contacts.find_all()}
    assert date(2020, 4, 3) == again["Ann"]["signup"]


def test_a_locale_without_deciding_values_reads_the_locale_way(tmp_path: Path) -> None:
    """A column no value decides follows the locale: month first in en_US."""
    path = _write(
        tmp_path / "in.csv", [["Ann Lee", "ann@example.com", "03/04/2020", "", "", "", ""]]
    )
    store = MemoryStore()

    report = import_file(
        path, store, schema=SCHEMA, options=CleanOptions(read=ReadOptions(locale="en_US"))
    )

    (contact,) = store.contacts.find_all()
    assert date(2020, 3, 4) == contact.custom["signup"]
    assert "locale" == report.date_columns[0].decided_by


def test_schema_fields_find_headers_by_every_spelling() -> None:
    """Name, name with spaces, label and translated label, folded like headers."""
    fields = SchemaFields(SCHEMA)

    assert "signup" == fields.custom_field_for("SIGNUP")
    assert "signup" == fields.custom_field_for("signup-date")
    assert "signup" == fields.custom_field_for("تاریخ عضویت")
    assert "vip" == fields.custom_field_for("V.I.P.")
    assert fields.custom_field_for("Customer No") is None
    assert frozenset({"custom:signup"}) == fields.date_fields


@given(st.dates(), st.decimals(allow_nan=False, allow_infinity=False, places=4), st.booleans())
def test_text_of_a_typed_value_reads_back_as_it(day: date, number: Decimal, flag: bool) -> None:
    """as_text writes what the schema reads back as the same value."""
    schema = Schema(
        "contact",
        [
            FieldDef(name="d", type="date"),
            FieldDef(name="n", type="number"),
            FieldDef(name="b", type="bool"),
        ],
    )
    typed = {"d": day, "n": number, "b": flag}

    again = schema.coerce({k: as_text(v) for k, v in typed.items()})

    assert typed == again


@pytest.mark.parametrize(
    ("kwargs", "path", "message"),
    [
        ({"schema": {"Score": "score"}}, "schema", "expected a crmkit.fields.Schema"),
        ({"schema": SCHEMA, "coerce": "yes"}, "coerce", "expected a function"),
    ],
)
def test_bad_schema_arguments(
    tmp_path: Path, kwargs: dict[str, object], path: str, message: str
) -> None:
    """A schema that is none, or a coerce that is no function, is refused before reading."""
    source = _write(tmp_path / "in.csv", _rows())

    for call in (
        lambda: import_file(source, MemoryStore(), **kwargs),  # type: ignore[arg-type]
        lambda: clean_file(source, out=tmp_path / "c.csv", **kwargs),  # type: ignore[arg-type]
    ):
        with pytest.raises(ConfigError) as caught:
            call()
        assert (ErrorCode.CONFIG, path) == (caught.value.code, caught.value.path)
        assert message in str(caught.value)
