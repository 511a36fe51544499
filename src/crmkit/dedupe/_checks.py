"""Checks shared by the match-rule classes: rules may come from hand-written data."""

from __future__ import annotations

import math

from crmkit.errors import ConfigError

__all__ = ["check_finite", "is_count", "is_text"]


def check_finite(name: str, value: object) -> None:
    """Raise ConfigError at *name* unless *value* is a finite int or float (not a bool)."""
    # rules may come from hand-written data: check what the annotations only promise
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(name, f"expected a finite number, got {value!r}")


def is_text(value: object) -> bool:
    """Return True for a string that is not blank."""
    return isinstance(value, str) and bool(value.strip())


def is_count(value: object) -> bool:
    """Return True for an integer (not a bool) of at least 2."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 2
