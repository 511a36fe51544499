"""Report definitions as data: round trips, and bad shapes refused with their paths."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ConfigError
from crmkit.reports import BUCKETS, OPERATIONS, WEEKDAYS, Aggregate, Grouping, Report

_NAMES = st.sampled_from(["owner_id", "stage_id", "lead_source", "amount", "close_date"])


@st.composite
def reports(draw: st.DrawFn) -> Report:
    """Reports of every shape (their fields need not fit a schema)."""
    groups = draw(
        st.lists(
            st.builds(
                Grouping,
                field=_NAMES,
                bucket=st.none() | st.sampled_from(BUCKETS),
                week_start=st.sampled_from(WEEKDAYS),
            ),
            max_size=3,
            unique_by=lambda g: g.key,
        )
    )
    ops = st.sampled_from(OPERATIONS)
    aggregates = draw(
        st.lists(
            st.builds(
                Aggregate,
                op=ops,
                field=_NAMES,
                where=st.none() | st.just("stage_kind = 'won'"),
            ),
            min_size=1,
            max_size=4,
            unique_by=lambda a: a.key,
        )
    )
    where = draw(st.none() | st.just("close_date >= DATE(2024, 1, 1)"))
    limit = draw(st.integers(1, 10_000))
    return Report(where=where, group_by=groups, aggregates=aggregates, limit=limit)


@given(reports())
def test_dict_round_trip(report: Report) -> None:
    """A report converted to JSON and back is equal to itself."""
    raw = json.loads(json.dumps(report.to_dict()))

    assert report == Report.from_dict(raw)


def test_defaults() -> None:
    """A report of nothing counts every deal in one row."""
    report = Report.from_dict({})

    assert (report.primary, report.group_by, report.aggregates) == (
        "deals",
        (),
        (Aggregate("count"),),
    )


def test_grouping_by_name() -> None:
    """A grouping may be written as its field's name alone."""
    report = Report.from_dict(
        {"group_by": ["owner_id", {"field": "close_date", "bucket": "month"}]}
    )

    assert [g.key for g in report.group_by] == ["owner_id", "close_date:month"]


def test_keys() -> None:
    """Row keys default to the field, the operation and the bucket; a name replaces them."""
    report = Report(
        group_by=[Grouping("close_date", "week", week_start="sunday")],
        aggregates=[Aggregate("count"), Aggregate("sum", "amount"), Aggregate("count", name="won")],
    )

    assert [a.key for a in report.aggregates] == ["count", "sum_amount", "won"]


BAD: list[tuple[dict[str, Any], str, str, str]] = [
    ({"limit": 0}, "limit", "config.invalid", "at least 1"),
    ({"limit": -5}, "limit", "config.invalid", "at least 1"),
    ({"limit": "10"}, "limit", "config.invalid", "expected int"),
    ({"limit": 2.5}, "limit", "config.invalid", "expected int"),
    ({"primary": "tickets"}, "primary", "config.invalid", "unknown primary object 'tickets'"),
    (
        {"group_by": ["owner_id", {"field": "close_date", "bucket": "fortnight"}]},
        "group_by[1].bucket",
        "config.invalid",
        "unknown bucket 'fortnight'",
    ),
    (
        {"group_by": [{"field": "close_date", "bucket": "week", "week_start": "funday"}]},
        "group_by[0].week_start",
        "config.invalid",
        "unknown weekday 'funday'",
    ),
    ({"group_by": [{"bucket": "week"}]}, "group_by[0].field", "config.missing", "required"),
    ({"group_by": [{"field": "x", "colour": 1}]}, "group_by[0]", "config.unknown_key", "colour"),
    ({"group_by": "owner_id"}, "group_by", "config.invalid", "expected a list"),
    (
        {"aggregates": [{"op": "median", "field": "amount"}]},
        "aggregates[0].op",
        "config.invalid",
        "median",
    ),
    ({"aggregates": [{"op": "sum"}]}, "aggregates[0].field", "config.missing", "sum needs a field"),
    ({"aggregates": []}, "aggregates", "config.missing", "at least one figure"),
    (
        {"aggregates": [{"op": "count"}, {"op": "count", "where": "amount > 0"}]},
        "aggregates[1].name",
        "config.duplicate",
        "'count' is used by aggregates[0]",
    ),
    (
        {"group_by": ["owner_id"], "aggregates": [{"op": "count", "name": "owner_id"}]},
        "aggregates[0].name",
        "config.duplicate",
        "used by group_by[0]",
    ),
    ({"where": 5}, "where", "config.invalid", "expected str"),
]


@pytest.mark.parametrize(("data", "path", "code", "words"), BAD)
def test_bad_shape(data: dict[str, Any], path: str, code: str, words: str) -> None:
    """A bad value is a ConfigError with its path, a stable code and a message saying why."""
    with pytest.raises(ConfigError) as caught:
        Report.from_dict(data)

    assert (path, code) == (caught.value.path, caught.value.code)
    assert words in str(caught.value)


def test_built_by_hand_is_checked() -> None:
    """A report built in Python is checked as one read from data."""
    with pytest.raises(ConfigError, match=r"limit: expected a whole number") as caught:
        Report(limit=0)

    assert "config.invalid" == caught.value.code


def test_not_a_mapping() -> None:
    """Data that is not a mapping is refused at the root."""
    with pytest.raises(ConfigError, match="expected a report as a mapping"):
        Report.from_dict([])  # type: ignore[arg-type]  # the point of the test


def test_pickles() -> None:
    """A report pickles intact (a worker process can run it)."""
    report = Report(group_by=["owner_id"], aggregates=[Aggregate("sum", "amount")])

    assert report == pickle.loads(pickle.dumps(report))  # noqa: S301 - our own data
