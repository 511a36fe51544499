"""Activities benchmark: bulk insert, a company's timeline and an owner's agenda in SQLite.

It generates 100,000 contacts, 20,000 companies (each contact affiliated to one) and 50,000
deals, then 1,000,000 activities linked to them (calls, e-mails, meetings, tasks and notes
over three years, most past ones done), stored with ``store.activities.bulk_upsert`` in
batches. Then it times:

* the timeline of a company with 5 contacts and 3 deals, newest 50 entries
  (``crmkit.timeline.timeline``: the related records, their activities, stage and field
  changes), beside a hand-written indexed ``UNION ALL`` of the same nine records' newest 50
  activities on the same tables, in the same run. Goal: median <= 5 ms.
* an owner's agenda (``crmkit.timeline.agenda``: overdue, today, the next 7 days).
  Goal: median <= 2 ms.
* the bulk insert. Goal: >= 50,000 activities/s. Printed beside it: a hand-written loader
  writing the same rows (the JSON document and the columns, the links, the history) into
  the same tables of another database with the driver's own ``executemany``, and none of
  the store's checks.

Run: ``.venv/bin/python benchmarks/activities.py [--quick] [--seed N] [--json]``; with
``--json`` the last line is one JSON object with ``activities``, ``timeline_ms``,
``timeline_hand_ms``, ``agenda_ms``, ``insert_per_s`` and ``peak_rss_mb``. ``--quick``
(for CI) uses a fiftieth of the data.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa

from crmkit import to_dict
from crmkit.activities import Activity, Link, due_instant
from crmkit.contacts import Affiliation, Company, Contact
from crmkit.pipeline import Pipeline
from crmkit.storage import SqlStore, sort_instant
from crmkit.timeline import agenda, timeline

TIMELINE_GOAL_MS = 5.0
AGENDA_GOAL_MS = 2.0
INSERT_GOAL = 50_000

NOW = datetime(2030, 6, 3, 14, 0, tzinfo=UTC)
SPAN_PAST = timedelta(days=3 * 365)
SPAN_AHEAD = timedelta(days=90)
OWNERS = 2_000
KINDS = ["call", "email", "meeting", "task", "note"]
SUBJECTS = ["Intro call", "Send proposal", "Follow up", "Demo", "Renewal", "Check in", "Quote"]
BATCH = 50_000
PIPELINE = Pipeline.from_dict(
    {
        "id": "sales",
        "stages": [
            {"id": "new", "probability": 0.1},
            {"id": "quote", "probability": 0.5},
            {"id": "won", "kind": "won"},
            {"id": "lost", "kind": "lost"},
        ],
    }
)


def _ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i:07}" for i in range(count)]


def build_records(store: SqlStore, contacts: int, companies: int, deals: int, seed: int) -> None:
    """Store the contacts, companies, affiliations and deals; company K0000000 is the target.

    The target has exactly 5 contacts and 3 deals; every other contact works at a random
    other company, every other deal is with a random other company and one of its contacts.
    The target, one of its contacts and its deals have been changed since they were made.
    """
    rng = random.Random(seed)
    contact_ids = _ids("C", contacts)
    company_ids = _ids("K", companies)
    store.companies.bulk_upsert(Company(id=i, name=f"Company {i}") for i in company_ids)
    store.contacts.bulk_upsert(
        Contact(id=i, first_name=rng.choice(["Ann", "Bo", "Cy", "Dee"]), last_name=i)
        for i in contact_ids
    )
    works_at = {c: company_ids[1 + rng.randrange(companies - 1)] for c in contact_ids[5:]}
    works_at.update(dict.fromkeys(contact_ids[:5], company_ids[0]))
    store.affiliations.bulk_upsert(
        Affiliation(contact_id=c, company_id=k) for c, k in works_at.items()
    )
    made = []
    for i, deal_id in enumerate(_ids("D", deals)):
        if i < 3:
            company, contact = company_ids[0], contact_ids[i]
        else:
            contact = contact_ids[5 + rng.randrange(contacts - 5)]
            company = works_at[contact]
        made.append(
            PIPELINE.new_deal(
                id=deal_id,
                title=f"Deal {deal_id}",
                company_id=company,
                contacts=[{"contact_id": contact}],
                owner_id=f"u{rng.randrange(OWNERS)}",
                at=NOW - SPAN_PAST,
            )
        )
    store.deals.bulk_upsert(made)
    # the target's history holds more than its creation: field changes and stage moves
    target = store.companies.get(company_ids[0])
    target = store.companies.update(attrs.evolve(target, industry="logistics"), actor="u1")
    store.companies.update(attrs.evolve(target, legal_name="Target Holdings Ltd"), actor="u2")
    first = store.contacts.get(contact_ids[0])
    store.contacts.update(attrs.evolve(first, job_title="Buyer"), actor="u1")
    for deal in made[:3]:
        moved, _ = PIPELINE.move(deal, "quote", actor="u1", at=NOW - timedelta(days=30))
        store.deals.update(moved, actor="u1")


def generate(
    size: int, contacts: int, companies: int, deals: int, seed: int
) -> Iterator[list[Activity]]:
    """Yield *size* activities in batches; the target company's records get 30 each."""
    rng = random.Random(seed + 1)
    target = [Link(kind="company", id="K0000000")]
    target += [Link(kind="contact", id=i) for i in _ids("C", 5)]
    target += [Link(kind="deal", id=i) for i in _ids("D", 3)]
    span = (SPAN_PAST + SPAN_AHEAD).total_seconds()
    batch: list[Activity] = []
    for n in range(size):
        if n < 30 * len(target):
            links = [target[n % len(target)]]
        else:
            roll = rng.random()
            if roll < 0.6:
                links = [Link(kind="contact", id=f"C{rng.randrange(contacts):07}")]
            elif roll < 0.75:
                links = [Link(kind="company", id=f"K{rng.randrange(companies):07}")]
            else:
                links = [Link(kind="deal", id=f"D{rng.randrange(deals):07}")]
            if rng.random() < 0.3:
                links.append(Link(kind="company", id=f"K{rng.randrange(companies):07}"))
        at = NOW - SPAN_PAST + timedelta(seconds=int(rng.random() * span))
        kind = rng.choice(KINDS)
        done = at < NOW and rng.random() < 0.995
        times: dict[str, Any] = (
            {"start_at": at, "end_at": at + timedelta(minutes=30)}
            if kind == "meeting"
            else {"due_at": at}
        )
        batch.append(
            Activity(
                kind=kind,
                subject=rng.choice(SUBJECTS),
                body="Talked about the renewal and next steps." if kind == "call" else "",
                owner_id=f"u{rng.randrange(OWNERS)}",
                links=links,
                done_at=at + timedelta(minutes=rng.randrange(5, 600)) if done else None,
                outcome="reached" if done and kind == "call" else None,
                reminders=[15] if kind == "meeting" else [],
                created_at=at - timedelta(days=1),
                updated_at=at - timedelta(days=1),
                **times,
            )
        )
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def insert(store: SqlStore, batches: Iterator[list[Activity]]) -> tuple[int, float]:
    """Bulk upsert every batch; return how many and the seconds spent storing them."""
    count = 0
    spent = 0.0
    for batch in batches:
        start = time.perf_counter()
        store.activities.bulk_upsert(batch, actor="benchmark")
        spent += time.perf_counter() - start
        count += len(batch)
    return count, spent


def hand_insert(path: Path, batches: Iterator[list[Activity]]) -> tuple[int, float]:
    """Write the same rows as the store, by hand into an empty copy of its tables."""
    SqlStore(f"sqlite:///{path}").activities.count()  # the schema, made by the store
    raw = sqlite3.connect(path, isolation_level=None)

    def text(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat(" ", "microseconds")[:26]

    count = 0
    spent = 0.0
    for batch in batches:
        start = time.perf_counter()
        now = text(datetime.now(UTC))
        rows, links, history = [], [], []
        for a in batch:
            due, at = text(due_instant(a)), text(sort_instant(a))
            rows.append(
                (a.id, a.version, text(a.created_at), text(a.updated_at), a.kind, a.owner_id,
                 text(a.done_at), due, json.dumps(to_dict(a)))
            )  # fmt: skip
            links.extend((k.kind, k.id, at, a.id) for k in a.links)
            history.append(("activity", a.id, "add", "benchmark", now, a.version))
        raw.execute("BEGIN")
        raw.executemany(
            "INSERT INTO crm_activities (id, version, created_at, updated_at, kind, owner_id, "
            "done_at, due_instant, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        raw.executemany("INSERT INTO crm_activity_links VALUES (?, ?, ?, ?)", links)
        raw.executemany(
            "INSERT INTO crm_history (kind, record_id, action, actor, at, version) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            history,
        )
        raw.execute("COMMIT")
        spent += time.perf_counter() - start
        count += len(batch)
    raw.close()
    return count, spent


def median_ms(runs: int, call: Callable[[], object]) -> float:
    """Return the median wall-clock time of *call*, in milliseconds, after one warm-up."""
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def hand_timeline(engine: sa.Engine, links: list[Link]) -> Callable[[], list[Any]]:
    """The same nine records' newest 50 activities, by a hand-written indexed UNION ALL."""
    branch = (
        "SELECT * FROM (SELECT activity_id, sort_at FROM crm_activity_links "
        "WHERE kind = ? AND record_id = ? ORDER BY sort_at DESC, activity_id DESC LIMIT 50)"
    )
    # S608: the text is the fixed branch above, repeated; the values are bound parameters
    sql = (
        "SELECT a.doc FROM (SELECT DISTINCT activity_id, sort_at FROM ("  # noqa: S608
        + " UNION ALL ".join([branch] * len(links))
        + ") ORDER BY sort_at DESC, activity_id DESC LIMIT 50) AS t "
        "JOIN crm_activities AS a ON a.id = t.activity_id "
        "ORDER BY t.sort_at DESC, t.activity_id DESC"
    )
    params = tuple(v for link in links for v in (link.kind, link.id))
    raw: Any = engine.raw_connection()

    def run() -> list[Any]:
        return [json.loads(doc) for (doc,) in raw.execute(sql, params)]

    return run


def main() -> None:
    """Parse the arguments, build the data, time it and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fiftieth of the data, for CI")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args = parser.parse_args()
    scale = 50 if args.quick else 1
    size, contacts = 1_000_000 // scale, 100_000 // scale
    companies, deals = 20_000 // scale, 50_000 // scale
    runs = 50 if args.quick else 300
    print(
        f"activities benchmark: {size:,} activities on {contacts:,} contacts, "
        f"{companies:,} companies and {deals:,} deals in SQLite, seed {args.seed}"
    )
    with tempfile.TemporaryDirectory() as folder:
        store = SqlStore(f"sqlite:///{Path(folder) / 'bench.db'}")
        store.use_pipelines([PIPELINE])
        start = time.perf_counter()
        build_records(store, contacts, companies, deals, args.seed)
        print(f"  records stored in {time.perf_counter() - start:.1f} s")
        count, spent = insert(store, generate(size, contacts, companies, deals, args.seed))
        per_s = count / spent
        hand_count, hand_spent = hand_insert(
            Path(folder) / "hand.db", generate(size, contacts, companies, deals, args.seed)
        )
        hand_per_s = hand_count / hand_spent
        with store.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()

        company = Link(kind="company", id="K0000000")
        page = timeline(store, company, limit=50)
        timeline_ms = median_ms(runs, lambda: timeline(store, company, limit=50))
        nine = [company, *(Link(kind="contact", id=i) for i in _ids("C", 5))]
        nine += [Link(kind="deal", id=i) for i in _ids("D", 3)]
        hand = hand_timeline(store.engine, nine)
        hand_ms = median_ms(runs, hand)
        owners = iter(range(10**9))

        def one_agenda() -> object:
            return agenda(store, f"u{next(owners) % OWNERS}", now=NOW, tz="Europe/Berlin")

        sample = agenda(store, "u1", now=NOW, tz="Europe/Berlin")
        agenda_ms = median_ms(runs, one_agenda)
        store.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shown = len(sample.overdue) + len(sample.due_today)
    shown += sum(len(d.activities) for d in sample.upcoming)

    def verdict(met: bool) -> str:
        return "meets the goal" if met else "MISSES the goal"

    print(
        f"  bulk insert: {count:,} in {spent:.1f} s = {per_s:,.0f}/s (goal >= {INSERT_GOAL:,})"
        f": {verdict(per_s >= INSERT_GOAL)}"
    )
    print(
        f"    hand-written loader of the same rows, no checks: {hand_per_s:,.0f}/s"
        f" ({per_s / hand_per_s:.0%} of it)"
    )
    print(
        f"  timeline of a company with 5 contacts and 3 deals, newest {len(page)}: "
        f"{timeline_ms:.2f} ms median (goal <= {TIMELINE_GOAL_MS} ms): "
        f"{verdict(timeline_ms <= TIMELINE_GOAL_MS)}"
    )
    print(
        f"    hand-written UNION ALL of the nine records' newest 50: {hand_ms:.2f} ms"
        f" ({timeline_ms / hand_ms:.1f}x)"
    )
    print(
        f"  agenda of an owner ({shown} activities for u1): {agenda_ms:.2f} ms median "
        f"(goal <= {AGENDA_GOAL_MS} ms): {verdict(agenda_ms <= AGENDA_GOAL_MS)}"
    )
    print(f"  peak memory: {peak_mb:.0f} MB")
    if args.json:
        print(
            json.dumps(
                {
                    "activities": count,
                    "timeline_ms": round(timeline_ms, 3),
                    "timeline_hand_ms": round(hand_ms, 3),
                    "agenda_ms": round(agenda_ms, 3),
                    "insert_per_s": round(per_s),
                    "peak_rss_mb": round(peak_mb, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
