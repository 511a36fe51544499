"""Benchmark crmkit.reports: reports as one SQL query against hand-written SQL and streaming.

N deals go into a SQLite file (bulk upserts, in batches). Then, in the same run:

- an owner x month summary (count, sum and average of the amount, won and lost counts, per
  currency) through ``run_report``, against the same GROUP BY written by hand
  (``report_s``, ``hand_s``, ``ratio``; goal ``ratio <= 1.2``);
- the stock funnel by stage (``stock_funnel``) against today's ``funnel()`` streaming the
  deals out of the store, timed on a sample and extrapolated to N (``funnel_s``,
  ``funnel_streamed_s``, ``funnel_speedup``; goal ``>= 50x``).

Times are wall-clock, the best of a few repeats. Each run checks that the report's rows
equal the hand-written query's.

Run: ``.venv/bin/python benchmarks/reports.py [--quick] [--seed N] [--deals N] [--json]``;
with ``--json`` the last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from crmkit.pipeline import Deal, Pipeline
from crmkit.pipeline.analytics import funnel
from crmkit.reports import Aggregate, Grouping, Report, run_report, stock_funnel
from crmkit.storage import SqlStore
from crmkit.values import Money

RATIO_GOAL = 1.2
SPEEDUP_GOAL = 50.0
SAMPLE = 20_000
BATCH = 5_000

PIPELINE = Pipeline.from_dict(
    {
        "id": "sales",
        "stages": [
            {"id": "prospecting"},
            {"id": "qualification"},
            {"id": "quote"},
            {"id": "negotiation"},
            {"id": "closed_won", "kind": "won"},
            {"id": "closed_lost", "kind": "lost"},
        ],
    }
)
OPEN = ["prospecting", "qualification", "quote", "negotiation"]
OWNERS = [f"user{i:02d}" for i in range(50)]

SUMMARY = Report(
    group_by=[Grouping("owner_id"), Grouping("created_at", "month", name="month")],
    aggregates=[
        Aggregate("count"),
        Aggregate("sum", "amount", name="total"),
        Aggregate("avg", "amount", name="average"),
        Aggregate("count", where="stage_kind = 'won'", name="won"),
        Aggregate("count", where="stage_kind = 'lost'", name="lost"),
    ],
    limit=100_000,
)

HAND = sa.text(
    """
    SELECT owner_id, strftime('%Y-%m-01', created_at) AS month,
           json_extract(doc, '$.amount.currency') AS currency,
           count(*), sum(CAST(json_extract(doc, '$.amount.amount') AS NUMERIC)),
           avg(CAST(json_extract(doc, '$.amount.amount') AS NUMERIC)),
           count(CASE WHEN json_extract(doc, '$.stage_kind') = 'won' THEN 1 END),
           count(CASE WHEN json_extract(doc, '$.stage_kind') = 'lost' THEN 1 END)
    FROM crm_deals WHERE deleted_at IS NULL
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    """
)

# the same, written by someone who knows SQLite re-parses the document for every
# json_extract: each value read once in a subquery that LIMIT keeps from being flattened
HAND_ONCE = sa.text(
    """
    SELECT owner_id, month, json_extract(amount, '$.currency') AS currency, count(*),
           sum(CAST(json_extract(amount, '$.amount') AS NUMERIC)),
           avg(CAST(json_extract(amount, '$.amount') AS NUMERIC)),
           count(CASE WHEN stage_kind = 'won' THEN 1 END),
           count(CASE WHEN stage_kind = 'lost' THEN 1 END)
    FROM (SELECT owner_id, strftime('%Y-%m-01', created_at) AS month,
                 json_extract(doc, '$.amount') AS amount,
                 json_extract(doc, '$.stage_kind') AS stage_kind
          FROM crm_deals WHERE deleted_at IS NULL LIMIT -1)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    """
)


def make_deals(n: int, rng: random.Random) -> Iterator[Deal]:
    """Yield *n* deals, each moved a few stages along (some won, some lost)."""
    start = datetime(2023, 1, 1, tzinfo=UTC)
    for i in range(n):
        at = start + timedelta(minutes=rng.randrange(0, 1_000_000))
        amount = None
        if rng.random() < 0.95:
            currency = "EUR" if rng.random() < 0.7 else "USD"
            amount = Money(Decimal(rng.randrange(100_000, 10_000_000)) / 100, currency)
        deal = PIPELINE.new_deal(
            title=f"deal {i}",
            id=f"d{i:07d}",
            amount=amount,
            close_date=date(2024, 1, 1) + timedelta(days=rng.randrange(0, 365)),
            owner_id=rng.choice(OWNERS),
            at=at,
        )
        steps = rng.randrange(0, 4)
        for k in range(steps):
            at += timedelta(hours=rng.randrange(1, 300))
            target = OPEN[k + 1]
            reason = None
            if k == steps - 1 and rng.random() < 0.6:
                lost = rng.random() < 0.4
                target, reason = ("closed_lost", "price") if lost else ("closed_won", None)
            deal = PIPELINE.move(deal, target, actor="u1", at=at, reason=reason)[0]
            if target.startswith("closed"):
                break
        yield deal


def best_of(repeats: int, run: Callable[[], Any]) -> tuple[float, Any]:
    """Return the fastest of *repeats* timed runs, in seconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def _hand_rows(store: SqlStore, query: sa.TextClause) -> list[tuple[Any, ...]]:
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]


def main() -> None:
    """Run the benchmark and print figures next to the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 deals, a few seconds")
    parser.add_argument("--seed", type=int, default=8, help="random seed for the data")
    parser.add_argument("--deals", type=int, default=None, help="how many deals (default 1M)")
    parser.add_argument("--json", action="store_true", help="end with the figures as JSON")
    args = parser.parse_args()
    n = args.deals or (20_000 if args.quick else 1_000_000)
    repeats = 3
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        store = SqlStore(f"sqlite:///{Path(folder) / 'bench.db'}")
        store.use_pipelines([PIPELINE])
        start = time.perf_counter()
        deals = make_deals(n, rng)
        while batch := list(itertools.islice(deals, BATCH)):
            store.deals.bulk_upsert(batch)
        load_s = time.perf_counter() - start

        report_s, result = best_of(repeats, lambda: run_report(store, SUMMARY))
        hand_s, hand = best_of(repeats, lambda: _hand_rows(store, HAND))
        hand_once_s, once = best_of(repeats, lambda: _hand_rows(store, HAND_ONCE))
        ratio = report_s / hand_s
        ratio_once = report_s / hand_once_s
        assert not result.truncated
        assert len(hand) == len(once) == len(result.rows), (len(hand), len(result.rows))
        assert sum(r[3] for r in hand) == sum(r.values["count"] for r in result.rows) == n

        funnel_s, stock = best_of(repeats, lambda: stock_funnel(store, PIPELINE))
        sample = min(n, SAMPLE)
        start = time.perf_counter()
        streamed = funnel(
            itertools.islice(store.deals.find_all("pipeline_id = 'sales'"), sample), PIPELINE
        )
        streamed_sample_s = time.perf_counter() - start
        funnel_streamed_s = streamed_sample_s * n / sample
        speedup = funnel_streamed_s / funnel_s
        assert stock.deals == n
        if sample == n:
            assert [s.current for s in streamed.stages] == [s.count for s in stock.stages]
        store.close()
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"reports: {n:,} deals in SQLite (seed {args.seed}), loaded in {load_s:.1f} s")
    print(f"  owner x month summary ({len(result.rows):,} rows)")
    print(f"    run_report           {report_s:8.3f} s")
    print(f"    hand-written SQL     {hand_s:8.3f} s")
    print(f"    ratio                {ratio:8.2f}     goal <= {RATIO_GOAL}")
    print(f"    hand-written, once   {hand_once_s:8.3f} s   (each value read once, as run_report)")
    print(f"    ratio to that        {ratio_once:8.2f}     goal <= {RATIO_GOAL}")
    print("  funnel by stage")
    print(f"    stock_funnel         {funnel_s:8.3f} s")
    print(
        f"    funnel() streamed    {funnel_streamed_s:8.3f} s   "
        f"(extrapolated from {sample:,} deals: {streamed_sample_s:.3f} s, "
        f"{streamed_sample_s / sample * 1e6:.0f} µs per deal)"
    )
    print(f"    speed-up             {speedup:8.1f} x   goal >= {SPEEDUP_GOAL:.0f} x")
    print(f"  peak RSS               {peak_rss_mb:8.1f} MB")
    if ratio > RATIO_GOAL:
        print(f"GOAL MISSED: run_report takes {ratio:.2f}x the hand-written SQL, > {RATIO_GOAL}x")
    if ratio_once > RATIO_GOAL:
        print(
            f"GOAL MISSED: run_report takes {ratio_once:.2f}x the read-once hand-written SQL, "
            f"> {RATIO_GOAL}x"
        )
    if speedup < SPEEDUP_GOAL:
        print(f"GOAL MISSED: the stock funnel is {speedup:.1f}x faster, < {SPEEDUP_GOAL:.0f}x")
    if args.json:
        figures = {
            "seed": args.seed,
            "deals": n,
            "load_s": round(load_s, 3),
            "summary_rows": len(result.rows),
            "report_s": round(report_s, 4),
            "hand_s": round(hand_s, 4),
            "ratio": round(ratio, 3),
            "hand_once_s": round(hand_once_s, 4),
            "ratio_once": round(ratio_once, 3),
            "funnel_s": round(funnel_s, 4),
            "funnel_streamed_s": round(funnel_streamed_s, 3),
            "funnel_sample": sample,
            "funnel_speedup": round(speedup, 1),
            "peak_rss_mb": round(peak_rss_mb, 1),
        }
        print(json.dumps(figures))  # the last line, for scripts


if __name__ == "__main__":
    main()
