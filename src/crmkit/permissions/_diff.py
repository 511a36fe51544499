"""What changed between two versions of a policy, one change per role, user, grant or rule.

The comparison works on the plain data of the two versions (:meth:`Policy.to_dict`), which
is also what each change carries as its before and after values.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from attrs import frozen

__all__ = ["Change", "ChangeKind", "diff_policy_data"]


class ChangeKind(enum.StrEnum):
    """Whether something was added, removed or changed."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


_MARKS = {ChangeKind.ADDED: "+", ChangeKind.REMOVED: "-", ChangeKind.CHANGED: "~"}


@frozen
class Change:
    """One difference between two policies.

    Attributes:
        kind: added, removed or changed.
        path: where, e.g. ``roles['sales_rep'].grants`` or ``users['ali'].team``.
        before: the old value as plain data (None when added).
        after: the new value as plain data (None when removed).
    """

    kind: ChangeKind
    path: str
    before: Any = None
    after: Any = None

    def __str__(self) -> str:
        if self.kind is ChangeKind.CHANGED:
            return f"~ {self.path}: {self.before!r} -> {self.after!r}"
        value = self.after if self.kind is ChangeKind.ADDED else self.before
        return f"{_MARKS[self.kind]} {self.path}: {value!r}"


def _keyed(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {str(item[key]): item for item in items}


def _items(before: list[Any], after: list[Any], path: str) -> list[Change]:
    changes = [
        Change(ChangeKind.REMOVED, path, before=item) for item in before if item not in after
    ]
    changes += [Change(ChangeKind.ADDED, path, after=item) for item in after if item not in before]
    return changes


def _records(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], what: str, lists: set[str]
) -> list[Change]:
    changes: list[Change] = []
    for name in sorted(before.keys() | after.keys()):
        path = f"{what}[{name!r}]"
        old, new = before.get(name), after.get(name)
        if old is None:
            changes.append(Change(ChangeKind.ADDED, path, after=new))
        elif new is None:
            changes.append(Change(ChangeKind.REMOVED, path, before=old))
        else:
            for key in sorted(old.keys() | new.keys()):
                if old.get(key) == new.get(key):
                    continue
                if key in lists:
                    changes += _items(old.get(key, []), new.get(key, []), f"{path}.{key}")
                else:
                    changes.append(
                        Change(ChangeKind.CHANGED, f"{path}.{key}", old.get(key), new.get(key))
                    )
    return changes


def diff_policy_data(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[Change, ...]:
    """Return the changes that turn policy data *old* into *new*: roles, users, then schemas.

    Both are policies as plain data, as :meth:`Policy.to_dict` gives them (with a version).
    """
    changes: list[Change] = []
    if old["version"] != new["version"]:
        changes.append(Change(ChangeKind.CHANGED, "version", old["version"], new["version"]))
    changes += _records(
        _keyed(old.get("roles", []), "name"),
        _keyed(new.get("roles", []), "name"),
        "roles",
        {"grants", "fields"},
    )
    changes += _records(
        _keyed(old.get("users", []), "id"), _keyed(new.get("users", []), "id"), "users", set()
    )
    changes += _records(old.get("schemas", {}), new.get("schemas", {}), "schemas", set())
    return tuple(changes)
