"""Merging through a secured store, the reports scope, and refusals that name no record data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from crmkit.contacts import Affiliation, Company, Contact
from crmkit.dedupe import merge_in_store
from crmkit.errors import ConfigError, ErrorCode, NotFound, PermissionDenied
from crmkit.permissions import Policy, SecuredStore
from crmkit.storage import CustomRecord, MemoryStore, SqlStore, Store

ALL_RIGHTS = ["read", "update", "delete"]


def _policy(contact_actions: list[str], *, hidden: str | None = None) -> Policy:
    fields = [] if hidden is None else [{"object": "contact", "field": hidden, "access": "hidden"}]
    return Policy.from_dict(
        {
            "roles": [
                {
                    "name": "clerk",
                    "grants": [
                        {"object": "contact", "actions": contact_actions, "scope": "own"},
                        {"object": "affiliation", "actions": ALL_RIGHTS, "scope": "all"},
                    ],
                    "fields": fields,
                },
            ],
            "users": [
                {"id": "ann", "name": "Ann", "roles": ["clerk"]},
                {"id": "bob", "name": "Bob", "roles": ["clerk"]},
            ],
        }
    )


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Three contacts (two of Ann's, one of Bob's) and an affiliation of one of Ann's."""
    raw: Store = (
        MemoryStore() if request.param == "memory" else SqlStore(f"sqlite:///{tmp_path}/m.db")
    )
    for cid, owner in (("c1", "ann"), ("c2", "ann"), ("c3", "bob")):
        raw.contacts.add(Contact(id=cid, last_name="Lee", emails=[f"{cid}@x.org"], owner_id=owner))
    raw.companies.add(Company(id="co", name="Acme"))
    raw.affiliations.add(Affiliation(id="a2", contact_id="c2", company_id="co"))
    yield raw
    raw.close()


def test_a_user_who_may_update_and_delete_every_record_merges(store: Store) -> None:
    """Ann merges her two contacts through a secured store; the affiliation follows."""
    secured = SecuredStore(store, _policy(ALL_RIGHTS), "ann")

    result = merge_in_store(secured, ["c1", "c2"])

    assert ["c1", "c3"] == [c.id for c in store.contacts.find_all()]
    assert "c1" == result.record.id
    assert "c1" == store.affiliations.get("a2").contact_id
    assert {"ann"} == {e.actor for e in store.history("c2")[1:]}


def test_merge_without_delete_is_refused_and_writes_nothing(store: Store) -> None:
    """Without delete on the records, the merge is refused naming the rule; nothing changes."""
    secured = SecuredStore(store, _policy(["read", "update"]), "ann")
    before = [c.version for c in store.contacts.find_all()]

    with pytest.raises(PermissionDenied) as info:
        merge_in_store(secured, ["c1", "c2"])

    assert (ErrorCode.PERMISSION, "merge") == (info.value.code, info.value.action)
    assert str(info.value).startswith("Ann may not merge these contact records: contact c1: ")
    assert "no role of Ann (clerk) may delete contacts" in str(info.value)
    assert before == [c.version for c in store.contacts.find_all()]
    assert (
        0
        == store.register_object_type(
            "crmkit_merge",
            {"kind": "text", "survivor_id": "text", "payload": "text", "undone": "bool"},
        ).count()
    )


def test_merging_someone_elses_record_answers_as_a_missing_id(store: Store) -> None:
    """A record the user may not read is not found, exactly as an id that does not exist."""
    secured = SecuredStore(store, _policy(ALL_RIGHTS), "ann")

    with pytest.raises(NotFound) as foreign:
        merge_in_store(secured, ["c1", "c3"])
    with pytest.raises(NotFound) as missing:
        merge_in_store(secured, ["c1", "c9"])

    assert ("storage.not_found", "no contact with id 'c3'") == (
        foreign.value.code,
        str(foreign.value),
    )
    assert "no contact with id 'c9'" == str(missing.value)
    assert 3 == store.contacts.count()


def test_merge_by_a_user_with_a_hidden_field_is_refused(store: Store) -> None:
    """A merge would choose between values the user cannot see, so it is refused."""
    secured = SecuredStore(store, _policy(ALL_RIGHTS, hidden="email"), "ann")

    with pytest.raises(PermissionDenied) as info:
        merge_in_store(secured, ["c1", "c2"])

    assert (
        ErrorCode.HIDDEN_FIELD,
        "Ann may not merge these contact records: some of their fields are hidden from Ann",
    ) == (
        info.value.code,
        str(info.value),
    )
    assert 3 == store.contacts.count()


def test_the_merge_log_takes_entries_of_the_users_merges_only(store: Store) -> None:
    """The merge log accepts an entry for a survivor the user may update, nothing else."""
    secured = SecuredStore(store, _policy(ALL_RIGHTS), "ann")
    fields = {"kind": "text", "survivor_id": "text", "payload": "text", "undone": "bool"}
    log = secured.register_object_type("crmkit_merge", fields)

    with pytest.raises(PermissionDenied) as info:
        log.add(
            CustomRecord(
                object_type="crmkit_merge", custom={"kind": "contact", "survivor_id": "c3"}
            )
        )

    assert ErrorCode.NOT_SUPPORTED == info.value.code
    with pytest.raises(PermissionDenied, match="may not change the schema"):
        SecuredStore(store, _policy(["read"]), "ann").register_object_type("crmkit_merge", fields)


def _sales() -> Policy:
    return Policy.from_dict(
        {
            "roles": [
                {
                    "name": "manager",
                    "grants": [{"object": "deal", "actions": ["read"], "scope": "reports"}],
                },
                {
                    "name": "lead",
                    "grants": [{"object": "deal", "actions": ["read"], "scope": "subordinates"}],
                },
                {"name": "rep", "parent": "manager"},
            ],
            "users": [
                {"id": "max", "name": "Max", "roles": ["manager"]},
                {"id": "nina", "name": "Nina", "roles": ["manager"]},
                {"id": "lia", "name": "Lia", "roles": ["lead"]},
                {"id": "ali", "roles": ["rep"], "manager": "max"},
                {"id": "bea", "roles": ["rep"], "manager": "tom"},
                {"id": "tom", "roles": ["rep"], "manager": "max"},
                {"id": "cem", "roles": ["rep"], "manager": "nina"},
            ],
        }
    )


def test_reports_follows_the_reporting_line_not_the_role() -> None:
    """A manager's reports scope reaches their reports, recursively, not the other team's."""
    policy = _sales()

    assert "IN(owner_id, 'ali', 'bea', 'max', 'tom')" == policy.filter("max", "read", "deal").source
    assert "IN(owner_id, 'cem', 'nina')" == policy.filter("nina", "read", "deal").source
    assert not policy.check("max", "read", {"owner_id": "cem"}, object_type="deal")
    assert (
        "role manager may read deals only when the owner is you or reports to you"
        == policy.check("max", "read", {"owner_id": "cem"}, object_type="deal").reason
    )


def test_an_unknown_scope_is_refused_with_its_path() -> None:
    """A grant with a scope outside the vocabulary is a configuration error naming it."""
    with pytest.raises(ConfigError) as info:
        Policy.from_dict(
            {
                "roles": [
                    {
                        "name": "r",
                        "grants": [{"object": "deal", "actions": ["read"], "scope": "line"}],
                    }
                ]
            }
        )

    assert "roles[0].grants[0].scope" == info.value.path


def test_a_denied_update_names_the_rule_not_the_record(store: Store) -> None:
    """Updating a readable record without the right names the rule only, never its data."""
    policy = Policy.from_dict(
        {
            "roles": [
                {
                    "name": "r",
                    "grants": [{"object": "contact", "actions": ["read"], "scope": "all"}],
                },
                {
                    "name": "w",
                    "grants": [{"object": "contact", "actions": ["update"], "scope": "own"}],
                },
            ],
            "users": [
                {"id": "ann", "name": "Ann", "roles": ["r", "w"]},
                {"id": "bob", "roles": ["r"]},
            ],
        }
    )
    contacts = SecuredStore(store, policy, "ann").contacts
    theirs = contacts.get("c3")

    with pytest.raises(PermissionDenied) as info:
        contacts.update(attrs.evolve(theirs, job_title="x"))

    assert "role w may update contacts only when owner = you" == str(info.value)
