"""Change history: which fields an update changed, from what to what."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["IGNORED", "diff"]

IGNORED = frozenset({"version", "updated_at"})
"""Fields every stored change moves; history leaves them out of ``changes``."""


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Return each top-level field whose plain value differs, as ``{field: (old, new)}``.

    Both sides are plain data (as :func:`crmkit.to_dict` gives), so the result can be
    stored as JSON and read back unchanged.
    """
    changes: dict[str, tuple[Any, Any]] = {}
    for name in sorted(old.keys() | new.keys()):
        if name in IGNORED:
            continue
        before = old.get(name)
        after = new.get(name)
        if before != after:
            changes[name] = (before, after)
    return changes
