"""Permission checks and secured counts: how fast, as users pay it, next to the goals.

* ``Policy.check`` on a 35-rule and a 1,035-rule policy (a rule is one action a role may
  take on one object type), asked thousands of varied questions: 200 users (by id and as
  ``User`` objects), every action, a dozen object types, and targets given as object types,
  as ``crmkit.pipeline.Deal`` and ``crmkit.contacts.Contact`` records and as plain mappings.
  The questions are generated once, shuffled with the seed, and timed by cycling through
  them, so no answer is asked twice in a row. pycasbin's ``enforce`` answers the same
  questions at type level (it knows no records) in the same run. Goals: median <= 2 us,
  35 -> 1,035 rules costs <= 1.5x.
* ``SecuredStore(...).deals.count()`` on a SQLite store of 100,000 deals, next to the
  hand-written SQLAlchemy Core count with the same WHERE on the same database. Goal: <= 1.2x.
  The first page of a secured ``find`` is shown next to the store's own ``find`` too.

Measured functions are interleaved round by round, so load from other jobs on the machine
falls on all of them; figures are medians of the rounds.

Run: ``.venv/bin/python benchmarks/permissions.py [--quick] [--json] [--seed N]``; with
``--json`` the last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from crmkit.contacts import Contact
from crmkit.permissions import Action, Policy
from crmkit.pipeline import Deal
from crmkit.values import Money

CHECK_GOAL_US = 2.0
GROWTH_GOAL = 1.5
COUNT_GOAL = 1.2

GRANTED = ["read", "create", "update", "delete", "export", "email", "assign"]
BASE_ROLES = [  # (role, parent, object type, actions, scope, condition): 35 rules in all
    ("head", None, "deal", GRANTED, "subordinates", None),
    ("manager", "head", "deal", ["read", "update", "assign", "email"], "team", None),
    ("manager", "head", "contact", ["read", "update", "email"], "team", None),
    ("rep", "manager", "deal", ["read", "create", "update"], "own", None),
    ("rep", "manager", "contact", ["read", "create", "update", "email"], "own", None),
    ("accountant", None, "deal", ["read", "export"], "all", None),
    ("accountant", None, "invoice", ["read", "create", "update"], "all", "total > 100"),
    ("lawyer", None, "contract", ["read", "update", "export"], "all", None),
    ("support", None, "ticket", ["read", "create", "update", "delete"], "all", None),
    ("support", None, "contact", ["read", "email"], "all", None),
]
SCHEMAS = {"invoice": {"total": "number"}}
BASE_NAMES = ["head", "manager", "rep", "accountant", "lawyer", "support"]
USERS = 200
MAPPING_TYPES = ["invoice", "ticket", "contract", "deal", "obj3", "other7"]
TYPES = ["deal", "contact", "invoice", "contract", "ticket", "company", "obj3", "other7", "obj42"]


def build(extra_rules: int, rng: random.Random) -> tuple[Policy, list[list[str]]]:
    """Return a policy with 35 + *extra_rules* rules, and the same model as casbin lines."""
    roles: dict[str, dict[str, Any]] = {}
    casbin: list[list[str]] = []
    for name, parent, obj, actions, scope, condition in BASE_ROLES:
        role = roles.setdefault(name, {"name": name, "grants": []})
        if parent:
            role["parent"] = parent
            casbin.append(["g", parent, name])
        grant = {"object": obj, "actions": actions, "scope": scope}
        if condition:
            grant["condition"] = condition
        role["grants"].append(grant)
        casbin.extend(["p", name, obj, a] for a in actions)
    extra_roles = extra_rules // 10
    for i in range(extra_roles):
        name = f"extra{i}"
        roles[name] = {
            "name": name,
            "grants": [
                {"object": f"obj{i}", "actions": GRANTED[:5], "scope": "all"},
                {"object": f"other{i}", "actions": GRANTED[:5], "scope": "own"},
            ],
        }
        casbin.extend(["p", name, f"obj{i}", a] for a in GRANTED[:5])
        casbin.extend(["p", name, f"other{i}", a] for a in GRANTED[:5])
    people = []
    for i in range(USERS):
        held = [BASE_NAMES[i % len(BASE_NAMES)]]
        if extra_roles and i >= 60:  # the rest also hold some of the many extra roles
            held += [f"extra{rng.randrange(extra_roles)}" for _ in range(3)]
        people.append({"id": f"u{i}", "roles": held, "team": f"t{i % 4}"})
        casbin.extend(["g", f"u{i}", name] for name in held)
    casbin = [list(line) for line in dict.fromkeys(tuple(line) for line in casbin)]
    data = {"roles": list(roles.values()), "users": people, "schemas": SCHEMAS}
    return Policy.from_dict(data), casbin


def rule_count(policy: Policy) -> int:
    """Count (role, object type, action) rules."""
    return sum(len(g.actions) for r in policy.roles for g in r.grants)


Question = tuple[Any, str, object, str | None]
"""(user, action, target, object_type): the arguments of one check."""


class AsUser(str):
    """A user id a question passes as the policy's ``User`` object instead."""

    __slots__ = ()


class AsCopy(str):
    """A user id a question passes as an equal ``User`` the app built itself."""

    __slots__ = ()


def questions(n: int, rng: random.Random) -> list[Question]:
    """Return *n* varied questions, shuffled: users, actions, types, records and mappings.

    As in an app, reads and updates are asked most, of deals and contacts most, and half
    the records asked about are the user's own; every action and type still comes up.
    """
    ids = [f"u{i}" for i in range(USERS)]
    # some users come as the policy's User objects, some as equal ones the app made
    users: list[str] = [*ids, *map(AsUser, ids[::5]), *map(AsCopy, ids[2::10])]
    users.append("stranger")  # one id the policy does not know
    common = ["read"] * 6 + ["update"] * 3 + ["create", "create", "email", "email"]
    actions: list[str] = [*common, *Action, *(a.value for a in Action)]  # enum members and text
    types = ["deal"] * 4 + ["contact"] * 3 + TYPES

    def deal(owner: str) -> Deal:
        amount = Money(Decimal(rng.randrange(100, 100_000)), "EUR")
        title = f"Deal {rng.randrange(10**6)}"
        return Deal(
            title=title, pipeline_id="sales", stage_id="quote", owner_id=owner, amount=amount
        )

    def contact(owner: str) -> Contact:
        return Contact(first_name="Jo", last_name=f"Lee {rng.randrange(10**6)}", owner_id=owner)

    def mapping(owner: str) -> dict[str, object]:
        total = Decimal(rng.randrange(0, 1_000))
        otype = rng.choice(MAPPING_TYPES)
        return {
            "id": f"m{rng.randrange(10**6)}",
            "owner_id": owner,
            "total": total,
            "object_type": otype,
        }

    makers = [deal, deal, deal, contact, contact, mapping]
    own = {i: [make(i) for make in makers] for i in ids}
    others = [make(rng.choice(ids)) for make in makers for _ in range(100)]
    out: list[Question] = []
    for _ in range(n):
        user, action = rng.choice(users), rng.choice(actions)
        if rng.random() < 0.3:
            out.append((user, action, rng.choice(types), None))
            continue
        mine = own.get(str(user))
        record = rng.choice(mine) if mine and rng.random() < 0.5 else rng.choice(others)
        otype = record.get("object_type") if isinstance(record, dict) else None
        out.append((user, action, record, None if otype is None else str(otype)))
    rng.shuffle(out)
    return out


def asked_of(policy: Policy, template: list[Question]) -> list[Question]:
    """Return the questions with ``AsUser`` and ``AsCopy`` ids replaced by User objects."""

    def user(who: str) -> Any:
        if isinstance(who, AsUser):
            return policy.user(str(who))
        if isinstance(who, AsCopy):
            return attrs.evolve(policy.user(str(who)))
        return who

    return [(user(u), a, t, o) for u, a, t, o in template]


def type_level(question: Question) -> tuple[str, str, str]:
    """Return the question as casbin asks it: (user id, object type, action)."""
    user, action, target, object_type = question
    who = str(user) if isinstance(user, str) else user.id
    if isinstance(target, str):
        otype = target
    elif object_type is not None:
        otype = object_type
    else:
        otype = "deal" if isinstance(target, Deal) else "contact"
    return who, otype, str(action)


def interleaved(fns: list[Callable[[], int]], rounds: int) -> list[float]:
    """Return each function's median cost per call (us); a function returns its calls made.

    One warm-up round first, then *rounds* rounds, each running every function once in turn,
    in reverse order every other round, so that going first or last favours none of them.
    """
    for fn in fns:
        fn()
    samples: list[list[float]] = [[] for _ in fns]
    pairs = list(zip(fns, samples, strict=True))
    for i in range(rounds):
        for fn, out in pairs if i % 2 == 0 else pairs[::-1]:
            start = time.perf_counter()
            calls = fn()
            out.append((time.perf_counter() - start) / calls * 1e6)
    return [statistics.median(s) for s in samples]


def checking(policy: Policy, asked: list[Question]) -> Callable[[], int]:
    """Return a function that asks *policy* every question once."""
    check = policy.check

    def run() -> int:
        for user, action, target, object_type in asked:
            check(user, action, target, object_type=object_type)
        return len(asked)

    return run


def enforcing(enforcer: Any, asked: list[tuple[str, str, str]], batch: int) -> Callable[[], int]:
    """Return a function that asks casbin the next *batch* questions, cycling through them."""
    enforce = enforcer.enforce
    position = [0]

    def run() -> int:
        start = position[0]
        for user, otype, action in asked[start : start + batch]:
            enforce(user, otype, action)
        position[0] = (start + batch) % max(1, len(asked) - batch)
        return batch

    return run


MODEL = """
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
"""


def casbin_enforcer(lines: list[list[str]], folder: Path) -> Any:
    """Return a casbin enforcer loaded with the RBAC model and *lines*."""
    import casbin  # noqa: PLC0415  # only the benchmark compares against it

    model = folder / "model.conf"
    model.write_text(MODEL)
    csv = folder / f"policy{len(lines)}.csv"
    csv.write_text("\n".join(", ".join(line) for line in lines) + "\n")
    return casbin.Enforcer(str(model), str(csv))


def bench_checks(quick: bool, rng: random.Random) -> dict[str, Any]:
    """Measure check on the small and the large policy, and casbin on the same questions."""
    n, rounds = (2_000, 5) if quick else (6_000, 21)
    # casbin takes ~0.2 ms a question on the small policy and ~4 ms on the large one
    batches = (60, 10) if quick else (300, 30)
    figures: dict[str, Any] = {"questions": n}
    with tempfile.TemporaryDirectory() as tmp:
        small, small_lines = build(0, rng)
        large, large_lines = build(1_000, rng)
        template = questions(n, rng)
        flat = [type_level(q) for q in template]
        runs: list[Callable[[], int]] = []
        cold: list[float] = []
        for policy, lines, batch in (
            (small, small_lines, batches[0]),
            (large, large_lines, batches[1]),
        ):
            asked = asked_of(policy, template)
            # the first pass works out each user's plans: what a new process pays once
            start = time.perf_counter()
            checking(policy, asked)()
            cold.append((time.perf_counter() - start) / n * 1e6)
            enforcer = casbin_enforcer(lines, Path(tmp))
            # both answer the same type-level questions alike
            for user, otype, action in flat[:300]:
                expected = bool(policy.check(user, action, otype))
                assert expected == enforcer.enforce(user, otype, action), (user, otype, action)
            runs += [checking(policy, asked), enforcing(enforcer, flat, batch)]
            allowed = sum(bool(policy.check(u, a, t, object_type=o)) for u, a, t, o in asked)
        check_small, casbin_small, check_large, casbin_large = interleaved(runs, rounds)
    sizes = (rule_count(small), rule_count(large))
    growth = check_large / check_small
    print(f"  {n:,} questions ({allowed / n:.0%} allowed on the large policy), {rounds} rounds")
    for rules, check, enforce in zip(
        sizes, (check_small, check_large), (casbin_small, casbin_large), strict=True
    ):
        print(
            f"  {rules:>5} rules: check {check:5.2f} us   casbin enforce {enforce:7.1f} us"
            f"   -> {enforce / check:4.0f}x faster   (goal: check <= {CHECK_GOAL_US} us)"
        )
    print(f"  check {sizes[0]} -> {sizes[1]} rules: {growth:.2f}x (goal <= {GROWTH_GOAL}x)")
    print(
        f"  first pass over the questions (each user's plans worked out): "
        f"{cold[0]:.1f} us and {cold[1]:.1f} us a check"
    )
    for rules, check in zip(sizes, (check_small, check_large), strict=True):
        if check > CHECK_GOAL_US:
            print(f"  GOAL MISSED: check on {rules} rules takes {check:.2f} us > {CHECK_GOAL_US}")
    if growth > GROWTH_GOAL:
        print(f"  GOAL MISSED: check grows {growth:.2f}x from {sizes[0]} to {sizes[1]} rules")
    figures |= {
        "rules_small": sizes[0],
        "rules_large": sizes[1],
        "check_us_35": round(check_small, 3),
        "check_us_1035": round(check_large, 3),
        "check_growth": round(growth, 3),
        "check_cold_us_35": round(cold[0], 2),
        "check_cold_us_1035": round(cold[1], 2),
        "casbin_us_35": round(casbin_small, 2),
        "casbin_us_1035": round(casbin_large, 2),
    }
    return figures


FUNNEL: dict[str, Any] = {
    "id": "sales",
    "stages": [
        {"id": "prospecting", "probability": "0.1"},
        {"id": "qualification", "probability": "0.2"},
        {"id": "quote", "probability": "0.5"},
        {"id": "negotiation", "probability": "0.8"},
        {"id": "closed_won", "kind": "won"},
        {"id": "closed_lost", "kind": "lost"},
    ],
}
"""The seeds' funnel, as plain data."""


def bench_count(quick: bool, rng: random.Random) -> dict[str, Any]:
    """Measure the secured count (and first page) next to the hand-written query, on SQLite."""
    try:
        import sqlalchemy as sa  # noqa: PLC0415

        from crmkit.permissions import SecuredStore  # noqa: PLC0415
        from crmkit.pipeline import Pipeline  # noqa: PLC0415
        from crmkit.storage import SqlStore  # noqa: PLC0415
    except Exception as exc:  # report and go on: the checks still ran
        print(f"  count skipped: crmkit.storage cannot be used here ({exc})")
        return {}
    rows, rounds, calls = (5_000, 31, 3) if quick else (100_000, 31, 2)
    policy, _ = build(0, rng)
    owners = [f"u{i}" for i in range(60)]
    with tempfile.TemporaryDirectory() as tmp:
        store = SqlStore(f"sqlite:///{tmp}/bench.db")
        store.use_pipelines([Pipeline.from_dict(FUNNEL)])
        deals = store.deals
        stages = [stage["id"] for stage in FUNNEL["stages"]][:4]  # the open ones
        batch = [
            Deal(
                title=f"Deal {i}",
                pipeline_id="sales",
                stage_id=rng.choice(stages),
                owner_id=rng.choice(owners),
                amount=Money.of(rng.randrange(100_000), "EUR"),
            )
            for i in range(rows)
        ]
        start = time.perf_counter()
        deals.bulk_upsert(batch)
        print(f"  loaded {rows:,} deals in {time.perf_counter() - start:.1f} s")
        user = "u1"  # a manager: team scope, 15 owners
        secured = SecuredStore(store, policy, user).deals
        where = policy.filter(user, "read", "deal").source
        assert where is not None
        team = sorted({f"u{i}" for i in range(USERS) if i % 4 == 1})
        table = sa.Table("crm_deals", sa.MetaData(), autoload_with=store.engine)
        live = (table.c.deleted_at.is_(None), table.c.owner_id.in_(team))
        counting = sa.select(sa.func.count()).select_from(table).where(*live)

        def by_hand() -> int:
            with store.engine.connect() as conn:
                return int(conn.execute(counting).scalar_one())

        visible = secured.count()
        assert visible == by_hand() == deals.count(where), (visible, by_hand())

        def repeated(fn: Callable[[], object]) -> Callable[[], int]:
            def run() -> int:
                for _ in range(calls):
                    fn()
                return calls

            return run

        # two pairs, each interleaved on its own: a pair alternates over the same pooled
        # connections, so each side of it finds SQLite's page cache as warm as the other
        count_us, hand_us = interleaved([repeated(secured.count), repeated(by_hand)], rounds)
        page_us, find_us = interleaved(
            [
                repeated(lambda: secured.find(limit=100)),
                repeated(lambda: deals.find(where, limit=100)),
            ],
            rounds,
        )
        store.close()
    ratio = count_us / hand_us
    print(
        f"  count of {visible:,} visible rows: secured {count_us / 1000:.2f} ms, "
        f"hand-written Core {hand_us / 1000:.2f} ms -> {ratio:.2f}x (goal <= {COUNT_GOAL}x)"
    )
    print(
        f"  first page of 100: secured {page_us / 1000:.2f} ms, store's own find with the same "
        f"where {find_us / 1000:.2f} ms -> {page_us / find_us:.2f}x"
    )
    if ratio > COUNT_GOAL:
        print(f"  GOAL MISSED: the secured count takes {ratio:.2f}x the hand-written one")
    return {
        "rows": rows,
        "visible": visible,
        "count_ms": round(count_us / 1000, 3),
        "count_hand_ms": round(hand_us / 1000, 3),
        "count_ratio": round(ratio, 3),
        "page_ms": round(page_us / 1000, 3),
        "page_ratio": round(page_us / find_us, 3),
    }


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the data")
    parser.add_argument("--json", action="store_true", help="end with the figures as JSON")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"permissions benchmark (seed {args.seed}{', quick' if args.quick else ''})")
    figures: dict[str, Any] = {"seed": args.seed, "quick": args.quick}
    figures |= bench_checks(args.quick, rng)
    figures |= bench_count(args.quick, rng)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
