"""For generated records and filters, the SQL backends return what the memory backend does."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.contacts import Contact
from crmkit.storage import MemoryStore, SqlStore

FIELDS = {
    "score": "number",
    "vip": "bool",
    "since": "date",
    "منبع": "text",
    "امتیاز": "number",
    "اردو_نام": "text",
}
# values with Persian, Arabic and Urdu letters, quotes, dots, spaces and brackets
_SCRIPT_VALUES = [
    "اینستاگرام",
    "سلام دنیا",
    'نقل "قول"',
    "it's",
    "a.b",
    "[x]",
    "{y}",
    "اردو ٹیکسٹ",
    "كتاب",  # Arabic kaf and yeh
    "کتاب",  # Persian kaf
    "",
]

_names = st.sampled_from(["Ada", "ada", "Bob", "Émile", "Zoë", "Ng", "O'Neil", "علی", ""])
_scores = st.one_of(
    st.none(),
    st.integers(-20, 20),
    st.decimals(min_value=-20, max_value=20, places=1, allow_nan=False),
)


@st.composite
def _contacts(draw: st.DrawFn) -> Contact:
    drawn = {
        "score": draw(_scores),
        "vip": draw(st.one_of(st.none(), st.booleans())),
        "since": draw(st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2020, 12, 31)))),
        "منبع": draw(st.one_of(st.none(), st.sampled_from(_SCRIPT_VALUES))),
        "امتیاز": draw(st.one_of(st.none(), st.integers(-5, 5))),
        "اردو_نام": draw(st.one_of(st.none(), st.sampled_from(_SCRIPT_VALUES))),
    }
    custom = {name: value for name, value in drawn.items() if value is not None}
    return Contact(
        first_name=draw(_names) or "Pat",
        last_name=draw(_names),
        job_title=draw(st.sampled_from(["", "CEO", "Buyer"])),
        lifecycle_stage=draw(st.sampled_from([None, "lead", "customer"])),
        owner_id=draw(st.sampled_from([None, "u1", "u2"])),
        custom=custom,
    )


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_number = st.decimals(min_value=-20, max_value=20, places=1, allow_nan=False).map(str)
_text = st.sampled_from(['"Ada"', '"ada"', '"M"', '"Zoë"', '""', '"lead"', '"CEO"'])
_atoms = st.one_of(
    st.builds(
        lambda op, n: f"score {op} {n}", st.sampled_from(["<", "<=", "=", "<>", ">", ">="]), _number
    ),
    st.builds(
        lambda f, op, t: f"{f} {op} {t}",
        st.sampled_from(["first_name", "last_name", "job_title", "lifecycle_stage", "owner_id"]),
        st.sampled_from(["=", "<>", "<", ">"]),
        _text,
    ),
    st.builds(
        lambda f, op, v: f"{f} {op} {_quoted(v)}",
        st.sampled_from(["{منبع}", "اردو_نام", "{اردو_نام}"]),
        st.sampled_from(["=", "<>", "<", ">"]),
        st.sampled_from(_SCRIPT_VALUES),
    ),
    st.builds(lambda op, n: f"امتیاز {op} {n}", st.sampled_from(["<", "=", ">="]), _number),
    st.sampled_from(
        [
            "ISBLANK({منبع})",
            "CONTAINS({منبع}, 'ا')",
            "BEGINS(اردو_نام, 'ا')",
            "REGEX({منبع}, '[^ ]+')",
            "REGEX(اردو_نام, '.*ٹ.*')",
            "REGEX(last_name, '[A-Z][a-z]*')",
            r"REGEX(first_name, '\\w+')",
            r"REGEX({منبع}, '.*[.\\[\\]\"].*')",
            "vip",
            "NOT(vip)",
            "ISBLANK(score)",
            "ISBLANK(last_name)",
            "ISBLANK(lifecycle_stage)",
            "since > DATE(2020, 6, 1)",
            "since <= DATE(2020, 3, 15)",
            'BEGINS(last_name, "A")',
            'CONTAINS(first_name, "o")',
        ]
    ),
)
_filters = st.recursive(
    _atoms,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"AND({a}, {b})", inner, inner),
        st.builds(lambda a, b: f"OR({a}, {b})", inner, inner),
        st.builds(lambda a: f"NOT({a})", inner),
    ),
    max_leaves=4,
)


class _Rollback(Exception):
    """Raised to undo one example's writes."""


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(_contacts(), max_size=12), where=_filters)
def test_sql_filters_agree_with_memory(
    sql_store: SqlStore, records: list[Contact], where: str
) -> None:
    """Find and count return the same records on SQL as in memory, in the same order."""
    sql_store.define_fields("contact", FIELDS)
    memory = MemoryStore()
    memory.define_fields("contact", FIELDS)
    memory.contacts.bulk_upsert(records)
    expected = [r.id for r in memory.contacts.find(where, order_by="last_name", limit=1000)]

    seen: list[tuple[list[str], int]] = []

    def store_query_and_undo() -> None:
        with sql_store.transaction():
            sql_store.contacts.bulk_upsert(records)
            page = sql_store.contacts.find(where, order_by="last_name", limit=1000)
            seen.append(([r.id for r in page], sql_store.contacts.count(where)))
            raise _Rollback

    with pytest.raises(_Rollback):
        store_query_and_undo()
    found, counted = seen[0]

    assert expected == found
    assert len(expected) == counted


def test_decimal_custom_values_compare_exactly_in_sql(sql_store: SqlStore) -> None:
    """A tagged Decimal custom value compares as a number, not as text."""
    sql_store.define_fields("contact", FIELDS)
    sql_store.contacts.add(Contact(first_name="A", custom={"score": Decimal("10.5")}))
    sql_store.contacts.add(Contact(first_name="B", custom={"score": 9}))

    assert ["A"] == [c.first_name for c in sql_store.contacts.find("score > 9.5")]
