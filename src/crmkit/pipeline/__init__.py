"""Sales pipelines: deals, stages with guarded transitions, actions, time rules and history.

Funnel figures and forecasts are in :mod:`crmkit.pipeline.analytics`.
"""

from ._actions import ActionFailure, StageAction, run_actions
from ._config import (
    ForecastCategory,
    Guard,
    PipelineConfig,
    Stage,
    StageKind,
    TimeRule,
    Transitions,
)
from ._deal import Deal, DealContact, StageChange
from ._deal_fields import DEAL_FIELDS
from ._enforce import enforce_move
from ._events import MoveCheck, MoveProblem, ProblemKind, StageChanged
from ._fields import deal_field_types
from ._pipeline import Pipeline
from ._pipelines import Pipelines
from ._timers import DueAction, RottingDeal

__all__ = [
    "DEAL_FIELDS",
    "ActionFailure",
    "Deal",
    "DealContact",
    "DueAction",
    "ForecastCategory",
    "Guard",
    "MoveCheck",
    "MoveProblem",
    "Pipeline",
    "PipelineConfig",
    "Pipelines",
    "ProblemKind",
    "RottingDeal",
    "Stage",
    "StageAction",
    "StageChange",
    "StageChanged",
    "StageKind",
    "TimeRule",
    "Transitions",
    "deal_field_types",
    "enforce_move",
    "run_actions",
]
