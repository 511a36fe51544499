"""The compiled pipeline: checks and makes moves, shared by every deal in it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from crmkit.contacts._model import _aware, utcnow
from crmkit.errors import ConfigError, FormulaError, TransitionDenied, ValidationError

from ._actions import Action, ActionFailure, run_actions
from ._compile import CompiledStage, compile_stages
from ._config import PipelineConfig, Stage, StageKind
from ._deal import Deal, StageChange, replace
from ._events import MoveCheck, MoveProblem, ProblemKind, StageChanged
from ._load import load_config, unstructure_config
from ._timers import DueAction, RottingDeal, due_actions, rotting_deals

__all__ = ["Pipeline"]

_LOST = StageKind.LOST
_NO_ACTIONS: Mapping[str, Action] = {}
_now = datetime.now
_FAILED = object()
_new = object.__new__
# Setting an instance's __dict__ through the class's own descriptor skips the attribute
# lookup object.__setattr__ makes; records are built this way on the hot path of a move.
_set_deal = Deal.__dict__["__dict__"].__set__
_set_change = StageChange.__dict__["__dict__"].__set__
_set_event = StageChanged.__dict__["__dict__"].__set__


def _blank(value: object) -> bool:
    return value is None or value in ("", ())


class Pipeline:
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

    def __init__(self, config: PipelineConfig, *, actions: Mapping[str, Action] | None = None):
        if not isinstance(config, PipelineConfig):
            raise ConfigError("", f"expected a PipelineConfig, not {type(config).__name__}")
        self._actions: Mapping[str, Action] = dict(actions) if actions else _NO_ACTIONS
        self._config = config
        self._stages, self._fields = compile_stages(config, self._actions)
        self._id = config.id
        self._by_id = {s.id: s for s in config.stages}
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        self._hash = hashlib.sha256(canonical.encode()).hexdigest()

    # -- building ------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any, *, actions: Mapping[str, Action] | None = None) -> Pipeline:
        """Build a pipeline from plain data (as :meth:`to_dict` makes, or written by hand).

        Raises:
            ConfigError: naming the path of a bad value (``stages[3].probability``).
        """
        return cls(load_config(data), actions=actions)

    @classmethod
    def from_json(cls, text: str, *, actions: Mapping[str, Action] | None = None) -> Pipeline:
        """Build a pipeline from JSON text.

        Raises:
            ConfigError: for text that is not JSON, or a bad value (with its path).
        """
        return cls(load_config(text, fmt="json"), actions=actions)

    @classmethod
    def from_yaml(cls, text: str, *, actions: Mapping[str, Action] | None = None) -> Pipeline:
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
    def actions(self) -> Mapping[str, Action]:
        """The actions the pipeline was built with, by name."""
        return self._actions

    def stage(self, stage_id: str) -> Stage:
        """Return the stage with *stage_id*.

        Raises:
            ValidationError: if the pipeline has no such stage.
        """
        stage = self._by_id.get(stage_id)
        if stage is None:
            raise ValidationError(stage_id, f"no stage in pipeline {self._id!r}", field="stage_id")
        return stage

    def probability(self, stage_id: str) -> Decimal:
        """Return the probability of winning a deal in *stage_id*, a Decimal from 0 to 1.

        Raises:
            ValidationError: if the pipeline has no such stage.
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

    # -- checking ------------------------------------------------------------------------
    def _own(self, deal: Deal) -> None:
        if not isinstance(deal, Deal):
            raise ValidationError(type(deal).__name__, "expected a Deal", field="deal")
        if deal.pipeline_id != self._id:
            raise ValidationError(
                deal.pipeline_id, f"the deal is not in pipeline {self._id!r}", field="pipeline_id"
            )

    def _problems(
        self,
        deal: Deal,
        to_stage: str,
        source: CompiledStage | None,
        now: datetime | None,
    ) -> list[MoveProblem]:
        """Return every failing check for *deal* entering *to_stage* (the hot path).

        *source* is the compiled stage the deal leaves, or None when it enters from outside
        the pipeline (creation, a transfer), where the transition rules do not apply.
        """
        target = self._stages.get(to_stage)
        if target is None:
            known = ", ".join(self._stages)
            message = f"no stage {to_stage!r} in pipeline {self._id!r} (stages: {known})"
            return [MoveProblem(ProblemKind.UNKNOWN_STAGE, message, ("stage_id",))]
        if source is target:
            message = f"the deal is already in stage {to_stage!r}"
            return [MoveProblem(ProblemKind.SAME_STAGE, message, ("stage_id",))]
        problems = []
        if source is not None and to_stage not in source.targets:
            message = (
                f"pipeline {self._id!r} does not allow moving from {source.id!r} to {to_stage!r}"
            )
            problems.append(MoveProblem(ProblemKind.TRANSITION, message, ("stage_id",)))
        if target.checks_fields:
            self._field_problems(deal, target, problems)
        for expression, message, fields, direct, plain in target.guards:
            met: object = _FAILED
            if plain is not None:
                try:
                    met = plain(deal.__dict__, None)
                except Exception:  # evaluated again below, which raises the FormulaError
                    met = _FAILED
            try:
                if met is _FAILED:
                    met = expression.evaluate(deal.__dict__ if direct else deal, now=now)
            except FormulaError as exc:
                text = f"{message} ({', '.join(fields)}: cannot be checked: {exc.reason})"
                problems.append(MoveProblem(ProblemKind.GUARD_ERROR, text, fields))
                continue
            if met is not True:
                text = f"{message} ({', '.join(fields)})" if fields else message
                problems.append(MoveProblem(ProblemKind.GUARD, text, fields))
        return problems

    def _field_problems(
        self, deal: Deal, target: CompiledStage, problems: list[MoveProblem]
    ) -> None:
        """Add the required-field and lost-reason problems of entering *target*."""
        to_stage = target.id
        for name in target.record_required:
            if _blank(getattr(deal, name)):
                message = f"{name} is required to enter stage {to_stage!r}"
                problems.append(MoveProblem(ProblemKind.REQUIRED, message, (name,)))
        if target.custom_required:
            custom = deal.custom
            for name in target.custom_required:
                if _blank(custom.get(name)):
                    message = f"{name} is required to enter stage {to_stage!r}"
                    problems.append(MoveProblem(ProblemKind.REQUIRED, message, (name,)))
        if target.kind is _LOST and not deal.lost_reason:
            message = f"lost_reason is required to enter lost stage {to_stage!r}"
            problems.append(MoveProblem(ProblemKind.LOST_REASON, message, ("lost_reason",)))

    def _compiled(self, stage_id: str) -> CompiledStage | None:
        return self._stages.get(stage_id)

    def check_move(self, deal: Deal, to_stage: str, *, now: datetime | None = None) -> MoveCheck:
        """Tell whether *deal* may move to *to_stage* now, with every reason it may not.

        Pure: nothing changes. A deal in a stage the pipeline no longer has may move to any
        stage whose entry checks it passes.

        Args:
            deal: a deal of this pipeline.
            to_stage: the stage id to move to.
            now: the clock for ``TODAY()`` and ``NOW()`` in guards; the current time if None.

        Raises:
            ValidationError: if *deal* is not a deal of this pipeline.
        """
        self._own(deal)
        source = self._stages.get(deal.stage_id)
        found = self._problems(deal, to_stage, source, now)
        return MoveCheck(deal.id, deal.stage_id, to_stage, tuple(found))

    def check_entry(self, deal: Deal, *, now: datetime | None = None) -> MoveCheck:
        """Check that *deal* may be in its current stage, as a new deal must be.

        The stage must exist and its required fields, lost reason and guards must hold;
        transition rules do not apply.

        Raises:
            ValidationError: if *deal* is not a deal of this pipeline.
        """
        self._own(deal)
        found = self._problems(deal, deal.stage_id, None, now)
        return MoveCheck(deal.id, "", deal.stage_id, tuple(found))

    def available_moves(self, deal: Deal, *, now: datetime | None = None) -> tuple[MoveCheck, ...]:
        """Check a move to every other stage, in funnel order.

        Returns:
            One :class:`MoveCheck` per stage other than the deal's own; the allowed ones are
            where the deal can move now, the others carry their reasons.

        Raises:
            ValidationError: if *deal* is not a deal of this pipeline.
        """
        self._own(deal)
        source = self._stages.get(deal.stage_id)
        return tuple(
            MoveCheck(deal.id, deal.stage_id, sid, tuple(self._problems(deal, sid, source, now)))
            for sid in self._stages
            if sid != deal.stage_id
        )

    # -- moving --------------------------------------------------------------------------
    def move(
        self,
        deal: Deal,
        to_stage: str,
        *,
        actor: str | None,
        at: datetime | None = None,
        reason: str | None = None,
    ) -> tuple[Deal, StageChanged]:
        """Move *deal* to *to_stage*, returning the moved deal and the event.

        Nothing is stored and no action runs: store the deal, then hand the event to
        :meth:`run_actions`. Entering a lost stage takes the lost reason from *reason* (or the
        deal's ``lost_reason``); leaving a lost stage clears it.

        Args:
            deal: a deal of this pipeline.
            to_stage: the stage id to move to.
            actor: who moves the deal, for the history.
            at: when the move happens (the clock for guards too); now if None.
            reason: why; recorded in the history, and the lost reason for a lost stage.

        Raises:
            TransitionDenied: carrying every reason, when :meth:`check_move` refuses the move.
            ValidationError: if *deal* is not of this pipeline, or *at* is naive or earlier
                than the deal's last stage change.
        """
        # _own, _when and _subject inlined: this is the hot path of every move
        if deal.__class__ is not Deal or deal.pipeline_id != self._id:
            self._own(deal)
        if at is None:
            when = _now(UTC)
        elif at.__class__ is datetime and at.tzinfo is UTC:
            when = at
        else:
            when = _aware(at)
        if when < deal.history[-1].at:
            self._when(deal, when)
        stages = self._stages
        source = stages.get(deal.stage_id)
        subject = deal if reason is None else self._subject(deal, to_stage, reason)
        target = stages.get(to_stage)
        guards = (
            target.plain_guards
            if target is not None
            and source is not None
            and to_stage in source.targets
            and not target.checks_fields
            else None
        )
        # Fast path: every guard certainly holds. Otherwise the full checks below list
        # every problem (guards are pure: evaluating one again gives the same result).
        passed = guards is not None
        if guards:
            values = subject.__dict__
            try:
                for guard in guards:
                    if guard(values, None) is not True:
                        passed = False
                        break
            except Exception:  # the full checks report it as a guard error
                passed = False
        if not passed or target is None:
            found = self._problems(subject, to_stage, source, when)
            if found:
                raise TransitionDenied(
                    deal.stage_id, to_stage, [p.message for p in found], problems=tuple(found)
                )
            target = stages[to_stage]
        # _apply inlined for the common case of a move within the pipeline
        entry = target.change_template.copy()
        entry["at"] = when
        entry["from_stage"] = subject.stage_id
        entry["actor"] = actor
        entry["amount"] = subject.amount
        entry["reason"] = reason
        change = _new(StageChange)
        _set_change(change, entry)
        values = subject.__dict__.copy()
        values["stage_id"] = to_stage
        values["stage_kind"] = target.kind
        # concatenation: twice as fast as unpacking into a new tuple, on every move
        values["history"] = subject.history + (change,)  # noqa: RUF005
        values["updated_at"] = when
        if target.kind is not _LOST and subject.lost_reason is not None:
            values["lost_reason"] = None
        moved = _new(Deal)
        _set_deal(moved, values)
        event = _new(StageChanged)
        _set_event(
            event,
            {
                "deal_id": subject.id,
                "change": change,
                "actions": (source.on_exit if source is not None else ()) + target.on_enter,
            },
        )
        return moved, event

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
            raise TransitionDenied(deal.stage_id, "", [message], target_pipeline=target._id)
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

    def new_deal(
        self,
        *,
        title: str,
        stage: str | None = None,
        actor: str | None = None,
        at: datetime | None = None,
        **fields: Any,
    ) -> Deal:
        """Create a deal in this pipeline, in *stage* (by default the first stage).

        Args:
            title: what is being sold, to whom.
            stage: the stage id to start in.
            actor: who creates it, for the history.
            at: when (the deal's ``created_at``); now if None.
            **fields: any other :class:`Deal` field.

        Raises:
            TransitionDenied: if the stage's entry checks fail.
            ValidationError: for a bad field value.
        """
        if "stage_kind" in fields:
            raise ValidationError(
                fields["stage_kind"],
                "is derived from the stage; do not give it",
                field="stage_kind",
            )
        when = utcnow() if at is None else _aware(at)
        stage_id = stage if stage is not None else self._config.stages[0].id
        compiled = self._stages.get(stage_id)
        probability = compiled.probability if compiled is not None else 0
        first = {
            "to_stage": stage_id,
            "at": when,
            "pipeline_id": self._id,
            "actor": actor,
            "amount": fields.get("amount"),
            "probability": probability,
        }
        deal = Deal(
            title=title,
            pipeline_id=self._id,
            stage_id=stage_id,
            stage_kind=compiled.kind if compiled is not None else None,
            created_at=when,
            updated_at=when,
            history=[first],
            **fields,
        )
        self.check_entry(deal, now=when).raise_if_denied()
        return deal

    def _when(self, deal: Deal, at: datetime | None) -> datetime:
        if at is None:
            when = utcnow()
        elif at.__class__ is datetime and at.tzinfo is UTC:
            when = at
        else:
            when = _aware(at)
        entered = deal.history[-1].at
        if when < entered:
            raise ValidationError(
                when, f"earlier than the deal's last stage change ({entered})", field="at"
            )
        return when

    def _subject(self, deal: Deal, to_stage: str, reason: str | None) -> Deal:
        """The deal as its checks see it: a lost reason given with the move is applied."""
        target = self._stages.get(to_stage)
        if reason and target is not None and target.kind is _LOST and reason != deal.lost_reason:
            return replace(deal, {"lost_reason": " ".join(reason.split()) or None})
        return deal

    def _apply(
        self,
        deal: Deal,
        to_stage: str,
        *,
        actor: str | None,
        when: datetime,
        reason: str | None,
        pipeline_id: str,
        from_pipeline_id: str | None,
        exits: tuple[str, ...],
    ) -> tuple[Deal, StageChanged]:
        # The hot path of every move: values are final (checked above or built here), so the
        # records are assembled directly instead of through their converting __init__.
        target = self._stages[to_stage]
        change = _new(StageChange)
        _set_change(
            change,
            {
                "to_stage": to_stage,
                "at": when,
                "pipeline_id": pipeline_id,
                "from_stage": deal.stage_id,
                "from_pipeline_id": from_pipeline_id,
                "actor": actor,
                "amount": deal.amount,
                "probability": target.probability,
                "reason": reason,
            },
        )
        values = deal.__dict__.copy()
        values["stage_id"] = to_stage
        values["stage_kind"] = target.kind
        values["history"] = deal.history + (change,)  # noqa: RUF005  (as in move)
        values["updated_at"] = when
        if from_pipeline_id is not None:
            values["pipeline_id"] = pipeline_id
        if target.kind is not _LOST and deal.lost_reason is not None:
            values["lost_reason"] = None
        moved = _new(Deal)
        _set_deal(moved, values)
        on_enter = target.on_enter
        event = _new(StageChanged)
        _set_event(
            event,
            {
                "deal_id": deal.id,
                "change": change,
                "actions": exits + on_enter if exits or on_enter else (),
            },
        )
        return moved, event

    def run_actions(self, deal: Deal, event: StageChanged) -> tuple[ActionFailure, ...]:
        """Run the event's actions with this pipeline's registry; see :func:`run_actions`."""
        return run_actions(deal, event, self._actions)

    # -- time rules ----------------------------------------------------------------------
    def rotting(self, deals: Iterable[Deal], now: datetime) -> list[RottingDeal]:
        """List this pipeline's deals idle in their stage longer than its ``rot_after``.

        Deals of other pipelines and deals in stages without ``rot_after`` are skipped.
        """
        return rotting_deals(self._id, self._stages, deals, _aware(now))

    def due(
        self, deals: Iterable[Deal], now: datetime, *, since: datetime | None = None
    ) -> list[DueAction]:
        """List the time-triggered actions due for this pipeline's deals at *now*.

        Pure: a host scheduler runs them. With *since* (the previous run), only actions
        that fell due after it are listed, so a periodic run lists each action once.
        """
        start = None if since is None else _aware(since)
        return due_actions(self._id, self._stages, deals, _aware(now), start)
