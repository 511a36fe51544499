"""Checking a move: transition rules, required fields, lost reason and guards, every reason."""

from __future__ import annotations

from datetime import UTC, datetime

from crmkit._record import aware
from crmkit.errors import FormulaError, ValidationError

from ._compile import CompiledStage
from ._config import StageKind
from ._deal import Deal
from ._events import MoveCheck, MoveProblem, ProblemKind

__all__ = ["PipelineChecks"]

_LOST = StageKind.LOST
_FAILED = object()


def _blank(value: object) -> bool:
    return value is None or value in ("", ())


class PipelineChecks:
    """The checks of a :class:`Pipeline`: whether a deal may enter a stage, and why not."""

    __slots__ = ()

    _id: str
    _stages: dict[str, CompiledStage]

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

    def _clock(self, now: datetime | None) -> datetime | None:
        """Return *now* in UTC, refusing a naive clock as :meth:`move` does."""
        if now is None or (now.__class__ is datetime and now.tzinfo is UTC):
            return now
        return aware(now)

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
            ValidationError: if *deal* is not a deal of this pipeline, *to_stage* is not
                text, or *now* is naive ("timestamps must be timezone-aware").
        """
        self._own(deal)
        if to_stage.__class__ is not str:
            raise ValidationError(to_stage, "expected a stage id (text)", field="to_stage")
        source = self._stages.get(deal.stage_id)
        found = self._problems(deal, to_stage, source, self._clock(now))
        return MoveCheck(deal.id, deal.stage_id, to_stage, tuple(found))

    def check_entry(self, deal: Deal, *, now: datetime | None = None) -> MoveCheck:
        """Check that *deal* may be in its current stage, as a new deal must be.

        The stage must exist and its required fields, lost reason and guards must hold;
        transition rules do not apply.

        Raises:
            ValidationError: if *deal* is not a deal of this pipeline, or *now* is naive.
        """
        self._own(deal)
        found = self._problems(deal, deal.stage_id, None, self._clock(now))
        return MoveCheck(deal.id, "", deal.stage_id, tuple(found))

    def available_moves(self, deal: Deal, *, now: datetime | None = None) -> tuple[MoveCheck, ...]:
        """Check a move to every other stage, in funnel order.

        Returns:
            One :class:`MoveCheck` per stage other than the deal's own; the allowed ones are
            where the deal can move now, the others carry their reasons.

        Raises:
            ValidationError: if *deal* is not a deal of this pipeline, or *now* is naive.
        """
        self._own(deal)
        now = self._clock(now)
        source = self._stages.get(deal.stage_id)
        return tuple(
            MoveCheck(deal.id, deal.stage_id, sid, tuple(self._problems(deal, sid, source, now)))
            for sid in self._stages
            if sid != deal.stage_id
        )
