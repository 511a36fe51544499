"""Benchmark crmkit.pipeline: guarded moves per deal, and funnel analytics over many deals.

Moves are timed against the ``transitions`` state-machine library doing the same guarded
move in the same run. Figures are the best of several repeats of CPU time (the process's
own time, so other jobs on a shared machine disturb them less than wall-clock time); the
analytics figure is wall-clock time.

Run: ``.venv/bin/python benchmarks/pipeline.py [--quick] [--json] [--seed N]``; with
``--json`` the last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from transitions import Machine

from crmkit.pipeline import Deal, Pipeline
from crmkit.pipeline.analytics import funnel
from crmkit.values import Money

MOVE_GOAL_US = 2.0
SPEEDUP_GOAL = 3.0
ANALYTICS_GOAL_S = 10.0

CONFIG = {
    "id": "sales",
    "name": "Sales",
    "stages": [
        {"id": "prospecting", "probability": "0.1"},
        {
            "id": "qualification",
            "probability": "0.2",
            "guards": [{"expression": "NOT(ISBLANK(amount))", "message": "Set an amount"}],
        },
        {"id": "quote", "probability": "0.5", "required": ["amount", "close_date"]},
        {"id": "negotiation", "probability": "0.8"},
        {"id": "closed_won", "name": "Closed won", "kind": "won"},
        {"id": "closed_lost", "name": "Closed lost", "kind": "lost"},
    ],
}
OPEN = ["prospecting", "qualification", "quote", "negotiation"]
REASONS = ["price", "timing", "competitor", "no budget", "no decision"]
OWNERS = [f"user{i}" for i in range(20)]
SOURCES = ["web", "referral", "event", "outbound"]


def best_of(repeats: int, run: Callable[[], None]) -> float:
    """Return the fastest of *repeats* timed runs, in seconds of this process's CPU time."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def bench_moves(n: int, rng: random.Random) -> tuple[float, float, float]:
    """Time check_move, move (with its checks) and the transitions library, in µs per deal."""
    pipeline = Pipeline.from_dict(CONFIG)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    deals = [
        pipeline.new_deal(
            title=f"deal {i}",
            amount=Money(Decimal(rng.randrange(1_000, 100_000)), "EUR"),
            at=start,
        )
        for i in range(n)
    ]
    move = pipeline.move
    check = pipeline.check_move

    def run_checks() -> None:
        for deal in deals:
            check(deal, "qualification")

    def run_moves() -> None:
        for deal in deals:
            move(deal, "qualification", actor="u1")

    class Model:
        def __init__(self) -> None:
            self.amount: Money | None = Money(Decimal(5000), "EUR")

        def has_amount(self) -> bool:
            return self.amount is not None

    model = Model()
    machine = Machine(model=model, states=OPEN, initial="prospecting", auto_transitions=False)
    machine.add_transition("qualify", "prospecting", "qualification", conditions="has_amount")
    machine.add_transition("requalify", "qualification", "prospecting", conditions="has_amount")

    def run_transitions() -> None:
        # the same guarded move, back and forth on one model: one trigger per deal
        qualify, requalify = model.qualify, model.requalify  # type: ignore[attr-defined]
        for _ in range(n // 2):
            qualify()
            requalify()

    us = 1e6 / n
    moved = move(deals[0], "qualification", actor="u1")[0]
    assert moved.stage_id == "qualification"
    return (
        best_of(5, run_checks) * us,
        best_of(5, run_moves) * us,
        best_of(5, run_transitions) * 1e6 / (2 * (n // 2)),
    )


def make_deals(n: int, pipeline: Pipeline, rng: random.Random) -> Iterator[Deal]:
    """Yield *n* deals with about five stage changes each, through the public API."""
    start = datetime(2023, 1, 1, tzinfo=UTC)
    for i in range(n):
        at = start + timedelta(minutes=rng.randrange(0, 500_000))
        amount = Money(Decimal(rng.randrange(1_000, 100_000)), rng.choice(("EUR", "EUR", "USD")))
        deal = pipeline.new_deal(
            title=f"deal {i}",
            amount=amount,
            close_date=date(2024, 1, 1) + timedelta(days=rng.randrange(0, 365)),
            owner_id=rng.choice(OWNERS),
            lead_source=rng.choice(SOURCES),
            at=at,
        )
        stage = 0
        changes = rng.choice((4, 5, 5, 6))  # five stage changes per deal on average
        for k in range(changes):
            at += timedelta(hours=rng.randrange(1, 400))
            reason = None
            if k == changes - 1 and rng.random() < 0.85:  # most deals end closed
                if rng.random() < 0.35:
                    target, reason = "closed_lost", rng.choice(REASONS)
                else:
                    target = "closed_won"
            else:
                # walk the open stages, mostly forward, sometimes back a stage
                back = stage == len(OPEN) - 1 or (stage > 0 and rng.random() < 0.25)
                stage += -1 if back else 1
                target = OPEN[stage]
            deal = pipeline.move(deal, target, actor="u1", at=at, reason=reason)[0]
        yield deal


def main() -> None:
    """Run the benchmark and print figures next to the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    parser.add_argument("--seed", type=int, default=8, help="random seed for the data")
    parser.add_argument("--json", action="store_true", help="end with the figures as JSON")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    moves = 20_000 if args.quick else 200_000
    deals = 20_000 if args.quick else 1_000_000

    check_us, move_us, transitions_us = bench_moves(moves, rng)
    speedup = transitions_us / move_us
    pipeline = Pipeline.from_dict(CONFIG)
    start = time.perf_counter()
    data = list(make_deals(deals, pipeline, rng))
    made = time.perf_counter() - start
    changes = sum(len(d.history) - 1 for d in data)
    start, cpu = time.perf_counter(), time.process_time()
    report = funnel(data, pipeline)
    took, took_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert report.deals == deals
    print(f"guarded moves: {moves:,} deals (seed {args.seed})")
    print(f"  check_move            {check_us:6.2f} µs/deal")
    print(f"  move (checks + move)  {move_us:6.2f} µs/deal   goal <= {MOVE_GOAL_US} µs")
    print(f"  transitions library   {transitions_us:6.2f} µs/move")
    print(f"  speed-up              {speedup:6.1f} x        goal >= {SPEEDUP_GOAL} x")
    print(f"analytics: {deals:,} deals, {changes:,} stage changes ({changes / deals:.1f} per deal)")
    print(f"  generated in {made:.1f} s (not counted)")
    goal = ANALYTICS_GOAL_S * deals / 1_000_000
    print(f"  funnel report         {took:6.2f} s         goal <= {goal:.2f} s (10 s per 1M)")
    print(f"    of which CPU time   {took_cpu:6.2f} s         (the rest: waiting for other jobs)")
    print(f"  win rate {report.win_rate:.3f}, median cycle {report.median_cycle_days:.1f} days")
    if move_us > MOVE_GOAL_US:
        print(f"GOAL MISSED: a move takes {move_us:.2f} µs > {MOVE_GOAL_US} µs")
    if speedup < SPEEDUP_GOAL:
        print(f"GOAL MISSED: moves are {speedup:.1f}x the transitions library, < {SPEEDUP_GOAL}x")
    if args.json:
        figures = {
            "seed": args.seed,
            "moves": moves,
            "check_move_us": round(check_us, 3),
            "move_us": round(move_us, 3),
            "transitions_us": round(transitions_us, 3),
            "speedup": round(speedup, 2),
            "deals": deals,
            "stage_changes": changes,
            "generate_s": round(made, 3),
            "funnel_s": round(took, 3),
            "funnel_cpu_s": round(took_cpu, 3),
        }
        print(json.dumps(figures))  # the last line, for scripts


if __name__ == "__main__":
    main()
