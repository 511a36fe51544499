"""A policy compiled for fast checks: role closure, grants by (role, object type, action).

Everything a check needs per user is worked out the first time that user is seen and kept,
so a check is a few dictionary lookups and one comparison of the record's owner.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from crmkit.errors import ConfigError, FormulaError
from crmkit.expr import MAX_SOURCE, Expression, compile

from ._decision import Decision, Filter
from ._model import ACCESS_RANK, Access, Grant, Role, Scope, User
from ._text import action_phrase, owner_clause, plural, requirement

__all__ = ["OWNER_FIELD", "Access", "Index", "Rule", "UserView", "object_type_of", "owner_of"]

OWNER_FIELD = "owner_id"
"""The record field every scope is judged by."""

_SCOPE_ORDER = {Scope.ALL: 0, Scope.SUBORDINATES: 1, Scope.TEAM: 2, Scope.OWN: 3}
_TYPE_NAMES: dict[type, str] = {}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def object_type_of(record: object) -> str | None:
    """Return the object type of a record, or None when it cannot tell.

    A record with an ``object_type`` field (a custom object's record) says it itself;
    otherwise its class's ``object_type`` text, else the class name in snake case
    (``Contact`` -> ``contact``). Mappings and non-attrs objects: None.
    """
    cls = record.__class__
    name = _TYPE_NAMES.get(cls)
    if name is None:
        if isinstance(record, Mapping) or not attrs.has(cls):
            return None
        if any(a.name == "object_type" for a in attrs.fields(cls)):
            name = ""  # read from each record
        else:
            declared = getattr(cls, "object_type", None)
            name = declared if isinstance(declared, str) else _CAMEL.sub("_", cls.__name__).lower()
        _TYPE_NAMES[cls] = name
    if not name:
        own = getattr(record, "object_type", None)
        return own if isinstance(own, str) and own else None
    return name


def owner_of(record: object) -> object:
    """Return the ``owner_id`` of a record or mapping (None when it has none)."""
    if isinstance(record, Mapping):
        return record.get(OWNER_FIELD)
    return getattr(record, OWNER_FIELD, None)


class Rule:
    """One grant as it applies to one user: the owners it reaches and its condition."""

    __slots__ = ("condition", "decision", "grant", "owners", "role")

    def __init__(
        self,
        role: Role,
        grant: Grant,
        owners: frozenset[str] | None,
        condition: Expression | None,
        decision: Decision,
    ) -> None:
        self.role = role
        self.grant = grant
        self.owners = owners
        self.condition = condition
        self.decision = decision


class Entry:
    """What one user may do with one action on one object type."""

    __slots__ = ("everything", "filter", "rules", "summary")

    def __init__(self, rules: list[Rule], summary: Decision) -> None:
        self.rules = tuple(rules)
        self.summary = summary
        self.everything: Decision | None = next(
            (r.decision for r in rules if r.owners is None and r.condition is None), None
        )
        self.filter: Filter | None = None


class UserView:
    """A user as the index sees them: effective roles, reachable owners, and a cache."""

    __slots__ = ("direct", "effective", "entries", "fields", "owners", "user")

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
        self.entries: dict[tuple[str, str], Entry] = {}
        self.fields: dict[str, dict[str, Access]] = {}


def _fail(path: str, reason: str) -> ConfigError:
    return ConfigError(path, reason)


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
        by_name: dict[str, Role] = {}
        for i, role in enumerate(roles):
            if not isinstance(role, Role):
                raise _fail(f"roles[{i}]", f"expected a Role, not {role!r}")
            if not role.name:
                raise _fail(f"roles[{i}].name", "a role needs a name")
            if role.name in by_name:
                raise _fail(f"roles[{i}].name", f"role {role.name!r} is defined twice")
            by_name[role.name] = role
        for i, role in enumerate(roles):
            if role.parent is not None and role.parent not in by_name:
                raise _fail(f"roles[{i}].parent", f"unknown role {role.parent!r}")
            seen = [role.name]
            parent = role.parent
            while parent is not None:
                if parent in seen:
                    chain = " -> ".join([*seen, parent])
                    raise _fail(f"roles[{i}].parent", f"the role hierarchy has a cycle: {chain}")
                seen.append(parent)
                parent = by_name[parent].parent
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
        by_id: dict[str, User] = {}
        for i, user in enumerate(users):
            if not isinstance(user, User):
                raise _fail(f"users[{i}]", f"expected a User, not {user!r}")
            if not user.id:
                raise _fail(f"users[{i}].id", "a user needs an id")
            if user.id in by_id:
                raise _fail(f"users[{i}].id", f"user {user.id!r} is listed twice")
            for k, name in enumerate(user.roles):
                if name not in self.roles:
                    raise _fail(f"users[{i}].roles[{k}]", f"unknown role {name!r}")
            by_id[user.id] = user
        for i, user in enumerate(users):
            if user.manager is None:
                continue
            if user.manager not in by_id:
                raise _fail(f"users[{i}].manager", f"unknown user {user.manager!r}")
            seen = [user.id]
            manager: str | None = user.manager
            while manager is not None:
                if manager in seen:
                    chain = " -> ".join([*seen, manager])
                    raise _fail(f"users[{i}].manager", f"the reporting line has a cycle: {chain}")
                seen.append(manager)
                manager = by_id[manager].manager
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
        }
        return UserView(user, direct, effective, owners)

    def entry(self, view: UserView, object_type: str, action: str) -> Entry:
        """Return (building once) what *view* may do with *action* on *object_type*."""
        key = (object_type, action)
        found = view.entries.get(key)
        if found is None:
            found = view.entries[key] = self._entry(view, object_type, action)
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
                rules.append(Rule(role, grant, owners, self._condition_of(role, grant), decision))
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

    def owner_title(self, owner: object) -> str:
        """Return how a message names the owner of a record."""
        user = self.users.get(owner) if isinstance(owner, str) else None
        return user.title if user is not None else repr(owner)

    def filter_of(self, view: UserView, entry: Entry) -> Filter:
        """Return the filter for *entry* of *view*, building it once.

        Raises:
            ConfigError: if the filter names more owners than an expression can hold.
        """
        if entry.filter is None:
            found = _build_filter(entry)
            if found.source is not None and len(found.source) > MAX_SOURCE:
                raise self._too_long(view, entry, len(found.source))
            entry.filter = found
        return entry.filter

    def _too_long(self, view: UserView, entry: Entry, length: int) -> ConfigError:
        owners: set[str] = set()
        for rule in entry.rules:
            owners |= rule.owners or set()
        ids = list(self.users)
        user = view.user
        path = f"users[{ids.index(user.id)}]" if user.id in ids else "users"
        summary = entry.summary
        things = plural(summary.object_type)
        return _fail(
            path,
            f"the filter for {user.title} to {action_phrase(summary.action)} {things} names "
            f"{len(owners):,} owners and would be {length:,} characters long, past the "
            f"{MAX_SOURCE:,} an expression may have; give this user scope 'all' for "
            f"{things}, or smaller teams",
        )


def _build_filter(entry: Entry) -> Filter:
    if not entry.rules:
        return Filter.NONE
    if entry.everything is not None:
        return Filter.ALL
    owners: set[str] = set()
    for rule in entry.rules:
        if rule.condition is None and rule.owners is not None:
            owners |= rule.owners
    # (text, whether it must be wrapped before joining with OR)
    clauses = [(owner_clause(owners, OWNER_FIELD), False)] if owners else []
    for rule in entry.rules:
        if rule.condition is None or (rule.owners is not None and rule.owners <= owners):
            continue  # unconditional, or reaching no record the owner clause does not
        cond = f"({rule.condition.source})"
        if rule.owners is None:
            clauses.append((cond, False))
        else:
            clauses.append((f"{owner_clause(rule.owners, OWNER_FIELD)} AND {cond}", True))
    if len(clauses) == 1:
        return Filter.where(clauses[0][0])
    return Filter.where(" OR ".join(f"({text})" if wrap else text for text, wrap in clauses))
