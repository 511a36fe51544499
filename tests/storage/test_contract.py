"""The storage contract, run against every backend."""

from __future__ import annotations

import itertools
from decimal import Decimal

import attrs
import pytest

from crmkit.contacts import Affiliation, Company, Contact, amend
from crmkit.errors import ConfigError, ConflictError, FormulaError, NotFound, ValidationError
from crmkit.storage import CustomRecord, Page, Store, UpsertResult


def _contact(name: str, email: str | None = None, **fields: object) -> Contact:
    return Contact.create(name=name, email=[email] if email else [], **fields)


def test_add_then_get(store: Store) -> None:
    """A stored contact reads back equal."""
    contact = _contact("Ada Lovelace", "ada@example.com", custom={"score": Decimal("1.5")})

    store.contacts.add(contact)

    assert contact == store.contacts.get(contact.id)


def test_get_missing_raises_not_found(store: Store) -> None:
    """Reading an unknown id raises NotFound naming the kind and id."""
    with pytest.raises(NotFound, match="no contact with id 'nope'"):
        store.contacts.get("nope")


def test_add_twice_is_a_conflict(store: Store) -> None:
    """Adding a second record with a taken id raises ConflictError naming the key."""
    contact = _contact("Ada Lovelace")
    store.contacts.add(contact)

    with pytest.raises(ConflictError, match="already exists") as caught:
        store.contacts.add(contact)

    assert "id" == caught.value.key


def test_add_wrong_type_is_refused(store: Store) -> None:
    """A company given to the contact repository raises ValidationError."""
    with pytest.raises(ValidationError, match="expected a Contact"):
        store.contacts.add(Company(name="Acme"))  # type: ignore[arg-type]


def test_get_many_skips_missing(store: Store) -> None:
    """get_many returns the found records by id and leaves unknown ids out."""
    a, b = _contact("A One"), _contact("B Two")
    store.contacts.add(a)
    store.contacts.add(b)

    found = store.contacts.get_many([b.id, "missing", a.id])

    assert {b.id: b, a.id: a} == found


def test_update_raises_version(store: Store) -> None:
    """An update stores the change with the next version."""
    contact = store.contacts.add(_contact("Ada Lovelace"))

    stored = store.contacts.update(amend(contact, job_title="Analyst"))

    assert (2, "Analyst") == (stored.version, stored.job_title)
    assert stored == store.contacts.get(contact.id)


def test_stale_update_is_a_conflict(store: Store) -> None:
    """Updating from an old version raises ConflictError and loses nothing."""
    contact = store.contacts.add(_contact("Ada Lovelace"))
    store.contacts.update(amend(contact, job_title="First"))

    with pytest.raises(ConflictError, match="changed meanwhile"):
        store.contacts.update(amend(contact, job_title="Second"))

    assert "First" == store.contacts.get(contact.id).job_title


def test_update_missing_raises_not_found(store: Store) -> None:
    """Updating a record that was never added raises NotFound."""
    with pytest.raises(NotFound, match="no contact"):
        store.contacts.update(_contact("Nobody Here"))


def test_delete_and_restore(store: Store) -> None:
    """A deleted record is hidden from every read until restored."""
    contact = store.contacts.add(_contact("Ada Lovelace", "ada@example.com"))

    store.contacts.delete(contact.id, actor="bob")

    with pytest.raises(NotFound, match=f"no contact with id '{contact.id}'"):
        store.contacts.get(contact.id)
    assert 0 == store.contacts.count()
    assert {} == store.contacts.find_by_keys("email", ["ada@example.com"])
    restored = store.contacts.restore(contact.id)
    assert 3 == restored.version
    assert restored == store.contacts.get(contact.id)


def test_delete_twice_raises_not_found(store: Store) -> None:
    """Deleting a deleted record raises NotFound."""
    contact = store.contacts.add(_contact("Ada Lovelace"))
    store.contacts.delete(contact.id)

    with pytest.raises(NotFound, match=f"no contact with id '{contact.id}'"):
        store.contacts.delete(contact.id)


def test_restore_live_record_is_a_conflict(store: Store) -> None:
    """Restoring a record that is not deleted raises ConflictError."""
    contact = store.contacts.add(_contact("Ada Lovelace"))

    with pytest.raises(ConflictError, match="is not deleted"):
        store.contacts.restore(contact.id)
    with pytest.raises(NotFound, match="no contact with id 'missing'"):
        store.contacts.restore("missing")


def test_history_records_who_what_and_when(store: Store) -> None:
    """Every write leaves an entry with its actor and the changed fields."""
    contact = store.contacts.add(_contact("Ada Lovelace"), actor="alice")
    store.contacts.update(amend(contact, last_name="King"), actor="bob")
    store.contacts.delete(contact.id, actor="carol")
    store.contacts.restore(contact.id)

    entries = store.history(contact.id)

    assert ["add", "update", "delete", "restore"] == [e.action for e in entries]
    assert ["alice", "bob", "carol", None] == [e.actor for e in entries]
    assert [1, 2, 3, 4] == [e.version for e in entries]
    assert {"last_name": ("Lovelace", "King")} == dict(entries[1].changes)
    assert all(a.at <= b.at for a, b in itertools.pairwise(entries))


def test_find_pages_through_everything(store: Store) -> None:
    """Following next_after visits every record once, in id order."""
    contacts = [_contact(f"Person {i}") for i in range(7)]
    for contact in contacts:
        store.contacts.add(contact)
    seen: list[str] = []
    after = None

    while True:
        page = store.contacts.find(limit=3, after=after)
        assert isinstance(page, Page)
        seen.extend(c.id for c in page)
        after = page.next_after
        if after is None:
            break

    assert sorted(c.id for c in contacts) == seen


@pytest.mark.parametrize("order_by", ["last_name", "-last_name", "updated_at", "-updated_at"])
def test_find_orders_with_id_tie_breaker(store: Store, order_by: str) -> None:
    """Pages follow the sort field, ties broken by id, blanks sorting as empty text."""
    names = ["Zed", "Amy", "Amy", "Bob", "Amy", "Cy"]
    for name in names:
        store.contacts.add(_contact(f"X {name}", custom={}))
    store.contacts.add(Contact(first_name="Solo"))  # no last name
    everyone = store.contacts.find(limit=100).records
    field = order_by.lstrip("-")

    def key(c: Contact) -> tuple[object, str]:
        value = getattr(c, field)
        return (value or "", c.id)

    expected = sorted(everyone, key=key, reverse=order_by.startswith("-"))
    pages = []
    after = None
    while True:
        page = store.contacts.find(order_by=order_by, limit=2, after=after)
        pages.extend(page)
        after = page.next_after
        if after is None:
            break

    assert [c.id for c in expected] == [c.id for c in pages]


@pytest.mark.parametrize("order_by", ["id", "last_name", "-last_name", "-updated_at"])
@pytest.mark.parametrize("page_size", [1, 3, 1000])
def test_find_all_streams_every_match_in_order(store: Store, order_by: str, page_size: int) -> None:
    """find_all yields every match once, in the order the pages of find give, past 100 rows."""
    names = ["Zed", "Amy", "Amy", "Bob", "Amy", "Cy"]
    store.define_fields("contact", {"n": "number"})
    store.contacts.bulk_upsert(_contact(f"X {names[i % 6]}", custom={"n": i}) for i in range(130))
    store.contacts.add(Contact(first_name="Solo", custom={"n": 7}))
    pages = []
    after = None
    while True:
        page = store.contacts.find("n < 120", order_by=order_by, limit=7, after=after)
        pages.extend(page)
        after = page.next_after
        if after is None:
            break

    streamed = list(store.contacts.find_all("n < 120", order_by=order_by, page_size=page_size))

    assert 121 == len(streamed)
    assert [c.id for c in pages] == [c.id for c in streamed]


def test_find_all_bad_arguments(store: Store) -> None:
    """A bad page size, sort field or filter raises at the call, before anything is read."""
    with pytest.raises(ValidationError, match="expected a page size from 1 to 10000") as caught:
        store.contacts.find_all(page_size=0)
    with pytest.raises(ValidationError, match="cannot sort contact records"):
        store.contacts.find_all(order_by="job_title")
    with pytest.raises(FormulaError):
        store.contacts.find_all("first_name >")

    assert ("page_size", "validation.invalid") == (caught.value.field, caught.value.code)


def test_find_bad_arguments(store: Store) -> None:
    """Unknown sort fields, bad limits and bad cursors raise ValidationError."""
    with pytest.raises(ValidationError, match="cannot sort contact records"):
        store.contacts.find(order_by="job_title")
    with pytest.raises(ValidationError, match="page size"):
        store.contacts.find(limit=0)
    with pytest.raises(ValidationError, match="not a cursor"):
        store.contacts.find(after="%%%")


def test_filters_on_fields_and_custom_values(store: Store) -> None:
    """A where expression selects on built-in fields and declared custom fields."""
    store.define_fields("contact", {"score": "number", "vip": "bool"})
    a = store.contacts.add(
        _contact("Ada King", "ada@example.com", lifecycle_stage="lead", custom={"score": 9})
    )
    b = store.contacts.add(
        _contact("Bob Stone", lifecycle_stage="customer", custom={"score": Decimal("2.5")})
    )
    c = store.contacts.add(_contact("Cy Twombly", custom={"vip": True}))

    def ids(where: str) -> set[str]:
        return {r.id for r in store.contacts.find(where)}

    assert {a.id} == ids('lifecycle_stage = "lead"')
    assert {a.id, b.id} == ids("score > 2")
    assert {b.id} == ids("AND(score > 2, score < 5)")
    assert {c.id} == ids("vip")
    assert {b.id, c.id} == ids("ISBLANK(email)")
    assert {a.id} == ids('email = "ada@example.com"')
    assert 2 == store.contacts.count("NOT(ISBLANK(score))")


def test_filter_on_unknown_field_raises_formula_error(store: Store) -> None:
    """A filter naming an undeclared field raises FormulaError."""
    with pytest.raises(FormulaError, match="unknown"):
        store.contacts.find("nonexistent > 1")


def test_filter_must_be_text_or_expression(store: Store) -> None:
    """A where that is neither text nor an Expression raises ValidationError."""
    with pytest.raises(ValidationError, match="expected a filter"):
        store.contacts.count(42)  # type: ignore[arg-type]


def test_transaction_commits(store: Store) -> None:
    """Writes inside a transaction are kept when it ends normally."""
    with store.transaction():
        store.contacts.add(_contact("A One"))
        store.contacts.add(_contact("B Two"))

    assert 2 == store.contacts.count()


def test_transaction_rolls_back_on_error(store: Store) -> None:
    """An exception undoes every write of the block, history included."""
    kept = store.contacts.add(_contact("Kept One"))
    added = _contact("A One")

    def change_then_fail() -> None:
        with store.transaction():
            store.contacts.add(added)
            store.contacts.update(amend(kept, job_title="Changed"))
            store.contacts.delete(kept.id)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        change_then_fail()

    assert [kept] == list(store.contacts.find())
    assert ["add"] == [e.action for e in store.history(kept.id)]
    assert [] == store.history(added.id)


def test_nested_transaction_is_a_savepoint(store: Store) -> None:
    """A failing inner block undoes only its own writes."""

    def inner_fails() -> None:
        with store.transaction():
            store.contacts.add(_contact("Inner One"))
            raise RuntimeError("inner")

    with store.transaction():
        outer = store.contacts.add(_contact("Outer One"))
        with pytest.raises(RuntimeError, match="inner"):
            inner_fails()
        after = store.contacts.add(_contact("After One"))

    assert {outer.id, after.id} == {c.id for c in store.contacts.find()}


def test_failed_write_inside_transaction_leaves_it_usable(store: Store) -> None:
    """A conflict inside a transaction does not spoil the rest of it."""
    contact = _contact("Ada Lovelace")
    with store.transaction():
        store.contacts.add(contact)
        with pytest.raises(ConflictError, match=f"a contact with id '{contact.id}' already exists"):
            store.contacts.add(contact)
        store.contacts.add(_contact("Bob Stone"))

    assert 2 == store.contacts.count()


def test_find_by_keys(store: Store) -> None:
    """Records are found by e-mail match key and E.164 phone, through every address."""
    a = store.contacts.add(
        Contact.create(name="Ada King", email=["ada@example.com", "a.k@work.org"])
    )
    b = store.contacts.add(Contact.create(name="Bob Stone", phone="+14155552671"))
    c = store.contacts.add(Contact.create(name="Ada Twin", email="ADA@example.com"))

    found = store.contacts.find_by_keys("email", ["a.k@work.org", "ada@example.com", "x@y.z"])
    phones = store.contacts.find_by_keys("phone", ["+14155552671"])

    assert {"a.k@work.org": [a], "ada@example.com": sorted([a, c], key=lambda r: r.id)} == found
    assert {"+14155552671": [b]} == phones


def test_find_by_unknown_key_type(store: Store) -> None:
    """A key type the kind does not index raises ValidationError listing the known ones."""
    with pytest.raises(ValidationError, match="known: email, phone"):
        store.contacts.find_by_keys("domain", ["example.com"])


def test_company_keys(store: Store) -> None:
    """Companies are found by match key and domain."""
    acme = store.companies.add(Company(name="Acme Inc.", domain="https://www.acme.com/about"))

    by_domain = store.companies.find_by_keys("domain", ["acme.com"])
    by_name = store.companies.find_by_keys("company", [acme.match_key])

    assert {"acme.com": [acme]} == by_domain
    assert {acme.match_key: [acme]} == by_name


def test_affiliations_by_company(store: Store) -> None:
    """A company's people are found through the affiliation keys."""
    link = store.affiliations.add(Affiliation(contact_id="c1", company_id="k1", role="CEO"))

    assert {"k1": [link]} == store.affiliations.find_by_keys("company", ["k1"])
    assert [link] == list(store.affiliations.find('role = "CEO"'))


def test_bulk_upsert_by_id(store: Store) -> None:
    """Upserting by id creates new records and replaces stored ones with a new version."""
    a = store.contacts.add(_contact("Ada King"))
    b = _contact("Bob Stone")

    result = store.contacts.bulk_upsert([amend(a, job_title="CTO"), b], actor="import")

    assert UpsertResult(created=1, updated=1) == result
    stored = store.contacts.get(a.id)
    assert ("CTO", 2, a.created_at) == (stored.job_title, stored.version, stored.created_at)
    assert b == store.contacts.get(b.id)
    assert {"job_title": ("", "CTO")} == dict(store.history(a.id)[-1].changes)


def test_bulk_upsert_by_email_keeps_stored_id(store: Store) -> None:
    """Upserting by e-mail replaces the record with that e-mail, keeping its id."""
    a = store.contacts.add(_contact("Ada King", "ada@example.com"))
    incoming = [
        _contact("Ada Queen", "ADA@example.com"),
        _contact("New One", "new@example.com"),
    ]

    result = store.contacts.bulk_upsert(incoming, key="email")

    assert UpsertResult(created=1, updated=1) == result
    assert "Queen" == store.contacts.get(a.id).last_name
    assert ["One"] == [c.last_name for c in store.contacts.find('email = "new@example.com"')]
    assert 2 == store.contacts.count()


def test_bulk_upsert_unknown_key(store: Store) -> None:
    """An unknown upsert key raises ValidationError."""
    with pytest.raises(ValidationError, match="no such key"):
        store.contacts.bulk_upsert([], key="fax")


def test_bulk_upsert_is_all_or_nothing(store: Store) -> None:
    """A bad record in the batch stores nothing."""
    with pytest.raises(ValidationError, match="expected a Contact for the contact repository"):
        store.contacts.bulk_upsert([_contact("Ada King"), Company(name="Acme")])  # type: ignore[list-item]

    assert 0 == store.contacts.count()


def test_custom_objects(store: Store) -> None:
    """A registered object type stores, filters and pages its records."""
    projects = store.register_object_type("project", {"budget": "number", "name": "text"})
    big = projects.add(CustomRecord(object_type="project", custom={"budget": 5000, "name": "Big"}))
    projects.add(CustomRecord(object_type="project", custom={"budget": 10, "name": "Small"}))

    assert [big] == list(store.objects("project").find("budget > 100"))
    assert 2 == projects.count()
    with pytest.raises(ValidationError, match="expected object type 'project'"):
        projects.add(CustomRecord(object_type="ticket"))


def test_unknown_object_type(store: Store) -> None:
    """Asking for an unregistered object type raises ValidationError."""
    with pytest.raises(ValidationError, match="no such custom object type"):
        store.objects("ticket")


def test_define_fields_checks_types(store: Store) -> None:
    """Declaring a field with an unknown type raises ConfigError naming it."""
    with pytest.raises(ConfigError, match=r"fields\['contact'\]\['score'\]: unknown type"):
        store.define_fields("contact", {"score": "float"})
    with pytest.raises(ConfigError, match="no such record kind"):
        store.define_fields("ticket", {"x": "number"})


def test_update_keeps_created_at(store: Store) -> None:
    """An update cannot move created_at."""
    contact = store.contacts.add(_contact("Ada King"))
    moved = attrs.evolve(contact, created_at=contact.created_at.replace(year=2001))

    stored = store.contacts.update(moved)

    assert contact.created_at == stored.created_at
