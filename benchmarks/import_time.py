"""Time to ``import crmkit`` against importing the libraries its core is built on.

Each import runs in a fresh interpreter (so nothing is cached in ``sys.modules``), the
candidates interleaved so that a busy machine slows them alike; the median of the runs is
kept. The base is attrs, cattrs, phonenumbers, email-validator and babel, imported the way
crmkit imports them (the cattrs, babel and phonenumbers modules it uses). Nothing is
generated: the only input is the installed package.

Also reported: the import time of each area (``crmkit.expr``, ``crmkit.contacts``, ...) and
whether an import loaded SQLAlchemy, which only a SQL store or ``Expression.to_sql`` needs.

Goal: ``import crmkit`` <= 1.5 x the base, and no SQLAlchemy loaded by it.

Run: ``.venv/bin/python benchmarks/import_time.py [--quick] [--repeat N] [--json]``; with
``--json`` the last line is one JSON object (``import_ms``, ``base_ms``, ``ratio``, ...).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

GOAL = 1.5

BASE = (
    "import attrs, cattrs, cattrs.errors, cattrs.gen, cattrs.v\n"
    "import email_validator\n"
    "import phonenumbers\n"
    "from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType\n"
    "import babel, babel.dates, babel.numbers\n"
)
CRMKIT = "import crmkit\n"
AREAS = ("crmkit.expr", "crmkit.contacts", "crmkit.fields", "crmkit.importers", "crmkit.storage")

# Run in the child: time the import itself, not the interpreter's start, then say what loaded.
_PROBE = """\
import sys, time, json
start = time.perf_counter()
exec(compile({code!r}, "<import>", "exec"))
elapsed = time.perf_counter() - start
print(json.dumps({{"ms": elapsed * 1000, "modules": len(sys.modules),
    "sqlalchemy": "sqlalchemy" in sys.modules}}))
"""


def probe(code: str) -> dict[str, float | int | bool]:
    """Run *code* in a fresh interpreter; its import time in ms and what it loaded."""
    done = subprocess.run(  # noqa: S603 - our own interpreter on our own probe
        [sys.executable, "-c", _PROBE.format(code=code)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float | int | bool] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(codes: dict[str, str], repeat: int) -> dict[str, dict[str, float | int | bool]]:
    """Median import time of each of *codes* over *repeat* interleaved fresh runs."""
    for code in codes.values():
        probe(code)  # the first run writes the bytecode caches
    times: dict[str, list[float]] = {label: [] for label in codes}
    last: dict[str, dict[str, float | int | bool]] = {}
    for _ in range(repeat):
        for label, code in codes.items():
            last[label] = probe(code)
            times[label].append(float(last[label]["ms"]))
    return {label: {**last[label], "ms": statistics.median(times[label])} for label in codes}


def main() -> None:
    """Parse arguments, measure and print the figures next to the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="7 runs of each instead of 31")
    parser.add_argument("--repeat", type=int, default=0, help="fresh runs of each import")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON")
    args = parser.parse_args()
    repeat = args.repeat or (7 if args.quick else 31)

    codes = {"base": BASE, "crmkit": CRMKIT} | {area: f"import {area}\n" for area in AREAS}
    found = measure(codes, repeat)
    base, ours = found["base"], found["crmkit"]
    ratio = float(ours["ms"]) / float(base["ms"])
    met = ratio <= GOAL and not ours["sqlalchemy"]

    print(f"import time, median of {repeat} fresh interpreters")
    print(f"  base (attrs, cattrs, phonenumbers, email-validator, babel): {base['ms']:7.1f} ms")
    for label in ("crmkit", *AREAS):
        figures = found[label]
        sqlalchemy = "loads SQLAlchemy" if figures["sqlalchemy"] else "no SQLAlchemy"
        print(
            f"  import {label:<18} {figures['ms']:7.1f} ms"
            f"  {figures['modules']:5} modules  {sqlalchemy}"
        )
    verdict = "met" if met else "MISSED"
    print(f"ratio crmkit / base: {ratio:.2f} (goal <= {GOAL}, no SQLAlchemy: {verdict})")
    if not met:
        print("  find what loads eagerly with: python -X importtime -c 'import crmkit'")
    if args.json:
        print(
            json.dumps(
                {
                    "import_ms": round(float(ours["ms"]), 2),
                    "base_ms": round(float(base["ms"]), 2),
                    "ratio": round(ratio, 3),
                    "goal": GOAL,
                    "met": met,
                    "repeat": repeat,
                    "modules": ours["modules"],
                    "sqlalchemy_loaded": ours["sqlalchemy"],
                    "areas_ms": {a: round(float(found[a]["ms"]), 2) for a in AREAS},
                    "areas_sqlalchemy": {a: found[a]["sqlalchemy"] for a in AREAS},
                }
            )
        )


if __name__ == "__main__":
    main()
