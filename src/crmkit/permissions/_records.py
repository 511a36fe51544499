"""Reading fields of attrs records (declared fields, then ``custom``) and mappings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

__all__ = [
    "SYSTEM_FIELDS",
    "blank",
    "changed_fields",
    "default_of",
    "field_names",
    "set_fields",
    "unhide",
    "value_of",
]

SYSTEM_FIELDS = frozenset({"updated_at", "version"})
"""Fields a store maintains itself; changing them is never an edit by the user."""

_IDENTITY = frozenset({"id", "created_at"})
_NAMES: dict[type, frozenset[str]] = {}


def field_names(record: object) -> frozenset[str]:
    """Return the declared field names of an attrs record (empty for a mapping)."""
    cls = record.__class__
    names = _NAMES.get(cls)
    if names is None:
        names = frozenset(a.name for a in attrs.fields(cls)) if attrs.has(cls) else frozenset()
        _NAMES[cls] = names
    return names


def _custom(record: object) -> Mapping[str, object]:
    custom = getattr(record, "custom", None)
    return custom if isinstance(custom, Mapping) else {}


def value_of(record: object, name: str) -> object:
    """Return the value of field *name*: declared field, else custom value, else None."""
    if isinstance(record, Mapping):
        return record.get(name)
    if name in field_names(record):
        return getattr(record, name)
    return _custom(record).get(name)


def _all_names(record: object) -> set[str]:
    if isinstance(record, Mapping):
        return {str(k) for k in record}
    names = set(field_names(record)) - {"custom"}
    return names | set(_custom(record))


def changed_fields(before: object, after: object) -> list[str]:
    """Return, sorted, the fields whose values differ between two versions of a record."""
    names = (_all_names(before) | _all_names(after)) - SYSTEM_FIELDS
    return sorted(n for n in names if value_of(before, n) != value_of(after, n))


def blank(value: object) -> bool:
    """Return True for a value that says nothing: None, empty text or an empty collection."""
    if value is None:
        return True
    if isinstance(value, str | tuple | list | dict | set | frozenset):
        return not value
    return False


def set_fields(record: object) -> list[str]:
    """Return, sorted, the fields of *record* holding a value: not blank, not the default."""
    defaults: dict[str, object] = {}
    if not isinstance(record, Mapping) and attrs.has(record.__class__):
        defaults = {a.name: default_of(a) for a in attrs.fields(record.__class__)}
    names = _all_names(record) - SYSTEM_FIELDS - _IDENTITY
    out = []
    for name in names:
        value = value_of(record, name)
        if not blank(value) and (name not in defaults or value != defaults[name]):
            out.append(name)
    return sorted(out)


def default_of(attribute: attrs.Attribute[Any]) -> object:
    """Return the empty value of a declared field: its default, else "" for text, else None."""
    default = attribute.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # Factory is a class at runtime
        factory: Any = default
        if not factory.takes_self:
            return factory.factory()
        return None
    if default is attrs.NOTHING:
        # a required text field is blanked to empty text, anything else to None
        return "" if attribute.type in (str, "str") else None
    return default


def unhide(record: Any, stored: Any, names: frozenset[str]) -> Any:
    """Return *record* with the fields *names* taken from *stored*.

    A user edits a redacted copy; the fields they could not see keep their stored values
    instead of counting as changed to blank.
    """
    if not names:
        return record
    if isinstance(record, Mapping):
        merged = dict(record)
        merged.update({k: v for k, v in stored.items() if k in names})
        for k in names - set(stored):
            merged.pop(k, None)
        return merged
    declared = field_names(record)
    changes: dict[str, object] = {n: getattr(stored, n) for n in names if n in declared}
    if "custom" in declared:
        custom = {k: v for k, v in _custom(record).items() if k not in names}
        custom.update({k: v for k, v in _custom(stored).items() if k in names})
        if custom != _custom(record):
            changes["custom"] = custom
    return attrs.evolve(record, **changes) if changes else record
