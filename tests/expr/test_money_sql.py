"""Money formulas compiled to SQL give what evaluate gives, on SQLite and on PostgreSQL."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crmkit.errors import FormulaError
from crmkit.expr import compile
from crmkit.values import Money

# SQL columns hold the amounts of money fields of one fixed currency
FIELDS = {"m": "money:EUR", "w": "money:EUR", "a": "number", "f": "bool"}


def _table() -> sa.Table:
    return sa.Table(
        f"money_{uuid.uuid4().hex[:10]}",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("m", sa.Numeric(14, 2)),
        sa.Column("w", sa.Numeric(14, 2)),
        sa.Column("a", sa.Numeric(12, 2)),
        sa.Column("f", sa.Boolean),
    )


_NUM = st.one_of(
    st.sampled_from(["a", "NULL", "0"]),
    st.integers(-50, 50).map(lambda n: f"({n})" if n < 0 else str(n)),
    st.decimals(0, 1000, places=2).map(str),
)
_BOOL = st.sampled_from(["f", "TRUE", "FALSE", "ISBLANK(m)", "a > 0"])


def _money(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return st.sampled_from(["m", "w"])
    sub = _money(depth - 1)
    return st.one_of(
        sub,
        st.tuples(sub, st.sampled_from(["+", "-", "*", "/"]), _NUM).map(
            lambda x: f"({x[0]} {x[1]} {x[2]})"
        ),
        st.tuples(_NUM, st.sampled_from(["+", "-", "*"]), sub).map(
            lambda x: f"({x[0]} {x[1]} {x[2]})"
        ),
        st.tuples(sub, st.sampled_from(["+", "-"]), sub).map(lambda x: f"({x[0]} {x[1]} {x[2]})"),
        sub.map(lambda x: f"-{x}"),
        sub.map(lambda x: f"ABS({x})"),
        st.tuples(_BOOL, sub, _NUM).map(lambda x: f"IF({x[0]}, {x[1]}, {x[2]})"),
        st.tuples(_BOOL, _NUM, sub).map(lambda x: f"IF({x[0]}, {x[1]}, {x[2]})"),
        st.tuples(sub, _NUM).map(lambda x: f"BLANKVALUE({x[0]}, {x[1]})"),
        st.tuples(sub, _NUM).map(lambda x: f"NULLVALUE({x[0]}, {x[1]})"),
        st.tuples(_BOOL, sub, _NUM, sub).map(
            lambda x: f"CASE({x[0]}, TRUE, {x[1]}, FALSE, {x[2]}, {x[3]})"
        ),
    )


_CMP = st.sampled_from(["=", "<>", "<", "<=", ">", ">="])
_FORMULAS = st.one_of(
    _money(2),
    st.tuples(_money(1), _CMP, st.one_of(_NUM, _money(1))).map(lambda x: f"{x[0]} {x[1]} {x[2]}"),
    st.tuples(_money(1), _money(1)).map(lambda x: f"{x[0]} / {x[1]}"),
    st.tuples(_money(1), _NUM, _NUM).map(lambda x: f"IN({x[0]}, {x[1]}, {x[2]})"),
)
_AMOUNT = st.one_of(st.none(), st.just(Decimal(0)), st.decimals(-(10**6), 10**6, places=2))
_ROWS = st.lists(
    st.fixed_dictionaries(
        {"m": _AMOUNT, "w": _AMOUNT, "a": _AMOUNT, "f": st.one_of(st.none(), st.booleans())}
    ),
    min_size=1,
    max_size=5,
)


def _record(row: dict[str, Any]) -> dict[str, Any]:
    money = {k: None if row[k] is None else Money(row[k], "EUR") for k in ("m", "w")}
    return {**row, **money}


def _same(expected: object, actual: object) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool):
        return expected == bool(actual)
    if isinstance(expected, Money):
        if expected.currency != "EUR":
            return False
        expected = expected.amount
    assert isinstance(expected, Decimal)
    return math.isclose(float(expected), float(actual), rel_tol=1e-9, abs_tol=1e-6)  # type: ignore[arg-type]


def _check(
    engine: sa.Engine, table: sa.Table, source: str, rows: list[dict[str, Any]], blanks: bool
) -> None:
    try:
        expr = compile(source, FIELDS, blanks_as_zero=blanks, division_by_zero="blank")
    except FormulaError as exc:
        assume("always blank" not in str(exc))
        raise
    try:
        expected = [expr.evaluate(_record(row)) for row in rows]
    except FormulaError:
        assume(False)
    sql = expr.to_sql({name: table.c[name] for name in FIELDS})
    with engine.begin() as conn:
        conn.execute(table.delete())
        conn.execute(table.insert(), [{"id": i, **row} for i, row in enumerate(rows)])
        actual = [
            r[0] for r in conn.execute(sa.select(sql).select_from(table).order_by(table.c.id))
        ]
    for row, want, got in zip(rows, expected, actual, strict=True):
        assert _same(want, got), f"{source} on {row}: evaluate={want!r} sql={got!r}"


@pytest.fixture(scope="module")
def sqlite_money(sqlite_engine: sa.Engine) -> Iterator[sa.Table]:
    """A table of money rows on SQLite."""
    table = _table()
    table.metadata.create_all(sqlite_engine)
    yield table
    table.metadata.drop_all(sqlite_engine)


@pytest.fixture(scope="module")
def pg_money(pg_engine: sa.Engine) -> Iterator[sa.Table]:
    """A table of money rows on PostgreSQL, named uniquely and dropped afterwards."""
    table = _table()
    table.metadata.create_all(pg_engine)
    yield table
    table.metadata.drop_all(pg_engine)


_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)


@_SETTINGS
@given(source=_FORMULAS, rows=_ROWS, blanks=st.booleans())
def test_sqlite_money_agrees_with_evaluate(
    sqlite_engine: sa.Engine,
    sqlite_money: sa.Table,
    source: str,
    rows: list[dict[str, Any]],
    blanks: bool,
) -> None:
    """On SQLite, money formulas (numbers beside money, blanks as zero) match evaluate."""
    _check(sqlite_engine, sqlite_money, source, rows, blanks)


@pytest.mark.postgresql
@_SETTINGS
@given(source=_FORMULAS, rows=_ROWS, blanks=st.booleans())
def test_postgresql_money_agrees_with_evaluate(
    pg_engine: sa.Engine, pg_money: sa.Table, source: str, rows: list[dict[str, Any]], blanks: bool
) -> None:
    """On PostgreSQL, money formulas (numbers beside money, blanks as zero) match evaluate."""
    _check(pg_engine, pg_money, source, rows, blanks)


@pytest.mark.parametrize(
    "source", ["IF(f, m, 0)", "BLANKVALUE(m, 0) + 100", "m * 0.05 > a", "100 - m", "m / w"]
)
def test_sqlite_money_examples(
    sqlite_engine: sa.Engine, sqlite_money: sa.Table, source: str
) -> None:
    """Everyday money formulas agree on SQLite for blank, zero and negative amounts."""
    rows: list[dict[str, Any]] = [
        {"m": None, "w": None, "a": None, "f": True},
        {"m": Decimal("0"), "w": Decimal(5), "a": Decimal(1), "f": False},
        {"m": Decimal("-12.50"), "w": None, "a": None, "f": None},
    ]
    for blanks in (False, True):
        _check(sqlite_engine, sqlite_money, source, rows, blanks)
