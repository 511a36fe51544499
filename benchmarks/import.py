"""Speed and peak memory of clean_file and import_file on generated contact spreadsheets.

    .venv/bin/python benchmarks/import.py --quick       # 5,000 rows, a few seconds
    .venv/bin/python benchmarks/import.py               # 100,000 and 1,000,000 rows
    .venv/bin/python benchmarks/import.py --data people # harder data, same sizes
    .venv/bin/python benchmarks/import.py --sizes 20000 --workers 2 --json
    .venv/bin/python benchmarks/import.py --quick --carried 4  # 4 columns no field takes

``--workers N`` normalizes rows on a pool of N processes (without it, in the measuring one);
``--json`` prints one JSON line per measurement instead of the sentences.

Each measurement runs in a child process so its peak memory (ru_maxrss) is its own.
The machine may be busy, so each size also times the phone and e-mail libraries alone on
the same values, in one process: that figure says how fast the machine is right now, and
the ratio says what crmkit adds on top of the validation it cannot avoid.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GOAL_CLEAN = 15_000
GOAL_IMPORT = 10_000
GOAL_MB = 500
FIRST = ["John", "Mary", "Ali", "Sara", "Imran", "Ayesha", "Hans", "Anna", "علی", "زهرا"]
LAST = ["Smith", "Khan", "Müller", "Rezaei", "Malik", "Brown", "احمدی", "Dubois"]
COMPANIES = ["Acme Ltd", "Globex Corp.", "Initech LLC", "شرکت پارس", "Lahore Traders"]
# columns that feed no contact field: a clean carries them unchanged
CARRIED = ["Record ID", "کچھ اور", "Lieblingsfarbe", "Segment", "Created", "Référence"]
SEGMENTS = ["A", "B", "retail", "wholesale", "خوردہ"]


def generate(path: Path, rows: int, seed: int, carried: int = 0) -> None:
    rng = random.Random(seed)
    extra = [CARRIED[i % len(CARRIED)] + (f" {i // len(CARRIED)}" if i >= len(CARRIED) else "")
             for i in range(carried)]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Full Name", "E-mail", "Mobile", "Company", "City", *extra])
        for i in range(rows):
            # about one row in ten repeats an earlier person (same e-mail, other phone form)
            n = rng.randrange(i) if i and rng.random() < 0.1 else i
            first, last = FIRST[n % len(FIRST)], LAST[(n // 7) % len(LAST)]
            phone = f"+92 300 {1000000 + n % 9000000}" if n % 2 else f"0300{1000000 + n % 9000000}"
            email = f"user{n}@example.com" if rng.random() > 0.05 else f"user{n}@"
            more = [f"{c[:3]}-{i}" if j % 2 else rng.choice(SEGMENTS) for j, c in enumerate(extra)]
            out.writerow([f"{first} {last}", email, phone, COMPANIES[n % 5], "Lahore", *more])


def generate_people(path: Path, rows: int, seed: int) -> None:
    """Write the dedupe benchmark's people as a spreadsheet: harder data than :func:`generate`.

    Names in four scripts, nearly every e-mail and phone distinct (so nothing is memoised),
    many numbers not valid for their country, companies, cities, birth dates, and
    duplicates with typos, nicknames and dropped or changed values.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _dedupe_data import generate as people  # noqa: PLC0415 - only for this data

    records, _ = people(rows, seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["First Name", "Last Name", "E-mail", "Mobile", "Company", "City", "Born"])
        for r in records:
            out.writerow(
                [
                    r.first_name,
                    r.last_name,
                    r.emails[0].address.value if r.emails else "",
                    r.phones[0].number.e164 if r.phones else "",
                    r.custom.get("company", ""),
                    r.addresses[0].city if r.addresses else "",
                    r.birth_date.isoformat() if r.birth_date else "",
                ]
            )


def _libraries(path: str) -> dict[str, float]:
    """Validate every e-mail and phone of the file with the libraries alone, in one process."""
    import phonenumbers  # noqa: PLC0415 - child process only
    from email_validator import EmailNotValidError, validate_email  # noqa: PLC0415

    with Path(path).open(encoding="utf-8", newline="") as fh:
        header, *table = list(csv.reader(fh))
    at_email, at_phone = header.index("E-mail"), header.index("Mobile")
    rows = [(row[at_email], row[at_phone]) for row in table]
    started = time.perf_counter()
    for email, phone in rows:
        with contextlib.suppress(EmailNotValidError):
            validate_email(email, check_deliverability=False)
        try:
            number = phonenumbers.parse(phone, "PK")
            phonenumbers.number_type(number)
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            pass
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": len(rows), "seconds": seconds, "peak_mb": peak, "accounted": True}


def _child(kind: str, path: str, workers: int | None) -> None:
    from crmkit.importers import (  # noqa: PLC0415 - child process only
        CleanOptions,
        ReadOptions,
        clean_file,
        import_file,
    )
    from crmkit.storage import open_store  # noqa: PLC0415 - child process only

    if kind == "libraries":
        print(json.dumps(_libraries(path)))
        return
    started = time.perf_counter()
    cpu_started = time.process_time()
    extra: dict[str, object] = {}
    report: Any
    # only a given worker count is passed on: without one, each job runs its default
    knobs: dict[str, Any] = {} if workers is None else {"workers": workers}
    options = CleanOptions(read=ReadOptions(region="PK"), **knobs)
    if kind == "clean":
        report = clean_file(
            path,
            out=path + ".clean.csv",
            duplicates=path + ".d.csv",
            rejects=path + ".r.csv",
            options=options,
        )
        extra["fuzzy"] = report.fuzzy
    else:
        store = open_store(f"sqlite:///{path}.db")
        report = import_file(path, store, options=options)
        store.close()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    pool = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = pool.ru_maxrss / 1024
    print(
        json.dumps(
            {
                "rows": report.rows_read,
                "seconds": seconds,
                "peak_mb": max(peak, children),
                "accounted": report.accounted,
                "cpu": cpu,
                "pool_cpu": pool.ru_utime + pool.ru_stime,
                "load": os.getloadavg()[0],
                **extra,
            }
        )
    )


def measure(kind: str, path: Path, workers: int | None = None) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - runs this very script
        [sys.executable, __file__, "--child", kind, str(path), str(workers or "")],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 rows only")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sizes", help="comma-separated row counts (default 100000,1000000)")
    parser.add_argument(
        "--only", choices=("clean", "import"), help="measure one job instead of both"
    )
    parser.add_argument(
        "--data",
        choices=("simple", "people"),
        default="simple",
        help="simple: few names, valid Pakistani numbers (the figures the goals are for);"
        " people: the dedupe benchmark's people, harder (see generate_people)",
    )
    parser.add_argument(
        "--workers", type=int, help="processes that normalize rows (default 1: in-process)"
    )
    parser.add_argument(
        "--carried",
        type=int,
        default=0,
        help="add this many columns that feed no field (simple data), carried by a clean",
    )
    parser.add_argument("--json", action="store_true", help="one JSON line per measurement")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--write-people", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path, workers = args.child
        _child(kind, path, int(workers) if workers else None)
        return
    if args.write_people:
        path, rows, seed = args.write_people
        generate_people(Path(path), int(rows), int(seed))
        return
    sizes = [5_000] if args.quick else [int(s) for s in (args.sizes or "100000,1000000").split(",")]
    jobs = [
        (k, g)
        for k, g in (("clean", GOAL_CLEAN), ("import", GOAL_IMPORT))
        if args.only in (None, k)
    ]
    if not args.json:
        print(f"2-core machine; figures are noisy while other work runs; {args.data} data")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"contacts_{size}.csv"
            if args.data == "people":
                # in a process of its own: the people are built as contacts first, and a
                # measuring process started from a large parent would inherit its peak
                # (ru_maxrss survives the fork and exec)
                subprocess.run(  # noqa: S603 - runs this very script
                    [sys.executable, __file__, "--write-people", str(path), str(size),
                     str(args.seed)],
                    check=True,
                )  # fmt: skip
            else:
                generate(path, size, args.seed, args.carried)
            libraries = measure("libraries", path)
            per_row = libraries["seconds"] / libraries["rows"]
            if args.json:
                print(json.dumps({"job": "libraries", "size": size, **libraries}))
            else:
                print(
                    f"libraries alone (one core, e-mail + phone): {1 / per_row:,.0f} rows/s, "
                    f"{per_row * 1e6:.1f} us/row"
                )
            for kind, goal in jobs:
                result = measure(kind, path, args.workers)
                if args.json:
                    rate = result["rows"] / result["seconds"]
                    line = {"job": kind, "size": size, "workers": args.workers,
                            "carried": args.carried, **result}  # fmt: skip
                    print(json.dumps({**line, "rows_per_second": round(rate)}))
                    continue
                rate = result["rows"] / result["seconds"]
                rules = f", match rules={result['fuzzy']}" if "fuzzy" in result else ""
                print(
                    f"{kind:6} {size:>9,} rows: {rate:>8,.0f} rows/s (goal >= {goal:,}), "
                    f"{result['seconds'] / result['rows'] / per_row:.2f}x the libraries' "
                    f"time per row, peak {result['peak_mb']:,.0f} MB (goal < {GOAL_MB}), "
                    f"{result['seconds']:.1f} s, accounted={result['accounted']}{rules}"
                )
                # wall time depends on what else runs; CPU per row says what crmkit costs
                rows = result["rows"]
                print(
                    f"{'':6} cpu: main {result['cpu'] / rows * 1e6:.0f} us/row, worker pool "
                    f"{result['pool_cpu'] / rows * 1e6:.0f} us/row; load average at the end "
                    f"{result['load']:.2f}"
                )


if __name__ == "__main__":
    main()
