"""crmkit.testing's strategies only make valid records."""

from __future__ import annotations

import random

import pytest

from crmkit.testing import _PHONE_PATTERNS
from crmkit.values import normalize_phone


@pytest.mark.parametrize(("prefix", "digits"), _PHONE_PATTERNS)
def test_phone_patterns_are_valid_for_every_ending(prefix: str, digits: int) -> None:
    """Every ending a phone pattern can produce is a valid number (sampled, ends included)."""
    endings = {0, 10**digits - 1, *random.Random(prefix).sample(range(10**digits), 300)}

    numbers = [normalize_phone(f"{prefix}{e:0{digits}d}").e164 for e in endings]

    assert len(set(numbers)) == len(endings)
