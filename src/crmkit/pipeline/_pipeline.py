"""The compiled pipeline: built once from its configuration, shared by every deal in it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from crmkit.errors import ConfigError, ErrorCode, TransitionDenied, ValidationError

from ._actions import ActionFailure, StageAction, run_actions
from ._compile import compile_stages
from ._config import PipelineConfig, Stage
from ._deal import Deal
from ._events import StageChanged
from ._load import load_config, unstructure_config
from ._moves import PipelineMoves
from ._timers import PipelineTimeRules

__all__ = ["Pipeline"]

_NO_ACTIONS: Mapping[str, StageAction] = {}


class Pipeline(PipelineMoves, PipelineTimeRules):
    """A sales pipeline, compiled once and shared by every deal in it.

    Build one with :meth:`from_dict`, :meth:`from_yaml`, :meth:`from_json` or from a
    :class:`PipelineConfig`. A pipeline is immutable; deals keep their stage as a plain field
    and the pipeline decides whether it may change. Guards are compiled and action names
    checked when the pipeline is built.

    Args:
        config: the configuration.
        actions: the host's actions by name; every action the configuration names must be
            here.

    Raises:
        ConfigError: naming the path of a bad value (``stages[3].guards[0].expression``).
    """

    __slots__ = ("_actions", "_by_id", "_config", "_fields", "_hash", "_id", "_stages")

    def __init__(self, config: PipelineConfig, *, actions: Mapping[str, StageAction] | None = None):
        if not isinstance(config, PipelineConfig):
            raise ConfigError("", f"expected a PipelineConfig, not {type(config).__name__}")
        self._actions: Mapping[str, StageAction] = dict(actions) if actions else _NO_ACTIONS
        self._config = config
        self._stages, self._fields = compile_stages(config, self._actions)
        self._id = config.id
        self._by_id = {s.id: s for s in config.stages}
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        self._hash = hashlib.sha256(canonical.encode()).hexdigest()

    # -- building ------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any, *, actions: Mapping[str, StageAction] | None = None) -> Pipeline:
        """Build a pipeline from plain data (as :meth:`to_dict` makes, or written by hand).

        Raises:
            ConfigError: naming the path of a bad value (``stages[3].probability``).
        """
        return cls(load_config(data), actions=actions)

    @classmethod
    def from_json(cls, text: str, *, actions: Mapping[str, StageAction] | None = None) -> Pipeline:
        """Build a pipeline from JSON text.

        Raises:
            ConfigError: for text that is not JSON, or a bad value (with its path).
        """
        return cls(load_config(text, fmt="json"), actions=actions)

    @classmethod
    def from_yaml(cls, text: str, *, actions: Mapping[str, StageAction] | None = None) -> Pipeline:
        """Build a pipeline from YAML text.

        Raises:
            ConfigError: for text that is not YAML, or a bad value (with its path).
        """
        return cls(load_config(text, fmt="yaml"), actions=actions)

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as JSON-safe plain data; :meth:`from_dict` reads it back."""
        return unstructure_config(self._config)

    # -- reading -------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The pipeline's id, as deals store it in ``pipeline_id``."""
        return self._id

    @property
    def name(self) -> str:
        """The label people see (the id when no name is configured)."""
        return self._config.name or self._id

    @property
    def version(self) -> int:
        """The configuration's version number."""
        return self._config.version

    @property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of the configuration: equal configs, equal hashes."""
        return self._hash

    @property
    def config(self) -> PipelineConfig:
        """The configuration the pipeline was built from."""
        return self._config

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The stages in funnel order."""
        return self._config.stages

    @property
    def actions(self) -> Mapping[str, StageAction]:
        """The actions the pipeline was built with, by name."""
        return self._actions

    def stage(self, stage_id: str) -> Stage:
        """Return the stage with *stage_id*.

        Raises:
            ValidationError: if *stage_id* is not text, or the pipeline has no such stage.
        """
        if stage_id.__class__ is not str:
            raise ValidationError(stage_id, "expected a stage id (text)", field="stage_id")
        stage = self._by_id.get(stage_id)
        if stage is None:
            raise ValidationError(stage_id, f"no stage in pipeline {self._id!r}", field="stage_id")
        return stage

    def probability(self, stage_id: str) -> Decimal:
        """Return the probability of winning a deal in *stage_id*, a Decimal from 0 to 1.

        Raises:
            ValidationError: if *stage_id* is not text, or the pipeline has no such stage.
        """
        self.stage(stage_id)
        return self._stages[stage_id].probability

    def __repr__(self) -> str:
        return f"Pipeline({self._id!r}, version={self.version}, stages={len(self._stages)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pipeline):
            return NotImplemented
        return self._config == other._config and set(self._actions) == set(other._actions)

    def __hash__(self) -> int:
        return hash(self._hash)

    def run_actions(self, deal: Deal, event: StageChanged) -> tuple[ActionFailure, ...]:
        """Run the event's actions with this pipeline's registry; see :func:`run_actions`.

        Raises:
            ValidationError: if *deal* is not a Deal or *event* is not a StageChanged.
        """
        return run_actions(deal, event, self._actions)

    # -- moving between pipelines ----------------------------------------------------------
    def transfer(
        self,
        deal: Deal,
        target: Pipeline,
        stage_map: Mapping[str, str],
        *,
        actor: str | None,
        at: datetime | None = None,
        reason: str | None = None,
    ) -> tuple[Deal, StageChanged]:
        """Move *deal* from this pipeline into *target*, mapping its stage explicitly.

        The target stage is ``stage_map[deal.stage_id]``; its entry checks in *target* must
        pass (transition rules do not apply across pipelines).

        Raises:
            TransitionDenied: if the map has no entry for the deal's stage, or the target
                stage's checks fail.
            ValidationError: as for :meth:`move`, or if *target* is this pipeline.
        """
        self._own(deal)
        if target._id == self._id:
            raise ValidationError(target, "expected another Pipeline", field="target")
        when = self._when(deal, at)
        to_stage = stage_map.get(deal.stage_id)
        if to_stage is None:
            message = f"the stage map has no entry for stage {deal.stage_id!r}"
            raise TransitionDenied(
                deal.stage_id,
                "",
                [message],
                code=ErrorCode.UNMAPPED_STAGE,
                target_pipeline=target._id,
            )
        subject = target._subject(deal, to_stage, reason)
        found = target._problems(subject, to_stage, None, when)
        if found:
            reasons = [p.message for p in found]
            raise TransitionDenied(deal.stage_id, to_stage, reasons, problems=tuple(found))
        source = self._stages.get(deal.stage_id)
        exits = source.on_exit if source is not None else ()
        return target._apply(
            subject,
            to_stage,
            actor=actor,
            when=when,
            reason=reason,
            pipeline_id=target._id,
            from_pipeline_id=self._id,
            exits=exits,
        )
