"""bulk_upsert never loses a write: no two records on one target, no stale copies."""

from __future__ import annotations

import pytest

from crmkit.contacts import Contact, amend
from crmkit.errors import ConflictError
from crmkit.storage import Store, UpsertResult


def _contact(name: str, *emails: str) -> Contact:
    return Contact.create(name=name, email=list(emails))


def test_two_records_with_one_key_are_refused(store: Store) -> None:
    """Two new records sharing an e-mail key raise ConflictError naming both, storing none."""
    one, two = _contact("Dee One", "dd@x.com"), _contact("Dee Two", "DD@x.com")

    with pytest.raises(ConflictError, match=r"records 1 .* and 2 .*\(same email 'dd@x.com'\)") as e:
        store.contacts.bulk_upsert([one, two], key="email")

    assert ("email", one.id) == (e.value.key, e.value.record_id)
    assert one.id in str(e.value)
    assert two.id in str(e.value)
    assert 0 == store.contacts.count()


def test_two_records_on_one_stored_record_are_refused(store: Store) -> None:
    """Records reaching one stored record through different keys are refused too."""
    stored = store.contacts.add(_contact("Ada King", "a@x.com", "b@x.com"))
    first, second = _contact("Ada A", "a@x.com"), _contact("Ada B", "b@x.com")

    with pytest.raises(ConflictError, match=f"both go to contact '{stored.id}'"):
        store.contacts.bulk_upsert([first, second], key="email")

    assert stored == store.contacts.get(stored.id)


def test_one_id_twice_is_refused(store: Store) -> None:
    """The same id twice in a batch by id raises ConflictError naming the positions."""
    contact = _contact("Ada King")

    with pytest.raises(ConflictError, match=r"by id: records 1 .* and 3 .*\(same id\)") as e:
        store.contacts.bulk_upsert(
            [contact, _contact("Bob Stone"), amend(contact, job_title="CTO")]
        )

    assert "id" == e.value.key
    assert 0 == store.contacts.count()


def test_stale_copy_is_refused_whole(store: Store) -> None:
    """A record from an old version raises ConflictError and the batch stores nothing."""
    a = store.contacts.add(_contact("Ada King"))
    store.contacts.update(amend(a, job_title="newer"))
    fresh = _contact("Bob Stone")

    with pytest.raises(ConflictError, match="changed meanwhile: stored version 2, given 1") as e:
        store.contacts.bulk_upsert([fresh, amend(a, job_title="stale")])

    assert ("version", a.id) == (e.value.key, e.value.record_id)
    assert "newer" == store.contacts.get(a.id).job_title
    assert 1 == store.contacts.count()


def test_stale_copy_by_key_is_refused(store: Store) -> None:
    """Upserting by e-mail checks the version of a record whose id is stored."""
    a = store.contacts.add(_contact("Ada King", "ada@x.com"))
    store.contacts.update(amend(a, job_title="newer"))

    with pytest.raises(ConflictError, match="stored version 2, given 1"):
        store.contacts.bulk_upsert([amend(a, job_title="stale")], key="email")

    assert "newer" == store.contacts.get(a.id).job_title


def test_stale_copy_of_deleted_record_is_refused(store: Store) -> None:
    """A copy read before a delete cannot bring the record back."""
    a = store.contacts.add(_contact("Ada King"))
    store.contacts.delete(a.id)

    with pytest.raises(ConflictError, match="stored version 2, given 1"):
        store.contacts.bulk_upsert([a])

    assert 0 == store.contacts.count()


def test_current_copies_update(store: Store) -> None:
    """Records built from the stored versions update, and counts add up to the batch."""
    a = store.contacts.add(_contact("Ada King", "ada@x.com"))
    b = store.contacts.add(_contact("Bob Stone", "bob@x.com"))
    b = store.contacts.update(amend(b, job_title="Buyer"))
    batch = [amend(a, job_title="CTO"), amend(b, job_title="CEO"), _contact("Cy New")]

    result = store.contacts.bulk_upsert(batch)

    assert UpsertResult(created=1, updated=2) == result
    assert len(batch) == result.total
    assert (2, 3) == (store.contacts.get(a.id).version, store.contacts.get(b.id).version)
