"""Fixtures of the custom-field tests."""

from __future__ import annotations

import pytest
from fields_example import make_deal_schema

from crmkit.fields import Schema


@pytest.fixture
def deal_schema() -> Schema:
    """A deal schema with a commission, a service type and a city that depends on a country."""
    return make_deal_schema()
