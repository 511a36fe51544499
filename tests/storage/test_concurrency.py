"""Two writers at once on PostgreSQL: no lost update, no duplicate row."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest

from crmkit.contacts import Contact, amend
from crmkit.errors import ConflictError
from crmkit.storage import SqlStore

pytestmark = pytest.mark.postgresql


@pytest.fixture
def stores(pg_url: str, pg_schema: str) -> Iterator[tuple[SqlStore, SqlStore]]:
    """Two stores on the same schema, each with its own connections."""
    first, second = SqlStore(pg_url, schema=pg_schema), SqlStore(pg_url, schema=pg_schema)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def _together(*calls: Callable[[], object]) -> list[object]:
    """Run each call in its own thread, released at the same moment; return results/errors."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_one_of_two_updates_from_the_same_version_wins(
    stores: tuple[SqlStore, SqlStore],
) -> None:
    """Of two updates from one version, exactly one is stored; the other gets ConflictError."""
    first, second = stores
    contact = first.contacts.add(Contact.create(name="Ada King"))

    results = _together(
        lambda: first.contacts.update(amend(contact, job_title="from first")),
        lambda: second.contacts.update(amend(contact, job_title="from second")),
    )

    conflicts = [r for r in results if isinstance(r, ConflictError)]
    winners = [r for r in results if isinstance(r, Contact)]
    assert (1, 1) == (len(conflicts), len(winners))
    stored = first.contacts.get(contact.id)
    assert (2, winners[0].job_title) == (stored.version, stored.job_title)
    assert ["add", "update"] == [e.action for e in first.history(contact.id)]


def test_concurrent_upserts_on_overlapping_keys_make_no_duplicates(
    stores: tuple[SqlStore, SqlStore],
) -> None:
    """Two upserts by e-mail over the same addresses leave one contact per address."""
    first, second = stores
    emails = [f"person{i}@example.com" for i in range(50)]

    def batch(tag: str) -> list[Contact]:
        return [Contact.create(name=f"{tag} {i}", email=e) for i, e in enumerate(emails)]

    results = _together(
        lambda: first.contacts.bulk_upsert(batch("First"), key="email"),
        lambda: second.contacts.bulk_upsert(batch("Second"), key="email"),
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert len(emails) == first.contacts.count()
    found = first.contacts.find_by_keys("email", emails)
    assert all(1 == len(v) for v in found.values())
    assert 2 * len(emails) == sum(r.total for r in results)  # type: ignore[attr-defined]
