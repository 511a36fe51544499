"""Checking a change: an update of a stored record, and a new record.

An update needs ``update`` on the stored version, every changed field editable, and
``assign`` when the owner changes; a new record needs a ``create`` grant that fits it and
no value in a field the user may not edit.
"""

from __future__ import annotations

from typing import Any

from crmkit.errors import ErrorCode, PermissionDenied, ValidationError

from ._decide import decide
from ._decision import Decision
from ._field_checks import locked
from ._index import Index, UserView, object_type_of
from ._model import Action, User
from ._records import changed_fields, set_fields
from ._targets import id_of, named, user_id

__all__ = ["create_decision", "update_decision"]


def _known(index: Index, user: User | str) -> UserView:
    view = index.view(user)
    if view is None:  # callers checked first; a stranger never gets this far
        raise PermissionDenied(
            f"user {user_id(user)!r} is not in the policy", code=ErrorCode.UNKNOWN_USER
        )
    return view


def update_decision(
    index: Index, user: User | str, before: Any, after: Any, object_type: str | None
) -> Decision:
    """Decide whether *user* may change *before* into *after* (see ``Policy.check_update``).

    Raises:
        ValidationError: if *before* and *after* are different kinds of record, or as a
            check does.
    """
    decision = decide(index, user, Action.UPDATE, before, object_type)
    otype = decision.object_type
    if (object_type or object_type_of(after)) != otype:
        raise ValidationError(named(after), f"expected the new version of a {otype}", field="after")
    old_id, new_id = id_of(before), id_of(after)
    if old_id != new_id:
        return Decision(
            False,
            f"an update may not change a {otype}'s id ({old_id!r} to {new_id!r})",
            Action.UPDATE,
            otype,
        )
    if not decision.allowed:
        return decision
    view = _known(index, user)
    changed = changed_fields(before, after)
    refused = locked(index, view, otype, changed, "change")
    if refused is not None:
        return Decision(False, refused, Action.UPDATE, otype)
    if "owner_id" in changed:
        assign = decide(index, user, Action.ASSIGN, before, object_type)
        if not assign.allowed:
            return Decision(False, f"changing the owner: {assign.reason}", Action.UPDATE, otype)
    return decision


def create_decision(
    index: Index, user: User | str, record: Any, object_type: str | None
) -> Decision:
    """Decide whether *user* may create *record* (see ``Policy.check_create``).

    Raises:
        ValidationError: as a check does.
    """
    decision = decide(index, user, Action.CREATE, record, object_type)
    if not decision.allowed:
        return decision
    view = _known(index, user)
    refused = locked(index, view, decision.object_type, set_fields(record), "set")
    if refused is not None:
        return Decision(False, refused, Action.CREATE, decision.object_type)
    return decision
