"""For random policies, users and records, filtering in SQL returns exactly what check allows.

Once over a plain table, and once over deals kept in each store backend, through the
store's own filter compilation.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmkit.expr import compile as compile_expr
from crmkit.permissions import Action, Grant, Policy, Role, Scope, User
from crmkit.pipeline import Deal, Pipeline
from crmkit.storage import MemoryStore, SqlStore, Store
from crmkit.values import Money

FIELDS = {"owner_id": "text", "amount": "number", "stage_kind": "text"}
CONDITIONS = [
    None,
    "amount > 100",
    "stage_kind = 'open'",
    "NOT(stage_kind = 'won')",
    "AND(amount >= 50, stage_kind <> 'lost')",
    "OR(ISBLANK(amount), amount < 100)",
    "stage_kind <> 'open'",
]
USER_IDS = ["ann", "bo", "o'neil", "dee", "ed"]
ACTIONS = [Action.READ, Action.UPDATE]


@st.composite
def policies(
    draw: st.DrawFn,
    conditions: list[str | None] = CONDITIONS,  # read, never changed
    fields: dict[str, str] = FIELDS,  # read, never changed
) -> Policy:
    """Random role trees, grants with random scopes and conditions, and users holding them."""
    names = [f"r{i}" for i in range(draw(st.integers(1, 4)))]
    roles = []
    for i, name in enumerate(names):
        grants = draw(
            st.lists(
                st.builds(
                    Grant,
                    object_type=st.just("deal"),
                    actions=st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2),
                    scope=st.sampled_from(list(Scope)),
                    condition=st.sampled_from(conditions),
                ),
                max_size=3,
            )
        )
        parent = draw(st.sampled_from([None, *names[:i]]))
        roles.append(Role(name=name, parent=parent, grants=grants))
    ids = USER_IDS[: draw(st.integers(1, len(USER_IDS)))]
    users = [
        User(
            id=uid,
            roles=draw(st.lists(st.sampled_from(names), max_size=2)),
            team=draw(st.sampled_from([None, "n", "s"])),
            manager=draw(st.sampled_from([None, *ids[:i]])),
        )
        for i, uid in enumerate(ids)
    ]
    return Policy(roles=roles, users=users, schemas={"deal": fields})


records = st.lists(
    st.fixed_dictionaries(
        {
            "owner_id": st.sampled_from([None, "stranger", *USER_IDS]),
            "amount": st.sampled_from([None, Decimal(0), Decimal(50), Decimal(100), Decimal(500)]),
            "stage_kind": st.sampled_from([None, "open", "won", "lost"]),
        }
    ),
    max_size=12,
)

_METADATA = sa.MetaData()
DEALS = sa.Table(
    "perm_deals",
    _METADATA,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("owner_id", sa.String),
    sa.Column("amount", sa.Numeric(12, 2)),
    sa.Column("stage_kind", sa.String),
)


def _same_rows(engine: sa.Engine, policy: Policy, rows: list[dict[str, Any]]) -> None:
    rows = [{"id": f"d{i}", **row} for i, row in enumerate(rows)]
    with engine.begin() as conn:
        conn.execute(DEALS.delete())
        if rows:
            conn.execute(DEALS.insert(), rows)
    columns = {name: DEALS.c[name] for name in FIELDS}
    for user in policy.users:
        for action in ACTIONS:
            expected = {r["id"] for r in rows if policy.check(user, action, r, object_type="deal")}
            found = policy.filter(user, action, "deal")
            if found.everything:
                selected = {r["id"] for r in rows}
            elif found.nothing:
                selected = set()
            else:
                assert found.source is not None
                clause = compile_expr(found.source, FIELDS).to_sql(columns)
                with engine.connect() as conn:
                    selected = set(conn.scalars(sa.select(DEALS.c.id).where(clause)))

            assert selected == expected, (user.id, action, found.source)


@pytest.fixture(scope="module")
def sqlite_engine() -> Iterator[sa.Engine]:
    """An in-memory SQLite database with the deals table."""
    engine = sa.create_engine("sqlite://")
    _METADATA.create_all(engine)
    yield engine
    engine.dispose()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(policies(), records)
def test_sqlite_filter_matches_check(
    sqlite_engine: sa.Engine, policy: Policy, rows: list[dict[str, Any]]
) -> None:
    """SQLite returns exactly the rows check() allows, for every user and action."""
    _same_rows(sqlite_engine, policy, rows)


@pytest.mark.postgresql
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(policies(), records)
def test_postgresql_filter_matches_check(
    pg_engine: sa.Engine, policy: Policy, rows: list[dict[str, Any]]
) -> None:
    """PostgreSQL returns exactly the rows check() allows, for every user and action."""
    _same_rows(pg_engine, policy, rows)


@pytest.fixture
def pg_engine(pg_url: str, pg_schema: str) -> Iterator[sa.Engine]:
    """A PostgreSQL engine whose connections work in a schema of their own."""
    engine = sa.create_engine(pg_url, connect_args={"options": f"-csearch_path={pg_schema}"})
    _METADATA.create_all(engine)
    yield engine
    engine.dispose()


# deals in a store --------------------------------------------------------------------------

FUNNEL = Pipeline.from_dict(
    {
        "id": "sales",
        "fields": {"run": "number"},
        "stages": [
            {"id": "prospecting"},
            {"id": "quote"},
            {"id": "closed_won", "kind": "won"},
            {"id": "closed_lost", "kind": "lost"},
        ],
    }
)
DEAL_SCHEMA = {"stage_id": "picklist", "amount": "money", "lead_source": "picklist"}
DEAL_CONDITIONS = [
    None,
    "amount > 100",
    "IN(stage_id, 'prospecting', 'quote')",
    "NOT(stage_id = 'closed_won')",
    "AND(amount >= 50, stage_id <> 'closed_lost')",
    "OR(ISBLANK(amount), amount < 100)",
    "ISBLANK(lead_source)",
]
deal_rows = st.lists(
    st.tuples(
        st.sampled_from([None, "stranger", *USER_IDS]),
        st.sampled_from([None, 0, 50, 100, 500]),
        st.sampled_from([s.id for s in FUNNEL.config.stages]),
        st.sampled_from([None, "web"]),
    ),
    max_size=10,
)
_RUNS = itertools.count()


@pytest.fixture(
    params=["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def deal_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A store on each backend that knows the funnel; every example adds its own deals."""
    if request.param == "memory":
        store: Store = MemoryStore()
    elif request.param == "sqlite":
        store = SqlStore(f"sqlite:///{tmp_path}/deals.db")
    else:
        schema = request.getfixturevalue("pg_schema")
        store = SqlStore(request.getfixturevalue("pg_url"), schema=schema)
    store.use_pipelines([FUNNEL])
    yield store
    store.close()


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(policies(DEAL_CONDITIONS, DEAL_SCHEMA), deal_rows)
def test_store_filter_on_deals_matches_check(
    deal_store: Store, policy: Policy, rows: list[tuple[str | None, int | None, str, str | None]]
) -> None:
    """A store lists exactly the deals check() allows, for every user and action."""
    run = next(_RUNS)  # the store outlives an example: each one tags and reads its own deals
    deal_store.deals.bulk_upsert(
        Deal(
            id=f"r{run}-{i}",
            title="Deal",
            pipeline_id="sales",
            stage_id=stage,
            owner_id=owner,
            amount=None if amount is None else Money.of(amount, "EUR"),
            lead_source=source,
            lost_reason="price" if stage == "closed_lost" else None,
            custom={"run": run},
        )
        for i, (owner, amount, stage, source) in enumerate(rows)
    )
    stored = deal_store.deals.find(f"run = {run}", limit=100)
    for user in policy.users:
        for action in ACTIONS:
            expected = {d.id for d in stored if policy.check(user, action, d)}
            found = policy.filter(user, action, "deal").and_where(f"run = {run}")
            selected = set()
            if not found.nothing:
                assert found.source is not None
                selected = {d.id for d in deal_store.deals.find(found.source, limit=100)}

            assert selected == expected, (user.id, action, found.source)
