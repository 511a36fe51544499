"""Optional dependencies: the libraries of crmkit's extras, imported when a feature needs them.

The core installs attrs, cattrs, SQLAlchemy, phonenumbers, email-validator, babel, rapidfuzz,
jellyfish and charset-normalizer. Every other library belongs to an extra
(``pip install 'crmkit[xlsx]'``) and is imported through :func:`require` by the code that
uses it, so a missing one is reported as the extra to install, not as a bare ImportError.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from crmkit.errors import MissingDependency

__all__ = ["require"]


def require(module: str, *, extra: str) -> ModuleType:
    """Import and return *module*, a library of crmkit's *extra*.

    Args:
        module: the module to import, e.g. ``"openpyxl"`` or ``"alembic.command"``.
        extra: the extra that installs it, e.g. ``"xlsx"``.

    Raises:
        MissingDependency: naming *extra*, when the library is not installed.
        ModuleNotFoundError: when the library is there but one of its own dependencies is
            not (a broken installation, which no extra mends).
    """
    top = module.partition(".")[0]
    try:
        # the library first: its submodules may be cached even after it has been removed
        importlib.import_module(top)
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is None or not (module == exc.name or module.startswith(f"{exc.name}.")):
            raise
        raise MissingDependency(top, extra) from exc
