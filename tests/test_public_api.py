"""Each package's __all__ names exactly its public objects."""

from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

import crmkit


def _packages() -> list[str]:
    names = ["crmkit"]
    for info in pkgutil.walk_packages(crmkit.__path__, "crmkit."):
        leaf = info.name.rsplit(".", 1)[-1]
        if not leaf.startswith("_") and ".__" not in info.name:
            if any(part.startswith("_") for part in info.name.split(".")[1:]):
                continue
            names.append(info.name)
    return names


@pytest.mark.parametrize("name", _packages())
def test_all_is_sorted_and_complete(name: str) -> None:
    """__all__ names only what exists and misses nothing the package defines.

    Its order is ruff's RUF022 (constants, then classes, then functions), checked by ruff.

    A public name defined in the module itself or in one of its private submodules
    (``crmkit.contacts._model`` for ``crmkit.contacts``) must be listed.
    """
    module = importlib.import_module(name)
    exported = list(module.__all__)
    defined_here = {
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and not isinstance(v, types.ModuleType)
        and getattr(v, "__module__", None) is not None
        and (v.__module__ == name or v.__module__.startswith(f"{name}._"))
    }

    assert [] == [n for n in exported if not hasattr(module, n)]
    assert set() == defined_here - set(exported)


@pytest.mark.parametrize("name", _packages())
def test_public_objects_have_docstrings(name: str) -> None:
    """Every exported function and class has a docstring."""
    module = importlib.import_module(name)
    objects = {n: getattr(module, n) for n in module.__all__}
    documented = (types.FunctionType, type)
    missing = [
        n for n, v in objects.items() if isinstance(v, documented) and not (v.__doc__ or "").strip()
    ]

    assert [] == missing
