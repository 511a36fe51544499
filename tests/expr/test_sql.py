"""The SQL compiler agrees with Python evaluation, on SQLite and on PostgreSQL."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crmkit.errors import FormulaError
from crmkit.expr import Function, compile

FIELDS = {"a": "number", "b": "number", "s": "text", "p": "picklist", "f": "bool", "d": "date"}
_ALPHABET = "abAB %_!-"


def _table() -> sa.Table:
    return sa.Table(
        f"expr_{uuid.uuid4().hex[:10]}",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Numeric(12, 2)),
        sa.Column("b", sa.Numeric(12, 2)),
        sa.Column("s", sa.String(40)),
        sa.Column("p", sa.String(40)),
        sa.Column("f", sa.Boolean),
        sa.Column("d", sa.Date),
    )


def _columns(table: sa.Table) -> dict[str, sa.ColumnElement[Any]]:
    return {name: table.c[name] for name in FIELDS}


# -- formula generators: each returns source text of one type -----------------------------
_NUM_LEAF = st.one_of(
    st.sampled_from(["a", "b", "NULL"]),
    st.integers(-20, 20).map(lambda n: f"({n})" if n < 0 else str(n)),
    st.decimals(0, 100, places=2).map(str),
)
_TEXT_LEAF = st.one_of(
    st.sampled_from(["s", "p", "NULL", "''"]),
    st.text(_ALPHABET, max_size=3).map(lambda t: f"'{t}'"),
)
_DATE_LEAF = st.sampled_from(["d", "DATE(2024, 2, 28)", "NULL"])
_DAY_LEAF = st.sampled_from(["d", "DATE(2024, 2, 28)"])


def _num(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return _NUM_LEAF
    sub, b, t = _num(depth - 1), _bool(depth - 1), _text(depth - 1)
    return st.one_of(
        _NUM_LEAF,
        st.tuples(sub, st.sampled_from(["+", "-", "*", "/"]), sub).map(
            lambda x: f"({x[0]} {x[1]} {x[2]})"
        ),
        sub.map(lambda x: f"-{x}"),
        st.tuples(b, sub, sub).map(lambda x: f"IF({x[0]}, {x[1]}, {x[2]})"),
        st.tuples(sub, sub).map(lambda x: f"BLANKVALUE({x[0]}, {x[1]})"),
        st.tuples(sub, sub).map(lambda x: f"NULLVALUE({x[0]}, {x[1]})"),
        st.tuples(t, sub, sub).map(lambda x: f"CASE({x[0]}, 'a', {x[1]}, 'b', 2, {x[2]})"),
        t.map(lambda x: f"LEN({x})"),
        sub.map(lambda x: f"ABS({x})"),
        st.tuples(_DAY_LEAF, _DAY_LEAF).map(lambda x: f"({x[0]} - {x[1]})"),
    )


def _text(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return _TEXT_LEAF
    sub, b = _text(depth - 1), _bool(depth - 1)
    return st.one_of(
        _TEXT_LEAF,
        st.tuples(sub, sub).map(lambda x: f"({x[0]} & {x[1]})"),
        st.tuples(st.sampled_from(["UPPER", "LOWER", "TRIM"]), sub).map(
            lambda x: f"{x[0]}({x[1]})"
        ),
        st.tuples(b, sub, sub).map(lambda x: f"IF({x[0]}, {x[1]}, {x[2]})"),
        st.tuples(sub, sub).map(lambda x: f"BLANKVALUE({x[0]}, {x[1]})"),
    )


def _date(depth: int) -> st.SearchStrategy[str]:
    days = st.one_of(st.sampled_from(["a", "b", "NULL", "1.5", "(-3)"]))
    return st.one_of(
        _DATE_LEAF,
        st.tuples(_DAY_LEAF, st.sampled_from(["+", "-"]), days).map(
            lambda x: f"({x[0]} {x[1]} {x[2]})"
        ),
    )


def _bool(depth: int) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(["f", "TRUE", "FALSE"])
    if depth == 0:
        return leaf
    n, t, sub = _num(depth - 1), _text(depth - 1), _bool(depth - 1)
    cmp = st.sampled_from(["=", "<>", "<", "<=", ">", ">="])
    return st.one_of(
        leaf,
        st.tuples(n, cmp, n).map(lambda x: f"({x[0]} {x[1]} {x[2]})"),
        st.tuples(t, cmp, t).map(lambda x: f"({x[0]} {x[1]} {x[2]})"),
        st.tuples(_date(0), cmp, _date(0)).map(lambda x: f"({x[0]} {x[1]} {x[2]})"),
        st.tuples(st.sampled_from(["AND", "OR"]), sub, sub).map(
            lambda x: f"{x[0]}({x[1]}, {x[2]})"
        ),
        sub.map(lambda x: f"NOT({x})"),
        st.tuples(sub, sub).map(lambda x: f"({x[0]} && {x[1]})"),
        st.sampled_from(["ISBLANK(s)", "ISBLANK(a)", "ISBLANK(d)", "ISBLANK(f)"]),
        st.tuples(st.sampled_from(["CONTAINS", "BEGINS"]), t, t).map(
            lambda x: f"{x[0]}({x[1]}, {x[2]})"
        ),
        t.map(lambda x: f"ISPICKVAL(p, {x})"),
        st.tuples(sub, sub, sub).map(lambda x: f"IF({x[0]}, {x[1]}, {x[2]})"),
        _member(n),
        _member(t),
        _member(_date(0)),
        _member(leaf),
    )


def _member(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``IN(value, candidates...)`` over one kind of value."""
    return st.tuples(values, st.lists(values, min_size=1, max_size=4)).map(
        lambda x: f"IN({x[0]}, {', '.join(x[1])})"
    )


_FORMULAS = st.one_of(_num(2), _text(2), _bool(2), _date(1))
_ROWS = st.lists(
    st.fixed_dictionaries(
        {
            "a": st.one_of(st.none(), st.just(Decimal(0)), st.decimals(-1000, 1000, places=2)),
            "b": st.one_of(st.none(), st.just(Decimal(0)), st.decimals(-1000, 1000, places=2)),
            "s": st.one_of(st.none(), st.text(_ALPHABET, max_size=4)),
            "p": st.one_of(st.none(), st.sampled_from(["a", "b", "A", ""])),
            "f": st.one_of(st.none(), st.booleans()),
            "d": st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2030, 12, 31))),
        }
    ),
    min_size=1,
    max_size=6,
)


def _same(expected: object, actual: object) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool):
        return expected == bool(actual)
    if isinstance(expected, Decimal):
        return math.isclose(float(expected), float(actual), rel_tol=1e-9, abs_tol=1e-6)  # type: ignore[arg-type]
    return expected == actual


def _check_agreement(
    engine: sa.Engine, table: sa.Table, source: str, rows: list[dict[str, Any]]
) -> None:
    try:
        # SQL cannot raise per row, so it divides by NULLIF(divisor, 0): compare it with
        # evaluate under the same rule (the one store filters use)
        expr = compile(source, FIELDS, division_by_zero="blank")
    except FormulaError as exc:
        # the generator can build formulas of only NULLs, which have no type
        assume("always blank" not in str(exc))
        raise
    try:
        expected = [expr.evaluate(row) for row in rows]
    except FormulaError:
        assume(False)
        return
    sql = expr.to_sql(_columns(table))
    is_bool = expr.result_type == "bool"
    with engine.begin() as conn:
        conn.execute(table.delete())
        conn.execute(table.insert(), [{"id": i, **row} for i, row in enumerate(rows)])
        query = sa.select(sql).select_from(table).order_by(table.c.id)
        actual = [r[0] for r in conn.execute(query)]
        wheres = (
            [
                {r[0] for r in conn.execute(sa.select(table.c.id).where(clause))}
                for clause in (sql, expr.to_sql(_columns(table), where=True))
            ]
            if is_bool
            else []
        )
    for row, want, got in zip(rows, expected, actual, strict=True):
        assert _same(want, got), f"{source} on {row}: evaluate={want!r} sql={got!r}"
    for where in wheres:  # the value as a condition, and the form made for WHERE clauses
        assert {i for i, want in enumerate(expected) if want} == where


@pytest.fixture(scope="module")
def sqlite_table(sqlite_engine: sa.Engine) -> Iterator[sa.Table]:
    """A table of generated rows on SQLite."""
    table = _table()
    table.metadata.create_all(sqlite_engine)
    yield table
    table.metadata.drop_all(sqlite_engine)


@pytest.fixture(scope="module")
def pg_table(pg_engine: sa.Engine) -> Iterator[sa.Table]:
    """A table of generated rows on PostgreSQL, named uniquely and dropped afterwards."""
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
@given(source=_FORMULAS, rows=_ROWS)
def test_sqlite_agrees_with_evaluate(
    sqlite_engine: sa.Engine, sqlite_table: sa.Table, source: str, rows: list[dict[str, Any]]
) -> None:
    """On SQLite, selecting the compiled formula gives what evaluate gives, row by row."""
    _check_agreement(sqlite_engine, sqlite_table, source, rows)


@pytest.mark.postgresql
@_SETTINGS
@given(source=_FORMULAS, rows=_ROWS)
def test_postgresql_agrees_with_evaluate(
    pg_engine: sa.Engine, pg_table: sa.Table, source: str, rows: list[dict[str, Any]]
) -> None:
    """On PostgreSQL, selecting the compiled formula gives what evaluate gives, row by row."""
    _check_agreement(pg_engine, pg_table, source, rows)


_MEMBERSHIP = st.tuples(
    st.sampled_from(["", "NOT "]),
    st.one_of(_member(_num(1)), _member(_text(1)), _member(_date(0)), _member(_bool(0))),
).map("".join)


@_SETTINGS
@given(source=_MEMBERSHIP, rows=_ROWS)
def test_sqlite_in_agrees_with_evaluate(
    sqlite_engine: sa.Engine, sqlite_table: sa.Table, source: str, rows: list[dict[str, Any]]
) -> None:
    """On SQLite, IN and NOT IN over blanks, literals and expressions match evaluate."""
    _check_agreement(sqlite_engine, sqlite_table, source, rows)


@pytest.mark.postgresql
@_SETTINGS
@given(source=_MEMBERSHIP, rows=_ROWS)
def test_postgresql_in_agrees_with_evaluate(
    pg_engine: sa.Engine, pg_table: sa.Table, source: str, rows: list[dict[str, Any]]
) -> None:
    """On PostgreSQL, IN and NOT IN over blanks, literals and expressions match evaluate."""
    _check_agreement(pg_engine, pg_table, source, rows)


@pytest.mark.parametrize(
    ("source", "rows"),
    [
        ("NOT(a > 1)", [{"a": None}, {"a": Decimal(2)}, {"a": Decimal(0)}]),
        ("CONTAINS(s, '%_!')", [{"s": "x%_!y"}, {"s": "x%a!y"}, {"s": None}]),
        ("BEGINS(s, 'a_')", [{"s": "a_b"}, {"s": "abb"}, {"s": "A_b"}]),
        ("CONTAINS(s, 'AB')", [{"s": "xaby"}, {"s": "xABy"}]),
        ("d + 1.9 = DATE(2024, 3, 1)", [{"d": date(2024, 2, 29)}, {"d": date(2024, 2, 28)}]),
        ("a / b", [{"a": Decimal(5), "b": Decimal(2)}]),
        ("a / b", [{"a": Decimal(5), "b": Decimal(0)}, {"a": Decimal(0), "b": Decimal(0)}]),
        ("a / 0", [{"a": Decimal(5)}, {"a": None}]),
        ("NOT(a / b > 1)", [{"a": Decimal(5), "b": Decimal(0)}, {"a": 5, "b": 2}]),
        ("ISBLANK(a / b)", [{"a": Decimal(5), "b": Decimal(0)}, {"a": 5, "b": 2}]),
        ("BLANKVALUE(a / (b - b), 7)", [{"a": Decimal(5), "b": Decimal(3)}]),
        ("IN(s, 'x', 'y')", [{"s": "x"}, {"s": "z"}, {"s": None}, {"s": ""}]),
        ("NOT(IN(s, 'x', NULL))", [{"s": "x"}, {"s": "z"}, {"s": None}]),
        ("IN(a, b, 2)", [{"a": Decimal(2)}, {"a": Decimal(3)}, {"a": Decimal(3), "b": 3}]),
        ("NOT(IN(a, b))", [{"a": Decimal(1)}, {"a": None, "b": Decimal(1)}, {"a": 1, "b": 1}]),
        ("IN(NULL, a)", [{"a": Decimal(1)}]),
    ],
)
def test_sqlite_edge_cases(
    sqlite_engine: sa.Engine, sqlite_table: sa.Table, source: str, rows: list[dict[str, Any]]
) -> None:
    """Three-valued NOT and IN, LIKE wildcards, case, whole-day dates and division agree."""
    full = [{name: row.get(name) for name in FIELDS} for row in rows]
    _check_agreement(sqlite_engine, sqlite_table, source, full)


@pytest.mark.postgresql
@pytest.mark.parametrize(
    "source",
    [
        "NOT(a > 1)",
        "CONTAINS(s, '%_!')",
        "BEGINS(s, 'a_')",
        "d - 1.9 < d",
        "NOT(IN(s, 'a_b', 'x'))",
        "IN(a, 2, b, NULL)",
        "IN(d, DATE(2024, 1, 1), d + 1)",
        "a / 0",
        "NOT(a / (a - a) > 1)",
        "ISBLANK(a / (a - 2))",
    ],
)
def test_postgresql_edge_cases(pg_engine: sa.Engine, pg_table: sa.Table, source: str) -> None:
    """The same edge cases agree on PostgreSQL."""
    rows = [
        {"a": None, "b": None, "s": "x%_!y", "p": None, "f": None, "d": date(2024, 2, 29)},
        {"a": Decimal(2), "b": None, "s": "a_b", "p": "", "f": True, "d": None},
        {"a": Decimal(0), "b": None, "s": "abb%a!", "p": "a", "f": False, "d": date(2024, 1, 1)},
    ]
    _check_agreement(pg_engine, pg_table, source, rows)


@pytest.mark.parametrize(
    ("source", "function"),
    [
        ("PRIORVALUE(a)", "PRIORVALUE"),
        ("ISCHANGED(a)", "ISCHANGED"),
        ("a ^ 2", "'^'"),
        ("VALUE(s)", "VALUE"),
        ("DATE(YEAR(d), 1, 1)", "DATE"),
    ],
)
def test_functions_without_sql_form(source: str, function: str) -> None:
    """A function with no SQL form raises FormulaError naming it."""
    table = _table()
    expr = compile(source, FIELDS)

    with pytest.raises(FormulaError, match="has no SQL form") as info:
        expr.to_sql(_columns(table))
    assert function == info.value.function


def test_missing_column_is_named() -> None:
    """A field without a column raises FormulaError naming the field."""
    with pytest.raises(FormulaError, match="no column given for field 'b'"):
        compile("a + b", FIELDS).to_sql({"a": sa.column("a")})


def test_literals_are_bound_parameters() -> None:
    """User text never reaches the SQL string: literals are bound parameters."""
    table = _table()
    sql = compile("s = 'x\\'; DROP TABLE t; --'", FIELDS).to_sql(_columns(table))
    compiled = sql.compile()

    assert "DROP" not in str(compiled)
    assert "x'; DROP TABLE t; --" in compiled.params.values()


def test_today_is_bound_from_now(sqlite_engine: sa.Engine, sqlite_table: sa.Table) -> None:
    """TODAY() in SQL uses the ``now`` given to to_sql, as evaluate uses its own."""
    expr = compile("d < TODAY()", FIELDS)
    rows = [{"id": 1, "d": date(2024, 1, 1)}, {"id": 2, "d": date(2025, 1, 1)}]
    with sqlite_engine.begin() as conn:
        conn.execute(sqlite_table.delete())
        conn.execute(sqlite_table.insert(), rows)
        found = (
            conn.execute(
                sa.select(sqlite_table.c.id).where(
                    expr.to_sql(_columns(sqlite_table), now=date(2024, 6, 1))
                )
            )
            .scalars()
            .all()
        )

    assert [1] == found


def test_host_function_with_sql_form() -> None:
    """A host function given a ``sql`` builder compiles to SQL."""
    double = Function("DOUBLE", ["number"], "number", lambda x: x * 2, sql=lambda x: x * 2)
    expr = compile("DOUBLE(a) > 3", FIELDS, functions=[double])

    assert "a * " in str(expr.to_sql({"a": sa.column("a")}))


def test_in_with_literals_is_one_expanding_parameter() -> None:
    """A list of literal candidates binds as one list parameter, not one parameter each."""
    sql = compile("IN(s, 'x', 'y', 'z')", FIELDS).to_sql({"s": sa.column("s")})
    compiled = sql.compile()

    assert [["x", "y", "z"]] == list(compiled.params.values())


def test_where_form_leaves_out_the_coalesce_only_where_the_clause_tests() -> None:
    """Compiled for a WHERE clause, top conditions are bare; under NOT they keep coalesce."""
    columns = {"s": sa.column("s"), "a": sa.column("a")}

    bare = compile("IN(s, 'x', 'y') AND (a > 1 OR CONTAINS(s, 'z'))", FIELDS)
    negated = compile("NOT(IN(s, 'x')) AND a > 1", FIELDS).to_sql(columns, where=True)

    assert "coalesce" in str(bare.to_sql(columns))
    assert "coalesce" not in str(bare.to_sql(columns, where=True))
    assert str(negated).count("coalesce") == 1


def test_to_sql_reuses_the_clause_for_the_same_columns() -> None:
    """The same columns give the same clause back; another table's columns get their own."""
    expr = compile("IN(s, 'x', 'y') AND a > 1", FIELDS)
    first, second = _table(), _table()

    again = expr.to_sql(_columns(first))
    assert again is expr.to_sql(_columns(first))
    other = expr.to_sql(_columns(second))
    assert other is not again
    assert second.name in str(other.compile(compile_kwargs={"literal_binds": True}))


def test_to_sql_with_the_clock_is_built_each_time(
    sqlite_engine: sa.Engine, sqlite_table: sa.Table
) -> None:
    """A formula reading TODAY() binds each call's own ``now``, never a cached one."""
    expr = compile("d < TODAY()", FIELDS)
    columns = _columns(sqlite_table)
    with sqlite_engine.begin() as conn:
        conn.execute(sqlite_table.delete())
        conn.execute(sqlite_table.insert(), [{"id": 1, "d": date(2024, 1, 1)}])
        counts = [
            conn.scalar(
                sa.select(sa.func.count())
                .select_from(sqlite_table)
                .where(expr.to_sql(columns, now=when))
            )
            for when in (date(2023, 6, 1), date(2024, 6, 1))
        ]

    assert [0, 1] == counts
