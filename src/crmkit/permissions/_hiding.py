"""Hiding fields: every name a field goes by, and one way to blank it on records and changes.

A field may be named two ways: a filter reads a contact's ``email`` (the primary address)
where the record holds ``emails`` (all of them). Hiding either name hides both, so a value
hidden from a record cannot be found again through a filter, a sort, a match key or the
history. The names come from the kinds' built-in fields (``CONTACT_FIELDS``...): a field
read through a getter is the view of the record attribute of its plural name.

A frozen record cannot lose an attribute, so a hidden built-in field is blanked to its
empty value (its default: ``""``, ``()``, ``None``); a hidden custom value is removed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from crmkit.contacts import AFFILIATION_FIELDS, COMPANY_FIELDS, CONTACT_FIELDS
from crmkit.fields import BuiltinFields
from crmkit.pipeline import DEAL_FIELDS

from ._model import Action
from ._records import default_of, field_names
from ._text import plural

__all__ = ["GUARDED", "KEY_FIELDS", "blank_fields", "hide_changes", "names_of"]

_BUILTIN: tuple[BuiltinFields, ...] = (
    CONTACT_FIELDS,
    COMPANY_FIELDS,
    AFFILIATION_FIELDS,
    DEAL_FIELDS,
)

# a deal's stage history records its stage, pipeline, amount and lost reason at each move
_HISTORY: tuple[str, ...] = ("history",)
_CARRIED: dict[str, dict[str, tuple[str, ...]]] = {
    "deal": dict.fromkeys(
        ("amount", "stage_id", "stage_kind", "pipeline_id", "lost_reason"), _HISTORY
    ),
}

GUARDED: dict[Action, tuple[str, ...]] = {Action.VIEW_NOTES: ("notes",)}
"""Fields an action guards: without the action on a record, they are hidden on it.

``email`` is not here: it says whether the host may send a person e-mail, and the
addresses stay readable (for matching and imports) unless a field rule hides them.
"""

KEY_FIELDS: dict[str, dict[str, str]] = {
    "contact": {"email": "email", "phone": "phone"},
    "company": {"email": "email", "phone": "phone", "company": "name", "domain": "domain"},
    "deal": {"contact": "contacts", "company": "company_id"},
}
"""Per kind, the field each match key of ``find_by_keys`` is made from."""


def _groups() -> dict[str, list[frozenset[str]]]:
    groups: dict[str, list[frozenset[str]]] = {}
    for fields in _BUILTIN:
        found = groups.setdefault(fields.object_type, [])
        for name in fields.getters:
            found.append(frozenset({name, plural(name)}))
        for name, carriers in _CARRIED.get(fields.object_type, {}).items():
            found.append(frozenset({name, *carriers}))
    return groups


_GROUPS = _groups()


def names_of(object_type: str, names: Iterable[str]) -> frozenset[str]:
    """Return *names* with every other name the same data goes by on *object_type*.

    ``names_of("contact", ["email"])`` is ``{"email", "emails"}``; a custom field has only
    its own name.
    """
    out = set(names)
    for group in _GROUPS.get(object_type, ()):
        if out & group:
            out |= group
    return frozenset(out)


def blank_fields(record: Any, names: frozenset[str]) -> Any:
    """Return a copy of *record* with the fields *names* blanked (attrs) or removed.

    A mapping loses the keys; an attrs record gets each hidden declared field back to its
    default and loses hidden custom values. The copy is a view for one reader, made without
    running the record's checks again: a contact whose only identity is a hidden e-mail
    address is still shown, with the address blank.
    """
    if not names:
        return record
    if isinstance(record, Mapping):
        return {k: v for k, v in record.items() if k not in names}
    cls = record.__class__
    declared = field_names(record)
    if not declared:
        return record
    changes: dict[str, object] = {}
    hit = declared & names
    if hit:
        for attribute in attrs.fields(cls):
            if attribute.name in hit and attribute.name != "id":
                changes[attribute.name] = default_of(attribute)
    custom = getattr(record, "custom", None)
    if "custom" in declared and isinstance(custom, Mapping) and not names.isdisjoint(custom):
        changes["custom"] = {k: v for k, v in custom.items() if k not in names}
    if not changes:
        return record
    shown = copy.copy(record)
    for name, value in changes.items():
        object.__setattr__(shown, name, value)
    return shown


def hide_changes(
    changes: Mapping[str, tuple[Any, Any]], names: frozenset[str]
) -> dict[str, tuple[Any, Any]]:
    """Return a history entry's changes without the fields *names*.

    Changes are plain data, one entry per top-level field; custom values are one entry,
    ``custom``, whose old and new mappings lose the hidden keys (and the entry goes when
    nothing else changed in it).
    """
    out: dict[str, tuple[Any, Any]] = {}
    for name, (before, after) in changes.items():
        if name in names:
            continue
        if name == "custom":
            old, new = _without(before, names), _without(after, names)
            if old != new:
                out[name] = (old, new)
            continue
        out[name] = (before, after)
    return out


def _without(values: object, names: frozenset[str]) -> object:
    if isinstance(values, Mapping):
        return {k: v for k, v in values.items() if k not in names}
    return values
