"""Running reports on every backend: the figures, date buckets, limits and bad fields."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from report_cases import PIPELINE, deal

from crmkit.errors import ConfigError, FormulaError, ValidationError
from crmkit.pipeline import Deal
from crmkit.reports import Aggregate, Grouping, Report, ReportRow, run_report
from crmkit.storage import MemoryStore, Store
from crmkit.values import Money


def fill(store: Store, deals: list[Deal]) -> None:
    """Store *deals*."""
    store.deals.bulk_upsert(deals)


def test_one_row_over_all(store: Store) -> None:
    """A report without groupings is one row, even over no deals."""
    result = run_report(store, Report())

    assert [ReportRow(groups={}, currency=None, values={"count": 0})] == list(result.rows)
    assert not result.truncated


def test_money_summed_per_currency(store: Store) -> None:
    """Sums of money are per currency, never across; deals without an amount are a row."""
    fill(
        store,
        [
            deal(1, amount="100.10", owner="ann"),
            deal(2, amount="50.05", owner="ann"),
            deal(3, amount="70", currency="USD", owner="ann"),
            deal(4, owner="bob"),
            deal(5, amount="10", owner="bob"),
        ],
    )
    report = Report(
        group_by=["owner_id"],
        aggregates=[
            Aggregate("count"),
            Aggregate("sum", "amount"),
            Aggregate("avg", "amount"),
            Aggregate("min", "amount"),
            Aggregate("max", "amount", name="largest"),
        ],
    )

    rows = [r.to_dict() for r in run_report(store, report).rows]

    eur = lambda v: Money(Decimal(v), "EUR")  # noqa: E731 - short names for the table
    usd = Money(Decimal(70), "USD")
    assert [
        {"owner_id": "ann", "currency": "EUR", "count": 2, "sum_amount": eur("150.15"),
         "avg_amount": eur("75.075"), "min_amount": eur("50.05"), "largest": eur("100.1")},
        {"owner_id": "ann", "currency": "USD", "count": 1, "sum_amount": usd,
         "avg_amount": usd, "min_amount": usd, "largest": usd},
        {"owner_id": "bob", "currency": None, "count": 1, "sum_amount": None,
         "avg_amount": None, "min_amount": None, "largest": None},
        {"owner_id": "bob", "currency": "EUR", "count": 1, "sum_amount": eur("10"),
         "avg_amount": eur("10"), "min_amount": eur("10"), "largest": eur("10")},
    ] == rows  # fmt: skip


def test_filter_and_conditional_figures(store: Store) -> None:
    """The filter selects the deals; a figure's own condition selects among them."""
    fill(
        store,
        [
            deal(1, stage="won", close=date(2024, 2, 1), source="web"),
            deal(2, stage="lost", close=date(2024, 3, 1), source="web"),
            deal(3, stage="won", close=date(2024, 3, 5), source="event"),
            deal(4, close=date(2023, 12, 31), source="web"),
            deal(5, close=None),
        ],
    )
    report = Report(
        where="close_date >= DATE(2024, 1, 1)",
        aggregates=[
            Aggregate("count"),
            Aggregate("count", where="stage_kind = 'won'", name="won"),
            Aggregate("count", where="stage_kind = 'lost'", name="lost"),
            Aggregate("count_distinct", "lead_source"),
            Aggregate("min", "close_date"),
        ],
    )

    (row,) = run_report(store, report).rows

    assert {
        "count": 3,
        "won": 2,
        "lost": 1,
        "count_distinct_lead_source": 2,
        "min_close_date": date(2024, 2, 1),
    } == row.values


@pytest.mark.parametrize(
    ("bucket", "week_start", "expected"),
    [
        ("day", "monday", [date(2024, 1, 3), date(2024, 1, 7), date(2024, 5, 20)]),
        # 2024-01-03 is a Wednesday, 2024-01-07 a Sunday
        ("week", "monday", [date(2024, 1, 1), date(2024, 5, 20)]),
        ("week", "sunday", [date(2023, 12, 31), date(2024, 1, 7), date(2024, 5, 19)]),
        ("week", "wednesday", [date(2024, 1, 3), date(2024, 5, 15)]),
        ("month", "monday", [date(2024, 1, 1), date(2024, 5, 1)]),
        ("quarter", "monday", [date(2024, 1, 1), date(2024, 4, 1)]),
        ("year", "monday", [date(2024, 1, 1)]),
    ],
)
def test_date_buckets(store: Store, bucket: str, week_start: str, expected: list[date]) -> None:
    """Each bucket starts on its first day; a week on the weekday asked for."""
    closes = [date(2024, 1, 3), date(2024, 1, 7), date(2024, 5, 20), None]
    fill(store, [deal(i, close=c) for i, c in enumerate(closes)])
    report = Report(group_by=[Grouping("close_date", bucket, week_start=week_start, name="b")])

    rows = run_report(store, report).rows

    assert [None, *expected] == [r.groups["b"] for r in rows]
    assert len(closes) == sum(int(r.values["count"]) for r in rows)  # type: ignore[call-overload]  # a count is an int


def test_datetime_bucketed_in_utc(store: Store) -> None:
    """A datetime falls in the bucket of its date in UTC."""
    berlin_new_year = datetime(2024, 1, 1, 0, 30, tzinfo=UTC).astimezone()  # any zone: UTC counts
    fill(
        store,
        [
            deal(1, created=datetime(2023, 12, 31, 23, 30, tzinfo=UTC)),
            deal(2, created=berlin_new_year),
        ],
    )
    report = Report(
        group_by=[Grouping("created_at", "month")], aggregates=[Aggregate("max", "created_at")]
    )

    rows = [
        (r.groups["created_at:month"], r.values["max_created_at"])
        for r in run_report(store, report).rows
    ]

    assert [
        (date(2023, 12, 1), datetime(2023, 12, 31, 23, 30, tzinfo=UTC)),
        (date(2024, 1, 1), datetime(2024, 1, 1, 0, 30, tzinfo=UTC)),
    ] == rows


def test_limit_is_reported(store: Store) -> None:
    """More rows than the limit: the first ones, and the result says some were left out."""
    fill(store, [deal(i, owner=f"u{i}") for i in range(5)])

    cut = run_report(store, Report(group_by=["owner_id"], limit=3))
    whole = run_report(store, Report(group_by=["owner_id"], limit=5))

    assert (["u0", "u1", "u2"], True) == ([r.groups["owner_id"] for r in cut.rows], cut.truncated)
    assert (5, False) == (len(whole.rows), whole.truncated)


def test_deleted_deals_left_out(store: Store) -> None:
    """A deleted deal is in no figure."""
    fill(store, [deal(1), deal(2)])
    store.deals.delete("d001")

    (row,) = run_report(store, Report()).rows

    assert {"count": 1} == row.values


def test_sql_shown_on_sql_stores(store: Store) -> None:
    """A SQL store's result shows the one statement it ran; a memory store's shows none."""
    result = run_report(store, Report(group_by=["owner_id"]))

    if isinstance(store, MemoryStore):
        assert result.sql is None
    else:
        assert result.sql is not None
        assert "GROUP BY" in result.sql


BAD = [
    (
        Report(group_by=["colour"]),
        "group_by[0].field",
        "reports.unknown_field",
        "unknown field 'colour'",
    ),
    (
        Report(aggregates=[Aggregate("count"), Aggregate("sum", "budget")]),
        "aggregates[1].field",
        "reports.unknown_field",
        "unknown field 'budget'",
    ),
    (
        Report(aggregates=[Aggregate("sum", "title")]),
        "aggregates[0].op",
        "reports.aggregate_type",
        "cannot take the sum of 'title', a text field",
    ),
    (
        Report(aggregates=[Aggregate("avg", "owner_id")]),
        "aggregates[0].op",
        "reports.aggregate_type",
        "avg of 'owner_id'",
    ),
    (
        Report(aggregates=[Aggregate("max", "stage_id")]),
        "aggregates[0].op",
        "reports.aggregate_type",
        "max of 'stage_id', a picklist field",
    ),
    (
        Report(group_by=["owner_id", Grouping("amount", "month")]),
        "group_by[1].bucket",
        "reports.group_type",
        "a month bucket needs a date or datetime field; 'amount' is money",
    ),
    (
        Report(group_by=[Grouping("owner_id", "week")]),
        "group_by[0].bucket",
        "reports.group_type",
        "'owner_id' is text",
    ),
    (
        Report(group_by=["created_at"]),
        "group_by[0].field",
        "reports.group_type",
        "a datetime field (give it a bucket)",
    ),
]


@pytest.mark.parametrize(("report", "path", "code", "words"), BAD)
def test_bad_fields(store: Store, report: Report, path: str, code: str, words: str) -> None:
    """A report that does not fit the store's fields is refused before reading a deal."""
    with pytest.raises(ConfigError) as caught:
        run_report(store, report)

    assert (path, code) == (caught.value.path, caught.value.code)
    assert words in str(caught.value)


def test_custom_fields_count() -> None:
    """The store's custom deal fields are fields a report may use."""
    store = MemoryStore()
    store.use_pipelines([PIPELINE])
    store.define_fields("deal", {"seats": "number"})
    store.deals.add(PIPELINE.new_deal(title="a", custom={"seats": Decimal(3)}))
    store.deals.add(PIPELINE.new_deal(title="b", custom={"seats": Decimal("4.5")}))

    (row,) = run_report(store, Report(aggregates=[Aggregate("sum", "seats")])).rows

    assert {"sum_seats": Decimal("7.5")} == row.values


def test_bad_filter(store: Store) -> None:
    """A filter that does not compile, or is not TRUE/FALSE, is a FormulaError."""
    with pytest.raises(FormulaError) as unknown:
        run_report(store, Report(where="colour = 'red'"))
    with pytest.raises(FormulaError) as not_bool:
        run_report(store, Report(aggregates=[Aggregate("count", where="amount")]))

    assert ("expr.unknown_field", "expr.type_mismatch") == (unknown.value.code, not_bool.value.code)


def test_not_a_report(store: Store) -> None:
    """Anything but a Report is a ValidationError."""
    with pytest.raises(ValidationError, match="expected a Report"):
        run_report(store, {"group_by": []})  # type: ignore[arg-type]  # the point of the test


def test_memory_reports_load_no_sqlalchemy() -> None:
    """A report on a memory store never loads SQLAlchemy."""
    import subprocess  # noqa: PLC0415 - only this test runs a fresh interpreter
    import sys  # noqa: PLC0415

    code = (
        "import sys\n"
        "from crmkit.storage import MemoryStore\n"
        "from crmkit.reports import Report, run_report\n"
        "run_report(MemoryStore(), Report(group_by=['owner_id']))\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter on our own probe
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert "False" == done.stdout.strip()


def test_custom_fields_on_every_backend(store: Store) -> None:
    """Custom number, money, date, datetime and bool fields group and add up alike."""
    store.define_fields(
        "deal",
        {
            "seats": "number",
            "budget": "money",
            "signed": "date",
            "seen": "datetime",
            "vip": "bool",
        },
    )
    eur = lambda v: Money(Decimal(v), "EUR")  # noqa: E731 - a short name for the table
    values = [
        {"seats": Decimal(3), "budget": eur("10.5"), "signed": date(2024, 5, 2), "vip": True},
        {"seats": Decimal("4.5"), "budget": eur("20"), "signed": date(2024, 5, 30), "vip": True},
        {"budget": Money(Decimal(7), "USD"), "seen": datetime(2024, 6, 1, 23, 59, tzinfo=UTC)},
        {"vip": False, "seen": datetime(2024, 6, 2, 0, 1, tzinfo=UTC)},
    ]
    store.deals.bulk_upsert(
        PIPELINE.new_deal(title=f"deal {i}", id=f"c{i}", custom=custom)
        for i, custom in enumerate(values)
    )
    report = Report(
        group_by=[Grouping("vip"), Grouping("signed", "month")],
        aggregates=[
            Aggregate("count"),
            Aggregate("sum", "budget"),
            Aggregate("avg", "seats"),
            Aggregate("max", "seen"),
        ],
    )

    rows = [r.to_dict() for r in run_report(store, report).rows]

    assert [
        {"vip": None, "signed:month": None, "currency": "USD", "count": 1,
         "sum_budget": Money(Decimal(7), "USD"), "avg_seats": None,
         "max_seen": datetime(2024, 6, 1, 23, 59, tzinfo=UTC)},
        {"vip": False, "signed:month": None, "currency": None, "count": 1,
         "sum_budget": None, "avg_seats": None,
         "max_seen": datetime(2024, 6, 2, 0, 1, tzinfo=UTC)},
        {"vip": True, "signed:month": date(2024, 5, 1), "currency": "EUR", "count": 2,
         "sum_budget": eur("30.5"), "avg_seats": Decimal("3.75"), "max_seen": None},
    ] == rows  # fmt: skip
