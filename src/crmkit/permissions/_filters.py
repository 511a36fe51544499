"""Turning what a user may do into a query filter: owner clauses OR'd with conditions."""

from __future__ import annotations

from collections.abc import Mapping

from crmkit.errors import ConfigError
from crmkit.expr import MAX_SOURCE

from ._decision import Filter
from ._entry import Entry
from ._model import OWNER_FIELD, User
from ._text import action_phrase, owner_clause, plural

__all__ = ["entry_filter"]


def entry_filter(entry: Entry, user: User, users: Mapping[str, User]) -> Filter:
    """Return the filter of the records *entry*'s rules let *user* reach.

    Raises:
        ConfigError: if the filter names more owners than an expression can hold.
    """
    found = _build_filter(entry)
    if found.source is not None and len(found.source) > MAX_SOURCE:
        raise _too_long(entry, user, users, len(found.source))
    return found


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


def _too_long(entry: Entry, user: User, users: Mapping[str, User], length: int) -> ConfigError:
    owners: set[str] = set()
    for rule in entry.rules:
        owners |= rule.owners or set()
    ids = list(users)
    path = f"users[{ids.index(user.id)}]" if user.id in ids else "users"
    summary = entry.summary
    things = plural(summary.object_type)
    return ConfigError(
        path,
        f"the filter for {user.title} to {action_phrase(summary.action)} {things} names "
        f"{len(owners):,} owners and would be {length:,} characters long, past the "
        f"{MAX_SOURCE:,} an expression may have; give this user scope 'all' for "
        f"{things}, or smaller teams",
    )
