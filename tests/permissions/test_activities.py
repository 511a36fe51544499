"""Secured activities: seen when owned, granted, or linked to a readable record, on each backend."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from crmkit.activities import Activity, Link
from crmkit.contacts import Company, Contact
from crmkit.errors import ErrorCode, NotFound, PermissionDenied
from crmkit.permissions import Policy, SecuredStore
from crmkit.storage import CustomRecord, MemoryStore, SqlStore, Store
from crmkit.timeline import agenda, due_reminders, timeline

NOW = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
BACKENDS = ["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
POLICY = Policy.from_dict(
    {
        "schemas": {"project": {"status": "text"}},
        "roles": [
            {
                "name": "rep",
                "grants": [
                    {"object": "contact", "actions": ["read", "create"], "scope": "own"},
                    {"object": "company", "actions": ["read"], "scope": "all"},
                    {
                        "object": "project",
                        "actions": ["read"],
                        "scope": "all",
                        "condition": "status = 'open'",
                    },
                    {
                        "object": "activity",
                        "actions": ["create", "update", "delete"],
                        "scope": "own",
                    },
                ],
                "fields": [{"object": "activity", "field": "body", "access": "hidden"}],
            },
            {
                "name": "auditor",
                "grants": [{"object": "activity", "actions": ["read"], "scope": "all"}],
            },
        ],
        "users": [
            {"id": "ali", "name": "Ali", "roles": ["rep"], "team": "north"},
            {"id": "bea", "name": "Bea", "roles": ["rep"], "team": "north"},
            {"id": "aud", "name": "Aud", "roles": ["auditor"]},
            {"id": "nob", "name": "Nob"},
        ],
    }
)


def _backend(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    if name == "memory":
        return MemoryStore()
    if name == "sqlite":
        return SqlStore(f"sqlite:///{tmp_path / 'crm.db'}")
    return SqlStore(request.getfixturevalue("pg_url"), schema=request.getfixturevalue("pg_schema"))


def _note(
    i: str, owner: str, *links: Link, due: datetime | None = None, body: str = "secret"
) -> Activity:
    return Activity(
        id=i,
        kind="task",
        subject=f"about {i}",
        body=body,
        owner_id=owner,
        links=links,
        due_at=due,
    )


C1, C2 = Link(kind="contact", id="c1"), Link(kind="contact", id="c2")
ACME, OPEN, SHUT = (
    Link(kind="company", id="acme"),
    Link(kind="project", id="p1"),
    Link(kind="project", id="p2"),
)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Ali's contact c1, Bea's c2, a company, an open and a closed project, and activities."""
    raw = _backend(request.param, request, tmp_path)
    raw.register_object_type("project", {"status": "text"})
    raw.contacts.add(Contact(id="c1", first_name="Ann", owner_id="ali"))
    raw.contacts.add(Contact(id="c2", first_name="Bo", owner_id="bea"))
    raw.companies.add(Company(id="acme", name="Acme", owner_id="bea"))
    raw.objects("project").add(
        CustomRecord(id="p1", object_type="project", custom={"status": "open"})
    )
    raw.objects("project").add(
        CustomRecord(id="p2", object_type="project", custom={"status": "shut"})
    )
    due = NOW + timedelta(hours=2)
    for activity in [
        _note("a1", "bea", C1, due=due),  # Bea's, on Ali's contact
        _note("a2", "bea", C2, due=due),  # Bea's, on Bea's contact
        _note("a3", "ali", due=due),  # Ali's, linked to nothing
        _note("a4", "bea", ACME),  # on a company everyone may read
        _note("a5", "bea", SHUT),  # on a project Ali may not read
        _note("a6", "bea", OPEN, C2),  # on a project Ali may read, and Bea's contact
        _note("a7", "bea", Link(kind="ticket", id="t1")),  # on a kind the store lacks
    ]:
        raw.activities.add(activity)
    try:
        yield raw
    finally:
        raw.close()


def _ids(records: Any) -> list[str]:
    return sorted(r.id for r in records)


def test_sees_own_linked_and_readable(store: Store) -> None:
    """Ali sees her own activity and those linked to a record she may read, nothing else."""
    ali = SecuredStore(store, POLICY, "ali").activities

    assert ["a1", "a3", "a4", "a6"] == _ids(ali.find())
    assert 4 == ali.count()
    assert ["a1", "a3", "a4", "a6"] == _ids(ali.find_all(page_size=2))
    assert ["a1", "a6"] == _ids(ali.get_many(["a1", "a2", "a5", "a6", "zz"]).values())
    assert ["a1", "a3"] == _ids(ali.open_for_owner(["ali", "bea"], until=NOW + timedelta(days=1)))
    assert ["a1", "a6"] == _ids(ali.for_records([C1, C2]))  # a6 is seen through its project
    assert 1 == ali.count("subject = 'about a6'")


def test_reminders_are_those_of_the_activities_seen(store: Store) -> None:
    """A secured store's due reminders hold only the activities its user sees."""
    for i, owner, link in (("r1", "bea", C1), ("r2", "bea", C2), ("r3", "ali", None)):
        links = () if link is None else (link,)
        store.activities.add(
            attrs.evolve(_note(i, owner, *links, due=NOW + timedelta(hours=3)), reminders=(30,))
        )
    ali = SecuredStore(store, POLICY, "ali")
    window = (NOW, NOW + timedelta(days=1))

    seen = due_reminders(ali, *window)

    assert ["r1", "r3"] == sorted(r.activity.id for r in seen)
    assert ["r1", "r2", "r3"] == sorted(r.activity.id for r in due_reminders(store, *window))
    assert {""} == {r.activity.body for r in seen}  # hidden fields stay hidden


def test_unseen_activity_answers_as_missing(store: Store) -> None:
    """An activity Ali may not see is not found, like an id the store does not have."""
    ali = SecuredStore(store, POLICY, "ali").activities

    with pytest.raises(NotFound) as unseen:
        ali.get("a2")

    assert "no activity with id 'a2'" in str(unseen.value)


def test_grant_on_activities_widens(store: Store) -> None:
    """A read grant on activities widens what a user sees; with none, only their own."""
    auditor = SecuredStore(store, POLICY, "aud").activities
    nobody = SecuredStore(store, POLICY, "nob").activities

    assert 7 == auditor.count()
    assert 0 == nobody.count()


def test_hidden_fields_are_blanked(store: Store) -> None:
    """A field hidden on activities is blank on every read, and may not be filtered by."""
    ali = SecuredStore(store, POLICY, "ali").activities

    assert {""} == {a.body for a in ali.find()}
    assert "" == ali.get("a1").body
    with pytest.raises(PermissionDenied) as hidden:
        ali.count("body = 'secret'")
    assert ErrorCode.HIDDEN_FIELD == hidden.value.code


def test_pages_hold_only_seen_activities(store: Store) -> None:
    """A timeline page cut short still pages on through the activities Ali sees."""
    for i in range(6):
        store.activities.add(_note(f"b{i}", "bea", C1 if i % 2 else C2))
    ali = SecuredStore(store, POLICY, "ali").activities

    first = ali.for_records([C1, C2], limit=2)
    second = ali.for_records([C1, C2], limit=2, before=first.next_after)
    third = ali.for_records([C1, C2], limit=2, before=second.next_after)

    assert ["a1", "a6", "b1", "b3", "b5"] == sorted([*_ids(first), *_ids(second), *_ids(third)])
    assert None is third.next_after


def test_linking_to_an_unreadable_record_is_refused(store: Store) -> None:
    """Adding an activity linked to a record Ali may not read is refused; nothing is stored."""
    ali = SecuredStore(store, POLICY, "ali").activities

    for link in (C2, SHUT, Link(kind="contact", id="missing")):
        with pytest.raises(PermissionDenied) as refused:
            ali.add(_note("n1", "ali", C1, link, body=""))
        assert ErrorCode.UNREADABLE_LINK == refused.value.code
        assert f"may not link activity 'n1' to {link.kind} {link.id!r}" in str(refused.value)

    assert {} == store.activities.get_many(["n1"])


def test_updating_adds_no_unreadable_link(store: Store) -> None:
    """An update may keep its links but not add one to a record the user may not read."""
    ali = SecuredStore(store, POLICY, "ali").activities
    mine = store.activities.add(_note("n1", "ali", C1))

    with pytest.raises(PermissionDenied) as refused:
        ali.update(attrs.evolve(mine, links=(C1, C2)))
    kept = ali.update(attrs.evolve(mine, subject="renamed"))

    assert ErrorCode.UNREADABLE_LINK == refused.value.code
    assert (C1,) == store.activities.get("n1").links
    assert "renamed" == kept.subject
    assert "secret" == store.activities.get("n1").body  # the hidden field kept its value


def test_bulk_upsert_with_an_unreadable_link_stores_nothing(store: Store) -> None:
    """A batch with one activity linked to an unreadable record is refused as a whole."""
    ali = SecuredStore(store, POLICY, "ali").activities

    with pytest.raises(PermissionDenied) as refused:
        ali.bulk_upsert([_note("n1", "ali", C1, body=""), _note("n2", "ali", C2, body="")])

    assert ErrorCode.UNREADABLE_LINK == refused.value.code
    assert {} == store.activities.get_many(["n1", "n2"])


def test_writes_need_activity_grants(store: Store) -> None:
    """Creating and deleting need the activity grants: none for a user without them."""
    nobody = SecuredStore(store, POLICY, "nob").activities
    ali = SecuredStore(store, POLICY, "ali").activities

    with pytest.raises(PermissionDenied) as refused:
        nobody.add(_note("n1", "nob"))
    with pytest.raises(PermissionDenied):
        ali.delete("a1")  # Ali sees it, but it is Bea's
    ali.delete("a3")

    assert ErrorCode.PERMISSION == refused.value.code
    assert ["a1", "a2"] == sorted(store.activities.get_many(["a1", "a2", "a3"]))


def test_histories_only_of_readable_records(store: Store) -> None:
    """Histories come back only for records the user may read, redacted."""
    ali = SecuredStore(store, POLICY, "ali")

    found = ali.histories(["c1", "c2", "a1", "a2"])

    assert [1, 0, 1, 0] == [len(found[i]) for i in ("c1", "c2", "a1", "a2")]


def test_timeline_and_agenda_through_a_secured_store(store: Store) -> None:
    """A timeline and an agenda read through a secured store hold only what the user sees."""
    ali = SecuredStore(store, POLICY, "ali")
    bea_agenda = agenda(ali, "bea", now=NOW, tz="UTC")

    entries = timeline(ali, Link(kind="contact", id="c1"))

    assert ["a1"] == [e.key for e in entries if e.activity is not None]
    assert ["a1"] == [a.id for a in bea_agenda.due_today]


# -- the SQL rule and a brute-force reading of it, over random data and policies ----------

KINDS = ("contact", "company", "project", "activity")
SCOPES = (None, "own", "team", "all")
USERS = ("u0", "u1", "u2", "u3")


def _random_policy(rng: random.Random) -> Policy:
    roles = []
    for r in range(2):
        grants = []
        for kind in KINDS:
            scope = rng.choice(SCOPES)
            if scope is not None:
                grant: dict[str, Any] = {"object": kind, "actions": ["read"], "scope": scope}
                if kind == "project" and rng.random() < 0.5:
                    grant["condition"] = "status = 'open'"
                grants.append(grant)
        roles.append({"name": f"r{r}", "grants": grants})
    users = [
        {"id": u, "roles": rng.sample(["r0", "r1"], rng.randint(0, 2)), "team": f"t{i % 2}"}
        for i, u in enumerate(USERS)
    ]
    return Policy.from_dict(
        {"schemas": {"project": {"status": "text"}}, "roles": roles, "users": users}
    )


def _random_store(store: Store, rng: random.Random) -> list[Link]:
    store.register_object_type("project", {"status": "text"})
    links = []
    for i in range(8):
        store.contacts.add(Contact(id=f"c{i}", first_name="A", owner_id=rng.choice(USERS)))
        store.companies.add(Company(id=f"k{i}", name="K", owner_id=rng.choice(USERS)))
        status = rng.choice(["open", "shut"])
        store.objects("project").add(
            CustomRecord(
                id=f"p{i}",
                object_type="project",
                owner_id=rng.choice(USERS),
                custom={"status": status},
            )
        )
        links += [Link(kind="contact", id=f"c{i}"), Link(kind="company", id=f"k{i}")]
        links.append(Link(kind="project", id=f"p{i}"))
    for i in range(40):
        chosen = tuple(dict.fromkeys(rng.sample(links, rng.randint(0, 3))))
        due = NOW + timedelta(hours=rng.randint(-30, 30))
        store.activities.add(_note(f"a{i:02}", rng.choice(USERS), *chosen, due=due))
    for link in rng.sample(links, 4):  # links to deleted records let no one through
        store.repository(link.kind).delete(link.id)
    return links


def _brute_force(store: Store, policy: Policy, user: str) -> set[str]:
    seen = set()
    for activity in store.activities.find_all():
        if activity.owner_id == user or policy.check(
            user, "read", activity, object_type="activity"
        ):
            seen.add(activity.id)
            continue
        for link in activity.links:
            record = store.repository(link.kind).get_many([link.id]).get(link.id)
            if record is not None and policy.check(user, "read", record, object_type=link.kind):
                seen.add(activity.id)
                break
    return seen


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_store_rule_matches_brute_force(
    backend: str, seed: int, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Every read through a secured store sees exactly the activities the rule reads in Python."""
    rng = random.Random(seed)
    raw = _backend(backend, request, tmp_path)
    try:
        links = _random_store(raw, rng)
        for _ in range(3):
            policy = _random_policy(rng)
            for user in USERS:
                expected = _brute_force(raw, policy, user)
                secured = SecuredStore(raw, policy, user).activities
                some = rng.sample(links, 5)
                on_some = {
                    a.id
                    for a in raw.activities.find_all()
                    if a.id in expected and any(link in a.links for link in some)
                }
                open_ = {
                    a.id
                    for a in raw.activities.find_all()
                    if a.id in expected and a.owner_id in USERS[:2]
                }

                assert expected == {a.id for a in secured.find_all(page_size=7)}
                assert len(expected) == secured.count()
                assert on_some == {a.id for a in secured.for_records(some, limit=100)}
                assert open_ == {a.id for a in secured.open_for_owner(USERS[:2])}
    finally:
        raw.close()
