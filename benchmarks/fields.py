"""Validate and compute a 30-field custom schema over generated records; prints records/second.

The schema has 10 formula fields, 5 visibility/required conditions and 5 validation rules.
Goal: at least 20,000 records/second on a 2-core machine.

Both wall-clock and CPU time (``time.process_time``) are measured: on a machine shared with
other jobs the wall figure drops with the load, the CPU figure much less. The load average
seen at the start and end is printed next to them.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from crmkit.fields import (
    FieldDef,
    FormulaOptions,
    MoneyOptions,
    NumberOptions,
    PicklistOptions,
    Schema,
    Section,
    ValidationRule,
)
from crmkit.values import Money

GOAL = 20_000
STAGES = ("new", "qualified", "proposal", "won", "lost")
SERVICES = ("shipping", "consulting", "distribution")


def _formula(name: str, source: str) -> FieldDef:
    return FieldDef(name=name, type="formula", options=FormulaOptions(expression=source))


def build_schema() -> Schema:
    plain = [
        FieldDef(name="amount", type="money", options=MoneyOptions(currency="EUR"), required=True),
        FieldDef(name="rate", type="percent"),
        FieldDef(name="quantity", type="number", options=NumberOptions(scale=0)),
        FieldDef(name="unit_cost", type="number"),
        FieldDef(name="discount", type="percent"),
        FieldDef(name="stage", type="picklist", options=PicklistOptions(choices=STAGES)),
        FieldDef(name="service", type="picklist", options=PicklistOptions(choices=SERVICES)),
        FieldDef(name="close_date", type="date"),
        FieldDef(name="start_date", type="date"),
        FieldDef(name="title", type="text", required=True),
        FieldDef(name="carrier", type="text", visible_when="service = 'shipping'"),
        FieldDef(name="hours", type="number", required_when="service = 'consulting'"),
        FieldDef(name="region", type="text", visible_when="service = 'distribution'"),
        FieldDef(name="priority", type="bool"),
        FieldDef(name="notes", type="longtext", read_only_when="stage = 'won'"),
        FieldDef(name="probability", type="percent"),
        FieldDef(name="lost_reason", type="text", required_when="stage = 'lost'"),
        FieldDef(name="partner", type="text"),
        FieldDef(name="score", type="number"),
        FieldDef(name="code", type="text"),
    ]
    formulas = [
        _formula(
            "commission", "IF(AND(stage = 'won', amount > 10000), amount * 0.05, amount * 0.03)"
        ),
        _formula("net", "amount * (100 - BLANKVALUE(discount, 0)) / 100"),
        _formula("cost", "BLANKVALUE(quantity, 0) * BLANKVALUE(unit_cost, 0)"),
        _formula("margin", "IF(cost > 0, (net_amount - cost) / cost, 0)"),
        _formula("net_amount", "BLANKVALUE(quantity, 1) * BLANKVALUE(unit_cost, 0) * 2"),
        _formula("days_open", "IF(ISBLANK(start_date), 0, close_date - start_date)"),
        _formula("weighted", "amount * BLANKVALUE(probability, 0) / 100"),
        _formula("label", "UPPER(LEFT(title, 10)) & ' ' & TEXT(stage)"),
        _formula("is_big", "amount > 50000"),
        _formula("rank", "IF(is_big, 1, IF(BLANKVALUE(score, 0) > 50, 2, 3))"),
    ]
    rules = [
        ValidationRule(
            name="discount_cap", error_when="discount > 40", message="too much", field="discount"
        ),
        ValidationRule(
            name="dates",
            error_when="close_date < start_date",
            message="ends before it starts",
            field="close_date",
        ),
        ValidationRule(
            name="hours_cap", error_when="hours > 1000", message="too many hours", field="hours"
        ),
        ValidationRule(
            name="won_amount",
            error_when="AND(stage = 'won', amount <= 0)",
            message="won needs an amount",
        ),
        ValidationRule(
            name="margin_floor", error_when="AND(cost > 0, margin < -1)", message="negative margin"
        ),
    ]
    sections = [
        Section(name="main", fields=("title", "amount", "stage", "service")),
        Section(name="shipping", fields=("carrier",), visible_when="service = 'shipping'"),
    ]
    return Schema("deal", (*plain, *formulas), sections, rules)


def make_records(count: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    out = []
    for i in range(count):
        begin = start + timedelta(days=rng.randrange(300))
        out.append(
            {
                "amount": Money(Decimal(rng.randrange(100, 100_000)), "EUR"),
                "rate": Decimal(rng.randrange(0, 20)),
                "quantity": Decimal(rng.randrange(0, 50)),
                "unit_cost": Decimal(rng.randrange(1, 500)),
                "discount": Decimal(rng.randrange(0, 50)) if rng.random() < 0.7 else None,
                "stage": rng.choice(STAGES),
                "service": rng.choice(SERVICES),
                "close_date": begin + timedelta(days=rng.randrange(-5, 90)),
                "start_date": begin,
                "title": f"Deal {i}",
                "carrier": "DHL" if rng.random() < 0.5 else None,
                "hours": Decimal(rng.randrange(0, 1200)) if rng.random() < 0.8 else None,
                "region": None,
                "priority": rng.random() < 0.3,
                "notes": "",
                "probability": Decimal(rng.randrange(0, 100)),
                "lost_reason": None,
                "partner": None,
                "score": Decimal(rng.randrange(0, 100)),
                "code": f"D-{i:06d}",
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="2,000 records instead of 100,000")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    count = 2_000 if args.quick else 100_000
    schema = build_schema()
    records = make_records(count, args.seed)
    now = date(2026, 11, 22)
    load_before = os.getloadavg()[0]
    started, cpu_started = time.perf_counter(), time.process_time()
    issues = 0
    errors = 0
    for record in records:
        checked = schema.check(record, now=now)
        issues += len(checked.issues)
        errors += len(checked.computed.errors)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    load_after = os.getloadavg()[0]
    print(f"schema: 30 fields (10 formulas, 5 conditions, 5 rules); {count:,} records")
    print(
        "work per record: Schema.check = compute 10 formulas + validate (types, conditions, rules)"
    )
    print(f"issues found: {issues:,}; formula errors: {errors:,}")
    print(f"load average (1 min): {load_before:.2f} at start, {load_after:.2f} at end")
    for what, seconds in (("wall", elapsed), ("CPU", cpu)):
        rate = count / seconds
        verdict = "meets" if rate >= GOAL else "MISSES"
        print(
            f"{what:>4}: {seconds:.2f} s = {rate:,.0f} records/second   "
            f"goal: >= {GOAL:,}   ({verdict} the goal)"
        )


if __name__ == "__main__":
    main()
