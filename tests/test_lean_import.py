"""Importing crmkit loads its core only: SQLAlchemy waits for the first SQL store or to_sql."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import crmkit.storage


def _loaded_after(code: str, modules: tuple[str, ...]) -> dict[str, bool]:
    """Run *code* in a fresh interpreter; which of *modules* it left in ``sys.modules``."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {modules!r}}}))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter on our own probe
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded: dict[str, bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


# every public area but crmkit.testing, which is the testing extra
_AREAS = [
    "crmkit",
    "crmkit.activities",
    "crmkit.calendars",
    "crmkit.cli",
    "crmkit.contacts",
    "crmkit.dedupe",
    "crmkit.errors",
    "crmkit.expr",
    "crmkit.fields",
    "crmkit.importers",
    "crmkit.leads",
    "crmkit.permissions",
    "crmkit.pipeline",
    "crmkit.reports",
    "crmkit.storage",
    "crmkit.values",
]
# the libraries of the extras, by module name
_OPTIONAL = ("alembic", "hypothesis", "jdatetime", "openpyxl", "psycopg", "python_calamine")
_OPTIONAL += ("rich", "yaml", "icalendar")


@pytest.mark.parametrize("module", _AREAS)
def test_import_loads_no_sqlalchemy(module: str) -> None:
    """Importing an area of crmkit leaves SQLAlchemy unloaded."""
    loaded = _loaded_after(f"import {module}", ("sqlalchemy",))

    assert {"sqlalchemy": False} == loaded


@pytest.mark.parametrize("module", _AREAS)
def test_import_loads_no_library_of_an_extra(module: str) -> None:
    """Importing an area of crmkit loads none of the extras' libraries, so the core suffices."""
    loaded = _loaded_after(f"import {module}", _OPTIONAL)

    assert [] == [name for name, present in loaded.items() if present]


def test_import_crmkit_loads_only_the_records() -> None:
    """The package root leaves dedupe, the expression language and custom fields unloaded."""
    heavy = ("crmkit.dedupe", "crmkit.expr", "crmkit.fields", "rapidfuzz", "jellyfish")
    loaded = _loaded_after("import crmkit", heavy)

    assert [] == [name for name, present in loaded.items() if present]


def test_field_tables_load_when_first_used() -> None:
    """A built-in field table of crmkit.contacts is there when asked for, with its types."""
    code = "from crmkit.contacts import CONTACT_FIELDS\nassert CONTACT_FIELDS['id'] is not None"
    loaded = _loaded_after(code, ("crmkit.contacts._fields", "crmkit.fields"))

    assert {"crmkit.contacts._fields": True, "crmkit.fields": True} == loaded


def test_compile_loads_no_sqlalchemy() -> None:
    """Compiling and evaluating a formula leaves SQLAlchemy unloaded."""
    code = "import crmkit.expr\ncrmkit.expr.compile('a > 1', {'a': 'number'}).evaluate({'a': 2})"
    loaded = _loaded_after(code, ("sqlalchemy", "crmkit.expr._sql"))

    assert {"sqlalchemy": False, "crmkit.expr._sql": False} == loaded


def test_to_sql_loads_the_sql_compiler_when_first_used() -> None:
    """The first to_sql loads the SQL compiler and gives a SQLAlchemy clause."""
    code = (
        "import crmkit.expr\n"
        "expression = crmkit.expr.compile('a > 1', {'a': 'number'})\n"
        "import sqlalchemy as sa\n"
        "assert isinstance(expression.to_sql({'a': sa.column('a')}), sa.ColumnElement)\n"
    )
    loaded = _loaded_after(code, ("sqlalchemy", "crmkit.expr._sql"))

    assert {"sqlalchemy": True, "crmkit.expr._sql": True} == loaded


@pytest.mark.parametrize("name", ["SqlStore", "open_store", "alembic_config"])
def test_sql_store_names_load_the_sql_backend(name: str) -> None:
    """Asking crmkit.storage for a SQL name loads the SQL backend, and gives the real object."""
    code = f"import crmkit.storage\nfound = crmkit.storage.{name}\n"
    code += "from crmkit.storage import _sql\nassert found is getattr(_sql, found.__name__)"
    loaded = _loaded_after(code, ("sqlalchemy", "crmkit.storage._sql"))

    assert {"sqlalchemy": True, "crmkit.storage._sql": True} == loaded


def test_storage_refuses_unknown_names() -> None:
    """An unknown name in crmkit.storage is an AttributeError, as for any module."""
    with pytest.raises(AttributeError, match="has no attribute 'SqlStor'"):
        crmkit.storage.SqlStor  # type: ignore[attr-defined]  # noqa: B018
