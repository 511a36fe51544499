"""A policy compiled for fast checks: role closure, grants by (role, object type, action).

Everything a check needs per user is worked out the first time that user is seen and kept:
per object type, a plan of what each action allows (:class:`Entry`), so a check is two
dictionary lookups and, for a record, one look at its owner.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

import attrs

from crmkit.errors import ConfigError, FormulaError
from crmkit.expr import Expression, compile

from ._decision import Decision, Filter
from ._entry import Entry, Rule
from ._filters import entry_filter
from ._model import ACCESS_RANK, OWNER_FIELD, Access, Grant, Role, Scope, User
from ._text import action_phrase, plural, requirement

__all__ = ["TYPE_NAMES", "Index", "UserView", "object_type_of", "owner_of"]

_SCOPE_ORDER = {Scope.ALL: 0, Scope.SUBORDINATES: 1, Scope.REPORTS: 2, Scope.TEAM: 3, Scope.OWN: 4}
TYPE_NAMES: dict[type, str] = {}
"""The object type of each attrs record class seen ("" when each record names its own).

Only classes that are not mappings are listed: a record of a listed class has its owner
as an attribute.
"""
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def object_type_of(record: object) -> str | None:
    """Return the object type of a record, or None when it cannot tell.

    A record with an ``object_type`` field (a custom object's record) says it itself;
    otherwise its class's ``object_type`` text, else the class name in snake case
    (``Contact`` -> ``contact``). Mappings and non-attrs objects: None.
    """
    cls = record.__class__
    name = TYPE_NAMES.get(cls)
    if name is None:
        if isinstance(record, Mapping) or not attrs.has(cls):
            return None
        if any(a.name == "object_type" for a in attrs.fields(cls)):
            name = ""  # read from each record
        else:
            declared = getattr(cls, "object_type", None)
            name = declared if isinstance(declared, str) else _CAMEL.sub("_", cls.__name__).lower()
        TYPE_NAMES[cls] = name
    if not name:
        own = getattr(record, "object_type", None)
        return own if isinstance(own, str) and own else None
    return name


def owner_of(record: object) -> object:
    """Return the ``owner_id`` of a record or mapping (None when it has none)."""
    if isinstance(record, Mapping):
        return record.get(OWNER_FIELD)
    return getattr(record, OWNER_FIELD, None)


class UserView:
    """A user as the index sees them: effective roles, reachable owners, and their plans.

    ``plans`` holds, per object type, the entry of each action asked about so far.
    """

    __slots__ = ("direct", "effective", "fields", "owners", "plans", "user")

    def __init__(
        self,
        user: User,
        direct: tuple[Role, ...],
        effective: tuple[Role, ...],
        owners: dict[Scope, frozenset[str]],
    ) -> None:
        self.user = user
        self.direct = direct
        self.effective = effective
        self.owners = owners
        self.plans: dict[str, dict[str, Entry]] = {}
        self.fields: dict[str, dict[str, Access]] = {}


_Keyed = TypeVar("_Keyed", Role, User)


def _fail(path: str, reason: str) -> ConfigError:
    return ConfigError(path, reason)


def _by_key(
    items: tuple[_Keyed, ...],
    kind: type[_Keyed],
    path: str,
    *,
    key: str,
    needs: str,
    twice: str,
    check: Callable[[int, _Keyed], None] | None = None,
) -> dict[str, _Keyed]:
    """Index roles or users by their *key* field, refusing a wrong type, a blank or a repeat.

    *check*, when given, runs on each item as it is indexed, so problems are reported in
    list order whatever their kind.
    """
    noun = kind.__name__.lower()
    by_key: dict[str, _Keyed] = {}
    for i, item in enumerate(items):
        if not isinstance(item, kind):
            raise _fail(f"{path}[{i}]", f"expected a {kind.__name__}, not {item!r}")
        value: str = getattr(item, key)
        if not value:
            raise _fail(f"{path}[{i}].{key}", f"a {noun} needs {needs}")
        if value in by_key:
            raise _fail(f"{path}[{i}].{key}", f"{noun} {value!r} {twice}")
        if check is not None:
            check(i, item)
        by_key[value] = item
    return by_key


def _cycle(start: str, first: str | None, next_of: Callable[[str], str | None]) -> str | None:
    """Follow a chain (parents, managers) from *start*; return it as text if it loops back."""
    seen = [start]
    current = first
    while current is not None:
        if current in seen:
            return " -> ".join([*seen, current])
        seen.append(current)
        current = next_of(current)
    return None


class Index:
    """The compiled form of a policy; raises :class:`ConfigError` for an inconsistent one."""

    def __init__(
        self,
        version: object,
        roles: tuple[Role, ...],
        users: tuple[User, ...],
        schemas: Mapping[str, Mapping[str, str]],
    ) -> None:
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise _fail("version", f"expected a positive whole number, not {version!r}")
        self.roles = self._roles(roles)
        self.order = {name: i for i, name in enumerate(self.roles)}
        self.below = self._closure()
        self.conditions = self._conditions(roles, schemas)
        self.grants: dict[tuple[str, str, str], list[Grant]] = {}
        self.field_rules: dict[tuple[str, str], dict[str, Access]] = {}
        for i, role in enumerate(roles):
            self._index_role(i, role)
        self.users = self._users(users)
        self.teams: dict[str, set[str]] = {}
        self.reports: dict[str, set[str]] = {}
        for user in users:
            if user.team is not None:
                self.teams.setdefault(user.team, set()).add(user.id)
            if user.manager is not None:
                self.reports.setdefault(user.manager, set()).add(user.id)
        self.views: dict[str, UserView] = {}

    # building ---------------------------------------------------------------------------

    @staticmethod
    def _roles(roles: tuple[Role, ...]) -> dict[str, Role]:
        by_name = _by_key(
            roles, Role, "roles", key="name", needs="a name", twice="is defined twice"
        )
        for i, role in enumerate(roles):
            if role.parent is not None and role.parent not in by_name:
                raise _fail(f"roles[{i}].parent", f"unknown role {role.parent!r}")
            chain = _cycle(role.name, role.parent, lambda name: by_name[name].parent)
            if chain:
                raise _fail(f"roles[{i}].parent", f"the role hierarchy has a cycle: {chain}")
        return by_name

    def _closure(self) -> dict[str, frozenset[str]]:
        below: dict[str, set[str]] = {name: {name} for name in self.roles}
        for name, role in self.roles.items():
            parent = role.parent
            while parent is not None:
                below[parent].add(name)
                parent = self.roles[parent].parent
        return {name: frozenset(names) for name, names in below.items()}

    @staticmethod
    def _conditions(
        roles: tuple[Role, ...], schemas: Mapping[str, Mapping[str, str]]
    ) -> dict[tuple[int, int], Expression]:
        compiled: dict[tuple[int, int], Expression] = {}
        for i, role in enumerate(roles):
            for j, grant in enumerate(role.grants):
                if grant.condition is None:
                    continue
                path = f"roles[{i}].grants[{j}].condition"
                fields = schemas.get(grant.object_type)
                if fields is None:
                    raise _fail(
                        path,
                        f"a condition on {grant.object_type!r} needs "
                        f"schemas.{grant.object_type} to list the fields it may use",
                    )
                try:
                    expression = compile(grant.condition, fields)
                except ConfigError as exc:
                    raise _fail(f"schemas.{grant.object_type}", exc.reason) from exc
                except FormulaError as exc:
                    raise _fail(path, str(exc)) from exc
                if expression.result_type != "bool":
                    raise _fail(
                        path, f"a condition must be TRUE or FALSE, not {expression.result_type}"
                    )
                compiled[i, j] = expression
        return compiled

    def _index_role(self, i: int, role: Role) -> None:
        for j, grant in enumerate(role.grants):
            if not grant.object_type:
                raise _fail(f"roles[{i}].grants[{j}].object", "a grant needs an object type")
            if not grant.actions:
                raise _fail(f"roles[{i}].grants[{j}].actions", "a grant needs at least one action")
            for action in grant.actions:
                self.grants.setdefault((role.name, grant.object_type, action), []).append(grant)
        for j, rule in enumerate(role.fields):
            if not rule.object_type or not rule.field:
                raise _fail(f"roles[{i}].fields[{j}]", "a field rule needs an object and a field")
            rules = self.field_rules.setdefault((role.name, rule.object_type), {})
            if rule.field in rules:
                raise _fail(
                    f"roles[{i}].fields[{j}].field",
                    f"{rule.object_type}.{rule.field} has two rules in role {role.name!r}",
                )
            rules[rule.field] = rule.access

    def _users(self, users: tuple[User, ...]) -> dict[str, User]:
        def known_roles(i: int, user: User) -> None:
            for k, name in enumerate(user.roles):
                if name not in self.roles:
                    raise _fail(f"users[{i}].roles[{k}]", f"unknown role {name!r}")

        by_id = _by_key(
            users,
            User,
            "users",
            key="id",
            needs="an id",
            twice="is listed twice",
            check=known_roles,
        )
        for i, user in enumerate(users):
            if user.manager is None:
                continue
            if user.manager not in by_id:
                raise _fail(f"users[{i}].manager", f"unknown user {user.manager!r}")
            chain = _cycle(user.id, user.manager, lambda uid: by_id[uid].manager)
            if chain:
                raise _fail(f"users[{i}].manager", f"the reporting line has a cycle: {chain}")
        return by_id

    # per user -----------------------------------------------------------------------------

    def view(self, user: User | str) -> UserView | None:
        """Return the cached view of *user* (an id or a User), or None for an unknown id."""
        if user.__class__ is str:
            view = self.views.get(user)
            if view is None:
                known = self.users.get(user)
                if known is None:
                    return None
                view = self.views[known.id] = self._view(known)
            return view
        if not isinstance(user, User):
            return None
        view = self.views.get(user.id)
        if view is not None and (view.user is user or view.user == user):
            return view
        fresh = self._view(user)
        if self.users.get(user.id) == user:
            self.views[user.id] = fresh
        return fresh

    def _view(self, user: User) -> UserView:
        direct = tuple(self.roles[name] for name in user.roles if name in self.roles)
        names: set[str] = set()
        under: set[str] = set()
        for role in direct:
            names |= self.below[role.name]
            under |= self.below[role.name] - {role.name}
        effective = tuple(sorted((self.roles[n] for n in names), key=lambda r: self.order[r.name]))
        team = {user.id}
        if user.team is not None:
            team |= self.teams.get(user.team, set())
        subordinates = {user.id}
        subordinates.update(
            other.id for other in self.users.values() if under.intersection(other.roles)
        )
        # the reporting line reaches people the role hierarchy may not (two managers, one role)
        pending, reached = [user.id], {user.id}
        while pending:
            for report in self.reports.get(pending.pop(), ()):
                if report not in reached:
                    reached.add(report)
                    pending.append(report)
        subordinates |= reached
        owners = {
            Scope.OWN: frozenset({user.id}),
            Scope.TEAM: frozenset(team),
            Scope.SUBORDINATES: frozenset(subordinates),
            Scope.REPORTS: frozenset(reached),
        }
        return UserView(user, direct, effective, owners)

    def entry(self, view: UserView, object_type: str, action: str) -> Entry:
        """Return (building once) what *view* may do with *action* on *object_type*."""
        plan = view.plans.get(object_type)
        if plan is None:
            plan = view.plans[object_type] = {}
        found = plan.get(action)
        if found is None:
            found = plan[action] = self._entry(view, object_type, action)
        return found

    def _entry(self, view: UserView, object_type: str, action: str) -> Entry:
        rules: list[Rule] = []
        things = plural(object_type)
        phrase = action_phrase(action)
        for role in view.effective:
            for grant in self.grants.get((role.name, object_type, action), ()):
                owners = None if grant.scope is Scope.ALL else view.owners[grant.scope]
                req = requirement(grant, view.user.team)
                reason = f"role {role.title} may {phrase} {things}"
                reason += f" when {req}" if req else ""
                decision = Decision(True, reason, action, object_type, role.name, grant)
                refusal = f"role {role.title} may {phrase} {things} only when {req}"
                condition = self._condition_of(role, grant)
                rules.append(Rule(role, grant, owners, condition, decision, refusal))
        rules.sort(key=lambda r: (r.grant.condition is not None, _SCOPE_ORDER[r.grant.scope]))
        if rules:
            first = rules[0].decision
            reason = "; ".join(dict.fromkeys(r.decision.reason for r in rules))
            summary = Decision(True, reason, action, object_type, first.role, first.grant)
        else:
            held = ", ".join(r.title for r in view.direct) or "no roles"
            reason = f"no role of {view.user.title} ({held}) may {phrase} {things}"
            summary = Decision(False, reason, action, object_type)
        return Entry(rules, summary)

    def _condition_of(self, role: Role, grant: Grant) -> Expression | None:
        if grant.condition is None:
            return None
        j = next(k for k, g in enumerate(role.grants) if g is grant)
        return self.conditions[self.order[role.name], j]

    def field_access(self, view: UserView, object_type: str) -> dict[str, Access]:
        """Return the fields some rule restricts for *view*, with the most generous access."""
        found = view.fields.get(object_type)
        if found is None:
            named: set[str] = set()
            for role in view.direct:
                named |= set(self.field_rules.get((role.name, object_type), {}))
            found = {}
            for name in sorted(named):
                best = max(
                    (
                        self.field_rules.get((role.name, object_type), {}).get(
                            name, Access.EDITABLE
                        )
                        for role in view.direct
                    ),
                    key=ACCESS_RANK.__getitem__,
                )
                if best is not Access.EDITABLE:
                    found[name] = best
            view.fields[object_type] = found
        return found

    def filter_of(self, view: UserView, entry: Entry) -> Filter:
        """Return the filter for *entry* of *view*, building it once.

        Raises:
            ConfigError: if the filter names more owners than an expression can hold.
        """
        if entry.filter is None:
            entry.filter = entry_filter(entry, view.user, self.users)
        return entry.filter
