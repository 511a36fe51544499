"""How decisions speak: object type plurals, action phrases, scope phrases, literals."""

from __future__ import annotations

from collections.abc import Iterable

from ._model import Grant, Scope

__all__ = ["action_phrase", "owner_clause", "plural", "quote", "requirement"]

_ACTION_PHRASES = {
    "view_notes": "view notes on",
    "bulk_update": "bulk update",
    "bulk_delete": "bulk delete",
}
_QUOTE_ESCAPES = str.maketrans({"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r"})


def plural(object_type: str) -> str:
    """Return the plural of an object type for messages (``company`` -> ``companies``)."""
    if object_type.endswith("y") and object_type[-2:-1] not in set("aeiou"):
        return object_type[:-1] + "ies"
    if object_type.endswith(("s", "x", "ch", "sh")):
        return object_type + "es"
    return object_type + "s"


def action_phrase(action: str) -> str:
    """Return *action* as words that read before an object type (``view notes on deals``)."""
    return _ACTION_PHRASES.get(action, action)


def requirement(grant: Grant, team: str | None) -> str:
    """Return what a record must meet under *grant*, e.g. ``owner = you and stage = 'open'``."""
    parts = []
    if grant.scope is Scope.OWN:
        parts.append("owner = you")
    elif grant.scope is Scope.TEAM:
        parts.append(f"the owner is in your team ({team})" if team else "owner = you")
    elif grant.scope is Scope.SUBORDINATES:
        parts.append("the owner is you or below you in the role hierarchy")
    elif grant.scope is Scope.REPORTS:
        parts.append("the owner is you or reports to you")
    if grant.condition is not None:
        parts.append(grant.condition)
    return " and ".join(parts)


def quote(value: str) -> str:
    """Return *value* as a text literal of the expression language."""
    return "'" + value.translate(_QUOTE_ESCAPES) + "'"


def owner_clause(owners: Iterable[str], owner_field: str) -> str:
    """Return an expression true when *owner_field* is one of *owners* (sorted, deduplicated).

    One owner is a comparison, several an ``IN(...)`` call; either combines as it is.
    """
    literals = [quote(owner) for owner in sorted(set(owners))]
    if len(literals) == 1:
        return f"{owner_field} = {literals[0]}"
    return f"IN({owner_field}, {', '.join(literals)})"
