"""The policy: roles, users and grants as data, and the checks made from them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from attrs import field, frozen

from crmkit.errors import ValidationError

from ._convert import policy_from_dict, policy_to_dict
from ._decide import decide, stranger
from ._decision import Decision, Explanation, Filter
from ._diff import Change, diff_policy_data
from ._field_checks import hidden_names
from ._hiding import blank_fields
from ._index import TYPE_NAMES, Index, UserView, owner_of
from ._model import OWNER_FIELD, Access, Action, Role, User
from ._targets import action_of, granted, schemas_of, target_of, user_id
from ._updates import create_decision, update_decision

__all__ = ["Policy"]


def _roles(values: Iterable[Role]) -> tuple[Role, ...]:
    return tuple(values)


def _users(values: Iterable[User]) -> tuple[User, ...]:
    return tuple(values)


@frozen(kw_only=True)
class Policy:
    """Who may do what: roles in a hierarchy, users holding them, and grants per object type.

    Deny by default: an action is allowed only when some grant of one of the user's roles (or
    of a role below them) allows it on that record. Grants add up. A policy is plain data:
    :meth:`to_dict` and :meth:`from_dict` round-trip it, :meth:`diff` compares two versions.

    Attributes:
        version: a number the host raises with every change, kept with the data.
        roles: the roles, each with its parent, grants and field rules.
        users: the users, each with roles, a team and a manager.
        schemas: per object type, the fields (and types) grant conditions may use, as
            :func:`crmkit.expr.compile` takes them, or the type's
            :class:`~crmkit.fields.Schema` (``store.schema("deal")``: the fields store
            filters accept).

    Raises:
        ConfigError: naming the path of the bad value (``roles[2].grants[0].condition``) for
            an unknown parent or role, a cycle, a duplicate, or a condition that does not compile.
    """

    version: int = 1
    roles: tuple[Role, ...] = field(default=(), converter=_roles)
    users: tuple[User, ...] = field(default=(), converter=_users)
    schemas: dict[str, dict[str, Any]] = field(factory=dict, converter=schemas_of, hash=False)
    _index: Index = field(init=False, repr=False, eq=False, hash=False)
    _views: dict[str, UserView] = field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        index = Index(self.version, self.roles, self.users, self.schemas)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_views", index.views)

    # conversion -------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        """Build a policy from plain data (as :meth:`to_dict` makes, or JSON/YAML by hand).

        Raises:
            ConfigError: naming the path of the first bad value.
        """
        return policy_from_dict(data, cls)

    def to_dict(self) -> dict[str, Any]:
        """Return the policy as JSON-safe plain data; defaults are left out."""
        out = policy_to_dict(self)
        # the version is written even at its default, so stored data always says which it is
        out.setdefault("version", self.version)
        return out

    def diff(self, other: Policy) -> tuple[Change, ...]:
        """Return the changes that turn this policy into *other* (see :class:`Change`).

        Raises:
            ValidationError: if *other* is not a Policy.
        """
        if not isinstance(other, Policy):
            raise ValidationError(
                type(other).__name__, "expected a Policy to compare with", field="other"
            )
        return diff_policy_data(self.to_dict(), other.to_dict())

    # checks -----------------------------------------------------------------------------

    def user(self, user_id: str) -> User | None:
        """Return the user with id *user_id*, or None when the policy has none.

        Raises:
            ValidationError: if *user_id* is not text.
        """
        if user_id.__class__ is not str:
            raise ValidationError(user_id, "expected a user id (text)", field="user_id")
        return self._index.users.get(user_id)

    def check(
        self,
        user: User | str,
        action: Action | str,
        target: object,
        *,
        object_type: str | None = None,
    ) -> Decision:
        """Decide whether *user* may take *action* on *target*.

        Args:
            user: a :class:`User`, or the id of one of the policy's users.
            action: one of :class:`Action`.
            target: a record (allowed when some grant's scope and condition fit it) or an
                object type such as ``"deal"`` (allowed when some grant exists at all).
            object_type: the type of *target* when it is a mapping, or to override the
                type read from a record's class (``Contact`` -> ``contact``).

        Returns:
            A decision whose reason names the granting rule, or what is missing.

        Raises:
            ValidationError: for an unknown action, or a mapping target without *object_type*.
        """
        # the common case, answered from the user's plan of the object type; any other
        # (a first question, a stranger, arguments to refuse) takes the general path
        if user.__class__ is str:
            view = self._views.get(user)
        elif user.__class__ is User:
            view = self._views.get(user.id)
            if view is not None and view.user is not user and view.user != user:
                view = None  # an ad-hoc user, judged by the roles it holds
        else:
            view = None
        if view is not None:
            if target.__class__ is str:
                plan = view.plans.get(target)
                if plan is not None:
                    entry = plan.get(action)
                    if entry is not None:
                        return entry.summary
            else:
                cls = target.__class__
                named = TYPE_NAMES.get(cls)  # an attrs record class seen before, or None
                otype: object = object_type or named
                if otype == "":  # a custom object's record names its own type
                    otype = getattr(target, "object_type", None)
                plan = view.plans.get(otype) if otype.__class__ is str else None
                if plan is not None:
                    entry = plan.get(action)
                    if entry is not None:
                        found = entry.everything
                        if found is not None:
                            return found
                        if named is not None:
                            owner = getattr(target, OWNER_FIELD, None)
                        elif cls is dict:
                            owner = target.get(OWNER_FIELD)  # type: ignore[attr-defined]
                        else:
                            owner = owner_of(target)
                        return entry.decide(target, owner)
        return decide(self._index, user, action, target, object_type)

    def require(
        self,
        user: User | str,
        action: Action | str,
        target: object,
        *,
        object_type: str | None = None,
    ) -> Decision:
        """Like :meth:`check`, but raise when the action is not allowed.

        Raises:
            PermissionDenied: with the decision's reason, the user and the action.
            ValidationError: as :meth:`check` does.
        """
        decision = self.check(user, action, target, object_type=object_type)
        return granted(decision, user, decision.action, known=self._in_policy(user))

    def _in_policy(self, user: User | str) -> bool:
        """Whether *user* is in the policy."""
        return self.user(user_id(user)) is not None

    def explain(
        self, user: User | str, target: object, *, object_type: str | None = None
    ) -> Explanation:
        """List every action *user* may or may not take on *target*, and why.

        Raises:
            ValidationError: for a mapping target without *object_type*.
        """
        decisions = tuple(
            self.check(user, action, target, object_type=object_type) for action in Action
        )
        otype = decisions[0].object_type
        view = self._index.view(user)
        fields = () if view is None else tuple(self._index.field_access(view, otype).items())
        return Explanation(user_id(user), otype, decisions, fields)

    def field_access(self, user: User | str, object_type: str) -> dict[str, Access]:
        """Return the fields of *object_type* that some rule restricts for *user*.

        Fields not listed are editable. An unknown user gets an empty mapping (and may do
        nothing anyway).

        Raises:
            ValidationError: if *object_type* is not text, or *user* is neither a User nor
                a user id.
        """
        if object_type.__class__ is not str or not object_type:
            raise ValidationError(object_type, "expected an object type", field="object_type")
        if not isinstance(user, str | User):
            raise ValidationError(user, "expected a User or a user id", field="user")
        view = self._index.view(user)
        if view is None:
            return {}
        return dict(self._index.field_access(view, object_type))

    def hidden_fields(
        self, user: User | str, target: object, *, object_type: str | None = None
    ) -> frozenset[str]:
        """Return every name of the fields of *target* hidden from *user*.

        A field is hidden by a field rule, or by an action that guards it and the user may
        not take on the record (without ``view_notes``, the ``notes`` field is hidden).
        Each field comes with all its names
        (``email`` and ``emails``). For an object type, a guarded field counts as hidden
        unless the guarding action reaches every record the user may read: the names a
        filter or a sort over the type may not use.

        Raises:
            ValidationError: as :meth:`check` does.
        """
        otype, record = target_of(target, object_type)
        view = self._index.view(user)
        if view is None:
            return frozenset()
        return hidden_names(self._index, view, otype, record)

    def redact(
        self,
        user: User | str,
        record: Any,
        *,
        object_type: str | None = None,
        action: Action | str = Action.READ,
    ) -> Any:
        """Return *record* without the fields *user* may not see (see :meth:`hidden_fields`).

        The user must be allowed *action* on the record: ``read``, or ``export`` for a
        record on its way out of an export.

        An attrs record comes back as a copy with hidden declared fields blanked to their
        empty value (their default) and hidden custom values removed; a mapping comes back
        without the hidden keys.

        Raises:
            PermissionDenied: if *user* may not take *action* on the record.
            ValidationError: for a mapping record without *object_type*.
        """
        decision = self.require(user, action, record, object_type=object_type)
        hidden = self.hidden_fields(user, record, object_type=decision.object_type)
        return blank_fields(record, hidden)

    def check_update(
        self, user: User | str, before: Any, after: Any, *, object_type: str | None = None
    ) -> Decision:
        """Decide whether *user* may change *before* into *after*.

        Allowed when the user may update *before*, every changed field is editable for them,
        and, when the owner changes, the user may also ``assign`` the record.

        An *after* with another id is not a change of *before* but of another record, and
        is refused with that reason (a store would write it over the wrong record).

        Raises:
            ValidationError: if *before* and *after* are different kinds of record, or as
                :meth:`check` does.
        """
        return update_decision(self._index, user, before, after, object_type)

    def require_update(
        self, user: User | str, before: Any, after: Any, *, object_type: str | None = None
    ) -> Decision:
        """Like :meth:`check_update`, but raise when the change is not allowed.

        Raises:
            PermissionDenied: with the reason, naming the read-only or hidden fields.
        """
        decision = self.check_update(user, before, after, object_type=object_type)
        return granted(decision, user, Action.UPDATE, known=self._in_policy(user))

    def check_create(
        self, user: User | str, record: Any, *, object_type: str | None = None
    ) -> Decision:
        """Decide whether *user* may create *record*.

        Allowed when a ``create`` grant fits the new record (so a rep with ``own`` scope
        creates records they own) and no field the user may not edit holds a value.

        Raises:
            ValidationError: as :meth:`check` does.
        """
        return create_decision(self._index, user, record, object_type)

    def filter(self, user: User | str, action: Action | str, object_type: str) -> Filter:
        """Return which records of *object_type* *user* may take *action* on, as a filter.

        :attr:`Filter.ALL` and :attr:`Filter.NONE` come back as such; otherwise the filter's
        source is an expression that a store runs as a WHERE clause (or a predicate), true
        exactly for the records :meth:`check` allows.

        Raises:
            ValidationError: for an unknown action or an object type that is not text.
            ConfigError: if the records are those of more owners than a filter can name
                (its source is limited to :data:`crmkit.expr.MAX_SOURCE` characters, about
                1,100 short ids or 250 UUIDs); the filter is never cut short.
        """
        if object_type.__class__ is not str or not object_type:
            raise ValidationError(object_type, "expected an object type", field="object_type")
        view = self._index.view(user)
        if view is None:
            stranger(user, str(action), object_type)
            return Filter.NONE
        return self._index.filter_of(view, self._index.entry(view, object_type, action_of(action)))
