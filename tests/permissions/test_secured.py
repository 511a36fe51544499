"""SecuredStore: every read filtered and redacted, every write checked, on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from crmkit.errors import (
    ConflictError,
    FormulaError,
    NotFound,
    PermissionDenied,
    TransitionDenied,
    ValidationError,
)
from crmkit.importers import import_file
from crmkit.permissions import Policy, SecuredStore
from crmkit.pipeline import Deal, Pipeline, StageChange, deal_field_types
from crmkit.storage import CustomRecord, MemoryStore, SqlStore, Store
from crmkit.values import Money

FUNNEL = Pipeline.from_dict(
    {
        "id": "sales",
        "fields": {"margin": "number"},
        "stages": [
            {"id": "prospecting", "probability": "0.1"},
            {"id": "qualification", "probability": "0.2"},
            {"id": "quote", "probability": "0.5", "required": ["close_date"]},
            {"id": "negotiation", "probability": "0.8"},
            {"id": "closed_won", "kind": "won"},
            {"id": "closed_lost", "kind": "lost"},
        ],
    }
)
# new_deal and move set a deal's stage_kind from its stage, so "open" is one comparison
IS_OPEN = "stage_kind = 'open'"
POLICY = Policy.from_dict(
    {
        "schemas": {
            "deal": deal_field_types(FUNNEL),
            "contract": {"status": "text"},
        },
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
                        "condition": IS_OPEN,
                    },
                ],
                "fields": [
                    {"object": "deal", "field": "margin", "access": "hidden"},
                    {"object": "deal", "field": "amount", "access": "read_only"},
                ],
            },
            {
                "name": "lawyer",
                "grants": [
                    {"object": "contract", "actions": ["read"], "scope": "all"},
                    {
                        "object": "contract",
                        "actions": ["update"],
                        "scope": "all",
                        "condition": "status = 'review'",
                    },
                ],
            },
        ],
        "users": [
            {"id": "max", "roles": ["manager"], "team": "north"},
            {"id": "ali", "name": "Ali", "roles": ["rep"], "team": "north"},
            {"id": "bea", "name": "Bea", "roles": ["rep"], "team": "north"},
            {"id": "cem", "name": "Cem", "roles": ["rep"], "team": "south"},
            {"id": "lev", "name": "Lev", "roles": ["lawyer"]},
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


def _deal(i: int, owner: str, stage: str = "prospecting") -> Deal:
    return FUNNEL.new_deal(
        id=f"d{i:02}",
        title=f"Deal {i}",
        stage=stage,
        owner_id=owner,
        amount=Money.of(i, "EUR"),
        custom={"margin": 7},
    )


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store with the funnel and 40 deals, ten per owner (every third one won), and contracts."""
    raw = _backend(request, tmp_path)
    raw.use_pipelines([FUNNEL])
    raw.deals.bulk_upsert(
        _deal(i, OWNERS[i % 4], "prospecting" if i % 3 else "closed_won") for i in range(40)
    )
    contracts = raw.register_object_type("contract", {"status": "text"})
    for i, status in enumerate(["review", "signed", "review"]):
        contracts.add(CustomRecord(id=f"k{i}", object_type="contract", custom={"status": status}))
    yield raw
    raw.close()


def test_a_secured_store_is_a_store(store: Store) -> None:
    """SecuredStore fulfils the Store protocol, so store code runs for a user unchanged."""
    secured: Store = SecuredStore(store, POLICY, "ali")

    assert secured.deals.kind == "deal"
    assert secured.deals.count() == 10


def test_listing_and_counting_return_only_permitted_rows(store: Store) -> None:
    """Pages and counts see only the rows the policy allows, so pagination stays right."""
    ali = SecuredStore(store, POLICY, "ali").deals
    max_ = SecuredStore(store, POLICY, "max").deals

    first = ali.find(limit=6)
    second = ali.find(limit=6, after=first.next_after)

    assert ali.count() == 10
    assert [r.owner_id for r in [*first, *second]] == ["ali"] * 10
    assert second.next_after is None
    assert max_.count() == 30
    assert max_.count("amount > 20") == sum(1 for i in range(21, 40) if i % 4 != 2)


def test_reads_are_redacted(store: Store) -> None:
    """Hidden fields do not leave the store for a rep; the manager sees them."""
    ali = SecuredStore(store, POLICY, "ali").deals

    assert "margin" not in ali.get("d00").custom
    assert SecuredStore(store, POLICY, "max").deals.get("d00").custom["margin"] == 7
    assert all("margin" not in r.custom for r in ali.find())


def test_find_all_streams_only_permitted_rows_redacted(store: Store) -> None:
    """find_all sees what find sees: the user's rows, hidden fields left out, on every page."""
    ali = SecuredStore(store, POLICY, "ali").deals

    streamed = list(ali.find_all(page_size=3))

    assert [f"d{i:02}" for i in range(0, 40, 4)] == [r.id for r in streamed]
    assert all("margin" not in r.custom for r in streamed)
    with pytest.raises(PermissionDenied, match="hidden field margin"):
        ali.find_all(order_by="-margin")
    with pytest.raises(PermissionDenied, match="hidden field"):
        ali.find_all("margin > 1")


def test_get_of_a_colleagues_record_answers_as_a_missing_id(store: Store) -> None:
    """Reading a colleague's deal raises the very NotFound of an id that does not exist."""
    ali = SecuredStore(store, POLICY, "ali").deals
    store.deals.delete("d05")  # Bea's
    answers = []
    for record_id in ("d01", "d05", "no-such-deal"):
        with pytest.raises(NotFound) as info:
            ali.get(record_id)
        answers.append((type(info.value), info.value.code, str(info.value).replace(record_id, "?")))
    with pytest.raises(NotFound) as missing:
        store.deals.get("no-such-deal")

    assert [(NotFound, "storage.not_found", "no deal with id '?'")] * 3 == answers
    assert str(missing.value) == f"no deal with id {'no-such-deal'!r}"


def test_get_many_leaves_out_what_may_not_be_read(store: Store) -> None:
    """get_many returns the readable records only."""
    found = SecuredStore(store, POLICY, "ali").deals.get_many(["d00", "d01", "d04"])

    assert sorted(found) == ["d00", "d04"]


def test_filtering_or_sorting_by_a_hidden_field_is_refused(store: Store) -> None:
    """A rep cannot learn a hidden field through a filter or a sort order."""
    ali = SecuredStore(store, POLICY, "ali").deals

    with pytest.raises(PermissionDenied, match="hidden field"):
        ali.find("margin > 1")
    with pytest.raises(PermissionDenied, match="hidden field"):
        ali.count("margin > 1")
    with pytest.raises(PermissionDenied, match="hidden field margin"):
        ali.find(order_by="-margin")


def test_update_keeps_hidden_values_and_checks_fields(store: Store) -> None:
    """A rep edits a redacted copy; the hidden value survives; read-only fields are refused."""
    ali = SecuredStore(store, POLICY, "ali").deals
    mine = ali.get("d04")

    ali.update(attrs.evolve(mine, title="Bigger deal"))
    with pytest.raises(PermissionDenied, match=r"amount \(read-only\)"):
        ali.update(attrs.evolve(ali.get("d04"), amount=Money.of(99, "EUR")))

    stored = store.deals.get("d04")
    assert (stored.title, stored.custom["margin"]) == ("Bigger deal", 7)


def test_a_rep_moves_and_closes_an_open_deal(store: Store) -> None:
    """The update condition holds on the stored deal: an open deal may be moved and closed."""
    ali = SecuredStore(store, POLICY, "ali").deals
    moved, _ = FUNNEL.move(ali.get("d04"), "qualification", actor="ali")
    ali.update(moved)
    won, _ = FUNNEL.move(ali.get("d04"), "closed_won", actor="ali")
    ali.update(won)

    stored = store.deals.get("d04")
    assert [c.to_stage for c in stored.history] == ["prospecting", "qualification", "closed_won"]
    assert stored.custom["margin"] == 7
    assert [e.actor for e in store.history("d04")][-2:] == ["ali", "ali"]


def test_update_of_a_closed_deal_is_refused(store: Store) -> None:
    """A won deal is not open, so the rep's update grant does not reach it."""
    ali = SecuredStore(store, POLICY, "ali").deals

    with pytest.raises(PermissionDenied, match="stage_kind = 'open' does not hold for this deal"):
        ali.update(attrs.evolve(ali.get("d00"), title="Reopened?"))


def test_pipeline_rules_still_hold_behind_the_policy(store: Store) -> None:
    """A move the policy allows but the pipeline refuses is refused by the store."""
    ali = SecuredStore(store, POLICY, "ali").deals
    mine = ali.get("d04")
    # a move to "quote" written by hand, past the pipeline's required close date
    entry = StageChange(
        to_stage="quote",
        from_stage="prospecting",
        pipeline_id="sales",
        at=mine.stage_entered_at + timedelta(days=1),
    )
    skipped = attrs.evolve(mine, stage_id="quote", history=(*mine.history, entry))

    with pytest.raises(TransitionDenied, match="close_date is required"):
        ali.update(skipped)

    assert store.deals.get("d04").stage_id == "prospecting"


def test_add_and_delete(store: Store) -> None:
    """Reps create their own deals; only the manager deletes, within the team."""
    ali = SecuredStore(store, POLICY, "ali").deals
    max_ = SecuredStore(store, POLICY, "max").deals
    new = FUNNEL.new_deal(id="new", title="New", owner_id="ali")

    ali.add(new)
    with pytest.raises(PermissionDenied, match=r"may create deals only when owner = you$"):
        ali.add(attrs.evolve(new, id="new2", owner_id="bea"))
    with pytest.raises(PermissionDenied, match=r"may not set amount \(read-only\)"):
        ali.add(attrs.evolve(new, id="new3", amount=Money.of(5, "EUR")))
    with pytest.raises(PermissionDenied, match="no role of Ali"):
        ali.delete("new")
    max_.delete("new")
    with pytest.raises(NotFound, match="no deal with id 'd02'"):
        max_.delete("d02")  # Cem's deal is not Max's to see

    assert store.deals.count() == 40


def test_writes_are_recorded_as_the_user(store: Store) -> None:
    """The history names the secured store's user; naming anyone else is refused."""
    ali = SecuredStore(store, POLICY, "ali").deals
    mine = ali.get("d04")

    with pytest.raises(PermissionDenied, match="Ali may not record changes as 'bea'"):
        ali.update(attrs.evolve(mine, title="By Bea?"), actor="bea")
    ali.update(attrs.evolve(mine, title="By Ali"), actor="ali")

    assert store.history("d04")[-1].actor == "ali"


def test_bulk_operations_are_all_or_nothing(store: Store) -> None:
    """A batch with one refused record stores nothing and names the record."""
    max_ = SecuredStore(store, POLICY, "max").deals
    raw = store.deals

    with pytest.raises(PermissionDenied, match=r"1 record\(s\) refused: d02: "):
        max_.bulk_delete(["d00", "d01", "d02"])
    assert max_.bulk_delete(["d00", "d01"]) == 2
    lost = [
        FUNNEL.move(raw.get(i), "closed_lost", actor="max", reason="price")[0]
        for i in ("d03", "d06")
    ]
    with pytest.raises(PermissionDenied, match="d06: "):
        max_.bulk_update(lost)
    updated = max_.bulk_update(lost[:1])

    assert raw.count() == 38
    assert (updated[0].stage_id, updated[0].lost_reason) == ("closed_lost", "price")
    assert raw.get("d06").stage_id == "closed_won"


def test_import_checks_each_record(store: Store) -> None:
    """An import by id creates and updates only what the user may."""
    ali = SecuredStore(store, POLICY, "ali").deals
    max_ = SecuredStore(store, POLICY, "max").deals
    new = Deal(id="imp", title="Imported", pipeline_id="sales", stage_id="quote", owner_id="ali")

    with pytest.raises(PermissionDenied, match="may import"):
        ali.bulk_upsert([new])
    with pytest.raises(PermissionDenied, match="by company needs update on every deal"):
        max_.bulk_upsert([new], key="company")
    with pytest.raises(TransitionDenied, match="close_date is required"):
        max_.bulk_upsert([new])
    result = max_.bulk_upsert([attrs.evolve(new, stage_id="prospecting", history=())])

    assert result.created == 1


def test_export_streams_permitted_rows(store: Store) -> None:
    """Export yields every row the export grant reaches, page by page."""
    exported = list(SecuredStore(store, POLICY, "max").deals.export(page_size=7))
    nothing = list(SecuredStore(store, POLICY, "ali").deals.export())

    assert len(exported) == 40
    assert nothing == []


def test_restore_needs_delete(store: Store) -> None:
    """Restoring is allowed to whoever may delete the record; otherwise it stays deleted."""
    store.deals.delete("d02")
    max_ = SecuredStore(store, POLICY, "max").deals

    with pytest.raises(NotFound, match="no deal with id 'd02'"):
        max_.restore("d02")  # Cem's deleted deal answers as one that never was
    store.deals.delete("d01")

    assert max_.restore("d01").id == "d01"
    assert store.deals.count() == 39


def test_custom_object_types(store: Store) -> None:
    """A custom object type is secured like a built-in kind: the lawyer reviews contracts."""
    lev = SecuredStore(store, POLICY, "lev")
    contracts = lev.objects("contract")
    in_review = contracts.get("k0")

    contracts.update(attrs.evolve(in_review, custom={"status": "signed"}))
    with pytest.raises(PermissionDenied, match="status = 'review' does not hold"):
        contracts.update(attrs.evolve(contracts.get("k1"), custom={"status": "review"}))

    assert contracts.count() == 3
    assert store.objects("contract").get("k0").custom["status"] == "signed"
    assert lev.deals.count() == 0
    assert SecuredStore(store, POLICY, "max").objects("contract").count() == 0


def test_objects_refuses_a_built_in_kind(store: Store) -> None:
    """objects() is for custom object types only, as on the store."""
    with pytest.raises(ValidationError, match="no such custom object type"):
        SecuredStore(store, POLICY, "ali").objects("deal")


def test_store_level_calls(store: Store) -> None:
    """History needs read access (else it is empty); schema and pipelines are refused."""
    secured = SecuredStore(store, POLICY, "ali")

    assert secured.history("d00")
    assert secured.user.id == "ali"
    assert [] == secured.history("d01")
    with pytest.raises(PermissionDenied, match="may not change the schema"):
        secured.register_object_type("x", {})
    with pytest.raises(PermissionDenied, match="may not change the schema"):
        secured.define_fields("contact", {})
    with pytest.raises(PermissionDenied, match="Ali may not change the pipelines"):
        secured.use_pipelines([FUNNEL])
    with pytest.raises(PermissionDenied, match="'zed' is not in the policy"):
        SecuredStore(store, POLICY, "zed")


def test_contacts_without_grants_show_nothing(store: Store) -> None:
    """No grant on contacts: listing is empty and counting is zero, without a query."""
    contacts = SecuredStore(store, POLICY, "ali").contacts

    assert contacts.kind == "contact"
    assert list(contacts.find()) == []
    assert contacts.count() == 0


def test_restore_checks_permission_before_revealing_state(store: Store) -> None:
    """Restoring a live deal the user may not delete is refused, never 'not deleted'."""
    ali = SecuredStore(store, POLICY, "ali").deals
    max_ = SecuredStore(store, POLICY, "max").deals

    with pytest.raises(PermissionDenied, match="no role of Ali"):
        ali.restore("d01")
    with pytest.raises(NotFound, match="no deal with id 'd02'"):
        max_.restore("d02")  # Cem's live deal: Max may not know it exists
    with pytest.raises(ConflictError, match="not deleted"):
        max_.restore("d01")  # Max may delete Bea's deal, so may learn it is live


def test_no_grant_on_the_type_is_refused_before_the_lookup(store: Store) -> None:
    """A user with no read or delete grant on deals learns nothing about which ids exist."""
    lev = SecuredStore(store, POLICY, "lev").deals

    with pytest.raises(PermissionDenied, match="no role of Lev"):
        lev.get("no-such-deal")
    with pytest.raises(PermissionDenied, match="no role of Lev"):
        lev.delete("no-such-deal")
    with pytest.raises(PermissionDenied, match="no role of Lev"):
        lev.restore("no-such-deal")


def test_a_where_cannot_widen_the_policy_filter(store: Store) -> None:
    """Text closing the policy's parenthesis is not a filter, so no other owner's row leaks."""
    ali = SecuredStore(store, POLICY, "ali").deals

    with pytest.raises(FormulaError, match="expected an operator or the end of the formula"):
        ali.count("TRUE) OR (TRUE")
    with pytest.raises(FormulaError, match="expected an operator or the end of the formula"):
        ali.find("TRUE) OR (TRUE")

    assert 10 == ali.count("TRUE")


def test_get_many_and_export_refuse_bad_arguments(store: Store) -> None:
    """get_many needs ids; export needs a filter and a page size, checked at the call."""
    max_ = SecuredStore(store, POLICY, "max").deals

    with pytest.raises(ValidationError, match="expected an iterable of record ids"):
        max_.get_many(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected an iterable of record ids"):
        max_.get_many("d01")
    with pytest.raises(ValidationError, match=r"expected a record id \(text\)"):
        max_.get_many([1])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="expected a filter: text, an Expression or None"):
        max_.export(5)
    with pytest.raises(ValidationError, match="expected a page size of at least 1"):
        max_.export(page_size=0)

    assert ["d01"] == list(max_.get_many(["d01", "d02"]))


IMPORTERS = Policy.from_dict(
    {
        "roles": [
            {
                "name": "importer",
                "grants": [
                    {
                        "object": "contact",
                        "actions": ["read", "create", "update", "import"],
                        "scope": "all",
                    }
                ],
            },
            {
                "name": "reader",
                "grants": [{"object": "contact", "actions": ["read"], "scope": "all"}],
            },
        ],
        "users": [{"id": "ida", "roles": ["importer"]}, {"id": "ray", "roles": ["reader"]}],
    }
)


def test_a_user_who_may_import_imports_through_a_secured_store(
    store: Store, tmp_path: Path
) -> None:
    """import_file works through SecuredStore for import; without it, PermissionDenied."""
    path = tmp_path / "people.csv"
    path.write_text("name,email\nJo Lee,jo@example.com\nSam Ray,sam@example.com\n")

    report = import_file(path, SecuredStore(store, IMPORTERS, "ida"), actor="ida")
    with pytest.raises(PermissionDenied, match="may not change the schema"):
        import_file(path, SecuredStore(store, IMPORTERS, "ray"), actor="ray")

    assert 2 == report.created
    assert 2 == store.contacts.count()
    assert {"ida"} == {e.actor for c in store.contacts.find() for e in store.history(c.id)}


def test_only_the_import_log_may_be_registered(store: Store) -> None:
    """An importer may register the import log with its own fields, and nothing else."""
    ida = SecuredStore(store, IMPORTERS, "ida")
    ray = SecuredStore(store, IMPORTERS, "ray")
    fields = {
        "import_id": "text",
        "created": "text",
        "updated": "text",
        "kind": "text",
        "linked": "text",
    }

    with pytest.raises(PermissionDenied, match="may not change the schema"):
        ida.register_object_type("crmkit_import_batch", {**fields, "extra": "text"})
    with pytest.raises(PermissionDenied, match="may not change the schema"):
        ida.register_object_type("crmkit_import_batch", {"import_id": "text"})
    with pytest.raises(PermissionDenied, match="may not change the schema"):
        ida.register_object_type("invoice", fields)
    with pytest.raises(PermissionDenied, match="may not change the schema"):
        ray.register_object_type("crmkit_import_batch", fields)
    log = ida.register_object_type("crmkit_import_batch", fields)
    with pytest.raises(PermissionDenied, match="only crmkit_import_batch records"):
        log.add(CustomRecord(object_type="contract", custom={"status": "x"}))
    stored = log.add(CustomRecord(object_type="crmkit_import_batch", custom={"import_id": "i1"}))
    with pytest.raises(PermissionDenied, match="no role of ida"):
        log.get(stored.id)

    assert 0 == log.count()
    assert 1 == store.objects("crmkit_import_batch").count()
