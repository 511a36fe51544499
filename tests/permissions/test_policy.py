"""Policy: configuration, round trip, checks, reasons, explain, redact, updates, filters, diff."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ConfigError, FormulaError, PermissionDenied, ValidationError
from crmkit.expr import MAX_SOURCE
from crmkit.expr import compile as compile_expr
from crmkit.permissions import (
    Access,
    Action,
    ChangeKind,
    Decision,
    Filter,
    FilterKind,
    Grant,
    Policy,
    Role,
    Scope,
    User,
)

SCHEMAS = {"deal": {"stage_kind": "text", "amount": "number", "owner_id": "text"}}


def _policy() -> Policy:
    return Policy.from_dict(
        {
            "version": 3,
            "schemas": SCHEMAS,
            "roles": [
                {"name": "head", "label": "Head of Sales"},
                {
                    "name": "manager",
                    "label": "Sales Manager",
                    "parent": "head",
                    "grants": [{"object": "deal", "actions": ["read"], "scope": "subordinates"}],
                },
                {
                    "name": "rep",
                    "label": "Sales Rep",
                    "parent": "manager",
                    "grants": [
                        {"object": "deal", "actions": ["read", "create"], "scope": "own"},
                        {
                            "object": "deal",
                            "actions": ["update"],
                            "scope": "own",
                            "condition": "stage_kind = 'open'",
                        },
                        {"object": "contact", "actions": ["read"], "scope": "team"},
                    ],
                    "fields": [
                        {"object": "deal", "field": "margin", "access": "hidden"},
                        {"object": "deal", "field": "amount", "access": "read_only"},
                    ],
                },
                {
                    "name": "auditor",
                    "grants": [{"object": "deal", "actions": ["read", "export"], "scope": "all"}],
                },
            ],
            "users": [
                {"id": "hana", "name": "Hana", "roles": ["head"]},
                {"id": "max", "name": "Max", "roles": ["manager"], "team": "north"},
                {"id": "ali", "name": "Ali", "roles": ["rep"], "team": "north", "manager": "max"},
                {"id": "bea", "name": "Bea", "roles": ["rep"], "team": "north", "manager": "max"},
                {"id": "cem", "name": "Cem", "roles": ["rep"], "team": "south"},
                {"id": "aud", "roles": ["auditor"]},
            ],
        }
    )


def _deal(owner: str | None, stage: str = "open", **extra: Any) -> dict[str, Any]:
    return {"id": "d1", "owner_id": owner, "stage_kind": stage, "amount": 10, **extra}


@attrs.frozen
class Deal:
    """A record class standing in for a host application's deal."""

    id: str
    owner_id: str | None
    stage_kind: str = "open"
    amount: int = 0
    margin: int | None = None
    custom: dict[str, object] = attrs.field(factory=dict)


# configuration ---------------------------------------------------------------------------


def test_to_dict_round_trips_through_json() -> None:
    """A policy written to JSON and read back equals the original."""
    policy = _policy()

    raw = json.loads(json.dumps(policy.to_dict()))

    assert policy == Policy.from_dict(raw)


def test_to_dict_uses_object_key_and_leaves_defaults_out() -> None:
    """Grants are written with an ``object`` key and without default values."""
    raw = Policy(roles=[Role(name="r", grants=[Grant(object_type="deal", actions=["read"])])])

    assert raw.to_dict() == {
        "version": 1,
        "roles": [{"name": "r", "grants": [{"object": "deal", "actions": ["read"]}]}],
    }


_names = st.text(alphabet="abcdefgh", min_size=1, max_size=5)


@st.composite
def _policies(draw: st.DrawFn) -> Policy:
    names = draw(st.lists(_names, min_size=1, max_size=4, unique=True))
    roles = []
    for i, name in enumerate(names):
        parent = draw(st.sampled_from([None, *names[:i]]))
        grants = draw(
            st.lists(
                st.builds(
                    Grant,
                    object_type=st.sampled_from(["deal", "contact"]),
                    actions=st.lists(st.sampled_from(list(Action)), min_size=1, max_size=3),
                    scope=st.sampled_from(list(Scope)),
                ),
                max_size=3,
            )
        )
        roles.append(Role(name=name, parent=parent, grants=grants, label=draw(st.none() | _names)))
    ids = draw(st.lists(_names, max_size=4, unique=True))
    users = [
        User(
            id=uid,
            roles=draw(st.lists(st.sampled_from(names), max_size=2)),
            team=draw(st.none() | st.sampled_from(["n", "s"])),
            manager=draw(st.sampled_from([None, *ids[:i]])),
        )
        for i, uid in enumerate(ids)
    ]
    return Policy(version=draw(st.integers(1, 50)), roles=roles, users=users)


@given(_policies())
def test_random_policies_round_trip(policy: Policy) -> None:
    """Any valid policy converts to plain data and back to an equal policy."""
    raw = json.loads(json.dumps(policy.to_dict()))

    assert policy == Policy.from_dict(raw)


@pytest.mark.parametrize(
    ("config", "path", "message"),
    [
        ({"roles": [{"name": "a", "parent": "b"}]}, "roles[0].parent", "unknown role 'b'"),
        (
            {"roles": [{"name": "a", "parent": "b"}, {"name": "b", "parent": "a"}]},
            "roles[0].parent",
            "cycle: a -> b -> a",
        ),
        ({"roles": [{"name": "a"}, {"name": "a"}]}, "roles[1].name", "defined twice"),
        ({"users": [{"id": "u", "roles": ["x"]}]}, "users[0].roles[0]", "unknown role 'x'"),
        ({"users": [{"id": "u"}, {"id": "u"}]}, "users[1].id", "listed twice"),
        ({"users": [{"id": "u", "manager": "v"}]}, "users[0].manager", "unknown user 'v'"),
        (
            {"users": [{"id": "u", "manager": "v"}, {"id": "v", "manager": "u"}]},
            "users[0].manager",
            "reporting line has a cycle",
        ),
        (
            {"roles": [{"name": "a", "grants": [{"object": "deal", "actions": ["fly"]}]}]},
            "roles[0].grants[0].actions[0]",
            "'fly' is not a valid Action",
        ),
        (
            {
                "roles": [
                    {"name": "a", "grants": [{"object": "d", "actions": ["read"], "scope": "x"}]}
                ]
            },
            "roles[0].grants[0].scope",
            "'x' is not a valid Scope",
        ),
        (
            {"roles": [{"name": "a", "grants": [{"actions": ["read"]}]}]},
            "roles[0].grants[0].object",
            "required field missing",
        ),
        (
            {"roles": [{"name": "a", "grants": [{"object": "deal", "actions": []}]}]},
            "roles[0].grants[0].actions",
            "at least one action",
        ),
        (
            {
                "schemas": SCHEMAS,
                "roles": [
                    {
                        "name": "a",
                        "grants": [
                            {"object": "deal", "actions": ["read"], "condition": "amount >"}
                        ],
                    }
                ],
            },
            "roles[0].grants[0].condition",
            "found end of formula",
        ),
        (
            {
                "schemas": SCHEMAS,
                "roles": [
                    {
                        "name": "a",
                        "grants": [
                            {"object": "deal", "actions": ["read"], "condition": "amount + 1"}
                        ],
                    }
                ],
            },
            "roles[0].grants[0].condition",
            "must be TRUE or FALSE",
        ),
        (
            {
                "roles": [
                    {
                        "name": "a",
                        "grants": [{"object": "lead", "actions": ["read"], "condition": "x = 1"}],
                    }
                ]
            },
            "roles[0].grants[0].condition",
            "needs schemas.lead",
        ),
        (
            {
                "roles": [
                    {
                        "name": "a",
                        "fields": [
                            {"object": "deal", "field": "m", "access": "hidden"},
                            {"object": "deal", "field": "m", "access": "editable"},
                        ],
                    }
                ]
            },
            "roles[0].fields[1].field",
            "two rules",
        ),
        ({"version": 0}, "version", "positive whole number"),
        ({"rolez": []}, "", "unknown field"),
    ],
)
def test_bad_configuration_names_the_path(config: dict[str, Any], path: str, message: str) -> None:
    """Every inconsistency raises ConfigError with the path of the bad value."""
    with pytest.raises(ConfigError, match=message) as info:
        Policy.from_dict(config)

    assert path == info.value.path


def test_from_dict_refuses_a_non_mapping() -> None:
    """A list is not a policy."""
    with pytest.raises(ConfigError, match="expected a mapping"):
        Policy.from_dict([])  # type: ignore[arg-type]


# checks ----------------------------------------------------------------------------------


def test_own_scope_allows_the_owner() -> None:
    """A rep may read a deal they own, and the reason names the role and the rule."""
    decision = _policy().check("ali", Action.READ, _deal("ali"), object_type="deal")

    assert decision.allowed
    assert decision.reason == "role Sales Rep may read deals when owner = you"
    assert decision.role == "rep"


def test_own_scope_refuses_someone_elses_record_naming_the_rule_not_the_owner() -> None:
    """The denial says which rule would allow, never who owns the record."""
    decision = _policy().check("ali", "read", _deal("bea"), object_type="deal")

    assert not decision
    assert "role Sales Rep may read deals only when owner = you" == decision.reason


def test_condition_must_hold() -> None:
    """A rep may update their own open deal but not a won one, and is told why."""
    policy = _policy()

    allowed = policy.check("ali", "update", _deal("ali", "open"), object_type="deal")
    denied = policy.check("ali", "update", _deal("ali", "won"), object_type="deal")

    assert allowed.allowed
    assert not denied.allowed
    assert "stage_kind = 'open' does not hold for this deal" in denied.reason


def test_no_grant_at_all() -> None:
    """Deny by default, naming the user's roles."""
    decision = _policy().check("ali", "delete", "deal")

    assert decision.reason == "no role of Ali (Sales Rep) may delete deals"


def test_object_type_target_is_allowed_when_any_grant_exists() -> None:
    """Checking an object type answers whether the user may take the action on some record."""
    policy = _policy()

    assert policy.check("ali", "update", "deal").allowed
    assert not policy.check("ali", "export", "deal").allowed


def test_manager_inherits_the_grants_of_roles_below() -> None:
    """A manager holds the rep's grants: creating deals, reading team contacts."""
    policy = _policy()

    assert policy.check("max", "create", "deal").allowed
    assert policy.check("max", "read", {"owner_id": "max"}, object_type="contact").allowed


def test_subordinates_scope_reaches_roles_below_but_not_peers() -> None:
    """The manager sees reps' deals; the head sees the manager's; no one sees above."""
    policy = _policy()

    assert policy.check("max", "read", _deal("cem"), object_type="deal").allowed
    assert policy.check("hana", "read", _deal("max"), object_type="deal").allowed
    assert not policy.check("max", "read", _deal("hana"), object_type="deal").allowed
    assert not policy.check("max", "read", _deal(None), object_type="deal").allowed


def test_team_scope() -> None:
    """Team scope covers the user's team mates, not the other team."""
    policy = _policy()

    assert policy.check("ali", "read", {"owner_id": "bea"}, object_type="contact").allowed
    assert not policy.check("ali", "read", {"owner_id": "cem"}, object_type="contact").allowed


def test_all_scope() -> None:
    """The auditor reads every deal, even one without an owner."""
    assert _policy().check("aud", "read", _deal(None), object_type="deal").allowed


def test_a_record_without_owner_is_refused_like_any_other() -> None:
    """A denial on an ownerless record reads as one on someone else's: only the rule."""
    ownerless = _policy().check("ali", "read", _deal(None), object_type="deal")
    foreign = _policy().check("ali", "read", _deal("bea"), object_type="deal")

    assert foreign.reason == ownerless.reason


def test_record_classes_give_their_object_type() -> None:
    """An attrs record's class name in snake case is its object type."""
    decision = _policy().check("ali", "read", Deal("d", "ali"))

    assert (decision.object_type, decision.allowed) == ("deal", True)


def test_unknown_user_is_denied() -> None:
    """A user id the policy does not know may do nothing."""
    decision = _policy().check("zed", "read", "deal")

    assert decision.reason == "user 'zed' is not in the policy"


def test_ad_hoc_user_object_is_checked_by_its_roles() -> None:
    """A User built by the caller is judged by the roles it holds."""
    guest = User(id="g", roles=["auditor"])

    assert _policy().check(guest, "export", _deal("x"), object_type="deal").allowed


def test_check_refuses_bad_input() -> None:
    """Unknown actions, unknown users' types and untyped mappings raise ValidationError."""
    policy = _policy()

    with pytest.raises(ValidationError, match="unknown action; expected one of read"):
        policy.check("ali", "fly", "deal")
    with pytest.raises(ValidationError, match="pass object_type="):
        policy.check("ali", "read", {"owner_id": "ali"})
    with pytest.raises(ValidationError, match="expected a User or a user id"):
        policy.check(42, "read", "deal")  # type: ignore[arg-type]


def test_require_raises_with_the_reason() -> None:
    """require() raises PermissionDenied carrying the reason, user and action."""
    with pytest.raises(PermissionDenied, match="may update deals only when owner = you") as info:
        _policy().require("ali", "update", _deal("bea"), object_type="deal")

    assert (info.value.user, info.value.action) == ("ali", "update")


def test_require_returns_the_decision_when_allowed() -> None:
    """require() hands back the granting decision."""
    decision = _policy().require("aud", "export", "deal")

    assert isinstance(decision, Decision)
    assert decision.allowed


def test_explain_lists_every_action_and_the_field_rules() -> None:
    """explain() answers for every action and lists restricted fields."""
    explanation = _policy().explain("ali", _deal("ali"), object_type="deal")

    assert explanation.allowed == (Action.READ, Action.CREATE, Action.UPDATE)
    assert len(Action) == len(explanation.decisions)
    assert explanation.fields == (("amount", Access.READ_ONLY), ("margin", Access.HIDDEN))
    assert "no  delete: no role of Ali" in str(explanation)
    assert explanation.decision("update").allowed


def test_explanation_decision_of_unknown_action() -> None:
    """Asking an explanation about an action it does not hold raises KeyError."""
    with pytest.raises(KeyError, match="fly"):
        _policy().explain("ali", "deal").decision("fly")


# fields ----------------------------------------------------------------------------------


def test_redact_hides_hidden_fields_of_mappings_and_records() -> None:
    """Hidden fields disappear from mappings and go back to their default on records."""
    policy = _policy()

    shown = policy.redact("ali", _deal("ali", margin=5), object_type="deal")
    record = policy.redact("ali", Deal("d", "ali", margin=5, custom={"margin": 1, "x": 2}))

    assert "margin" not in shown
    assert shown["amount"] == 10
    assert (record.margin, record.custom) == (None, {"x": 2})


def test_redact_leaves_records_alone_for_roles_without_rules() -> None:
    """The manager's role hides nothing, so the record comes back as it is."""
    record = Deal("d", "ali", margin=5)

    assert record is _policy().redact("max", record)


def test_redact_refuses_unreadable_records() -> None:
    """Redacting for someone who may not read the record raises."""
    with pytest.raises(PermissionDenied, match="may read deals only when owner = you"):
        _policy().redact("ali", Deal("d", "bea"))


def test_redact_blanks_a_field_the_record_class_would_refuse() -> None:
    """A hidden field is blanked on a copy even where the class would not accept the blank."""

    @attrs.frozen
    class Strict:
        id: str
        owner_id: str
        margin: int = attrs.field(validator=attrs.validators.instance_of(int))

    policy = Policy.from_dict(
        {
            "roles": [
                {
                    "name": "r",
                    "grants": [{"object": "strict", "actions": ["read"], "scope": "all"}],
                    "fields": [{"object": "strict", "field": "margin", "access": "hidden"}],
                }
            ],
            "users": [{"id": "u", "roles": ["r"]}],
        }
    )

    shown = policy.redact("u", Strict("s", "u", 3))

    assert (None, 3) == (shown.margin, Strict("s", "u", 3).margin)


def test_check_update_allows_editable_fields() -> None:
    """Changing an editable field of an own open deal is allowed."""
    before = Deal("d", "ali", custom={"note": "a"})
    after = attrs.evolve(before, custom={"note": "b"})

    assert _policy().check_update("ali", before, after).allowed


def test_check_update_names_read_only_and_hidden_fields() -> None:
    """Changing read-only or hidden fields is refused, naming each of them."""
    before = Deal("d", "ali", amount=1, margin=1)
    after = attrs.evolve(before, amount=2, margin=2)

    decision = _policy().check_update("ali", before, after)

    assert decision.reason == "Ali may not change amount (read-only), margin (hidden) on deals"


def test_check_update_needs_update_on_the_old_version() -> None:
    """A rep may not edit someone else's deal, whatever the fields."""
    before = Deal("d", "bea")

    decision = _policy().check_update("ali", before, attrs.evolve(before, stage_kind="won"))

    assert "role Sales Rep may update deals only when owner = you" in decision.reason


def test_check_update_needs_assign_to_change_the_owner() -> None:
    """Handing a deal to someone else needs the assign action."""
    before = Deal("d", "ali")

    decision = _policy().check_update("ali", before, attrs.evolve(before, owner_id="bea"))

    assert decision.reason.startswith("changing the owner: no role of Ali (Sales Rep) may assign")


def test_check_update_refuses_different_kinds() -> None:
    """The old and new versions must be the same kind of record."""
    with pytest.raises(ValidationError, match="expected the new version of a deal"):
        _policy().check_update("ali", Deal("d", "ali"), {"owner_id": "ali"}, object_type=None)


def test_require_update_raises() -> None:
    """require_update() raises PermissionDenied with the fields named."""
    before = Deal("d", "ali", amount=1)

    with pytest.raises(PermissionDenied, match=r"amount \(read-only\)"):
        _policy().require_update("ali", before, attrs.evolve(before, amount=3))


def test_check_create_needs_a_fitting_grant_and_editable_fields() -> None:
    """A rep creates deals they own, without setting read-only fields."""
    policy = _policy()

    assert policy.check_create("ali", Deal("d", "ali")).allowed
    assert (
        "may create deals only when owner = you"
        in policy.check_create("ali", Deal("d", "bea")).reason
    )
    assert "may not set amount" in policy.check_create("ali", Deal("d", "ali", amount=5)).reason


def test_field_access_of_several_roles_is_the_most_generous() -> None:
    """A second role without the rule makes the field editable again."""
    both = User(id="x", roles=["rep", "auditor"])

    assert _policy().field_access(both, "deal") == {}
    assert _policy().field_access("nobody", "deal") == {}


# filters ---------------------------------------------------------------------------------


def test_filter_all_and_none_come_back_as_such() -> None:
    """An unconditional all-scope grant is ALL; no grant is NONE."""
    policy = _policy()

    assert policy.filter("aud", "read", "deal") is Filter.ALL
    assert policy.filter("ali", "delete", "deal") is Filter.NONE
    assert policy.filter("zed", "read", "deal").nothing


def test_filter_binds_the_users_id_as_a_literal() -> None:
    """Own scope with a condition becomes one clause with the id quoted."""
    decision = _policy().filter("ali", "update", "deal")

    assert Filter.where("owner_id = 'ali' AND (stage_kind = 'open')") == decision


def test_filter_quotes_awkward_ids() -> None:
    """Quotes and backslashes in an id cannot break out of the literal."""
    policy = Policy(
        roles=[Role(name="r", grants=[Grant(object_type="deal", actions=["read"])])],
        users=[User(id="o'b\\x", roles=["r"])],
    )

    assert policy.filter("o'b\\x", "read", "deal").source == "owner_id = 'o\\'b\\\\x'"


def test_filter_lists_every_subordinate() -> None:
    """The manager's read filter selects their own and everyone below's records, no others."""
    policy = _policy()
    source = policy.filter("max", "read", "deal").source or ""
    where = compile_expr(source, SCHEMAS["deal"])

    for uid in ("ali", "bea", "cem", "max"):
        assert where.evaluate(_deal(uid)) is True
    assert where.evaluate(_deal("hana")) is False
    assert where.evaluate(_deal(None)) is False
    assert source.startswith("IN(owner_id, ")


def _big_team(size: int, width: int = 0) -> Policy:
    """A policy where one team of *size* users may read its deals (ids padded to *width*)."""
    return Policy(
        roles=[Role(name="m", grants=[Grant(object_type="deal", actions=["read"], scope="team")])],
        users=[User(id=f"u{i:0{width}}", roles=["m"], team="t") for i in range(size)],
    )


def test_filter_of_a_thousand_owners_fits() -> None:
    """A team of 1,000 short ids is one IN(...) filter within the source limit."""
    policy = _big_team(1_000)
    source = policy.filter("u7", "read", "deal").source or ""
    where = compile_expr(source, {"owner_id": "text"})

    assert len(source) <= MAX_SOURCE
    assert where.evaluate({"owner_id": "u999"}) is True
    assert where.evaluate({"owner_id": "u1000"}) is False


def test_filter_too_large_is_an_error_not_a_truncation() -> None:
    """Past the source limit, filter raises ConfigError naming the user and the count."""
    policy = _big_team(400, width=32)  # 400 ids of 33 characters: about 15,000 characters

    with pytest.raises(ConfigError, match=r"names 400 owners and would be 1[45],") as info:
        policy.filter("u" + "0" * 32, "read", "deal")
    assert "users[0]" == info.value.path
    assert "10,000" in info.value.reason
    # checks do not depend on the filter and still work
    assert policy.check(
        "u" + "0" * 32, "read", {"owner_id": "u" + "1".zfill(32)}, object_type="deal"
    )


def test_filter_refuses_bad_input() -> None:
    """Unknown actions and non-text object types raise ValidationError."""
    policy = _policy()

    with pytest.raises(ValidationError, match="unknown action"):
        policy.filter("ali", "fly", "deal")
    with pytest.raises(ValidationError, match="expected an object type"):
        policy.filter("ali", "read", "")


def test_filter_and_where() -> None:
    """Narrowing a filter by a caller's expression keeps ALL/NONE meanings."""
    assert Filter.where("a = 1") == Filter.ALL.and_where("a = 1")
    assert Filter.NONE is Filter.NONE.and_where("a = 1")
    assert Filter.where("(b = 2) AND (a = 1)") == Filter.where("b = 2").and_where("a = 1")
    assert Filter.ALL is Filter.ALL.and_where(None)
    assert FilterKind.ALL is Filter.ALL.kind
    assert Filter.ALL.everything


# versions --------------------------------------------------------------------------------


def test_diff_names_each_change() -> None:
    """diff() reports version, grant, field rule and user changes with their paths."""
    before = _policy()
    raw = before.to_dict()
    raw["version"] = 4
    raw["roles"][3]["grants"].append({"object": "deal", "actions": ["delete"], "scope": "all"})
    raw["users"][2]["team"] = "south"
    raw["users"].pop()
    after = Policy.from_dict(raw)

    changes = before.diff(after)

    assert [(c.kind, c.path) for c in changes] == [
        (ChangeKind.CHANGED, "version"),
        (ChangeKind.ADDED, "roles['auditor'].grants"),
        (ChangeKind.CHANGED, "users['ali'].team"),
        (ChangeKind.REMOVED, "users['aud']"),
    ]
    assert str(changes[2]) == "~ users['ali'].team: 'north' -> 'south'"
    assert str(changes[1]).startswith("+ roles['auditor'].grants: {")


def test_diff_of_equal_policies_is_empty() -> None:
    """A policy does not differ from itself."""
    assert _policy().diff(_policy()) == ()


def test_check_update_refuses_a_change_of_id() -> None:
    """An after with another id is another record, refused with a reason naming both ids."""
    before = Deal("d1", "ali")

    decision = _policy().check_update("ali", before, attrs.evolve(before, id="d2"))

    assert not decision.allowed
    assert "an update may not change a deal's id ('d1' to 'd2')" == decision.reason
    with pytest.raises(PermissionDenied, match="may not change a deal's id"):
        _policy().require_update("ali", before, attrs.evolve(before, id="d2"))


def test_check_update_names_a_wrong_record_by_type_and_id() -> None:
    """A mismatched after is named by its type and id, not by its whole content."""
    before = Deal("d1", "ali", margin=99)
    other = User(id="u9")

    with pytest.raises(ValidationError, match="\"User 'u9'\": expected the new version of a deal"):
        _policy().check_update("ali", before, other)
    with pytest.raises(
        ValidationError, match="\"dict 'x'\": expected the new version of a deal"
    ) as caught:
        _policy().check_update("ali", before, {"id": "x", "secret": "s3cret"})

    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize(
    ("user", "record", "message"),
    [
        ("ali", None, "cannot tell the object type of a NoneType"),
        ("ali", {"id": "d9", "owner_id": "ali"}, "\"dict 'd9'\": cannot tell the object type"),
        (None, Deal("d", "ali"), "expected a User or a user id"),
    ],
)
def test_check_create_refuses_bad_arguments(user: Any, record: Any, message: str) -> None:
    """check_create raises ValidationError for a record of unknown type or a bad user."""
    with pytest.raises(ValidationError, match=message):
        _policy().check_create(user, record)


def test_field_access_refuses_bad_arguments() -> None:
    """field_access needs an object type (text) and a user or user id."""
    with pytest.raises(ValidationError, match="expected an object type"):
        _policy().field_access("ali", None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="expected an object type"):
        _policy().field_access("ali", "")
    with pytest.raises(ValidationError, match="expected a User or a user id"):
        _policy().field_access(5, "deal")  # type: ignore[arg-type]


def test_user_refuses_an_id_that_is_not_text() -> None:
    """Policy.user looks users up by id text; anything else is a ValidationError."""
    assert _policy().user("nobody") is None
    with pytest.raises(ValidationError, match=r"expected a user id \(text\)"):
        _policy().user(5)  # type: ignore[arg-type]


def test_diff_refuses_what_is_not_a_policy() -> None:
    """Policy.diff compares with another Policy only."""
    with pytest.raises(ValidationError, match="expected a Policy to compare with"):
        _policy().diff(_policy().to_dict())  # type: ignore[arg-type]


def test_and_where_keeps_the_policy_clause_closed() -> None:
    """A caller's where is one whole expression: it cannot widen the policy's filter."""
    narrowed = Filter.where("owner_id = 'ali'").and_where("amount  >  5")

    assert "(owner_id = 'ali') AND (amount > 5)" == narrowed.source
    with pytest.raises(FormulaError, match="expected an operator or the end of the formula"):
        Filter.where("owner_id = 'ali'").and_where("TRUE) OR (TRUE")
    with pytest.raises(ValidationError, match=r"expected a filter expression \(text\)"):
        Filter.ALL.and_where(5)  # type: ignore[arg-type]
    assert Filter.NONE == Filter.NONE.and_where("amount > 5")
