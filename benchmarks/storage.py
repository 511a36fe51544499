"""Storage benchmark: bulk_upsert of generated contacts against a plain Core insert.

For SQLite (a file in a temporary folder) and PostgreSQL (when CRMKIT_TEST_DATABASE_URL is
set), it times a plain SQLAlchemy Core ``insert()`` executemany of the same contacts (the
record as JSON plus its columns, into a table of the same shape) and crmkit's
``bulk_upsert`` into an empty store, then a filtered scan that pages through the result.

Goal: ``bulk_upsert`` within 1.5x of the plain insert's time.

Run: ``.venv/bin/python benchmarks/storage.py [--quick] [--seed N] [--size N]``
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from crmkit.contacts import Contact, EmailEntry, PhoneEntry
from crmkit.storage import SqlStore
from crmkit.storage._kinds import CONTACT
from crmkit.values import normalize_email, normalize_phone

GOAL = 1.5
FIRST = ["Ada", "Bob", "Cy", "Dana", "Emil", "Fatima", "Ali", "Zahra", "Imran", "Mary"]
LAST = ["King", "Stone", "Khan", "Rezaei", "Smith", "Ng", "Dubois", "Müller", "Lee", "Park"]
STAGES = [None, "lead", "customer", "evangelist"]


def generate(size: int, seed: int) -> list[Contact]:
    """Return *size* contacts with one or two e-mails, a phone and a few custom values."""
    rng = random.Random(seed)
    phone = normalize_phone("+12125550100")
    contacts = []
    for i in range(size):
        emails = [EmailEntry(address=normalize_email(f"p{i}@example.com"))]
        if rng.random() < 0.3:
            emails.append(EmailEntry(address=normalize_email(f"p{i}@work.example.org")))
        contacts.append(
            Contact(
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                emails=emails,
                phones=[PhoneEntry(number=phone)] if rng.random() < 0.5 else [],
                owner_id=f"u{rng.randrange(20)}",
                lifecycle_stage=rng.choice(STAGES),
                custom={"score": Decimal(rng.randrange(1000)) / 10, "vip": rng.random() < 0.1},
            )
        )
    return contacts


def timed(call: Callable[[], object]) -> float:
    """Return the seconds *call* takes."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def plain_insert(engine: sa.Engine, contacts: list[Contact]) -> float:
    """Time a Core insert() executemany of the contacts into a table of the same shape."""
    metadata = sa.MetaData()
    json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
    table = sa.Table(
        f"plain_{uuid.uuid4().hex[:8]}",
        metadata,
        sa.Column("id", sa.String, primary_key=True),
        sa.Column("version", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
        *(sa.Column(n, sa.String) for n in ("first_name", "last_name", "email", "owner_id")),
        sa.Column("doc", json_type),
    )
    metadata.create_all(engine)

    def run() -> None:
        rows = [
            {
                "id": c.id,
                "version": c.version,
                "created_at": c.created_at,
                "updated_at": c.updated_at,
                "first_name": c.first_name,
                "last_name": c.last_name,
                "email": c.primary_email.value if c.primary_email else None,
                "owner_id": c.owner_id,
                "doc": CONTACT.to_doc(c),
            }
            for c in contacts
        ]
        with engine.begin() as connection:
            for start in range(0, len(rows), 2000):
                connection.execute(table.insert(), rows[start : start + 2000])

    try:
        return timed(run)
    finally:
        metadata.drop_all(engine)


def scan(store: SqlStore) -> tuple[float, int, int]:
    """Page through every VIP lead or customer ordered by last name; return time, rows, pages."""
    where = 'AND(vip, OR(lifecycle_stage = "lead", lifecycle_stage = "customer"))'
    rows = pages = 0
    start = time.perf_counter()
    after = None
    while True:
        page = store.contacts.find(where, order_by="last_name", limit=500, after=after)
        rows += len(page)
        pages += 1
        after = page.next_after
        if after is None:
            break
    return time.perf_counter() - start, rows, pages


def run_backend(name: str, engine: sa.Engine, contacts: list[Contact]) -> None:
    """Measure one backend and print its figures."""
    size = len(contacts)
    baseline = plain_insert(engine, contacts)
    store = SqlStore(engine)
    store.define_fields("contact", {"score": "number", "vip": "bool"})
    store.contacts.count()  # creates the tables outside the timing
    upsert = timed(lambda: store.contacts.bulk_upsert(contacts, actor="benchmark"))
    again = timed(lambda: store.contacts.bulk_upsert(contacts[: max(1, size // 10)]))
    scan_time, rows, pages = scan(store)
    ratio = upsert / baseline
    verdict = "meets" if ratio <= GOAL else "MISSES"
    print(f"[{name}] {size:,} contacts")
    print(f"  plain Core insert executemany: {baseline:7.2f} s  {size / baseline:10,.0f} rows/s")
    print(f"  crmkit bulk_upsert (new):      {upsert:7.2f} s  {size / upsert:10,.0f} rows/s")
    print(f"  ratio {ratio:.2f}x (goal <= {GOAL}x): {verdict} the goal")
    print(
        f"  bulk_upsert of {max(1, size // 10):,} existing (updates): {again:.2f} s"
        f"  {max(1, size // 10) / again:,.0f} rows/s"
    )
    print(f"  filtered scan: {rows:,} rows in {pages} pages of 500: {scan_time:.2f} s")
    store.close()


def main() -> None:
    """Parse arguments and run the benchmark on each available backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 contacts")
    parser.add_argument("--size", type=int, default=None, help="number of contacts")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    size = args.size or (5_000 if args.quick else 200_000)
    contacts = generate(size, args.seed)
    print(f"storage benchmark: {size:,} generated contacts, seed {args.seed}")

    with tempfile.TemporaryDirectory() as folder:
        engine = sa.create_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        run_backend("sqlite", engine, contacts)
        engine.dispose()

    url = os.environ.get("CRMKIT_TEST_DATABASE_URL")
    if not url:
        print("[postgresql] SKIPPED: set CRMKIT_TEST_DATABASE_URL to benchmark PostgreSQL")
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        engine = sa.create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        run_backend("postgresql", engine, contacts)
        engine.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
