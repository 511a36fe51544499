"""Funnel analytics in one pass over any iterable of deals."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from statistics import median
from typing import Any, Literal

from crmkit.errors import ValidationError
from crmkit.pipeline._config import StageKind
from crmkit.pipeline._deal import Deal, deals_arg, not_a_deal
from crmkit.pipeline._pipeline import Pipeline
from crmkit.values import Money

from ._report import ForecastLine, FunnelReport, SizeStats, StageFunnel

__all__ = ["GroupBy", "funnel", "funnel_by", "funnels"]

GroupBy = Literal["owner", "lead_source", "month", "quarter", "year"] | Callable[[Deal], str]
"""How :func:`funnel_by` groups deals: a deal field, the creation period, or a callable."""

_DAY = 86_400.0
_OPEN, _WON, _LOST = 0, 1, 2


class _Funnel:
    """Running totals for one pipeline; ``add`` takes one deal, ``report`` sums up."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        stages = pipeline.stages
        self.ids = [s.id for s in stages]
        n = len(stages)
        self.index = {s.id: i for i, s in enumerate(stages)}
        self.kinds = [
            _OPEN if s.kind is StageKind.OPEN else _WON if s.kind is StageKind.WON else _LOST
            for s in stages
        ]
        self.probability = [pipeline.probability(s.id) for s in stages]
        opens = [i for i in range(n) if self.kinds[i] == _OPEN]
        self.n_open = len(opens)
        # rank in funnel order: open stages 0..n_open-1, won stages beyond, lost never ahead
        self.rank = [0] * n
        for r, i in enumerate(opens):
            self.rank[i] = r
        for i in range(n):
            if self.kinds[i] == _WON:
                self.rank[i] = self.n_open
            elif self.kinds[i] == _LOST:
                self.rank[i] = -1
        self.next_open = {opens[k]: opens[k + 1] for k in range(len(opens) - 1)}
        self.last_open = opens[-1]
        self.current = [0] * n
        self.entered = [0] * n
        self.furthest = [0] * (self.n_open + 1)  # deals whose furthest rank is r
        self.to_next = [0] * n
        self.won_after = [0] * n  # deals that entered the stage and are won now
        self.won_by_furthest = [0] * (self.n_open + 1)
        self.stay_seconds = [0.0] * n
        self.stays = [0] * n
        self.advance_seconds = [0.0] * n
        self.advances = [0] * n
        self.deals = 0
        self.sizes: dict[str, list[Decimal]] = {}
        self.cycles: list[float] = []
        self.forecast: dict[tuple[str, str], list[Any]] = {}
        self.lost_reasons: dict[str, int] = {}

    def add(self, deal: Deal) -> None:  # noqa: PLR0915  # one inlined pass is the speed goal
        """Count one deal of this funnel's pipeline."""
        index = self.index
        pid = self.pipeline.id
        current = index.get(deal.stage_id, -1)
        if current < 0 or deal.pipeline_id != pid:
            return
        rank = self.rank
        kinds = self.kinds
        first: dict[int, int] = {}  # stage index -> position of first visit
        last: dict[int, int] = {}
        pending: dict[int, float] = {}  # stages waiting for a forward move: first entry time
        furthest = -1
        prev_i = -1
        prev_t = 0.0
        won_pos = -1
        stay_seconds = self.stay_seconds
        stays = self.stays
        advance_seconds = self.advance_seconds
        advances = self.advances
        pos = 0
        won_rank = self.n_open
        for change in deal.history:
            if change.pipeline_id != pid:
                prev_i = -1
                continue
            i = index.get(change.to_stage, -1)
            t = change.at.timestamp()
            if prev_i >= 0:
                stay_seconds[prev_i] += t - prev_t
                stays[prev_i] += 1
            if i < 0:
                prev_i = -1
                continue
            r = rank[i]
            if pending:
                for j in [j for j in pending if rank[j] < r]:
                    advance_seconds[j] += t - pending.pop(j)
                    advances[j] += 1
            if i not in first:
                first[i] = pos
                if r >= 0 and kinds[i] == _OPEN:
                    pending[i] = t
            last[i] = pos
            if r > furthest:  # noqa: PLR1730 - cheaper than max() on this hot path
                furthest = r
            if r == won_rank:
                won_pos = pos
            prev_i, prev_t = i, t
            pos += 1
        self.deals += 1
        self.current[current] += 1
        kind = kinds[current]
        entered = self.entered
        won = kind == _WON
        for i in first:
            entered[i] += 1
            if won:
                self.won_after[i] += 1
        if furthest >= 0:
            self.furthest[furthest] += 1
            if won:
                self.won_by_furthest[furthest] += 1
        to_next = self.to_next
        for i, p in first.items():
            if kinds[i] != _OPEN:
                continue
            if i == self.last_open:
                if won_pos > p:
                    to_next[i] += 1
            else:
                nxt = self.next_open[i]
                if last.get(nxt, -1) > p:
                    to_next[i] += 1
        amount = deal.amount
        if won:
            if amount is not None:
                self.sizes.setdefault(amount.currency, []).append(amount.amount)
            self.cycles.append((deal.history[-1].at - deal.created_at).total_seconds() / _DAY)
        elif kind == _OPEN:
            close = deal.close_date
            if amount is not None and close is not None:
                key = (f"{close.year:04d}-{close.month:02d}", amount.currency)
                line = self.forecast.get(key)
                weighted = amount.amount * self.probability[current]
                if line is None:
                    self.forecast[key] = [1, amount.amount, weighted]
                else:
                    line[0] += 1
                    line[1] += amount.amount
                    line[2] += weighted
        else:
            reason = deal.lost_reason or "(none)"
            self.lost_reasons[reason] = self.lost_reasons.get(reason, 0) + 1

    def report(self) -> FunnelReport:
        """Return the figures counted so far."""
        n_open = self.n_open
        reached_rank = [0] * (n_open + 1)
        won_reached_rank = [0] * (n_open + 1)
        running = won_running = 0
        for r in range(n_open, -1, -1):
            running += self.furthest[r]
            won_running += self.won_by_furthest[r]
            reached_rank[r] = running
            won_reached_rank[r] = won_running
        stages = []
        for i, stage in enumerate(self.pipeline.stages):
            kind = self.kinds[i]
            entered = self.entered[i]
            if kind == _OPEN:
                r = self.rank[i]
                reached = reached_rank[r]
                to_next = _share(self.to_next[i], entered)
                to_next_loose = _share(reached_rank[r + 1], reached)
                to_won_loose = _share(won_reached_rank[r], reached)
            else:
                reached = entered
                to_next = to_next_loose = None
                to_won_loose = _share(self.won_after[i], entered)
            stages.append(
                StageFunnel(
                    stage_id=stage.id,
                    name=stage.name or stage.id,
                    kind=stage.kind,
                    current=self.current[i],
                    entered=entered,
                    reached=reached,
                    to_next=to_next,
                    to_next_loose=to_next_loose,
                    to_won=_share(self.won_after[i], entered),
                    to_won_loose=to_won_loose,
                    average_days=_mean(self.stay_seconds[i], self.stays[i]),
                    days_to_advance=_mean(self.advance_seconds[i], self.advances[i]),
                )
            )
        won = sum(self.current[i] for i in range(len(self.ids)) if self.kinds[i] == _WON)
        lost = sum(self.current[i] for i in range(len(self.ids)) if self.kinds[i] == _LOST)
        sizes = []
        for currency in sorted(self.sizes):
            values = self.sizes[currency]
            total = sum(values, Decimal(0))
            sizes.append(
                SizeStats(
                    currency=currency,
                    count=len(values),
                    total=Money(total, currency),
                    average=Money(total / len(values), currency),
                    median=Money(median(values), currency),
                )
            )
        forecast = [
            ForecastLine(month, currency, n, Money(amount, currency), Money(weighted, currency))
            for (month, currency), (n, amount, weighted) in sorted(self.forecast.items())
        ]
        reasons = sorted(self.lost_reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        return FunnelReport(
            pipeline_id=self.pipeline.id,
            deals=self.deals,
            open=self.deals - won - lost,
            won=won,
            lost=lost,
            win_rate=_share(won, won + lost),
            stages=tuple(stages),
            sizes=tuple(sizes),
            median_cycle_days=median(self.cycles) if self.cycles else None,
            forecast=tuple(forecast),
            lost_reasons=tuple(reasons),
        )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(total: float, count: int) -> float | None:
    return total / count / _DAY if count else None


def funnel(deals: Iterable[Deal], pipeline: Pipeline) -> FunnelReport:
    """Compute a pipeline's funnel figures in one pass over *deals*.

    Deals of other pipelines are skipped, so *deals* may be a whole store's
    (a store's ``deals.find_all()`` streams them page by page). History entries in other pipelines
    (before a transfer) are ignored.

    Raises:
        ValidationError: if *pipeline* is not a :class:`~crmkit.pipeline.Pipeline`, or
            *deals* is not an iterable of deals.
    """
    acc = _Funnel(_checked(pipeline))
    add = acc.add
    for deal in deals_arg(deals):
        if deal.__class__ is not Deal:
            not_a_deal(deal)
        add(deal)
    return acc.report()


def funnels(deals: Iterable[Deal], pipelines: Mapping[str, Pipeline]) -> dict[str, FunnelReport]:
    """Compute each pipeline's funnel figures in one pass over deals of several pipelines.

    Returns:
        A report per pipeline id, in the order of *pipelines*; deals of pipelines not in
        *pipelines* are skipped.

    Raises:
        ValidationError: if *pipelines* is not a mapping of pipelines (a
            :class:`~crmkit.pipeline.Pipelines` is one), or *deals* is not an iterable of
            deals.
    """
    if not isinstance(pipelines, Mapping):
        raise ValidationError(
            type(pipelines).__name__, "expected a mapping of pipelines by id", field="pipelines"
        )
    accs = {pid: _Funnel(_checked(p)) for pid, p in pipelines.items()}
    for deal in deals_arg(deals):
        if deal.__class__ is not Deal:
            not_a_deal(deal)
        acc = accs.get(deal.pipeline_id)
        if acc is not None:
            acc.add(deal)
    return {pid: acc.report() for pid, acc in accs.items()}


def _period(by: str) -> Callable[[Deal], str]:
    def month(deal: Deal) -> str:
        return f"{deal.created_at.year:04d}-{deal.created_at.month:02d}"

    def quarter(deal: Deal) -> str:
        return f"{deal.created_at.year:04d}-Q{(deal.created_at.month - 1) // 3 + 1}"

    def year(deal: Deal) -> str:
        return f"{deal.created_at.year:04d}"

    def owner(deal: Deal) -> str:
        return deal.owner_id or ""

    def lead_source(deal: Deal) -> str:
        return deal.lead_source or ""

    keys: dict[str, Callable[[Deal], str]] = {
        "month": month,
        "quarter": quarter,
        "year": year,
        "owner": owner,
        "lead_source": lead_source,
    }
    if by not in keys:
        raise ValidationError(
            by, "expected owner, lead_source, month, quarter, year or a callable", field="by"
        )
    return keys[by]


def funnel_by(deals: Iterable[Deal], pipeline: Pipeline, by: GroupBy) -> dict[str, FunnelReport]:
    """Compute a pipeline's funnel figures per group, in one pass over *deals*.

    Args:
        deals: any iterable of deals; other pipelines' deals are skipped.
        pipeline: the pipeline.
        by: ``"owner"`` or ``"lead_source"`` (blank groups as ``""``), ``"month"``,
            ``"quarter"`` or ``"year"`` of creation, or a callable giving a deal's group.

    Returns:
        A report per group, groups sorted.

    Raises:
        ValidationError: for an unknown *by*, a *pipeline* that is not a Pipeline, or
            *deals* that are not an iterable of deals.
    """
    key = by if callable(by) else _period(by)
    checked = _checked(pipeline)
    pid = checked.id
    accs: dict[str, _Funnel] = {}
    for deal in deals_arg(deals):
        if deal.__class__ is not Deal:
            not_a_deal(deal)
        if deal.pipeline_id != pid:
            continue
        group = key(deal)
        acc = accs.get(group)
        if acc is None:
            acc = accs[group] = _Funnel(checked)
        acc.add(deal)
    return {group: accs[group].report() for group in sorted(accs)}


def _checked(pipeline: object) -> Pipeline:
    if not isinstance(pipeline, Pipeline):
        raise ValidationError(type(pipeline).__name__, "expected a Pipeline", field="pipeline")
    return pipeline
