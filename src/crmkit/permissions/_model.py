"""The policy's vocabulary and data: actions, scopes, field access, roles, users and grants."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs
from attrs import frozen

__all__ = ["OWNER_FIELD", "Access", "Action", "FieldRule", "Grant", "Role", "Scope", "User"]

OWNER_FIELD = "owner_id"
"""The record field every scope is judged by."""


class Action(enum.StrEnum):
    """Something a user may do with records of one object type.

    Each member is also its plain string, so ``"update"`` and ``Action.UPDATE`` are
    interchangeable wherever an action is expected.
    """

    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    IMPORT = "import"
    EXPORT = "export"
    BULK_UPDATE = "bulk_update"
    BULK_DELETE = "bulk_delete"
    MERGE = "merge"
    CONVERT = "convert"
    EMAIL = "email"
    VIEW_NOTES = "view_notes"
    ASSIGN = "assign"


class Scope(enum.StrEnum):
    """Which records of an object type a grant reaches, judged by their ``owner_id``."""

    OWN = "own"
    """Records the user owns."""
    TEAM = "team"
    """Records owned by the user or anyone in the user's team."""
    SUBORDINATES = "subordinates"
    """Records owned by the user, by anyone holding a role below one of the user's roles,
    or by anyone reporting to the user: every manager of one role reaches every rep."""
    REPORTS = "reports"
    """Records owned by the user or by anyone reporting to the user through ``manager``,
    directly or further down the reporting line: a sales manager's own team."""
    ALL = "all"
    """Every record."""


class Access(enum.StrEnum):
    """What a role may do with one field: from least to most."""

    HIDDEN = "hidden"
    READ_ONLY = "read_only"
    EDITABLE = "editable"


ACCESS_RANK = {Access.HIDDEN: 0, Access.READ_ONLY: 1, Access.EDITABLE: 2}
"""Order of :class:`Access` values; several roles give a user the most generous one."""


def _actions(values: Iterable[Action | str]) -> tuple[Action, ...]:
    if isinstance(values, str):
        values = [values]
    seen: dict[Action, None] = {}
    for value in values:
        seen.setdefault(Action(value), None)
    return tuple(seen)


def _optional_text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(str(value).split())
    return cleaned or None


@frozen(kw_only=True)
class Grant:
    """Permission for a role to do *actions* on records of *object_type* within *scope*.

    Attributes:
        object_type: the kind of record, e.g. ``"deal"`` or ``"contact"``.
        actions: what the grant allows; duplicates are dropped, order is kept.
        scope: which records, judged by their owner.
        condition: an optional expression every record must also meet
            (``amount > 10000``); a blank result counts as not met.

    Raises:
        ValueError: for an action or scope outside the vocabulary.
    """

    object_type: str
    actions: tuple[Action, ...] = attrs.field(converter=_actions)
    scope: Scope = attrs.field(default=Scope.OWN, converter=Scope)
    condition: str | None = attrs.field(default=None, converter=_optional_text)


@frozen(kw_only=True)
class FieldRule:
    """Field-level security: what a role may do with one field of one object type.

    A field without a rule is editable (wherever the record itself may be updated).
    """

    object_type: str
    field: str
    access: Access = attrs.field(converter=Access)


def _grants(values: Iterable[Grant]) -> tuple[Grant, ...]:
    return tuple(values)


def _rules(values: Iterable[FieldRule]) -> tuple[FieldRule, ...]:
    return tuple(values)


@frozen(kw_only=True)
class Role:
    """A role: its grants and field rules, and the role above it.

    A role also holds every grant of the roles below it (a manager sees what the roles below
    see); field rules are not inherited, since a rule only ever narrows.

    Attributes:
        name: the key users and other roles refer to.
        label: how messages name the role (defaults to *name*).
        parent: the role directly above, or None at the top.
        grants: what the role may do.
        fields: field-level security of the role.
    """

    name: str
    label: str | None = attrs.field(default=None, converter=_optional_text)
    parent: str | None = None
    grants: tuple[Grant, ...] = attrs.field(default=(), converter=_grants)
    fields: tuple[FieldRule, ...] = attrs.field(default=(), converter=_rules)

    @property
    def title(self) -> str:
        """The label, or the name when there is no label."""
        return self.label or self.name


def _roles(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    return tuple(dict.fromkeys(values))


@frozen(kw_only=True)
class User:
    """Someone the policy knows: roles, team and manager.

    Attributes:
        id: the id records carry in ``owner_id``.
        name: how messages name the user (defaults to *id*).
        roles: the roles the user holds; grants add up.
        team: the team the user belongs to, for the ``team`` scope.
        manager: the id of the user's manager: the reporting line the ``reports`` scope
            follows (and ``subordinates`` too).
    """

    id: str
    name: str | None = attrs.field(default=None, converter=_optional_text)
    roles: tuple[str, ...] = attrs.field(default=(), converter=_roles)
    team: str | None = None
    manager: str | None = None

    @property
    def title(self) -> str:
        """The name, or the id when there is no name."""
        return self.name or self.id
