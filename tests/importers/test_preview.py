from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crmkit.contacts import Contact
from crmkit.errors import ConfigError, SourceError
from crmkit.fields import FieldDef, FormulaOptions, Schema
from crmkit.importers import ReadOptions, export, preview


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _contacts() -> list[Contact]:
    return [
        Contact.create(name="Ann Lee", email="ann@x.example", custom={"score": 3}),
        Contact.create(name="Raj Patel", email="raj@x.example", custom={"score": 5}),
    ]


def test_unknown_column_is_a_config_error(tmp_path: Path) -> None:
    """export(columns=["nope"]) names the column and leaves no file."""
    out = tmp_path / "e.csv"

    with pytest.raises(ConfigError, match=r"^columns: unknown column\(s\) nope"):
        export(_contacts(), out, columns=["email", "nope"])
    assert [] == list(tmp_path.iterdir())


def test_custom_prefix_and_bare_name_export_alike(tmp_path: Path) -> None:
    """The columns custom:score and score both export the custom field, headed score."""
    export(_contacts(), tmp_path / "a.csv", columns=["email", "score"])
    export(_contacts(), tmp_path / "b.csv", columns=["email", "custom:score"])

    assert ["3", "5"] == [r["score"] for r in _read(tmp_path / "a.csv")]
    assert _read(tmp_path / "a.csv") == _read(tmp_path / "b.csv")


def test_export_errors_speak_of_writing(tmp_path: Path) -> None:
    """An unknown output format says it cannot write, naming the extension."""
    with pytest.raises(ConfigError, match=r"^path: cannot write .*e\.pdf: unknown format '\.pdf'"):
        export(_contacts(), tmp_path / "e.pdf")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"columns": []}, "^columns: name at least one column"),
        ({"columns": "email"}, "^columns: expected a list of column names"),
        ({"columns": ["email", 3]}, r"^columns\[1\]: expected a column name, not 3"),
        ({"locale": "xx_NOPE"}, "^locale: unknown locale 'xx_NOPE'"),
    ],
)
def test_export_bad_arguments(tmp_path: Path, kwargs: dict[str, object], message: str) -> None:
    """Bad columns or locale are ConfigErrors naming the argument."""
    with pytest.raises(ConfigError, match=message):
        export(_contacts(), tmp_path / "e.csv", **kwargs)  # type: ignore[arg-type]


def test_export_bad_source(tmp_path: Path) -> None:
    """A source that is not a store or contacts is a ConfigError, and no file is left."""
    with pytest.raises(ConfigError, match=r"^source: expected a store or an iterable of contacts"):
        export(42, tmp_path / "e.csv")
    with pytest.raises(ConfigError, match=r"^source\[0\]: expected a Contact, not dict"):
        export([{"email": "a@x.example"}], tmp_path / "e.csv")
    assert [] == list(tmp_path.iterdir())


def test_formula_fields_are_computed_with_a_schema(tmp_path: Path) -> None:
    """With a schema, a formula field is computed for each contact and exported."""
    schema = Schema(
        "contact",
        [
            FieldDef(name="score", type="number"),
            FieldDef(name="double", type="formula", options=FormulaOptions(expression="score * 2")),
        ],
    )
    out = tmp_path / "e.csv"
    export(_contacts(), out, columns=["email", "double"], schema=schema)

    assert [3 * 2, 5 * 2] == [float(r["double"]) for r in _read(out)]


def test_preview_bad_arguments(tmp_path: Path) -> None:
    """Preview refuses a negative or non-integer row count, a bad region and a missing file."""
    source = tmp_path / "a.csv"
    source.write_text("Name,Email\nAnn Lee,ann@x.example\n", encoding="utf-8")

    with pytest.raises(ConfigError, match=r"^rows: must not be negative"):
        preview(source, rows=-1)
    with pytest.raises(ConfigError, match=r"^rows: expected a whole number, not '5'"):
        preview(source, rows="5")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"^read\.region: unknown region 'XX'"):
        preview(source, options=ReadOptions(region="XX"))
    with pytest.raises(SourceError, match="no such file"):
        preview(tmp_path / "missing.csv")
