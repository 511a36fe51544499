"""Optional libraries: each feature of an extra names the extra when its library is missing."""

from __future__ import annotations

import importlib
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from crmkit._optional import require
from crmkit.activities import from_ics, to_ics
from crmkit.cli import main
from crmkit.errors import CrmkitError, MissingDependency
from crmkit.fields import FieldDef, Schema
from crmkit.importers import LocaleOptions, open_source
from crmkit.importers._tabular import TableWriter
from crmkit.pipeline import Pipeline
from crmkit.storage import SqlStore


def _missing(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make *modules* impossible to import, as if they were not installed."""
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)


def test_require_returns_the_module() -> None:
    """An installed library comes back as its module."""
    assert importlib.import_module("json.decoder") is require("json.decoder", extra="none")


def test_require_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing library raises MissingDependency with its code, module, extra and command."""
    _missing(monkeypatch, "openpyxl")

    with pytest.raises(MissingDependency) as caught:
        require("openpyxl", extra="xlsx")

    assert "optional.missing" == caught.value.code
    assert ("openpyxl", "xlsx") == (caught.value.module, caught.value.extra)
    assert (
        "openpyxl is not installed; it comes with crmkit's xlsx extra: pip install 'crmkit[xlsx]'"
        == str(caught.value)
    )


def test_require_of_a_submodule_names_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """A submodule of a missing library names the library, even with the submodule cached."""
    importlib.import_module("rich.table")
    _missing(monkeypatch, "rich")

    with pytest.raises(MissingDependency) as caught:
        require("rich.table", extra="cli")

    assert ("rich", "cli") == (caught.value.module, caught.value.extra)


def test_require_keeps_a_broken_installation_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library that is there but lacks one of its own dependencies is no missing extra."""
    (tmp_path / "crmkit_broken_lib.py").write_text("import crmkit_no_such_module\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    with pytest.raises(ModuleNotFoundError) as caught:
        require("crmkit_broken_lib", extra="none")

    assert "crmkit_no_such_module" == caught.value.name
    assert not isinstance(caught.value, MissingDependency)


def test_missing_dependency_is_an_import_error_that_pickles() -> None:
    """MissingDependency is a CrmkitError and an ImportError, and pickles intact."""
    error = MissingDependency("rich", "cli")

    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own data

    assert isinstance(copy, CrmkitError)
    assert isinstance(copy, ImportError)
    assert ("rich", "cli", str(error), error.code) == (
        copy.module,
        copy.extra,
        str(copy),
        copy.code,
    )


def _write_xlsx(tmp_path: Path) -> None:
    TableWriter(tmp_path / "out.xlsx", ["name"])


def _read_xlsx(tmp_path: Path) -> None:
    (tmp_path / "in.xlsx").write_bytes(b"PK")
    open_source(tmp_path / "in.xlsx")


def _yaml_pipeline(_: Path) -> None:
    Pipeline.from_yaml("id: sales\nstages: []\n")


def _jalali_field(_: Path) -> None:
    # fields and imports share one date reader and its cache: a date no other test reads
    Schema("contact", [FieldDef(name="d", type="date")]).coerce({"d": "1405/09/03"}, locale="fa_IR")


def _jalali_import(_: Path) -> None:
    # parsed dates are cached: this is one no other test reads
    LocaleOptions(locale="fa_IR").parse_date("1401/07/19")


def _ics_export(_: Path) -> None:
    to_ics([])


def _ics_import(_: Path) -> None:
    from_ics(b"BEGIN:VCALENDAR\nEND:VCALENDAR\n")


def _postgresql_store(_: Path) -> None:
    SqlStore("postgresql+psycopg://user@localhost/crm")


@pytest.mark.parametrize(
    ("modules", "extra", "use"),
    [
        (("openpyxl",), "xlsx", _write_xlsx),
        (("python_calamine",), "xlsx", _read_xlsx),
        (("yaml",), "yaml", _yaml_pipeline),
        (("jdatetime",), "jalali", _jalali_field),
        (("jdatetime",), "jalali", _jalali_import),
        (("psycopg",), "postgresql", _postgresql_store),
        (("icalendar",), "ics", _ics_export),
        (("icalendar",), "ics", _ics_import),
    ],
    ids=[
        "write-xlsx",
        "read-xlsx",
        "yaml-pipeline",
        "jalali-field",
        "jalali-import",
        "pg",
        "ics-export",
        "ics-import",
    ],
)
def test_feature_names_its_extra(
    modules: tuple[str, ...],
    extra: str,
    use: Callable[[Path], None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Using a feature whose library is missing raises MissingDependency naming its extra."""
    _missing(monkeypatch, *modules)

    with pytest.raises(MissingDependency) as caught:
        use(tmp_path)

    assert (modules[0], extra) == (caught.value.module, caught.value.extra)
    assert f"pip install 'crmkit[{extra}]'" in str(caught.value)


def test_xlsx_writer_leaves_no_file_without_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused .xlsx output leaves nothing behind in its folder."""
    _missing(monkeypatch, "openpyxl")

    with pytest.raises(MissingDependency):
        TableWriter(tmp_path / "out.xlsx", ["name"])

    assert [] == list(tmp_path.iterdir())


def test_cli_names_its_extra_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without rich, crmkit clean says which extra to install and writes nothing."""
    source = tmp_path / "in.csv"
    source.write_text("name,email\nAli,ali@example.com\n", encoding="utf-8")
    _missing(monkeypatch, "rich")

    code = main(["clean", str(source), "-o", str(tmp_path / "clean.csv")])

    assert 2 == code
    assert "pip install 'crmkit[cli]'" in capsys.readouterr().err
    assert ["in.csv"] == [p.name for p in tmp_path.iterdir()]


def test_cli_yaml_options_file_names_its_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without PyYAML, --options FILE.yaml names the yaml extra; a JSON file still works."""
    source = tmp_path / "in.csv"
    source.write_text("name,email\nAli,ali@example.com\n", encoding="utf-8")
    (tmp_path / "o.yaml").write_text("fuzzy: false\n", encoding="utf-8")
    (tmp_path / "o.json").write_text('{"fuzzy": false}', encoding="utf-8")
    _missing(monkeypatch, "yaml")
    out = str(tmp_path / "clean.csv")

    refused = main(["clean", str(source), "-o", out, "-q", "--options", str(tmp_path / "o.yaml")])
    error = capsys.readouterr().err
    done = main(["clean", str(source), "-o", out, "-q", "--options", str(tmp_path / "o.json")])

    assert (2, 0) == (refused, done)
    assert "pip install 'crmkit[yaml]'" in error


def test_cli_json_report_needs_no_rich(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The clean command with --json draws nothing, so it runs without the cli extra."""
    source = tmp_path / "in.csv"
    source.write_text("name,email\nAli,ali@example.com\n", encoding="utf-8")
    _missing(monkeypatch, "rich")

    code = main(["clean", str(source), "-o", str(tmp_path / "clean.csv"), "--json"])

    assert 0 == code
    assert '"rows_read": 1' in capsys.readouterr().out


def test_testing_module_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing crmkit.testing without hypothesis asks for the testing extra."""
    _missing(monkeypatch, "hypothesis")
    monkeypatch.delitem(sys.modules, "crmkit.testing", raising=False)

    with pytest.raises(MissingDependency) as caught:
        importlib.import_module("crmkit.testing")

    assert ("hypothesis", "testing") == (caught.value.module, caught.value.extra)
    assert "pip install 'crmkit[testing]'" in str(caught.value)
