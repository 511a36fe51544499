"""Reading the arguments of a check: users, actions, targets, records' ids, schemas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmkit.errors import ErrorCode, PermissionDenied, ValidationError
from crmkit.fields import Schema

from ._decision import Decision
from ._index import object_type_of
from ._model import Action, User

__all__ = [
    "UNKNOWN",
    "action_of",
    "granted",
    "id_of",
    "named",
    "schemas_of",
    "target_of",
    "user_id",
]

_ACTIONS = frozenset(Action)
UNKNOWN = object()


def schemas_of(
    values: Mapping[str, Mapping[str, Any] | Schema] | None,
) -> dict[str, dict[str, Any]]:
    """Return a policy's schemas as plain field mappings (a Schema gives its field types)."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise ValidationError(
            values, "expected a mapping of object types to fields", field="schemas"
        )
    # a fields.Schema (such as store.schema(kind)) gives the fields its formulas may read
    return {
        str(k): v.field_types() if isinstance(v, Schema) else dict(v) for k, v in values.items()
    }


def action_of(action: object) -> str:
    """Return *action* as text if it is one of :class:`Action`, else raise ValidationError."""
    if action in _ACTIONS:
        return str(action)
    known = ", ".join(a.value for a in Action)
    raise ValidationError(action, f"unknown action; expected one of {known}", field="action")


def target_of(target: object, object_type: str | None) -> tuple[str, object]:
    """Split a check's target into (object type, record or UNKNOWN for a type-level check)."""
    if target.__class__ is str:
        return target, UNKNOWN
    name = object_type or object_type_of(target)
    if name is None:
        raise ValidationError(
            named(target),
            f"cannot tell the object type of a {type(target).__name__}; pass object_type=",
            field="target",
        )
    return name, target


def id_of(record: object) -> object:
    """The record's id: the ``id`` key of a mapping, else its ``id`` attribute (None if none)."""
    if isinstance(record, Mapping):
        return record.get("id")
    return getattr(record, "id", None)


def named(record: object) -> str:
    """Name *record* in a message by its type and id, never by its whole content."""
    found = id_of(record)
    kind = type(record).__name__
    return kind if found is None else f"{kind} {found!r}"


def user_id(user: User | str) -> str:
    return user if isinstance(user, str) else user.id


def granted(decision: Decision, user: User | str, action: str, *, known: bool) -> Decision:
    """Return *decision* if it allows; else raise PermissionDenied with its reason.

    A refusal of a user the policy does not know has a code of its own.
    """
    if not decision.allowed:
        code = None if known else ErrorCode.UNKNOWN_USER
        raise PermissionDenied(decision.reason, user=user_id(user), action=action, code=code)
    return decision
