"""The write-path rule: a stored deal's stage changes only through its pipeline's checks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from crmkit.errors import ErrorCode, TransitionDenied

from ._config import StageKind
from ._deal import Deal
from ._pipeline import Pipeline

__all__ = ["enforce_move"]

_HISTORY = ErrorCode.HISTORY


def _deny(
    before: Deal | None,
    after: Deal,
    reasons: list[str],
    *,
    code: str | None = None,
    **details: object,
) -> None:
    raise TransitionDenied(
        before.stage_id if before else "", after.stage_id, reasons, code=code, **details
    )


def enforce_move(
    before: Deal | None,
    after: Deal,
    pipelines: Mapping[str, Pipeline],
    *,
    now: datetime | None = None,
    checked: bool = True,
) -> None:
    """Refuse a write of *after* over *before* that changes the stage without the checks.

    A store calls this on every add and update of a deal, so no path (an update that sets
    ``stage_id`` by hand, a bulk upsert, an import) gets around the pipeline's rules:

    - a new deal (*before* None) must be in a stage of its pipeline and pass that stage's
      entry checks (required fields, lost reason, guards);
    - a write that keeps the stage must keep the history as it was;
    - a write that changes the stage must append exactly one history entry for that move,
      and the move must pass :meth:`Pipeline.check_move` (or, into another pipeline, the
      target stage's entry checks);
    - a deal's ``stage_kind``, when set on a new deal, on a move or by the write, must be
      the kind of its stage (a kind already stored is kept as it is when the stage stays).

    With *checked* False (a store loading deals as they stand, see
    :func:`crmkit.storage.loading_history`) only the record's shape is held to: the pipeline
    and the stage must exist, the history must be appended to one entry per move and the
    stage kind must fit; transition rules, required fields, lost reasons and guards are not
    checked.

    Args:
        before: the stored deal, or None for a new one.
        after: the deal being written.
        pipelines: the pipelines by id (a :class:`Pipelines` works).
        now: the clock for guards; by default the time the move records.
        checked: whether the pipeline's checks run (True unless loading history).

    Raises:
        TransitionDenied: with every reason, when the write must be refused.
    """
    pipeline = pipelines.get(after.pipeline_id)
    if pipeline is None:
        known = ", ".join(pipelines) or "none"
        reason = f"no pipeline {after.pipeline_id!r} (known: {known})"
        _deny(before, after, [reason], code=ErrorCode.UNKNOWN_PIPELINE)
        return
    when = now if now is not None else after.history[-1].at
    if not checked:
        _check_shape(before, after, pipeline)
        return
    if before is None:
        check = pipeline.check_entry(after, now=when)
        if not check.allowed:
            _deny(None, after, list(check.reasons), problems=check.problems)
        _check_kind(None, after, pipeline)
        return
    old, new = before.history, after.history
    moved = before.stage_id != after.stage_id or before.pipeline_id != after.pipeline_id
    if not moved:
        if new != old:
            _deny(before, after, ["the stage history is append-only"], code=_HISTORY)
        stage = pipeline._compiled(after.stage_id)
        if stage is not None and stage.kind is StageKind.LOST and not after.lost_reason:
            _deny(before, after, ["lost_reason is required while the deal is lost"])
        # a kind written before the pipeline changed a stage's kind may stay as it is
        if after.stage_kind != before.stage_kind:
            _check_kind(before, after, pipeline)
        return
    last = new[-1]
    if (
        len(new) != len(old) + 1
        or new[: len(old)] != old
        or last.from_stage != before.stage_id
        or (last.from_pipeline_id or last.pipeline_id) != before.pipeline_id
    ):
        _deny(
            before,
            after,
            ["a stage change must append one history entry for it (use Pipeline.move)"],
            code=_HISTORY,
        )
    # The checks see the deal as it was just before the move, with this write's other
    # changes (a lost reason set together with the move counts); the history checked above
    # to start with the old one is cut back to it, so the subject is a valid deal.
    subject = attrs.evolve(
        after, stage_id=before.stage_id, pipeline_id=before.pipeline_id, history=old
    )
    if before.pipeline_id == after.pipeline_id:
        found = pipeline._problems(
            subject, after.stage_id, pipeline._compiled(before.stage_id), when
        )
    else:
        found = pipeline._problems(subject, after.stage_id, None, when)
    if found:
        _deny(before, after, [p.message for p in found], problems=tuple(found))
    _check_kind(before, after, pipeline)


def _check_shape(before: Deal | None, after: Deal, pipeline: Pipeline) -> None:
    """Refuse what no loaded deal may be: an unknown stage, a rewritten history, a wrong kind."""
    if pipeline._compiled(after.stage_id) is None:
        known = ", ".join(s.id for s in pipeline.stages)
        reason = f"no stage {after.stage_id!r} in pipeline {pipeline.id!r} (stages: {known})"
        _deny(before, after, [reason], code=ErrorCode.UNKNOWN_STAGE)
    if before is not None:
        old, new = before.history, after.history
        moved = before.stage_id != after.stage_id or before.pipeline_id != after.pipeline_id
        if new[: len(old)] != old or len(new) != len(old) + moved:
            reason = "the stage history is append-only: one entry per move"
            _deny(before, after, [reason], code=_HISTORY)
    _check_kind(before, after, pipeline)


def _check_kind(before: Deal | None, after: Deal, pipeline: Pipeline) -> None:
    """Refuse a stage kind that contradicts the deal's stage (None, not derived yet, passes)."""
    stage = pipeline._compiled(after.stage_id)
    if after.stage_kind is None or stage is None or after.stage_kind is stage.kind:
        return
    _deny(
        before,
        after,
        [
            f"stage_kind {after.stage_kind.value!r} contradicts stage {after.stage_id!r}, "
            f"a {stage.kind.value} stage (moves through Pipeline.move set it)"
        ],
    )
