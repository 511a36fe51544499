"""SecuredStore: every read filtered and redacted, every write checked, on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from crmkit.errors import PermissionDenied
from crmkit.permissions import Policy, SecuredStore
from crmkit.storage import CustomRecord, MemoryStore, SqlStore, Store

POLICY = Policy.from_dict(
    {
        "schemas": {"deal": {"stage_kind": "text", "amount": "number"}},
        "roles": [
            {
                "name": "manager",
                "grants": [
                    {
                        "object": "deal",
                        "actions": ["read", "update", "delete", "bulk_update", "bulk_delete"],
                        "scope": "team",
                    },
                    {"object": "deal", "actions": ["import", "create", "export"], "scope": "all"},
                ],
            },
            {
                "name": "rep",
                "parent": "manager",
                "grants": [
                    {"object": "deal", "actions": ["read", "create"], "scope": "own"},
                    {
                        "object": "deal",
                        "actions": ["update"],
                        "scope": "own",
                        "condition": "stage_kind = 'open'",
                    },
                ],
                "fields": [
                    {"object": "deal", "field": "margin", "access": "hidden"},
                    {"object": "deal", "field": "amount", "access": "read_only"},
                ],
            },
        ],
        "users": [
            {"id": "max", "roles": ["manager"], "team": "north"},
            {"id": "ali", "name": "Ali", "roles": ["rep"], "team": "north"},
            {"id": "bea", "name": "Bea", "roles": ["rep"], "team": "north"},
            {"id": "cem", "name": "Cem", "roles": ["rep"], "team": "south"},
        ],
    }
)
OWNERS = ["ali", "bea", "cem", "max"]


def _backend(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if request.param == "memory":
        return MemoryStore()
    if request.param == "sqlite":
        return SqlStore(f"sqlite:///{tmp_path}/s.db")
    schema = request.getfixturevalue("pg_schema")
    return SqlStore(request.getfixturevalue("pg_url"), schema=schema)


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store with 40 deals, ten per owner, on each backend."""
    raw = _backend(request, tmp_path)
    deals = raw.register_object_type(
        "deal", {"stage_kind": "text", "amount": "number", "margin": "number"}
    )
    deals.bulk_upsert(
        CustomRecord(
            id=f"d{i:02}",
            object_type="deal",
            owner_id=OWNERS[i % 4],
            custom={"stage_kind": "open" if i % 3 else "won", "amount": i, "margin": 7},
        )
        for i in range(40)
    )
    yield raw
    raw.close()


def test_listing_and_counting_return_only_permitted_rows(store: Store) -> None:
    """Pages and counts see only the rows the policy allows, so pagination stays right."""
    ali = SecuredStore(store, POLICY, "ali").objects("deal")
    max_ = SecuredStore(store, POLICY, "max").objects("deal")

    first = ali.find(limit=6)
    second = ali.find(limit=6, after=first.next_after)

    assert ali.count() == 10
    assert [r.owner_id for r in [*first, *second]] == ["ali"] * 10
    assert second.next_after is None
    assert max_.count() == 30
    assert max_.count("amount > 20") == sum(1 for i in range(21, 40) if i % 4 != 2)


def test_reads_are_redacted(store: Store) -> None:
    """Hidden fields do not leave the store for a rep; the manager sees them."""
    ali = SecuredStore(store, POLICY, "ali").objects("deal")

    assert "margin" not in ali.get("d00").custom
    assert SecuredStore(store, POLICY, "max").objects("deal").get("d00").custom["margin"] == 7
    assert all("margin" not in r.custom for r in ali.find())


def test_get_refuses_other_peoples_records(store: Store) -> None:
    """Reading a colleague's deal raises with the reason."""
    with pytest.raises(PermissionDenied, match="this deal belongs to Bea"):
        SecuredStore(store, POLICY, "ali").objects("deal").get("d01")


def test_get_many_leaves_out_what_may_not_be_read(store: Store) -> None:
    """get_many returns the readable records only."""
    found = SecuredStore(store, POLICY, "ali").objects("deal").get_many(["d00", "d01", "d04"])

    assert sorted(found) == ["d00", "d04"]


def test_filtering_or_sorting_by_a_hidden_field_is_refused(store: Store) -> None:
    """A rep cannot learn a hidden field through a filter or a sort order."""
    ali = SecuredStore(store, POLICY, "ali").objects("deal")

    with pytest.raises(PermissionDenied, match="hidden field"):
        ali.find("margin > 1")
    with pytest.raises(PermissionDenied, match="hidden field"):
        ali.count("margin > 1")
    with pytest.raises(PermissionDenied, match="hidden field margin"):
        ali.find(order_by="-margin")


def test_update_keeps_hidden_values_and_checks_fields(store: Store) -> None:
    """A rep edits a redacted copy; the hidden value survives; read-only fields are refused."""
    ali = SecuredStore(store, POLICY, "ali").objects("deal")
    mine = ali.get("d04")

    ali.update(attrs.evolve(mine, custom={**mine.custom, "stage_kind": "open"}))
    with pytest.raises(PermissionDenied, match=r"amount \(read-only\)"):
        ali.update(attrs.evolve(ali.get("d04"), custom={**mine.custom, "amount": 99}))

    assert store.objects("deal").get("d04").custom["margin"] == 7


def test_update_of_a_closed_deal_is_refused(store: Store) -> None:
    """The update condition holds on the stored record."""
    ali = SecuredStore(store, POLICY, "ali").objects("deal")

    with pytest.raises(PermissionDenied, match="stage_kind = 'open' does not hold"):
        ali.update(ali.get("d00"))


def test_add_and_delete(store: Store) -> None:
    """Reps create their own deals; only the manager deletes, within the team."""
    ali = SecuredStore(store, POLICY, "ali").objects("deal")
    max_ = SecuredStore(store, POLICY, "max").objects("deal")

    ali.add(CustomRecord(id="new", object_type="deal", owner_id="ali"))
    with pytest.raises(PermissionDenied, match="belongs to Bea"):
        ali.add(CustomRecord(id="new2", object_type="deal", owner_id="bea"))
    with pytest.raises(PermissionDenied, match="no role of Ali"):
        ali.delete("new")
    max_.delete("new")
    with pytest.raises(PermissionDenied, match="belongs to Cem"):
        max_.delete("d02")

    assert store.objects("deal").count() == 40


def test_bulk_operations_are_all_or_nothing(store: Store) -> None:
    """A batch with one refused record stores nothing and names the record."""
    max_ = SecuredStore(store, POLICY, "max").objects("deal")
    raw = store.objects("deal")

    with pytest.raises(PermissionDenied, match=r"1 record\(s\) refused: d02: "):
        max_.bulk_delete(["d00", "d01", "d02"])
    assert max_.bulk_delete(["d00", "d01"]) == 2
    records = [raw.get("d03"), raw.get("d06")]
    changed = [attrs.evolve(r, custom={**r.custom, "stage_kind": "lost"}) for r in records]
    with pytest.raises(PermissionDenied, match="d06: "):
        max_.bulk_update(changed)
    updated = max_.bulk_update(changed[:1])

    assert raw.count() == 38
    assert updated[0].custom["stage_kind"] == "lost"


def test_import_checks_each_record(store: Store) -> None:
    """An import by id creates and updates only what the user may."""
    ali = SecuredStore(store, POLICY, "ali").objects("deal")
    max_ = SecuredStore(store, POLICY, "max").objects("deal")
    new = CustomRecord(id="imp", object_type="deal", owner_id="ali")

    with pytest.raises(PermissionDenied, match="may import"):
        ali.bulk_upsert([new])
    with pytest.raises(PermissionDenied, match="by email needs update on every deal"):
        max_.bulk_upsert([new], key="email")
    result = max_.bulk_upsert([new])

    assert result.created == 1


def test_export_streams_permitted_rows(store: Store) -> None:
    """Export yields every row the export grant reaches, page by page."""
    exported = list(SecuredStore(store, POLICY, "max").objects("deal").export(page_size=7))
    nothing = list(SecuredStore(store, POLICY, "ali").objects("deal").export())

    assert len(exported) == 40
    assert nothing == []


def test_restore_needs_delete(store: Store) -> None:
    """Restoring is allowed to whoever may delete the record; otherwise it stays deleted."""
    store.objects("deal").delete("d02")
    max_ = SecuredStore(store, POLICY, "max").objects("deal")

    with pytest.raises(PermissionDenied, match="belongs to Cem"):
        max_.restore("d02")
    store.objects("deal").delete("d01")

    assert max_.restore("d01").id == "d01"
    assert store.objects("deal").count() == 39


def test_store_level_calls(store: Store) -> None:
    """History needs read access; schema changes are refused; unknown users too."""
    secured = SecuredStore(store, POLICY, "ali")

    assert secured.history("d00")
    assert secured.user.id == "ali"
    with pytest.raises(PermissionDenied, match="belongs to Bea"):
        secured.history("d01")
    with pytest.raises(PermissionDenied, match="may not change the schema"):
        secured.register_object_type("x", {})
    with pytest.raises(PermissionDenied, match="may not change the schema"):
        secured.define_fields("contact", {})
    with pytest.raises(PermissionDenied, match="'zed' is not in the policy"):
        SecuredStore(store, POLICY, "zed")


def test_contacts_without_grants_show_nothing(store: Store) -> None:
    """No grant on contacts: listing is empty and counting is zero, without a query."""
    contacts = SecuredStore(store, POLICY, "ali").contacts

    assert contacts.kind == "contact"
    assert list(contacts.find()) == []
    assert contacts.count() == 0
