"""Hidden fields stay absent on every read path of a secured store, under every name."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.contacts import COMPANY_FIELDS, CONTACT_FIELDS, Company, Contact
from crmkit.dedupe import find_duplicates
from crmkit.errors import ErrorCode, PermissionDenied, ValidationError
from crmkit.permissions import Policy, SecuredStore
from crmkit.permissions._hiding import names_of
from crmkit.pipeline import DEAL_FIELDS, Pipeline, deal_field_types
from crmkit.storage import MemoryStore, SqlStore, Store
from crmkit.values import Money

FUNNEL = Pipeline.from_dict(
    {
        "id": "sales",
        "fields": {"secret": "text", "notes": "text"},
        "stages": [{"id": "open"}, {"id": "won", "kind": "won"}],
    }
)
# each hidden field as a rule may name it, and the part of a record its sentinel sits in
CONTACT_RULES = {
    "email": "emails",
    "emails": "emails",
    "phone": "phones",
    "phones": "phones",
    "job_title": "job_title",
    "first_name": "first_name",
    "secret": "secret",
}
DEAL_RULES = {"amount": "amount", "title": "title", "secret": "secret"}


def _contact_sentinels(i: int) -> dict[str, str]:
    return {
        "emails": f"emailsecret{i}@example.com",
        "phones": f"+49301234{i:04}",
        "job_title": f"job-title-secret-{i}",
        "first_name": f"Firstsecret{i}",
        "secret": f"custom-secret-{i}",
    }


def _deal_sentinels(i: int) -> dict[str, str]:
    return {
        "amount": f"98765{i:02}.31",
        "title": f"deal-heading-{i}",
        "secret": f"deal-secret-{i}",
        "notes": f"notes-secret-{i}",
    }


def _policy(contact_hidden: set[str], deal_hidden: set[str], *, notes: bool) -> Policy:
    deal_actions = ["read", "export", *(["view_notes"] if notes else [])]
    fields = [{"object": "contact", "field": f, "access": "hidden"} for f in sorted(contact_hidden)]
    fields += [{"object": "deal", "field": f, "access": "hidden"} for f in sorted(deal_hidden)]
    return Policy.from_dict(
        {
            "schemas": {"deal": deal_field_types(FUNNEL)},
            "roles": [
                {
                    "name": "viewer",
                    "grants": [
                        {"object": "contact", "actions": ["read", "export"], "scope": "all"},
                        {"object": "deal", "actions": deal_actions, "scope": "all"},
                    ],
                    "fields": fields,
                }
            ],
            "users": [{"id": "vi", "roles": ["viewer"]}],
        }
    )


def _fill(store: Store, count: int) -> None:
    store.use_pipelines([FUNNEL])
    store.define_fields("contact", {"secret": "text"})
    for i in range(count):
        s = _contact_sentinels(i)
        contact = store.contacts.add(
            Contact(
                id=f"c{i}",
                first_name=s["first_name"],
                last_name="Lee",  # the same for all: dedupe has something to group by
                emails=[s["emails"]],
                phones=[s["phones"]],
                job_title=s["job_title"],
                custom={"secret": s["secret"]},
            )
        )
        # a change of every hidden field, so the history holds old and new sentinels
        store.contacts.update(
            attrs.evolve(
                contact,
                job_title=s["job_title"] + "-new",
                custom={"secret": s["secret"] + "-new"},
                emails=[f"new{s['emails']}"],
            )
        )
        d = _deal_sentinels(i)
        deal = store.deals.add(
            FUNNEL.new_deal(
                id=f"d{i}",
                title=d["title"],
                owner_id="vi",
                amount=Money.of(d["amount"], "EUR"),
                custom={"secret": d["secret"], "notes": d["notes"]},
            )
        )
        store.deals.update(
            attrs.evolve(deal, custom={"secret": d["secret"] + "x", "notes": d["notes"] + "x"})
        )


def _walk(secured: SecuredStore, hidden_names: list[tuple[str, str]]) -> str:
    """Every read path of *secured*, written out as text."""
    out: list[str] = []
    for repository in (secured.contacts, secured.deals):
        ids = [r.id for r in repository.find_all()]
        out += [repr(repository.get(i)) for i in ids]
        out.append(repr(repository.get_many(ids)))
        out.append(repr(list(repository.find(limit=3))))
        out.append(repr(list(repository.export(page_size=2))))
        out.append(repr(repository.count()))
        out += [repr(secured.history(i)) for i in ids]
    contacts = list(secured.contacts.find_all())
    out.append(repr(find_duplicates(contacts)))
    for kind, name in hidden_names:
        repository = secured.repository(kind)
        for where in (f"{name} = 'x'", f"NOT(ISBLANK({name}))"):
            with pytest.raises(PermissionDenied) as info:
                repository.count(where)
            assert ErrorCode.HIDDEN_FIELD == info.value.code
            out.append(str(info.value))
    return "\n".join(out)


def _stores() -> Iterator[tuple[str, Store]]:
    yield "memory", MemoryStore()
    with tempfile.TemporaryDirectory() as folder:
        yield "sqlite", SqlStore(f"sqlite:///{Path(folder)}/h.db")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    contact_hidden=st.sets(st.sampled_from(sorted(CONTACT_RULES))),
    deal_hidden=st.sets(st.sampled_from(sorted(DEAL_RULES))),
    notes=st.booleans(),
    count=st.integers(min_value=1, max_value=3),
)
def test_no_hidden_value_appears_on_any_read_path(
    contact_hidden: set[str], deal_hidden: set[str], notes: bool, count: int
) -> None:
    """Planted values of hidden fields appear nowhere: records, pages, exports, history, groups."""
    policy = _policy(contact_hidden, deal_hidden, notes=notes)
    hidden_contact = {CONTACT_RULES[f] for f in contact_hidden}
    hidden_deal = {DEAL_RULES[f] for f in deal_hidden} | (set() if notes else {"notes"})
    filter_names = [("contact", n) for n in names_of("contact", contact_hidden) if n != "emails"]
    filter_names = [p for p in filter_names if p[1] not in ("phones",)]
    filter_names += [("deal", n) for n in deal_hidden]
    for _, store in _stores():
        _fill(store, count)
        text = _walk(SecuredStore(store, policy, "vi"), filter_names)
        store.close()
        for i in range(count):
            c, d = _contact_sentinels(i), _deal_sentinels(i)
            leaked = [f for f in hidden_contact if c[f] in text]
            leaked += [f for f in hidden_deal if d[f] in text]
            shown = [f for f in set(c) - hidden_contact if c[f] not in text]
            shown += [f for f in set(d) - hidden_deal if d[f] not in text]

            assert ([], []) == (leaked, shown)


@pytest.fixture(params=["memory", "sqlite"])
def people(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store with two contacts, each with an e-mail address and a phone number."""
    store: Store = (
        MemoryStore() if request.param == "memory" else SqlStore(f"sqlite:///{tmp_path}/p.db")
    )
    store.contacts.add(
        Contact(id="c1", last_name="Lee", emails=["a@x.org"], phones=["+4930123456"])
    )
    store.contacts.add(
        Contact(id="c2", last_name="Ray", emails=["b@x.org"], phones=["+4930654321"])
    )
    yield store
    store.close()


def _reader(hidden: str) -> Policy:
    return Policy.from_dict(
        {
            "roles": [
                {
                    "name": "r",
                    "grants": [{"object": "contact", "actions": ["read"], "scope": "all"}],
                    "fields": [{"object": "contact", "field": hidden, "access": "hidden"}],
                }
            ],
            "users": [{"id": "u", "name": "Una", "roles": ["r"]}],
        }
    )


@pytest.mark.parametrize(
    ("hidden", "where"),
    [
        ("phones", "phone = '+4930123456'"),
        ("phone", "phone = '+4930123456'"),
        ("emails", "email = 'a@x.org'"),
        ("email", "email = 'a@x.org'"),
    ],
)
def test_a_field_hidden_under_one_name_is_hidden_under_all(
    people: Store, hidden: str, where: str
) -> None:
    """Hiding phone or phones (email or emails) blanks the values and refuses the filter."""
    contacts = SecuredStore(people, _reader(hidden), "u").contacts
    field = where.split(" ", 1)[0]

    with pytest.raises(PermissionDenied) as info:
        contacts.count(where)
    with pytest.raises(
        PermissionDenied, match=f"may not sort contact records by hidden field {field}"
    ):
        contacts.find(order_by=field)
    with pytest.raises(
        PermissionDenied, match=f"may not look contact records up by hidden field {field}"
    ):
        contacts.find_by_keys(field, ["a@x.org"])
    shown = contacts.get("c1")

    assert (
        ErrorCode.HIDDEN_FIELD,
        f"Una may not filter contact records by hidden field(s) {field}",
    ) == (
        info.value.code,
        str(info.value),
    )
    assert () == (shown.phones if field == "phone" else shown.emails)


def test_every_field_read_through_a_getter_names_an_attribute() -> None:
    """Each built-in field a filter reads through a getter is the view of a record attribute."""
    classes = {"contact": Contact, "company": Company, "deal": None}
    for fields in (CONTACT_FIELDS, COMPANY_FIELDS, DEAL_FIELDS):
        cls = classes[fields.object_type]
        for name in fields.getters:
            names = names_of(fields.object_type, [name])
            attributes = {a.name for a in attrs.fields(cls)} if cls is not None else set()

            assert 1 == len(names & attributes)


def test_view_notes_guards_the_notes_on_every_path(tmp_path: Path) -> None:
    """Without view_notes on a deal, its notes are absent from reads, exports and history."""
    store = SqlStore(f"sqlite:///{tmp_path}/n.db")
    store.use_pipelines([FUNNEL])
    deal = store.deals.add(
        FUNNEL.new_deal(id="d1", title="T", owner_id="ann", custom={"notes": "call back"})
    )
    store.deals.update(attrs.evolve(deal, custom={"notes": "called"}))
    policy = _policy(set(), set(), notes=False)
    reader = SecuredStore(store, policy, "vi")
    with_notes = SecuredStore(store, _policy(set(), set(), notes=True), "vi")

    assert "notes" not in reader.deals.get("d1").custom
    assert all("notes" not in d.custom for d in reader.deals.export())
    assert [{}] == [e.changes for e in reader.history("d1") if e.action == "update"]
    assert "notes" not in policy.redact("vi", store.deals.get("d1")).custom
    assert "called" == with_notes.deals.get("d1").custom["notes"]
    with pytest.raises(PermissionDenied, match="by hidden field"):
        reader.deals.count("notes = 'called'")
    store.close()


def _history_answers(secured: SecuredStore, ids: list[str]) -> list[Any]:
    return [secured.history(i) for i in ids]


def test_history_answers_alike_for_unknown_deleted_and_foreign_ids() -> None:
    """History of a missing, a deleted and someone else's record is the same empty list."""
    store = MemoryStore()
    store.use_pipelines([FUNNEL])
    store.deals.add(FUNNEL.new_deal(id="mine", title="M", owner_id="u"))
    store.deals.add(FUNNEL.new_deal(id="gone", title="G", owner_id="u"))
    store.deals.add(FUNNEL.new_deal(id="theirs", title="T", owner_id="v"))
    store.deals.delete("gone")
    policy = Policy.from_dict(
        {
            "roles": [
                {"name": "r", "grants": [{"object": "deal", "actions": ["read"], "scope": "own"}]}
            ],
            "users": [{"id": "u", "roles": ["r"]}, {"id": "v", "roles": ["r"]}],
        }
    )
    answers = _history_answers(SecuredStore(store, policy, "u"), ["nope", "gone", "theirs"])

    assert [[], [], []] == answers
    assert 1 == len(SecuredStore(store, policy, "u").history("mine"))


def test_hidden_fields_refuses_a_target_of_no_known_type() -> None:
    """hidden_fields needs a record, a mapping with object_type, or an object type."""
    with pytest.raises(ValidationError) as info:
        _policy(set(), set(), notes=True).hidden_fields("vi", {"id": "x"})

    assert ("validation.invalid", "target") == (info.value.code, info.value.field)
    assert "cannot tell the object type of a dict; pass object_type=" in str(info.value)
