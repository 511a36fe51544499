"""Re-exports a package loads when they are first asked for, not when it is imported.

A package whose names come partly from a costly module (``crmkit.storage``'s SQL backend
imports SQLAlchemy) lists those names here; :func:`lazy_names` gives the module-level
``__getattr__`` and ``__dir__`` that import the module on the first lookup and keep the
value, so later lookups never come back. Type checkers see the names through the package's
``TYPE_CHECKING`` imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

__all__ = ["lazy_names"]


def lazy_names(
    package: str, module: str, names: Iterable[str], namespace: dict[str, object]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """Return ``__getattr__`` and ``__dir__`` for *package*, loading *names* from *module*.

    Args:
        package: the package's ``__name__``.
        module: the module that defines the names, relative to the package (``"._sql"``).
        names: the names it provides.
        namespace: the package's ``globals()``: a loaded value is kept there.
    """
    lazy = frozenset(names)

    def get(name: str) -> object:
        if name not in lazy:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value  # later lookups find it without coming here
        return value

    def listing() -> list[str]:
        return sorted({*namespace, *lazy})

    return get, listing
