"""A deal's stage as an import reads it: named by id or name, a status, reachable by moves."""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from crmkit.errors import ErrorCode
from crmkit.pipeline import Deal, Pipeline, ProblemKind, StageKind

from ._rows import Problem
from ._synonyms import header_key

__all__ = ["named_stage", "reachable_stages", "status_stage"]

# a status column's words, folded by header_key, for each stage kind
_STATUSES: Final = {
    header_key(word): kind
    for kind, words in {
        StageKind.OPEN: ("open", "offen", "ouvert", "abierto", "açık", "открыта", "باز", "کھلا",
                         "مفتوح", "खुला"),
        StageKind.WON: ("won", "closed won", "gewonnen", "gagné", "ganado", "kazanıldı",
                        "выиграна", "برنده", "جیتا", "فاز", "जीता"),
        StageKind.LOST: ("lost", "closed lost", "verloren", "perdu", "perdido", "kaybedildi",
                         "проиграна", "باخته", "ہارا", "خسر", "हारा"),
    }.items()
    for word in words
}  # fmt: skip


@lru_cache(maxsize=64)
def reachable_stages(pipeline: Pipeline) -> frozenset[str]:
    """The stages the pipeline's allowed moves reach from its first stage (that one too)."""
    first = pipeline.stages[0].id
    seen = {first}
    todo = [first]
    while todo:
        here = todo.pop()
        probe = Deal(title="probe", pipeline_id=pipeline.id, stage_id=here)
        for check in pipeline.available_moves(probe):
            blocked = any(p.kind is ProblemKind.TRANSITION for p in check.problems)
            if not blocked and check.to_stage not in seen:
                seen.add(check.to_stage)
                todo.append(check.to_stage)
    return frozenset(seen)


def named_stage(options: dict[str, str], text: str) -> str | None:
    """The id among *options* (id → name) that *text* names, by id or by name."""
    if text in options:
        return text
    key = header_key(text)
    for found, name in options.items():
        if key in (header_key(found), header_key(name)):
            return found
    return None


def status_stage(
    pipeline: Pipeline, stage: str, cell: tuple[str, str], problems: list[Problem]
) -> str | None:
    """The stage a status puts the deal in: a won or lost status, the first such stage.

    Exports such as Pipedrive's keep a closed deal in the stage it was closed from and
    say ``won`` or ``lost`` in a status column; the stage it was closed from stays in the
    deal's custom values.
    """
    column, text = cell
    status = _STATUSES.get(header_key(text))
    kind = pipeline.stage(stage).kind
    if status is None:
        reason = f"unknown deal status {text!r} (expected open, won or lost)"
        problems.append(Problem(column, text, reason, ErrorCode.DEAL_STATUS))
        return None
    if status is kind:
        return stage
    if status is StageKind.OPEN:
        reason = f"status {text!r} contradicts stage {stage!r}, a {kind.value} stage"
        problems.append(Problem(column, text, reason, ErrorCode.DEAL_STATUS))
        return None
    found = next((s.id for s in pipeline.stages if s.kind is status), None)
    if found is None:
        reason = f"pipeline {pipeline.id!r} has no {status.value} stage"
        problems.append(Problem(column, text, reason, ErrorCode.DEAL_STATUS))
    return found
