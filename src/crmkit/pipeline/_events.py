"""What checking and making a move produce: problems, checks and stage-changed events."""

from __future__ import annotations

import enum

from attrs import frozen

from crmkit.errors import TransitionDenied, ValidationError

from ._deal import StageChange

__all__ = ["MoveCheck", "MoveProblem", "ProblemKind", "StageChanged"]


class ProblemKind(enum.StrEnum):
    """Why a move is refused."""

    UNKNOWN_STAGE = "unknown_stage"
    """The target stage is not part of the pipeline."""
    SAME_STAGE = "same_stage"
    """The deal is already in the target stage."""
    TRANSITION = "transition"
    """The pipeline's transition rules do not allow this move."""
    REQUIRED = "required"
    """A field the target stage requires is blank."""
    LOST_REASON = "lost_reason"
    """The target stage is a lost stage and no lost reason is given."""
    GUARD = "guard"
    """A guard of the target stage is not met."""
    GUARD_ERROR = "guard_error"
    """A guard of the target stage could not be evaluated for this deal."""


@frozen
class MoveProblem:
    """One reason a move is refused.

    Attributes:
        kind: what sort of check failed.
        message: the reason, in words for the person moving the deal, naming the field(s).
        fields: the deal fields the failing check reads.
    """

    kind: ProblemKind
    message: str
    fields: tuple[str, ...] = ()


@frozen
class MoveCheck:
    """The verdict on one proposed move, with every reason it is refused.

    Attributes:
        deal_id: the deal checked.
        from_stage: the stage it is in.
        to_stage: the stage it would move to.
        problems: every failing check, in the order transition, required fields, lost
            reason, guards; empty when the move is allowed.
    """

    deal_id: str
    from_stage: str
    to_stage: str
    problems: tuple[MoveProblem, ...] = ()

    @property
    def allowed(self) -> bool:
        """True when no check fails."""
        return not self.problems

    @property
    def reasons(self) -> tuple[str, ...]:
        """The problems' messages."""
        return tuple(p.message for p in self.problems)

    def __bool__(self) -> bool:
        return not self.problems

    def raise_if_denied(self) -> None:
        """Raise when the move is refused.

        Raises:
            TransitionDenied: carrying :attr:`reasons`, with the problems in ``details``.
            ValidationError: if a problem is not a :class:`MoveProblem` (a hand-built check).
        """
        if self.problems:
            for problem in self.problems:
                if not isinstance(problem, MoveProblem):
                    raise ValidationError(
                        type(problem).__name__, "expected a MoveProblem", field="problems"
                    )
            raise TransitionDenied(
                self.from_stage, self.to_stage, self.reasons, problems=self.problems
            )


@frozen(slots=False)
class StageChanged:
    """The event of a deal changing stage, handed to actions after the move is stored.

    Attributes:
        deal_id: the deal that moved.
        change: the history entry the move appended.
        actions: the names of the actions due, in the order they run: the old stage's
            ``on_exit`` actions, then the new stage's ``on_enter`` actions.
    """

    deal_id: str
    change: StageChange
    actions: tuple[str, ...] = ()

    @property
    def from_stage(self) -> str | None:
        """The stage the deal left."""
        return self.change.from_stage

    @property
    def to_stage(self) -> str:
        """The stage the deal entered."""
        return self.change.to_stage
