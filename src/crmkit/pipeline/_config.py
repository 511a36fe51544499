"""Pipeline configuration: plain attrs data that converts to and from dicts, JSON and YAML."""

from __future__ import annotations

import enum
from decimal import Decimal

from attrs import field, frozen

__all__ = [
    "ForecastCategory",
    "Guard",
    "PipelineConfig",
    "Stage",
    "StageKind",
    "TimeRule",
    "Transitions",
]


class StageKind(enum.StrEnum):
    """What reaching a stage means for the deal."""

    OPEN = "open"
    """The deal is still being worked."""
    WON = "won"
    """The deal closed and was won."""
    LOST = "lost"
    """The deal closed and was lost; entering needs a lost reason."""


class ForecastCategory(enum.StrEnum):
    """Where a stage's deals count in a forecast."""

    PIPELINE = "pipeline"
    BEST_CASE = "best_case"
    COMMIT = "commit"
    CLOSED = "closed"
    OMITTED = "omitted"


@frozen(kw_only=True)
class Guard:
    """A condition a deal must meet to enter a stage.

    Attributes:
        expression: a crmkit expression over the deal's fields that must be TRUE
            (``NOT(ISBLANK(amount))``, ``close_date >= TODAY()``); blank counts as not met.
        message: what to tell the person moving the deal when it is not met.
    """

    expression: str
    message: str


@frozen(kw_only=True)
class TimeRule:
    """A time-triggered action for deals sitting in a stage.

    Exactly one of *after_days* and *before_close_days* is set.

    Attributes:
        action: the name of the action a host scheduler should run.
        after_days: due this many days after the deal entered the stage.
        before_close_days: due this many days before the deal's ``close_date``.
    """

    action: str
    after_days: int | None = None
    before_close_days: int | None = None


@frozen(kw_only=True)
class Stage:
    """One stage of a pipeline.

    Attributes:
        id: the stable key deals store in ``stage_id``.
        name: the label people see.
        kind: open, won or lost.
        probability: chance of winning a deal in this stage, from 0 to 1; by default 1 for
            won stages and 0 otherwise. Won stages must say 1, lost stages 0.
        forecast_category: where the stage counts in a forecast; by default ``closed`` for
            won, ``omitted`` for lost and ``pipeline`` for open stages.
        rot_after: days a deal may sit in the stage before it counts as rotting.
        required: deal fields (or custom fields) that must be filled in to enter the stage.
        guards: conditions that must hold to enter the stage.
        on_enter: names of actions to run after a deal enters the stage, in order.
        on_exit: names of actions to run after a deal leaves the stage, in order.
        timers: time-triggered actions while a deal is in the stage.
    """

    id: str
    name: str = ""
    kind: StageKind = StageKind.OPEN
    probability: Decimal | None = None
    forecast_category: ForecastCategory | None = None
    rot_after: int | None = None
    required: tuple[str, ...] = ()
    guards: tuple[Guard, ...] = ()
    on_enter: tuple[str, ...] = ()
    on_exit: tuple[str, ...] = ()
    timers: tuple[TimeRule, ...] = ()


@frozen(kw_only=True)
class Transitions:
    """Which moves between stages a pipeline allows.

    With no *graph*, any stage may follow any other, limited by the two flags. Open stages
    are ordered as listed; moving to a won or lost stage from an open one is a close, never a
    skip.

    Attributes:
        allow_skip: whether a deal may jump forward over open stages.
        allow_backward: whether a deal may go back to an earlier open stage, or leave a won
            or lost stage (reopen).
        graph: when given, the only moves allowed: stage id to the stage ids it may move to.
    """

    allow_skip: bool = True
    allow_backward: bool = True
    graph: dict[str, tuple[str, ...]] | None = None


@frozen(kw_only=True)
class PipelineConfig:
    """A pipeline as configured: stages in order, transition rules, custom field types.

    Attributes:
        id: the stable key deals store in ``pipeline_id``.
        name: the label people see.
        version: raised by whoever edits the configuration.
        stages: the stages, in funnel order.
        transitions: which moves are allowed.
        fields: types of the custom fields guards may read (``{"discount": "number"}``).
    """

    id: str
    stages: tuple[Stage, ...]
    name: str = ""
    version: int = 1
    transitions: Transitions = field(factory=Transitions)
    fields: dict[str, str] = field(factory=dict)
