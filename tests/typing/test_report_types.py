"""The reports API's types say what they mean.

mypy checks these (``mypy --strict tests/typing``); at run time each ``assert_type`` is a
no-op, so this file also runs as an ordinary test.
"""

from __future__ import annotations

from typing import Any, assert_type

from crmkit.pipeline import Pipeline
from crmkit.reports import (
    Aggregate,
    FunnelStage,
    Grouping,
    Report,
    ReportResult,
    ReportRow,
    StockFunnel,
    funnel_report,
    run_report,
    stock_funnel,
)
from crmkit.storage import MemoryStore


def test_report_types() -> None:
    """Reports, their data, their rows and the stock funnel are typed."""
    pipeline = Pipeline.from_dict({"id": "p", "stages": [{"id": "a"}, {"id": "w", "kind": "won"}]})
    store = MemoryStore()
    store.use_pipelines([pipeline])
    report = Report(group_by=[Grouping("owner_id")], aggregates=[Aggregate("sum", "amount")])

    assert_type(report.to_dict(), dict[str, Any])
    assert_type(Report.from_dict(report.to_dict()), Report)
    result = run_report(store, report)
    assert_type(result, ReportResult)
    assert_type(result.rows, tuple[ReportRow, ...])
    assert_type(result.truncated, bool)
    assert_type(result.sql, str | None)
    assert_type(result.to_rows(), list[dict[str, object]])
    assert_type(report.group_by[0].key, str)
    assert_type(funnel_report(pipeline), Report)
    stock = stock_funnel(store, pipeline)
    assert_type(stock, StockFunnel)
    assert_type(stock.stage("a"), FunnelStage)
    assert_type(stock.stage("a").conversion, float | None)
