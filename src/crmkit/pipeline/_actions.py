"""Actions: host callables run by name after a move has been stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from attrs import frozen

from crmkit.errors import ValidationError

from ._deal import Deal
from ._events import StageChanged

__all__ = ["ActionFailure", "StageAction", "run_actions"]

StageAction = Callable[[Deal, StageChanged], None]
"""A host callable run after a move: it gets the deal as moved and the event."""


@frozen(eq=False)
class ActionFailure:
    """An action that raised while handling a move; the move itself stands.

    Attributes:
        action: the action's name.
        event: the move it was handling.
        error: what it raised (the unknown-action case is a ``LookupError``).
    """

    action: str
    event: StageChanged
    error: Exception


def run_actions(
    deal: Deal, event: StageChanged, actions: Mapping[str, StageAction]
) -> tuple[ActionFailure, ...]:
    """Run the event's actions in order and report the ones that failed.

    Call this after the moved deal has been stored: actions send e-mails, create tasks and
    call other systems, which a rolled-back write could not take back. Each action runs even
    when an earlier one failed; a failure is reported, never raised, and never changes the
    deal or the event (both are immutable).

    Args:
        deal: the deal as stored after the move.
        event: the move, as returned by :meth:`Pipeline.move`.
        actions: the host's actions by name.

    Returns:
        One :class:`ActionFailure` per action that raised or is not registered, in order;
        empty when every action ran.

    Raises:
        ValidationError: if *deal* is not a Deal, *event* not a StageChanged, or *actions*
            not a mapping; nothing runs then.
    """
    if not isinstance(deal, Deal):
        raise ValidationError(type(deal).__name__, "expected a Deal", field="deal")
    if not isinstance(event, StageChanged):
        raise ValidationError(type(event).__name__, "expected a StageChanged", field="event")
    if not isinstance(actions, Mapping):
        raise ValidationError(
            type(actions).__name__, "expected a mapping of action names", field="actions"
        )
    failures = []
    for name in event.actions:
        action = actions.get(name)
        if action is None:
            error: Exception = LookupError(f"no action registered as {name!r}")
            failures.append(ActionFailure(name, event, error))
            continue
        try:
            action(deal, event)
        except Exception as exc:  # an action's failure must not undo the move
            failures.append(ActionFailure(name, event, exc))
    return tuple(failures)
