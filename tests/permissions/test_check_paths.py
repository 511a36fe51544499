"""Policy.check answers alike on every path: first asked or asked again, in any order.

The answers are compared with a brute-force reading of the policy, written from the
documented rules (roles inherit the grants of the roles below them, scopes by owner,
conditions that must hold), not from the index that makes checks fast.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from crmkit.permissions import Action, Decision, Grant, Policy, Role, Scope, User

# each condition with what it means, read by hand
CONDITIONS: dict[str | None, Callable[[Any], bool]] = {
    None: lambda record: True,
    "amount > 50": lambda record: record["amount"] is not None and record["amount"] > 50,
    "stage_kind = 'open'": lambda record: record["stage_kind"] == "open",
}
SCHEMAS = {"deal": {"amount": "number", "stage_kind": "text"}}
TYPES = ["deal", "contact"]
ACTIONS = [Action.READ, Action.UPDATE, Action.EXPORT, Action.ASSIGN]


@attrs.frozen
class Deal:
    """A host application's deal record."""

    id: str
    owner_id: str | None
    amount: Decimal | None = None
    stage_kind: str = "open"


@attrs.frozen
class Contact:
    """A host application's contact record."""

    id: str
    owner_id: str | None


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """Small random policies: a role hierarchy, scoped and conditional grants, a few users."""
    names = [f"r{i}" for i in range(draw(st.integers(1, 4)))]
    roles = []
    for i, name in enumerate(names):
        grants = []
        for _ in range(draw(st.integers(0, 3))):
            otype = draw(st.sampled_from(TYPES))
            condition = draw(st.sampled_from(list(CONDITIONS))) if otype == "deal" else None
            grants.append(
                Grant(
                    object_type=otype,
                    actions=draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3)),
                    scope=draw(st.sampled_from(list(Scope))),
                    condition=condition,
                )
            )
        parent = draw(st.sampled_from([None, *names[:i]]))
        roles.append(Role(name=name, parent=parent, grants=grants))
    ids = [f"u{i}" for i in range(draw(st.integers(1, 5)))]
    users = [
        User(
            id=uid,
            roles=draw(st.lists(st.sampled_from(names), max_size=2)),
            team=draw(st.sampled_from([None, "n", "s"])),
            manager=draw(st.sampled_from([None, *ids[:i]])),
        )
        for i, uid in enumerate(ids)
    ]
    return Policy(roles=roles, users=users, schemas=SCHEMAS)


def _below(policy: Policy, held: str) -> set[str]:
    """The role *held* and every role whose chain of parents reaches it."""
    out = set()
    for role in policy.roles:
        current: str | None = role.name
        while current is not None:
            if current == held:
                out.add(role.name)
                break
            current = next(r.parent for r in policy.roles if r.name == current)
    return out


def _reports(policy: Policy, user: User) -> set[str]:
    found, pending = {user.id}, [user.id]
    while pending:
        boss = pending.pop()
        for other in policy.users:
            if other.manager == boss and other.id not in found:
                found.add(other.id)
                pending.append(other.id)
    return found


def _reach(policy: Policy, user: User, scope: Scope) -> set[str] | None:
    """The owners a grant of *scope* reaches for *user* (None: every record)."""
    if scope is Scope.ALL:
        return None
    if scope is Scope.OWN:
        return {user.id}
    if scope is Scope.TEAM:
        team = {u.id for u in policy.users if user.team is not None and u.team == user.team}
        return {user.id} | team
    if scope is Scope.REPORTS:
        return _reports(policy, user)
    under = set().union(*(_below(policy, r) - {r} for r in user.roles))
    holders = {u.id for u in policy.users if under.intersection(u.roles)}
    return {user.id} | holders | _reports(policy, user)


def brute_force(policy: Policy, user: User, action: Action, target: object) -> bool:
    """Whether the documented rules allow *action* on *target* (a type or a record)."""
    held = set().union(*(_below(policy, r) for r in user.roles))
    for role in policy.roles:
        if role.name not in held:
            continue
        for grant in role.grants:
            otype = target if isinstance(target, str) else _type_of(target)
            if grant.object_type != otype or action not in grant.actions:
                continue
            if isinstance(target, str):
                return True
            reach = _reach(policy, user, grant.scope)
            owner = target["owner_id"] if isinstance(target, dict) else target.owner_id  # type: ignore[attr-defined]
            record = target if isinstance(target, dict) else attrs.asdict(target)  # type: ignore[arg-type]
            if (reach is None or owner in reach) and CONDITIONS[grant.condition](record):
                return True
    return False


def _type_of(record: object) -> str:
    if isinstance(record, dict):
        return str(record["object_type"])
    return "deal" if isinstance(record, Deal) else "contact"


def targets(owners: list[str]) -> st.SearchStrategy[object]:
    """Object types, records of both classes, and mappings, owned by *owners* or no one."""
    owner = st.sampled_from([None, *owners])
    amount = st.sampled_from([None, Decimal(10), Decimal(51), Decimal(500)])
    stage = st.sampled_from(["open", "won"])
    return st.one_of(
        st.sampled_from(TYPES),
        st.builds(Deal, id=st.just("d"), owner_id=owner, amount=amount, stage_kind=stage),
        st.builds(Contact, id=st.just("c"), owner_id=owner),
        st.fixed_dictionaries(
            {
                "id": st.just("m"),
                "owner_id": owner,
                "amount": amount,
                "stage_kind": stage,
                "object_type": st.sampled_from(TYPES),
            }
        ),
    )


Question = tuple[Any, Action | str, object]


@st.composite
def cases(draw: st.DrawFn) -> tuple[Policy, list[Question]]:
    """A policy and questions about it: users by id, as User objects, or unknown."""
    policy = draw(policies())
    ids = [u.id for u in policy.users]
    user = st.one_of(
        st.sampled_from(ids),
        st.sampled_from(policy.users),
        st.sampled_from(policy.users).map(attrs.evolve),  # an equal User the app made
        st.just("stranger"),
    )
    action = st.sampled_from([*ACTIONS, *(a.value for a in ACTIONS)])
    question = st.tuples(user, action, targets(ids))
    return policy, draw(st.lists(question, min_size=1, max_size=25))


def _ask(policy: Policy, question: Question) -> Decision:
    user, action, target = question
    if isinstance(target, dict):
        return policy.check(user, action, target, object_type=str(target["object_type"]))
    return policy.check(user, action, target)


@given(cases())
def test_check_allows_exactly_what_the_rules_say(case: tuple[Policy, list[Question]]) -> None:
    """Asked first or again, a check allows exactly what a reading of the rules allows."""
    policy, asked = case
    by_id = {u.id: u for u in policy.users}

    for question in asked + asked:
        user, action, target = question
        who = by_id.get(user) if isinstance(user, str) else user
        expected = who is not None and brute_force(policy, who, Action(action), target)

        assert expected == _ask(policy, question).allowed


@given(cases())
def test_the_answer_does_not_depend_on_what_was_asked_before(
    case: tuple[Policy, list[Question]],
) -> None:
    """The same question gets the same decision, reason included, whatever came before."""
    policy, asked = case
    again = Policy.from_dict(policy.to_dict())

    forward = [_ask(policy, q) for q in asked]
    backward = [_ask(again, q) for q in reversed(asked)][::-1]
    repeated = [_ask(policy, q) for q in asked]

    assert forward == backward == repeated


def test_a_refusal_names_the_condition_only_for_a_record_in_its_reach() -> None:
    """The reasons kept for refusals differ by whether a conditional rule reaches the owner."""
    policy = Policy(
        roles=[
            Role(
                name="rep",
                grants=[Grant(object_type="deal", actions=["update"], condition="amount > 50")],
            )
        ],
        users=[User(id="ali", roles=["rep"]), User(id="bea", roles=["rep"])],
        schemas=SCHEMAS,
    )
    small = Deal("d1", "ali", Decimal(10))

    mine = policy.check("ali", "update", small)
    other = policy.check("ali", "update", Deal("d2", "bea", Decimal(10)))
    mine_again = policy.check("ali", "update", small)

    assert "amount > 50 does not hold for this deal" in mine.reason
    assert "does not hold" not in other.reason
    assert mine == mine_again
