"""Stock reports: the funnel of a pipeline by stage, from one grouped query.

The stock funnel counts where deals are now (a snapshot), so it is one GROUP BY: deals and
amounts per stage, and the conversion from each open stage to the next computed from those
counts, reading the pipeline's stage order. :func:`crmkit.pipeline.analytics.funnel` reads
every deal's history instead (entered, reached, days in stage), at the cost of streaming
every deal into Python.
"""

from __future__ import annotations

from itertools import pairwise

from attrs import frozen

from crmkit.errors import ValidationError
from crmkit.pipeline import Pipeline, StageKind
from crmkit.storage import Store
from crmkit.values import Money

from ._model import Aggregate, Grouping, Report
from ._result import ReportResult
from ._run import run_report

__all__ = ["FunnelStage", "StockFunnel", "funnel_report", "stock_funnel"]


@frozen
class FunnelStage:
    """One stage of a stock funnel.

    Attributes:
        stage_id: the stage.
        name: its label.
        kind: open, won or lost.
        count: deals in the stage now.
        amounts: the sum of their amounts, one Money per currency, by currency code.
        at_or_beyond: for an open stage, the deals now in it or in a later stage of the
            funnel (later open stages and won stages); for a won or lost stage, ``count``.
        conversion: for an open stage, ``at_or_beyond`` of the next open stage (of the won
            stages, after the last open one) over this stage's; None for won and lost
            stages, or when no deal is at or beyond the stage.
        drop_off: ``1 - conversion``, the share that did not get further; None with it.
    """

    stage_id: str
    name: str
    kind: StageKind
    count: int
    amounts: tuple[Money, ...]
    at_or_beyond: int
    conversion: float | None
    drop_off: float | None


@frozen
class StockFunnel:
    """A pipeline's funnel from where its deals are now.

    Attributes:
        pipeline_id: the pipeline.
        deals: deals counted.
        open: deals in open stages now.
        won: deals in won stages now.
        lost: deals in lost stages now.
        win_rate: won over won plus lost; None when none is closed.
        stages: each stage, in the pipeline's order.
        result: the grouped rows the figures were computed from (with the SQL, on a SQL store).
    """

    pipeline_id: str
    deals: int
    open: int
    won: int
    lost: int
    win_rate: float | None
    stages: tuple[FunnelStage, ...]
    result: ReportResult

    def stage(self, stage_id: str) -> FunnelStage:
        """Return the figures of *stage_id*.

        Raises:
            ValidationError: if the pipeline has no such stage.
        """
        for stage in self.stages:
            if stage.stage_id == stage_id:
                return stage
        raise ValidationError(stage_id, "no such stage in the funnel", field="stage_id")


def _text(value: str) -> str:
    """*value* as a text literal of the expression language."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def funnel_report(pipeline: Pipeline, where: str | None = None) -> Report:
    """Return the report behind :func:`stock_funnel`: deals and amounts by stage.

    Args:
        pipeline: the pipeline whose deals to count.
        where: a filter further selecting the deals (``owner_id = 'ann'``).

    Raises:
        ValidationError: if *pipeline* is not a Pipeline.
    """
    if not isinstance(pipeline, Pipeline):
        raise ValidationError(type(pipeline).__name__, "expected a Pipeline", field="pipeline")
    selected = f"pipeline_id = {_text(pipeline.id)}"
    if where is not None:
        selected = f"AND({selected}, {where})"
    return Report(
        where=selected,
        group_by=[Grouping("stage_id")],
        aggregates=[Aggregate("count", name="deals"), Aggregate("sum", "amount", name="amount")],
        # a row per stage and currency: room for every ISO 4217 currency, and blank
        limit=300 * len(pipeline.stages),
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def stock_funnel(store: Store, pipeline: Pipeline, where: str | None = None) -> StockFunnel:
    """Compute *pipeline*'s funnel by stage on *store*, from one grouped query.

    Raises:
        ValidationError: if *pipeline* is not a Pipeline.
        FormulaError: for a *where* that does not compile.
    """
    report = funnel_report(pipeline, where)
    result = run_report(store, report)
    counts: dict[str, int] = {}
    amounts: dict[str, list[Money]] = {}
    for row in result.rows:
        stage_id = str(row.groups["stage_id"])
        n = row.values["deals"]
        assert isinstance(n, int)  # noqa: S101 - a count
        counts[stage_id] = counts.get(stage_id, 0) + n
        total = row.values["amount"]
        if isinstance(total, Money):
            amounts.setdefault(stage_id, []).append(total)
    stages = pipeline.stages
    won = sum(counts.get(s.id, 0) for s in stages if s.kind is StageKind.WON)
    lost = sum(counts.get(s.id, 0) for s in stages if s.kind is StageKind.LOST)
    opens = [s for s in stages if s.kind is StageKind.OPEN]
    beyond: dict[str, int] = {}
    running = won
    for stage in reversed(opens):
        running += counts.get(stage.id, 0)
        beyond[stage.id] = running
    following = {s.id: beyond[n.id] for s, n in pairwise(opens)}
    if opens:
        following[opens[-1].id] = won
    out = []
    for stage in stages:
        count = counts.get(stage.id, 0)
        conversion = None
        if stage.kind is StageKind.OPEN:
            conversion = _share(following[stage.id], beyond[stage.id])
        out.append(
            FunnelStage(
                stage_id=stage.id,
                name=stage.name or stage.id,
                kind=stage.kind,
                count=count,
                amounts=tuple(sorted(amounts.get(stage.id, []), key=lambda m: m.currency)),
                at_or_beyond=beyond.get(stage.id, count),
                conversion=conversion,
                drop_off=None if conversion is None else 1 - conversion,
            )
        )
    total = sum(counts.values())
    return StockFunnel(
        pipeline_id=pipeline.id,
        deals=total,
        open=total - won - lost,
        won=won,
        lost=lost,
        win_rate=_share(won, won + lost),
        stages=tuple(out),
        result=result,
    )
