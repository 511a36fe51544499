"""The public API's types say what they mean; mypy checks these (``mypy --strict tests/typing``).

At run time each ``assert_type`` is a no-op, so this file also runs as an ordinary test.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import assert_type

from crmkit import Company, Contact, Money, amend, from_dict, to_dict
from crmkit.contacts import PersonName, company_match_key, parse_name
from crmkit.expr import Expression, Reference, compile, references
from crmkit.fields import Checked, Computed, FieldDef, Issue, Layout, MoneyOptions, Schema
from crmkit.importers import (
    CleanOptions,
    CleanReport,
    ColumnMapping,
    HeaderMatch,
    ImportPlan,
    ImportReport,
    ReadOptions,
    RowResult,
    SourceRow,
    Table,
    clean_file,
    import_file,
    map_columns,
    normalize_row,
    open_source,
    preview,
    row_to_contact,
)
from crmkit.permissions import (
    Access,
    Change,
    Decision,
    Explanation,
    Filter,
    Grant,
    Policy,
    Role,
    User,
)
from crmkit.pipeline import (
    ActionFailure,
    Deal,
    DueAction,
    MoveCheck,
    Pipeline,
    Pipelines,
    RottingDeal,
    Stage,
    StageAction,
    StageChange,
    StageChanged,
)
from crmkit.pipeline.analytics import FunnelReport, funnel
from crmkit.storage import MemoryStore, loading_history
from crmkit.values import EmailAddress, PhoneNumber, normalize_email, normalize_phone

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
T0 = datetime(2024, 3, 1, tzinfo=UTC)


def test_public_types() -> None:
    """Normalizers, Money, conversion, amend, expressions and stores keep their types."""
    phone = normalize_phone("+12015550123")
    assert_type(phone, PhoneNumber)
    assert_type(normalize_email("a@example.com"), EmailAddress)
    assert_type(parse_name("Ann Lee"), PersonName)
    assert_type(company_match_key("Acme Ltd"), str)

    price = Money.of(10, "EUR")
    assert_type(price + price, Money)
    assert_type(price * 3, Money)
    assert_type(price / 4, Money)
    assert_type(price / price, Decimal)

    contact = Contact(first_name="Ann", phones=[phone])
    assert_type(from_dict(to_dict(contact), Contact), Contact)
    assert_type(amend(contact, job_title="Buyer"), Contact)
    assert_type(amend(Company(name="Acme"), industry="retail"), Company)

    formula = compile("amount * 2", {"amount": "number"})
    assert_type(formula, Expression)
    assert_type(references("amount * 2"), frozenset[str])
    deal_fields = Reference({"amount": "money:EUR"})
    assert_type(deal_fields.currency_of("amount"), str | None)
    assert "EUR" == deal_fields.currency_of("amount")

    store = MemoryStore()
    stored = store.contacts.add(contact)
    assert_type(stored, Contact)
    assert_type(store.contacts.get(stored.id), Contact)
    assert stored.id == contact.id


def _noted(deal: Deal, event: StageChanged) -> None:
    """A stage action that does nothing."""


def test_pipeline_types() -> None:
    """Pipelines, moves, checks, actions, time rules and the funnel keep their types."""
    actions: dict[str, StageAction] = {"note": _noted}
    config = {
        "id": "sales",
        "stages": [
            {"id": "new", "on_exit": ["note"], "rot_after": 3},
            {"id": "won", "kind": "won"},
        ],
    }
    sales = Pipeline.from_dict(config, actions=actions)
    assert_type(sales, Pipeline)
    assert_type(Pipelines.from_dict({"pipelines": [config]}, actions=actions), Pipelines)
    assert_type(sales.actions["note"], StageAction)
    assert_type(sales.stage("new"), Stage)
    assert_type(sales.probability("new"), Decimal)
    deal = sales.new_deal(title="Acme", at=T0)
    assert_type(deal, Deal)
    assert_type(sales.check_move(deal, "won"), MoveCheck)
    assert_type(sales.available_moves(deal), tuple[MoveCheck, ...])
    assert_type(sales.rotting([deal], T0), list[RottingDeal])
    assert_type(sales.due([deal], T0), list[DueAction])
    result = sales.move(deal, "won", actor="ana", at=T0)
    assert_type(result, tuple[Deal, StageChanged])
    moved, event = result
    assert_type(moved.history[-1], StageChange)
    assert_type(sales.run_actions(moved, event), tuple[ActionFailure, ...])
    assert_type(funnel([moved], sales), FunnelReport)
    assert ("won", ("note",)) == (moved.stage_id, event.actions)


def test_fields_types() -> None:
    """A schema's coercion, computation, validation and layout keep their types."""
    schema = Schema(
        "deal", [FieldDef(name="amount", type="money", options=MoneyOptions(currency="EUR"))]
    )
    assert_type(Schema.from_dict(schema.to_dict()), Schema)
    assert_type(schema.field("amount"), FieldDef)
    assert_type(schema.coerce({"amount": "12.50"}), dict[str, object])
    record = {"amount": Money.of(12, "EUR")}
    assert_type(schema.compute(record), Computed)
    assert_type(schema.validate(record), list[Issue])
    assert_type(schema.check(record), Checked)
    assert_type(schema.validate_batch([record]), list[list[Issue]])
    assert_type(schema.layout(record), Layout)
    assert_type(schema.dependents("amount"), tuple[str, ...])
    assert [] == schema.validate(record)


def test_permissions_types() -> None:
    """A policy's decisions, explanations, filters, field access and diffs keep their types."""
    policy = Policy(
        roles=[Role(name="rep", grants=[Grant(object_type="deal", actions=["read"])])],
        users=[User(id="ana", roles=["rep"])],
    )
    assert_type(Policy.from_dict(policy.to_dict()), Policy)
    assert_type(policy.user("ana"), User | None)
    deal = {"id": "d1", "owner_id": "ana"}
    decision = policy.check("ana", "read", deal, object_type="deal")
    assert_type(decision, Decision)
    assert_type(policy.require("ana", "read", deal, object_type="deal"), Decision)
    assert_type(policy.explain("ana", deal, object_type="deal"), Explanation)
    assert_type(policy.filter("ana", "read", "deal"), Filter)
    assert_type(policy.field_access("ana", "deal"), dict[str, Access])
    assert_type(policy.diff(policy), tuple[Change, ...])
    assert decision.allowed


def test_importers_types(tmp_path: Path) -> None:
    """Reading, mapping, normalizing, cleaning, previewing and importing keep their types."""
    path = EXAMPLES / "contacts.csv"
    table = open_source(path)
    assert_type(table, Table)
    mapping = map_columns(table.headers)
    assert_type(mapping, ColumnMapping)
    assert_type(mapping.matches, tuple[HeaderMatch, ...])
    assert_type(mapping.matches[0].field, str | None)
    row = next(table.rows())
    assert_type(row, SourceRow)
    assert_type(normalize_row(row, mapping), RowResult)
    assert_type(row_to_contact({"first_name": "Ann"}), Contact)
    assert_type(preview(path, rows=1), ImportPlan)
    report = clean_file(path, out=tmp_path / "clean.csv")
    assert_type(report, CleanReport)
    assert_type(import_file(path, MemoryStore(), dry_run=True), ImportReport)
    companies = import_file(path, MemoryStore(), kind="company", dry_run=True)
    assert_type(companies, ImportReport)
    assert_type(companies.linked, int)
    with loading_history() as loading:
        assert_type(loading, None)
    assert (tmp_path / "clean.csv").exists()


def test_options_types() -> None:
    """The import options keep their field types and round-trip as their own class."""
    options = CleanOptions(read=ReadOptions(region="PK", sheet=0), workers=2)
    assert_type(options.read, ReadOptions)
    assert_type(options.workers, int)
    assert_type(options.read.sheet, str | int | None)
    assert_type(from_dict(to_dict(options), CleanOptions), CleanOptions)
    assert options.read.region == "PK"
