"""Each package's __all__ is sorted and names exactly its public objects."""

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
    """__all__ is sorted, every name in it exists, and no other public name is exported."""
    module = importlib.import_module(name)
    exported = list(module.__all__)
    public = {
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and not isinstance(v, types.ModuleType)
        and n not in {"annotations", "TYPE_CHECKING"}
        and getattr(v, "__module__", name).startswith("crmkit")
    }

    assert sorted(exported) == exported
    assert set(exported) == public


@pytest.mark.parametrize("name", _packages())
def test_public_objects_have_docstrings(name: str) -> None:
    """Every exported function and class has a docstring."""
    module = importlib.import_module(name)
    missing = [n for n in module.__all__ if not (getattr(module, n).__doc__ or "").strip()]

    assert [] == missing
