"""A SQL bulk upsert holds off the cycle collector while it works, and puts it back."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from crmkit.contacts import Contact
from crmkit.errors import ConflictError
from crmkit.storage import SqlStore


@pytest.mark.parametrize("enabled", [True, False])
def test_bulk_upsert_leaves_the_cycle_collector_as_it_found_it(
    tmp_path: Path, enabled: bool
) -> None:
    """The collector is held off during a bulk upsert and back as it was after, even on error."""
    store = SqlStore(f"sqlite:///{tmp_path / 'crm.db'}")
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        store.contacts.bulk_upsert([Contact(first_name="Ann")])
        ann = store.contacts.add(Contact(first_name="Bo"))
        with pytest.raises(ConflictError):
            store.contacts.bulk_upsert([ann, ann])
        after = gc.isenabled()
    finally:
        if was:
            gc.enable()
        store.close()

    assert enabled == after
