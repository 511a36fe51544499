"""Permission checks and permission-filtered listing: how fast, next to the goals.

* ``Policy.check`` per call on a 35-rule and a 1,035-rule policy (a rule is one action a role
  may take on one object type), next to pycasbin's ``enforce`` on the same RBAC model, in the
  same run. Goals: median <= 2 us, 35 -> 1,035 rules costs <= 1.5x, >= 50x faster than casbin.
* Listing the first page of 100,000 deals (``crmkit.pipeline.Deal`` in a SQLite store that
  enforces the funnel) through a ``SecuredStore`` (the policy's filter runs as the WHERE
  clause) next to the same query written by hand. Goal: <= 1.2x.

Run: ``.venv/bin/python benchmarks/permissions.py [--quick] [--seed N]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from crmkit.permissions import Policy
from crmkit.pipeline import Deal

ACTIONS = ["read", "create", "update", "delete", "export", "email", "assign"]
BASE_ROLES = [  # (role, parent, object type, actions, scope): 35 rules in all
    ("head", None, "deal", ACTIONS, "subordinates"),
    ("manager", "head", "deal", ["read", "update", "assign", "email"], "team"),
    ("manager", "head", "contact", ["read", "update", "email"], "team"),
    ("rep", "manager", "deal", ["read", "create", "update"], "own"),
    ("rep", "manager", "contact", ["read", "create", "update", "email"], "own"),
    ("accountant", None, "deal", ["read", "export"], "all"),
    ("accountant", None, "invoice", ["read", "create", "update"], "all"),
    ("lawyer", None, "contract", ["read", "update", "export"], "all"),
    ("support", None, "ticket", ["read", "create", "update", "delete"], "all"),
    ("support", None, "contact", ["read", "email"], "all"),
]


def build(extra_rules: int, users: int, rng: random.Random) -> tuple[Policy, list[list[str]]]:
    """Return a policy with 35 + *extra_rules* rules, and the same model as casbin lines."""
    roles: dict[str, dict[str, Any]] = {}
    casbin: list[list[str]] = []
    for name, parent, obj, actions, scope in BASE_ROLES:
        role = roles.setdefault(name, {"name": name, "grants": []})
        if parent:
            role["parent"] = parent
            casbin.append(["g", parent, name])
        role["grants"].append({"object": obj, "actions": actions, "scope": scope})
        casbin.extend(["p", name, obj, a] for a in actions)
    for i in range(extra_rules // 10):
        name = f"extra{i}"
        roles[name] = {
            "name": name,
            "grants": [
                {"object": f"obj{i}", "actions": ACTIONS[:5], "scope": "all"},
                {"object": f"other{i}", "actions": ACTIONS[:5], "scope": "own"},
            ],
        }
        casbin.extend(["p", name, f"obj{i}", a] for a in ACTIONS[:5])
        casbin.extend(["p", name, f"other{i}", a] for a in ACTIONS[:5])
    names = ["head", "manager", "rep", "accountant", "lawyer", "support"]
    people = []
    for i in range(users):
        held = (
            names[i % len(names)] if i < 60 else f"extra{rng.randrange(max(1, extra_rules // 10))}"
        )
        if held not in roles:
            held = "rep"
        people.append({"id": f"u{i}", "roles": [held], "team": f"t{i % 4}"})
        casbin.append(["g", f"u{i}", held])
    casbin = [list(line) for line in dict.fromkeys(tuple(line) for line in casbin)]
    policy = Policy.from_dict({"roles": list(roles.values()), "users": people})
    return policy, casbin


def rule_count(policy: Policy) -> int:
    """Count (role, object type, action) rules."""
    return sum(len(g.actions) for r in policy.roles for g in r.grants)


def interleaved(fns: list[Callable[[], object]], calls: int, rounds: int) -> list[float]:
    """Return each function's median per call (us), rounds alternating, after a warm-up."""
    for fn in fns:
        for _ in range(calls):
            fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, out in zip(fns, samples, strict=True):
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            out.append((time.perf_counter() - start) / calls * 1e6)
    return [statistics.median(s) for s in samples]


def per_call(fn: Callable[[], object], calls: int, rounds: int) -> float:
    """Return the median time per call in microseconds over *rounds* batches of *calls*."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples)


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


def bench_checks(quick: bool, rng: random.Random) -> None:
    """Measure check and enforce on the small and the large policy."""
    calls, rounds = (2_000, 7) if quick else (20_000, 15)
    results: dict[int, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for extra in (0, 1_000):
            policy, lines = build(extra, 200, rng)
            rules = rule_count(policy)
            enforcer = casbin_enforcer(lines, Path(tmp))
            # same question both ways: may this rep update deals at all?
            assert policy.check("u2", "update", "deal").allowed
            assert enforcer.enforce("u2", "deal", "update")
            assert not policy.check("u2", "export", "deal").allowed
            assert not enforcer.enforce("u2", "deal", "export")
            record = Deal(
                id="d1", title="Deal", pipeline_id="sales", stage_id="quote", owner_id="u2"
            )
            check_type = per_call(partial(policy.check, "u2", "update", "deal"), calls, rounds)
            check_record = per_call(partial(policy.check, "u2", "update", record), calls, rounds)
            casbin_calls = max(200, calls // 50)
            enforce = per_call(
                partial(enforcer.enforce, "u2", "deal", "update"), casbin_calls, rounds
            )
            results[rules] = (check_type, check_record, enforce)
            print(
                f"  {rules:>5} rules: check(type) {check_type:6.2f} us   "
                f"check(Deal, own) {check_record:6.2f} us   casbin enforce {enforce:8.1f} us   "
                f"-> {enforce / check_type:5.0f}x faster (goal: check <= 2 us, >= 50x)"
            )
    (small, large) = sorted(results)
    for i, label in enumerate(("check(type)", "check(record)")):
        growth = results[large][i] / results[small][i]
        print(f"  {label} {small} -> {large} rules: {growth:.2f}x (goal <= 1.5x)")


def bench_listing(quick: bool, rng: random.Random) -> None:
    """Measure the secured first page next to the hand-written query, on SQLite."""
    try:
        import sqlalchemy as sa  # noqa: PLC0415

        from crmkit.permissions import SecuredStore  # noqa: PLC0415
        from crmkit.pipeline import Pipeline  # noqa: PLC0415
        from crmkit.storage import SqlStore  # noqa: PLC0415
        from crmkit.values import Money  # noqa: PLC0415
    except Exception as exc:  # report and go on: the checks still ran
        print(f"  listing skipped: crmkit.storage cannot be used here ({exc})")
        return
    rows = 5_000 if quick else 100_000
    policy, _ = build(0, 60, rng)
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
        rounds = 5 if quick else 15
        secured_page, by_hand = interleaved(
            [lambda: secured.find(limit=100), lambda: deals.find(where, limit=100)], 3, rounds
        )
        team = sorted({f"u{i}" for i in range(60) if i % 4 == 1})
        table = sa.Table("crm_deals", sa.MetaData(), autoload_with=store.engine)
        query = (
            sa.select(table)
            .where(table.c.deleted_at.is_(None), table.c.owner_id.in_(team))
            .order_by(table.c.id)
            .limit(100)
        )

        def raw() -> None:
            with store.engine.connect() as conn:
                conn.execute(query).fetchall()

        raw_sql = per_call(raw, 3, rounds)
        count = secured.count()
        print(
            f"  first page of 100 of {count:,} visible rows: secured {secured_page / 1000:.2f} ms, "
            f"same where by hand {by_hand / 1000:.2f} ms -> {secured_page / by_hand:.2f}x "
            f"(goal <= 1.2x); plain SQLAlchemy Core {raw_sql / 1000:.2f} ms"
        )
        store.close()


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the data")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"permissions benchmark (seed {args.seed}{', quick' if args.quick else ''})")
    bench_checks(args.quick, rng)
    bench_listing(args.quick, rng)


if __name__ == "__main__":
    main()
