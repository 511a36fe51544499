"""The typed results of funnel analytics, with rows for CSV export."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from attrs import frozen

from crmkit.errors import ValidationError
from crmkit.pipeline._config import StageKind
from crmkit.values import Money

__all__ = ["ForecastLine", "FunnelReport", "Part", "SizeStats", "StageFunnel", "rows_by_group"]

Part = Literal["summary", "stages", "sizes", "forecast", "lost_reasons"]
"""Which table of a report :meth:`FunnelReport.to_rows` returns."""


@frozen
class StageFunnel:
    """Funnel figures of one stage.

    Attributes:
        stage_id: the stage.
        name: its label.
        kind: open, won or lost.
        current: deals in the stage now.
        entered: deals that were in the stage at some time (strict count).
        reached: deals that got at least this far in funnel order, skipping stages
            included (loose count; for won and lost stages, equal to ``entered``).
        to_next: of the deals that entered the stage, the share that later entered the next
            stage (the next open stage, or a won stage after the last open one); None when
            no deal entered it, or for won and lost stages.
        to_next_loose: ``reached`` of the next stage over ``reached`` of this one.
        to_won: of the deals that entered the stage, the share won now.
        to_won_loose: of the deals that reached the stage, the share won now.
        average_days: average length of the finished stays in the stage, in days.
        days_to_advance: average days from first entering the stage to first entering a
            later stage in funnel order (the stage's velocity).
    """

    stage_id: str
    name: str
    kind: StageKind
    current: int
    entered: int
    reached: int
    to_next: float | None
    to_next_loose: float | None
    to_won: float | None
    to_won_loose: float | None
    average_days: float | None
    days_to_advance: float | None


@frozen
class SizeStats:
    """Sizes of won deals in one currency.

    Attributes:
        currency: the ISO 4217 code.
        count: won deals with an amount in this currency.
        total: their sum.
        average: their mean.
        median: their median.
    """

    currency: str
    count: int
    total: Money
    average: Money
    median: Money


@frozen
class ForecastLine:
    """Open deals expected to close in one month, in one currency.

    Attributes:
        month: the expected close month, ``YYYY-MM``.
        currency: the ISO 4217 code.
        count: open deals with an amount and a close date in that month.
        amount: their total amount.
        weighted: the sum of amount times the probability of each deal's stage.
    """

    month: str
    currency: str
    count: int
    amount: Money
    weighted: Money


def _money(value: Money, locale: str | None) -> object:
    return value.format(locale) if locale else str(value.amount)


def _ratio(value: float | None) -> object:
    return None if value is None else round(value, 6)


@frozen
class FunnelReport:
    """Funnel, conversion, size, cycle, forecast and lost-reason figures for a set of deals.

    Attributes:
        pipeline_id: the pipeline the figures are for.
        deals: how many deals were counted.
        open: deals in open stages now.
        won: deals in won stages now.
        lost: deals in lost stages now.
        win_rate: won over won plus lost; None when none is closed.
        stages: figures per stage, in funnel order.
        sizes: won deal sizes per currency, by currency code.
        median_cycle_days: median days from creation to winning, over won deals.
        forecast: weighted forecast of open deals by expected close month and currency.
        lost_reasons: each lost reason with its count, most frequent first.
    """

    pipeline_id: str
    deals: int
    open: int
    won: int
    lost: int
    win_rate: float | None
    stages: tuple[StageFunnel, ...]
    sizes: tuple[SizeStats, ...]
    median_cycle_days: float | None
    forecast: tuple[ForecastLine, ...]
    lost_reasons: tuple[tuple[str, int], ...]

    def stage(self, stage_id: str) -> StageFunnel:
        """Return the figures of *stage_id*.

        Raises:
            ValidationError: if the report has no such stage.
        """
        for stage in self.stages:
            if stage.stage_id == stage_id:
                return stage
        known = ", ".join(s.stage_id for s in self.stages)
        raise ValidationError(
            stage_id, f"no such stage in the report (stages: {known})", field="stage_id"
        )

    def to_rows(
        self, part: Part = "stages", *, locale: str | None = None
    ) -> list[dict[str, object]]:
        """Return one table of the report as rows (dicts with the same keys), for CSV.

        Args:
            part: ``"summary"`` (one row), ``"stages"``, ``"sizes"``, ``"forecast"`` or
                ``"lost_reasons"``.
            locale: format money for people reading this locale (``"de_DE"``); by
                default amounts are plain decimal text next to a currency column.

        Raises:
            ValidationError: for an unknown *part*.
        """
        builders = {
            "summary": self._summary_rows,
            "stages": self._stage_rows,
            "sizes": lambda: self._size_rows(locale),
            "forecast": lambda: self._forecast_rows(locale),
            "lost_reasons": self._lost_reason_rows,
        }
        build = builders.get(part)
        if build is None:
            known = "summary, stages, sizes, forecast or lost_reasons"
            raise ValidationError(part, f"unknown part; expected {known}", field="part")
        return build()

    def _summary_rows(self) -> list[dict[str, object]]:
        return [
            {
                "pipeline": self.pipeline_id,
                "deals": self.deals,
                "open": self.open,
                "won": self.won,
                "lost": self.lost,
                "win_rate": _ratio(self.win_rate),
                "median_cycle_days": _ratio(self.median_cycle_days),
            }
        ]

    def _stage_rows(self) -> list[dict[str, object]]:
        return [
            {
                "stage": s.stage_id,
                "name": s.name,
                "kind": s.kind.value,
                "current": s.current,
                "entered": s.entered,
                "reached": s.reached,
                "to_next": _ratio(s.to_next),
                "to_next_loose": _ratio(s.to_next_loose),
                "to_won": _ratio(s.to_won),
                "to_won_loose": _ratio(s.to_won_loose),
                "average_days": _ratio(s.average_days),
                "days_to_advance": _ratio(s.days_to_advance),
            }
            for s in self.stages
        ]

    def _size_rows(self, locale: str | None) -> list[dict[str, object]]:
        return [
            {
                "currency": z.currency,
                "count": z.count,
                "total": _money(z.total, locale),
                "average": _money(z.average, locale),
                "median": _money(z.median, locale),
            }
            for z in self.sizes
        ]

    def _forecast_rows(self, locale: str | None) -> list[dict[str, object]]:
        return [
            {
                "month": f.month,
                "currency": f.currency,
                "count": f.count,
                "amount": _money(f.amount, locale),
                "weighted": _money(f.weighted, locale),
            }
            for f in self.forecast
        ]

    def _lost_reason_rows(self) -> list[dict[str, object]]:
        return [{"reason": r, "count": n} for r, n in self.lost_reasons]


def rows_by_group(
    reports: Mapping[str, FunnelReport],
    part: Part = "stages",
    *,
    column: str = "group",
    locale: str | None = None,
) -> list[dict[str, object]]:
    """Return the *part* rows of several reports in one table, with a column naming the group.

    Raises:
        ValidationError: for an unknown *part*, or *reports* that is not a mapping of
            reports (as :func:`funnel_by` and :func:`funnels` return).
    """
    if not isinstance(reports, Mapping):
        raise ValidationError(
            type(reports).__name__, "expected a mapping of FunnelReport by group", field="reports"
        )
    rows: list[dict[str, object]] = []
    for key, report in reports.items():
        if not isinstance(report, FunnelReport):
            raise ValidationError(
                type(report).__name__, f"expected a FunnelReport for group {key!r}", field="reports"
            )
        rows.extend({column: key, **row} for row in report.to_rows(part, locale=locale))
    return rows
