"""Field security for one user: the fields hidden on a record or a type, and locked ones.

A field is hidden by a field rule, or by an action that guards it (``view_notes`` guards
``notes``) and that the user may not take on the record. For a whole object type, a guarded
field counts as hidden unless its action reaches every record the user may read.
"""

from __future__ import annotations

from collections.abc import Iterable

from crmkit.errors import ConfigError

from ._hiding import GUARDED, names_of
from ._index import Index, UserView, owner_of
from ._model import Access, Action
from ._targets import UNKNOWN
from ._text import plural

__all__ = ["hidden_names", "locked"]


def hidden_names(index: Index, view: UserView, object_type: str, record: object) -> frozenset[str]:
    """Return every name of the fields of *record* (UNKNOWN: of the type) hidden from *view*."""
    access = index.field_access(view, object_type)
    names = {name for name, level in access.items() if level is Access.HIDDEN}
    for action, guarded in GUARDED.items():
        entry = index.entry(view, object_type, action)
        if record is UNKNOWN:
            if entry.everything is None and not _same_reach(index, view, object_type, action):
                names.update(guarded)
        elif not entry.decide(record, owner_of(record)):
            names.update(guarded)
    return names_of(object_type, names)


def _same_reach(index: Index, view: UserView, object_type: str, action: str) -> bool:
    """Whether *action* reaches exactly the records the user may read."""
    try:
        reach = index.filter_of(view, index.entry(view, object_type, action))
        read = index.filter_of(view, index.entry(view, object_type, Action.READ))
    except ConfigError:  # too many owners to name: not provably the same
        return False
    return reach == read


def locked(
    index: Index, view: UserView, object_type: str, names: Iterable[str], verb: str
) -> str | None:
    """Return why *view* may not *verb* some of the fields *names*, or None when all are free."""
    access = index.field_access(view, object_type)
    found = [(n, access[n]) for n in names if n in access]
    if not found:
        return None
    listed = ", ".join(f"{n} ({a.value.replace('_', '-')})" for n, a in found)
    return f"{view.user.title} may not {verb} {listed} on {plural(object_type)}"
