"""Answering one question from the compiled policy, whatever the arguments.

``Policy.check`` answers the common case itself (a known user, a plan built before); every
other case comes here: a user or an object type seen for the first time, a user the policy
does not know, and arguments to refuse.
"""

from __future__ import annotations

from crmkit.errors import ValidationError

from ._decision import Decision
from ._index import Index, owner_of
from ._model import User
from ._targets import UNKNOWN, action_of, target_of

__all__ = ["decide", "stranger"]


def decide(
    index: Index, user: User | str, action: object, target: object, object_type: str | None
) -> Decision:
    """Decide whether *user* may take *action* on *target* (see ``Policy.check``).

    Raises:
        ValidationError: for an unknown action, a user that is neither a User nor an id, or
            a target whose object type cannot be told.
    """
    view = index.view(user)  # None for an unknown id, or what is not a user at all
    otype, record = target_of(target, object_type)
    if view is None:
        return stranger(user, str(action), otype)
    entry = index.entry(view, otype, action_of(action))
    if record is UNKNOWN:
        return entry.summary
    return entry.decide(record, owner_of(record))


def stranger(user: object, action: str, object_type: str) -> Decision:
    """Refuse a user the policy does not know (after checking the arguments)."""
    if not isinstance(user, str | User):
        raise ValidationError(user, "expected a User or a user id", field="user")
    action_of(action)
    who = user if isinstance(user, str) else user.id
    return Decision(False, f"user {who!r} is not in the policy", action, object_type)
