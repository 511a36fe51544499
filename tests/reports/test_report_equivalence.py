"""Memory, SQLite and PostgreSQL give the same rows for random deals and random reports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from report_cases import PIPELINE, deal

from crmkit.pipeline import Deal
from crmkit.reports import WEEKDAYS, Aggregate, Grouping, Report, run_report
from crmkit.storage import MemoryStore, SqlStore, Store

STAGES = ["lead", "qualified", "proposal", "won", "lost"]
GROUPINGS = [
    st.just(Grouping("owner_id")),
    st.just(Grouping("lead_source")),
    st.just(Grouping("stage_id")),
    st.just(Grouping("stage_kind")),
    st.just(Grouping("close_date")),
    st.builds(
        Grouping,
        field=st.sampled_from(["close_date", "created_at"]),
        bucket=st.sampled_from(["day", "week", "month", "quarter", "year"]),
        week_start=st.sampled_from(WEEKDAYS),
    ),
]
AGGREGATES = [
    Aggregate("count"),
    Aggregate("count", "owner_id"),
    Aggregate("count_distinct", "lead_source"),
    Aggregate("count_distinct", "close_date"),
    Aggregate("sum", "amount"),
    Aggregate("avg", "amount"),
    Aggregate("min", "amount"),
    Aggregate("max", "amount"),
    Aggregate("min", "close_date"),
    Aggregate("max", "created_at"),
    Aggregate("count", where="stage_kind = 'won'", name="won"),
    Aggregate("sum", "amount", where="stage_kind <> 'lost'", name="live"),
]
FILTERS = [
    None,
    "close_date >= DATE(2024, 3, 1)",
    "stage_kind = 'open'",
    "OR(ISBLANK(owner_id), amount > 500)",
]


@st.composite
def deals(draw: st.DrawFn) -> list[Deal]:
    """A few deals with blanks, two currencies and dates around the turn of a year."""
    n = draw(st.integers(0, 14))
    made = []
    for i in range(n):
        cents = draw(st.none() | st.integers(0, 200_000))
        made.append(
            deal(
                i,
                stage=draw(st.sampled_from(STAGES)),
                amount=None if cents is None else f"{cents / 100:.2f}",
                currency=draw(st.sampled_from(["EUR", "USD"])),
                owner=draw(st.sampled_from([None, "ann", "bob", "Émile"])),
                close=draw(st.none() | st.dates(date(2023, 12, 1), date(2024, 6, 30))),
                created=datetime(2023, 12, 28, tzinfo=UTC)
                + timedelta(minutes=draw(st.integers(0, 60 * 24 * 20))),
                source=draw(st.sampled_from([None, "web", "event", "Web"])),
            )
        )
    return made


@st.composite
def reports(draw: st.DrawFn) -> Report:
    """Reports over the deals' built-in fields."""
    groups = draw(st.lists(st.one_of(*GROUPINGS), max_size=2, unique_by=lambda g: g.key))
    figures = draw(
        st.lists(st.sampled_from(AGGREGATES), min_size=1, max_size=4, unique_by=lambda a: a.key)
    )
    where = draw(st.sampled_from(FILTERS))
    return Report(where=where, group_by=groups, aggregates=figures, limit=draw(st.integers(1, 12)))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def sql_store(request: pytest.FixtureRequest) -> Iterator[SqlStore]:
    """One SQL store for all the examples of a test, emptied by each."""
    if request.param == "sqlite":
        made = SqlStore("sqlite://")
    else:
        made = SqlStore(
            request.getfixturevalue("pg_url"), schema=request.getfixturevalue("pg_schema")
        )
    made.use_pipelines([PIPELINE])
    made.deals.count()  # the tables are made on first use
    try:
        yield made
    finally:
        made.close()


def _emptied(store: SqlStore) -> SqlStore:
    with store.engine.begin() as connection:
        for table in ("crm_keys", "crm_history", "crm_deals"):
            connection.execute(sa.text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    return store


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(data=deals(), report=reports())
def test_same_rows(sql_store: SqlStore, data: list[Deal], report: Report) -> None:
    """Each backend gives equal rows, in the same order, cut at the same place."""
    memory: Store = MemoryStore()
    memory.use_pipelines([PIPELINE])
    stored = _emptied(sql_store)
    for store in (memory, stored):
        store.deals.bulk_upsert(data)

    expected = run_report(memory, report)
    actual = run_report(stored, report)

    assert (expected.rows, expected.truncated) == (actual.rows, actual.truncated)
