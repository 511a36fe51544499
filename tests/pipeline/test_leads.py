from __future__ import annotations

import pytest

from crmkit.contacts import Contact
from crmkit.errors import ValidationError
from crmkit.pipeline import Pipeline, convert_lead
from crmkit.storage import MemoryStore


def test_bad_company_is_refused_and_nothing_is_written(sales: Pipeline) -> None:
    """A company that is neither a Company, a name nor None is refused, writing nothing."""
    store = MemoryStore()
    lead = store.contacts.add(Contact(first_name="Ana", last_name="Diaz", lead_source="web"))

    with pytest.raises(ValidationError, match="expected a Company, a name or None"):
        convert_lead(lead, store=store, pipeline=sales, company=42)  # type: ignore[arg-type]

    assert 0 == store.companies.count()
