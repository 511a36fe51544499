"""Speed of importing companies and deals (Pipedrive-like exports) into a store.

    .venv/bin/python benchmarks/import_objects.py --quick     # 2,000 deals, a few seconds
    .venv/bin/python benchmarks/import_objects.py             # 20,000 deals
    .venv/bin/python benchmarks/import_objects.py --json      # one JSON object, last line

Each run writes a company list and a deals export to a scratch folder, imports both into a
fresh SQLite store (deals held to their pipeline), then imports the deals again: the second
run must create nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from pathlib import Path

from crmkit.importers import import_file
from crmkit.pipeline import Pipeline
from crmkit.storage import SqlStore

PIPELINE = Pipeline.from_dict(
    {
        "id": "sales",
        "stages": [
            {"id": "lead", "name": "Lead In"},
            {"id": "qualified", "name": "Qualified"},
            {"id": "proposal", "name": "Proposal Made", "required": ["amount"]},
            {"id": "won", "kind": "won"},
            {"id": "lost", "kind": "lost"},
        ],
    }
)
STAGES = ["Lead In", "Qualified", "Proposal Made", "won"]
CURRENCIES = ["EUR", "USD", "PKR", "GBP"]


def _write(folder: Path, deals: int, seed: int) -> tuple[Path, Path]:
    rng = random.Random(seed)
    companies = [f"Company {i} Ltd" for i in range(max(deals // 10, 1))]
    orgs = folder / "orgs.csv"
    with orgs.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Organization - Name", "Website"])
        out.writerows([name, f"company{i}.example"] for i, name in enumerate(companies))
    path = folder / "deals.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        header = [
            "ID",
            "Title",
            "Value",
            "Currency",
            "Stage",
            "Organization",
            "Expected close date",
        ]
        out.writerow([f"Deal - {name}" for name in header])
        for i in range(deals):
            out.writerow([
                str(i), f"Deal {i}", f"{rng.randint(1, 10**6):,}.00", rng.choice(CURRENCIES),
                rng.choice(STAGES), rng.choice(companies), f"2025-{rng.randint(1, 12):02d}-15",
            ])  # fmt: skip
    return orgs, path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small size CI runs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print one JSON object last")
    args = parser.parse_args()
    deals = 2_000 if args.quick else 20_000
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        orgs, path = _write(folder, deals, args.seed)
        store = SqlStore(f"sqlite:///{folder / 'crm.db'}")
        store.use_pipelines([PIPELINE])
        started = time.perf_counter()
        companies = import_file(orgs, store, kind="company")
        company_seconds = time.perf_counter() - started
        started = time.perf_counter()
        first = import_file(path, store, kind="deal", pipelines=[PIPELINE])
        deal_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = import_file(path, store, kind="deal", pipelines=[PIPELINE])
        rerun_seconds = time.perf_counter() - started
        store.close()
    figures = {
        "companies": companies.created,
        "deals": deals,
        "deals_created": first.created,
        "deals_rejected": first.rejected,
        "rerun_created": again.created,
        "company_rows_per_second": round(companies.rows_read / company_seconds, 1),
        "deal_rows_per_second": round(deals / deal_seconds, 1),
        "rerun_rows_per_second": round(deals / rerun_seconds, 1),
    }
    print(f"{companies.created:,} companies in {company_seconds:.2f} s")
    print(f"{deals:,} deals in {deal_seconds:.2f} s ({figures['deal_rows_per_second']:,} rows/s)")
    print(f"re-run: {again.created} created, {rerun_seconds:.2f} s")
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
