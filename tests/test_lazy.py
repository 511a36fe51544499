"""Lazy re-exports: loaded on first lookup, kept, listed, and unknown names still refused."""

from __future__ import annotations

import pytest

from crmkit._lazy import lazy_names


def test_a_lazy_name_is_loaded_once_and_kept() -> None:
    """The first lookup imports the module; the value is kept in the package namespace."""
    namespace: dict[str, object] = {"kept": 1}
    get, listing = lazy_names("json", ".decoder", {"JSONDecoder"}, namespace)

    found = get("JSONDecoder")

    assert found is namespace["JSONDecoder"]
    assert ["JSONDecoder", "kept"] == listing()


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name the package does not list raises AttributeError naming the package."""
    get, _ = lazy_names("json", ".decoder", {"JSONDecoder"}, {})

    with pytest.raises(AttributeError, match="module 'json' has no attribute 'nope'"):
        get("nope")
