"""A sales department: head of sales, two managers, reps in two teams, an accountant, a lawyer."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from crmkit.permissions import Access, Action, Filter, Policy
from crmkit.pipeline import Deal, Pipeline, deal_field_types
from crmkit.storage import CustomRecord
from crmkit.values import Money

FUNNEL = Pipeline.from_dict(
    {
        "id": "sales",
        "fields": {"discount": "number", "margin": "number", "notes": "text"},
        "stages": [
            {"id": "prospecting", "probability": "0.1"},
            {"id": "qualification", "probability": "0.2"},
            {"id": "quote", "probability": "0.5"},
            {"id": "negotiation", "probability": "0.8"},
            {"id": "closed_won", "kind": "won"},
            {"id": "closed_lost", "kind": "lost"},
        ],
    }
)
# the pipeline sets each deal's stage_kind from its stage (new_deal, move)
IS_OPEN = "stage_kind = 'open'"
SALES = {
    "version": 1,
    "schemas": {
        "deal": deal_field_types(FUNNEL),
        "contract": {"status": "text"},
    },
    "roles": [
        {
            "name": "head_of_sales",
            "label": "Head of Sales",
            "grants": [
                {
                    "object": "deal",
                    "actions": ["read", "update", "delete", "export", "assign", "bulk_update"],
                    "scope": "subordinates",
                },
                {"object": "contact", "actions": ["import", "export", "merge"], "scope": "all"},
            ],
        },
        {
            "name": "sales_manager",
            "label": "Sales Manager",
            "parent": "head_of_sales",
            "grants": [
                {"object": "deal", "actions": ["read", "update", "assign"], "scope": "team"},
                {"object": "contact", "actions": ["read", "email", "view_notes"], "scope": "team"},
            ],
        },
        {
            "name": "sales_rep",
            "label": "Sales Rep",
            "parent": "sales_manager",
            "grants": [
                {"object": "deal", "actions": ["read", "create", "view_notes"], "scope": "own"},
                {
                    "object": "deal",
                    "actions": ["update"],
                    "scope": "own",
                    "condition": IS_OPEN,
                },
                {
                    "object": "contact",
                    "actions": ["read", "create", "update", "email", "convert"],
                    "scope": "own",
                },
            ],
            "fields": [
                {"object": "deal", "field": "margin", "access": "hidden"},
                {"object": "deal", "field": "discount", "access": "read_only"},
            ],
        },
        {
            "name": "accountant",
            "label": "Accountant",
            "grants": [
                {"object": "deal", "actions": ["read"], "scope": "all"},
                {"object": "invoice", "actions": ["create", "read"], "scope": "all"},
            ],
            "fields": [{"object": "deal", "field": "notes", "access": "hidden"}],
        },
        {
            "name": "lawyer",
            "label": "Lawyer",
            "grants": [
                {"object": "contract", "actions": ["read"], "scope": "all"},
                {
                    "object": "contract",
                    "actions": ["update"],
                    "scope": "all",
                    "condition": "status = 'review'",
                },
            ],
        },
    ],
    "users": [
        {"id": "hana", "name": "Hana", "roles": ["head_of_sales"]},
        {
            "id": "max",
            "name": "Max",
            "roles": ["sales_manager"],
            "team": "north",
            "manager": "hana",
        },
        {
            "id": "nina",
            "name": "Nina",
            "roles": ["sales_manager"],
            "team": "south",
            "manager": "hana",
        },
        {"id": "ali", "name": "Ali", "roles": ["sales_rep"], "team": "north", "manager": "max"},
        {"id": "bea", "name": "Bea", "roles": ["sales_rep"], "team": "north", "manager": "max"},
        {"id": "cem", "name": "Cem", "roles": ["sales_rep"], "team": "south", "manager": "nina"},
        {"id": "acc", "name": "Ada", "roles": ["accountant"]},
        {"id": "law", "name": "Lev", "roles": ["lawyer"]},
    ],
}


@pytest.fixture(scope="module")
def sales() -> Policy:
    """The sales department's policy."""
    return Policy.from_dict(SALES)


def deal(owner: str, stage: str = "quote", **custom: Any) -> Deal:
    """A deal of the funnel owned by *owner*, created in *stage*, with custom field values."""
    return FUNNEL.new_deal(
        id=f"deal-{owner}",
        title=f"{owner}'s deal",
        stage=stage,
        owner_id=owner,
        amount=Money.of(1000, "EUR"),
        lost_reason="price" if stage == "closed_lost" else None,
        custom=custom,
    )


def allowed(
    policy: Policy, user: str, action: str, record: object, kind: str | None = None
) -> bool:
    """Whether *user* may take *action* on *record* (of *kind*, or read from the record)."""
    return policy.check(user, action, record, object_type=kind).allowed


def test_a_deal_is_of_object_type_deal(sales: Policy) -> None:
    """A pipeline Deal is checked under the object type "deal" without saying so."""
    decision = sales.check("ali", "read", deal("ali"))

    assert (decision.allowed, decision.object_type) == (True, "deal")


def test_rep_works_own_deals_only(sales: Policy) -> None:
    """Own scope: Ali reads and edits his open deals, not Bea's, and not his closed ones."""
    assert allowed(sales, "ali", "read", deal("ali"))
    assert allowed(sales, "ali", "update", deal("ali"))
    assert not allowed(sales, "ali", "update", deal("ali", "closed_won"))
    assert not allowed(sales, "ali", "update", deal("ali", "closed_lost"))
    assert not allowed(sales, "ali", "read", deal("bea"))
    reason = sales.check("ali", "update", deal("bea")).reason
    assert f"role Sales Rep may update deals only when owner = you and {IS_OPEN}" == reason


def test_manager_sees_the_team(sales: Policy) -> None:
    """Team scope: Max handles north deals, including his reps' closed ones, not south ones."""
    assert allowed(sales, "max", "update", deal("bea", "closed_won"))
    assert allowed(sales, "max", "assign", deal("ali"))
    assert not allowed(sales, "max", "read", deal("cem"))
    assert allowed(sales, "max", "email", {"owner_id": "ali"}, "contact")


def test_head_sees_everyone_below(sales: Policy) -> None:
    """Subordinates scope: Hana reaches both teams' deals and may delete them."""
    for owner in ("max", "nina", "ali", "bea", "cem", "hana"):
        assert allowed(sales, "hana", "delete", deal(owner))
    assert not allowed(sales, "hana", "delete", deal("acc"))
    assert sales.filter("hana", "export", "deal").source == (
        "IN(owner_id, 'ali', 'bea', 'cem', 'hana', 'max', 'nina')"
    )


def test_only_the_head_imports_and_exports_contacts(sales: Policy) -> None:
    """Import and export are single actions of their own."""
    assert sales.filter("hana", "import", "contact") is Filter.ALL
    assert not sales.check("max", "export", "contact").allowed
    assert not sales.check("ali", "import", "contact").allowed


def test_accountant_reads_deals_and_creates_invoices_but_not_notes(sales: Policy) -> None:
    """All scope for reading deals; invoices; no view_notes; the notes field hidden."""
    assert allowed(sales, "acc", "read", deal("cem"))
    assert sales.check("acc", "create", "invoice").allowed
    assert not allowed(sales, "acc", "view_notes", deal("cem"))
    assert not allowed(sales, "acc", "update", deal("cem"))
    shown = sales.redact("acc", deal("cem", notes="call back", margin=20))
    assert shown.custom == {"margin": 20}
    assert sales.field_access("acc", "deal") == {"notes": Access.HIDDEN}


def test_lawyer_reviews_contracts(sales: Policy) -> None:
    """The lawyer edits contracts in review only, and sees no deals."""
    contract = CustomRecord(
        id="k1", object_type="contract", owner_id="ali", custom={"status": "review"}
    )
    signed = attrs.evolve(contract, custom={"status": "signed"})

    assert allowed(sales, "law", "update", contract)
    assert not allowed(sales, "law", "update", signed)
    assert allowed(sales, "law", "update", {"owner_id": "ali", "status": "review"}, "contract")
    assert sales.filter("law", "update", "contract") == Filter.where("(status = 'review')")
    assert sales.filter("law", "read", "deal") is Filter.NONE


def test_rep_field_rules(sales: Policy) -> None:
    """Hidden margin, read-only discount, editable amount for reps; managers see all."""
    before = deal("ali", discount=5, margin=20)
    bigger = attrs.evolve(before, amount=Money.of(1200, "EUR"))
    discounted = attrs.evolve(before, custom={**before.custom, "discount": 10})

    assert sales.check_update("ali", before, bigger)
    refused = sales.check_update("ali", before, discounted)
    assert refused.reason == "Ali may not change discount (read-only) on deals"
    assert "margin" not in sales.redact("ali", before).custom
    assert sales.redact("max", before).custom["margin"] == 20


def test_rep_explanation(sales: Policy) -> None:
    """explain() gives the rep's whole picture of an own deal."""
    explanation = sales.explain("ali", deal("ali"))

    assert explanation.allowed == (Action.READ, Action.CREATE, Action.UPDATE, Action.VIEW_NOTES)
    assert dict(explanation.fields) == {"discount": Access.READ_ONLY, "margin": Access.HIDDEN}


def test_reassigning_needs_assign(sales: Policy) -> None:
    """A rep may not hand a deal to a colleague; the manager may."""
    before = deal("ali")
    after = attrs.evolve(before, owner_id="bea")

    assert not sales.check_update("ali", before, after).allowed
    assert sales.check_update("max", before, after).allowed
