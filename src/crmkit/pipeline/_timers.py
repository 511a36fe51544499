"""Time rules: deals rotting in a stage, and time-triggered actions falling due."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, time, timedelta

from attrs import frozen

from crmkit._record import aware

from ._compile import CompiledStage
from ._config import TimeRule
from ._deal import Deal, deals_arg, not_a_deal

__all__ = ["DueAction", "PipelineTimeRules", "RottingDeal", "due_actions", "rotting_deals"]


@frozen
class RottingDeal:
    """A deal idle in its stage for longer than the stage allows.

    Attributes:
        deal: the deal.
        stage_id: the stage it sits in.
        idle: how long it has been there.
        rot_after: the days the stage allows.
    """

    deal: Deal
    stage_id: str
    idle: timedelta
    rot_after: int

    @property
    def idle_days(self) -> int:
        """Whole days idle."""
        return self.idle.days


@frozen
class DueAction:
    """A time-triggered action that has fallen due for a deal; the host runs it.

    Attributes:
        deal: the deal.
        action: the action's name.
        stage_id: the stage whose rule it is.
        due_at: when it fell due.
        rule: the rule that produced it.
    """

    deal: Deal
    action: str
    stage_id: str
    due_at: datetime
    rule: TimeRule

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identifies the occurrence: deal, stage entry time, action and due time.

        A scheduler that remembers keys runs each occurrence once, even without ``since``.
        """
        entered = self.deal.history[-1].at.isoformat()
        return (self.deal.id, entered, self.action, self.due_at.isoformat())


def rotting_deals(
    pipeline_id: str,
    stages: Mapping[str, CompiledStage],
    deals: Iterable[Deal],
    now: datetime,
) -> list[RottingDeal]:
    """Return the deals of *pipeline_id* idle longer than their stage's ``rot_after``."""
    out = []
    for deal in deals_arg(deals):
        if deal.__class__ is not Deal:
            not_a_deal(deal)
        if deal.pipeline_id != pipeline_id:
            continue
        stage = stages.get(deal.stage_id)
        if stage is None or stage.config.rot_after is None:
            continue
        idle = now - deal.history[-1].at
        if idle > timedelta(days=stage.config.rot_after):
            out.append(RottingDeal(deal, deal.stage_id, idle, stage.config.rot_after))
    return out


def _due_at(deal: Deal, rule: TimeRule) -> datetime | None:
    entered = deal.history[-1].at
    if rule.after_days is not None:
        return entered + timedelta(days=rule.after_days)
    if deal.close_date is None or rule.before_close_days is None:
        return None
    day = deal.close_date - timedelta(days=rule.before_close_days)
    # A deal that enters the stage already inside the window is due on entry.
    return max(datetime.combine(day, time(0), UTC), entered)


def due_actions(
    pipeline_id: str,
    stages: Mapping[str, CompiledStage],
    deals: Iterable[Deal],
    now: datetime,
    since: datetime | None,
) -> list[DueAction]:
    """Return the time-triggered actions of *pipeline_id*'s deals due by *now*.

    A rule belongs to the deal's current stage. A close-date rule whose day passed before
    the deal entered the stage falls due on entry.
    """
    out = []
    for deal in deals_arg(deals):
        if deal.__class__ is not Deal:
            not_a_deal(deal)
        if deal.pipeline_id != pipeline_id:
            continue
        stage = stages.get(deal.stage_id)
        if stage is None or not stage.timers:
            continue
        for rule in stage.timers:
            due_at = _due_at(deal, rule)
            if due_at is None or due_at > now:
                continue
            if since is not None and due_at <= since:
                continue
            out.append(DueAction(deal, rule.action, deal.stage_id, due_at, rule))
    out.sort(key=lambda d: (d.due_at, d.deal.id, d.action))
    return out


class PipelineTimeRules:
    """The time rules of a :class:`Pipeline`: rotting deals and actions falling due."""

    __slots__ = ()

    _id: str
    _stages: dict[str, CompiledStage]

    def rotting(self, deals: Iterable[Deal], now: datetime) -> list[RottingDeal]:
        """List this pipeline's deals idle in their stage longer than its ``rot_after``.

        Deals of other pipelines and deals in stages without ``rot_after`` are skipped.

        Raises:
            ValidationError: if *deals* is not an iterable of deals, or *now* is not a
                timezone-aware datetime.
        """
        return rotting_deals(self._id, self._stages, deals, aware(now))

    def due(
        self, deals: Iterable[Deal], now: datetime, *, since: datetime | None = None
    ) -> list[DueAction]:
        """List the time-triggered actions due for this pipeline's deals at *now*.

        Pure: a host scheduler runs them. With *since* (the previous run), only actions
        that fell due after it are listed, so a periodic run lists each action once.

        Raises:
            ValidationError: if *deals* is not an iterable of deals, or *now* or *since* is
                not a timezone-aware datetime.
        """
        start = None if since is None else aware(since)
        return due_actions(self._id, self._stages, deals, aware(now), start)
