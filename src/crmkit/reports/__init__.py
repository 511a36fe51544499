"""Reports as data, run as one SQL query: groupings, date buckets and figures over deals.

A :class:`Report` says which records (a filter in the expression language), how to group
them (by a field, or a date bucket) and what to add up (count, count distinct, sum, average,
minimum, maximum); :func:`run_report` runs it on a store, as one GROUP BY statement on a SQL
store and in Python on a memory store, with the same rows. See ``docs/reports.md``.
"""

from ._model import BUCKETS, OPERATIONS, PRIMARY_OBJECTS, WEEKDAYS, Aggregate, Grouping, Report
from ._result import ReportResult, ReportRow
from ._run import check_report, run_report
from ._stock import FunnelStage, StockFunnel, funnel_report, stock_funnel

__all__ = [
    "BUCKETS",
    "OPERATIONS",
    "PRIMARY_OBJECTS",
    "WEEKDAYS",
    "Aggregate",
    "FunnelStage",
    "Grouping",
    "Report",
    "ReportResult",
    "ReportRow",
    "StockFunnel",
    "check_report",
    "funnel_report",
    "run_report",
    "stock_funnel",
]
