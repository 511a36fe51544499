"""Columns that feed no field, kept on import as text custom fields named from their headers.

A clean writes such columns unchanged (see ``_split``); an import drops them unless it is
asked to keep them (``import_file(..., keep_unmapped=True)``, ``crmkit import
--keep-columns``): then each becomes a text custom field of the contacts, declared in the
store, named from its header (``Lead score`` → ``lead_score``, ``کچھ اور`` → ``کچھ_اور``).
"""

from __future__ import annotations

from typing import Final

import attrs

from crmkit.contacts import Contact
from crmkit.storage import Store

from ._engine import Prepared

__all__ = ["custom_name", "keep_unmapped"]

_TEXT: Final = "text"
_BUILT_IN: Final = frozenset({a.name for a in attrs.fields(Contact)} | {"email", "phone"}) - {
    "custom"
}


def custom_name(header: str) -> str:
    """The custom field name a header gives: lower case, each run of non-name letters ``_``.

    A name that would start with a digit (``2024 target``) starts with ``column_``.
    """
    letters = [c if ("_" + c).isidentifier() else "_" for c in header.casefold()]
    name = "_".join(part for part in "".join(letters).split("_") if part)
    if not name or not name.isidentifier():
        name = f"column_{name}".rstrip("_")
    return name


def keep_unmapped(source: Prepared, store: Store, *, declare: bool) -> Prepared:
    """*source* with its carried columns feeding text custom fields of the contacts.

    A name that is a built-in contact field (``created_at``) gets ``_column`` after it; a
    custom field already declared under the name is filled as it is declared.

    Args:
        source: the prepared input.
        store: where the fields are declared.
        declare: declare the new fields in *store* (not for a dry run).
    """
    if not source.columns.carried:
        return source
    declared = set(store.schema("contact").field_types()) - _BUILT_IN
    built_in = _BUILT_IN
    names: dict[str, str] = {}
    for rule in source.columns.carried:
        name = custom_name(rule.column)
        while name in built_in or name in names.values():
            name += "_column"
        names[rule.column] = name
    new = {name: _TEXT for name in names.values() if name not in declared}
    if declare and new:
        store.define_fields("contact", new)
    return source._replace(columns=source.columns.keeping_unmapped(names))
