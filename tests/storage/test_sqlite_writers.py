"""Two writers at once on one SQLite file: they wait for each other, then name a lock."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from crmkit.contacts import Contact
from crmkit.errors import ErrorCode, StorageError
from crmkit.storage import SqlStore


def test_bulk_upserts_from_several_writers_all_land(tmp_path: Path) -> None:
    """Writers that bulk upsert together wait on the busy timeout; every record is stored."""
    url = f"sqlite:///{tmp_path / 'crm.db'}"
    SqlStore(url).contacts.count()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        store = SqlStore(url)
        try:
            for batch in range(8):
                store.contacts.bulk_upsert(
                    [
                        Contact.create(name=f"P{n} B{batch}", email=f"p{n}.{batch}.{i}@x.com")
                        for i in range(100)
                    ],
                    key="email",
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [] == errors
    assert 3_200 == SqlStore(url).contacts.count()


def test_a_database_locked_past_the_timeout_is_a_storage_error(tmp_path: Path) -> None:
    """A write that cannot get the lock in time raises StorageError with storage.busy."""
    path = tmp_path / "crm.db"
    store = SqlStore(f"sqlite:///{path}?timeout=0.1")
    store.contacts.count()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError) as caught:
            store.contacts.bulk_upsert([Contact.create(name="Ann Lee")])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.close()
    assert ErrorCode.STORAGE_BUSY == caught.value.code
