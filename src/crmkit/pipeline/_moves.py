"""Making moves: a deal changes stage or is created in a pipeline.

A move into another pipeline names two pipelines, so :meth:`Pipeline.transfer` lives with
the class itself and builds on :meth:`PipelineMoves._apply` here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs

from crmkit._record import aware, utcnow
from crmkit.errors import TransitionDenied, ValidationError

from ._checks import PipelineChecks
from ._compile import CompiledStage
from ._config import PipelineConfig, StageKind
from ._deal import Deal, StageChange
from ._events import StageChanged

__all__ = ["PipelineMoves"]

_LOST = StageKind.LOST
_now = datetime.now
# move() builds its records from their final values, past their converting __init__: in
# benchmarks/pipeline.py "move (checks + move)" takes 2.1-2.25 µs a deal this way and 9.8 µs
# through StageChange(...) and attrs.evolve(deal, ...), which run every converter and the
# history check again on values checked or built here. Only move(), the bulk path (every
# move of a loop over deals), does this; transfers and lost reasons use the constructors.
_new = object.__new__
_set_deal = Deal.__dict__["__dict__"].__set__
_set_change = StageChange.__dict__["__dict__"].__set__
_set_event = StageChanged.__dict__["__dict__"].__set__


class PipelineMoves(PipelineChecks):
    """The moves of a :class:`Pipeline`: each one checked, then recorded in the history."""

    __slots__ = ()

    _config: PipelineConfig

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
        # _own, _when and _subject inlined: this is the hot path of every move. A deal's
        # fields are read as keys of its __dict__, which is cheaper than as attributes.
        if deal.__class__ is not Deal or deal.pipeline_id != self._id:
            self._own(deal)
        fields = deal.__dict__
        if at is None:
            when = _now(UTC)
        elif at.__class__ is datetime and at.tzinfo is UTC:
            when = at
        else:
            when = aware(at)
        if when < fields["history"][-1].at:
            self._when(deal, when)
        subject = deal
        if reason is not None:
            subject = self._subject(deal, to_stage, reason)
            fields = subject.__dict__
        source = self._stages.get(fields["stage_id"])
        # Fast path: an allowed move whose checks are all plain guards, each certainly
        # holding. Otherwise the full checks below list every problem (guards are pure:
        # evaluating one again gives the same result).
        plan = source.moves.get(to_stage) if source is not None else None
        if plan is not None:
            target, guards, actions = plan
            if guards:
                try:
                    for guard in guards:
                        if guard(fields, None) is not True:
                            plan = None
                            break
                except Exception:  # the full checks report it as a guard error
                    plan = None
        if plan is None:
            target, actions = self._checked(subject, to_stage, source, when)
        entry = target.change_template.copy()
        entry["at"] = when
        entry["from_stage"] = fields["stage_id"]
        entry["actor"] = actor
        entry["amount"] = fields["amount"]
        if reason is not None:  # the template's reason is None
            entry["reason"] = reason
        change = _new(StageChange)
        _set_change(change, entry)
        values = fields.copy()
        values["stage_id"] = to_stage
        if target.kind is not fields["stage_kind"]:  # most moves stay open
            values["stage_kind"] = target.kind
        # concatenation: twice as fast as unpacking into a new tuple, on every move
        values["history"] = fields["history"] + (change,)
        values["updated_at"] = when
        if target.kind is not _LOST and fields["lost_reason"] is not None:
            values["lost_reason"] = None
        moved = _new(Deal)
        _set_deal(moved, values)
        event = _new(StageChanged)
        _set_event(event, {"deal_id": fields["id"], "change": change, "actions": actions})
        return moved, event

    def _checked(
        self, deal: Deal, to_stage: str, source: CompiledStage | None, when: datetime
    ) -> tuple[CompiledStage, tuple[str, ...]]:
        """Run every check of a move off the fast path; return the target and actions due.

        Raises:
            TransitionDenied: carrying every reason the move is refused.
        """
        found = self._problems(deal, to_stage, source, when)
        if found:
            reasons = [p.message for p in found]
            raise TransitionDenied(deal.stage_id, to_stage, reasons, problems=tuple(found))
        target = self._stages[to_stage]
        return target, (source.on_exit if source is not None else ()) + target.on_enter

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
        when = utcnow() if at is None else aware(at)
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
            when = aware(at)
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
            return attrs.evolve(deal, lost_reason=reason)  # the converter tidies the text
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
        target = self._stages[to_stage]
        change = StageChange(
            to_stage=to_stage,
            at=when,
            pipeline_id=pipeline_id,
            from_stage=deal.stage_id,
            from_pipeline_id=from_pipeline_id,
            actor=actor,
            amount=deal.amount,
            probability=target.probability,
            reason=reason,
        )
        moved = attrs.evolve(
            deal,
            pipeline_id=pipeline_id,
            stage_id=to_stage,
            stage_kind=target.kind,
            history=(*deal.history, change),
            updated_at=when,
            lost_reason=deal.lost_reason if target.kind is _LOST else None,
        )
        return moved, StageChanged(deal.id, change, exits + target.on_enter)
