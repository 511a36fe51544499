"""Running a report on a store: one SQL statement on a SQL store, Python on any other."""

from __future__ import annotations

import sys
from typing import Any

from crmkit.errors import ValidationError
from crmkit.storage import Store
from crmkit.storage._deals import DEAL
from crmkit.storage._kinds import RecordKind
from crmkit.storage._schemas import filter_types

from ._model import Report
from ._plan import Plan, plan
from ._python import python_rows
from ._result import ReportResult

__all__ = ["check_report", "run_report"]

# each primary object with its record kind: contacts, companies and activities join here
_KINDS: dict[str, RecordKind[Any]] = {"deals": DEAL}


def check_report(store: Store, report: Report) -> Plan:
    """Check *report* against the fields of *store*'s records; return what runs.

    Raises:
        ValidationError: if *report* is not a :class:`Report`.
        ConfigError: for a field, aggregate or grouping that does not fit the store's
            schema (see :func:`run_report`).
        FormulaError: for a filter or a figure's condition that does not compile.
    """
    if not isinstance(report, Report):
        raise ValidationError(type(report).__name__, "expected a Report", field="report")
    kind = _KINDS[report.primary]
    return plan(report, filter_types(store.schema(kind.name)))


def _is_sql(store: object) -> bool:
    # a SqlStore exists only once its module is loaded; a memory store never loads it
    module = sys.modules.get("crmkit.storage._sql._store")
    return module is not None and isinstance(store, module.SqlStore)


def run_report(store: Store, report: Report) -> ReportResult:
    """Run *report* on *store* and return its rows.

    On a :class:`~crmkit.storage.SqlStore` (SQLite or PostgreSQL) the report is one SQL
    statement, a GROUP BY inside the database; on any other store (a memory store) the
    records the filter selects are read through its ``find_all`` and added up in Python.
    Both give the same rows.

    Raises:
        ValidationError: if *report* is not a :class:`Report`.
        ConfigError: for an unknown field (``reports.unknown_field``), an aggregate that
            does not fit its field's type (``reports.aggregate_type``), a bucket on a field
            that is not a date (``reports.group_type``), figures over two money fields
            (``reports.money_fields``); the error's ``path`` names the bad part.
        FormulaError: for a filter or a figure's condition that does not compile.
    """
    checked = check_report(store, report)
    kind = _KINDS[report.primary]
    if _is_sql(store):
        from ._sql import sql_rows  # noqa: PLC0415 - SQLAlchemy only for a SQL store

        rows, truncated, sql = sql_rows(store, kind, checked)  # type: ignore[arg-type]  # a SqlStore
        return ReportResult(report, tuple(rows), truncated, sql)
    repository = store.repository(kind.name)
    # the filter as text, as every store's find_all takes it
    records = repository.find_all(report.where)
    found, truncated = python_rows(checked, kind, records)
    return ReportResult(report, tuple(found), truncated)
