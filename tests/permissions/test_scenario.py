"""A sales department: head of sales, two managers, reps in two teams, an accountant, a lawyer."""

from __future__ import annotations

from typing import Any

import pytest

from crmkit.permissions import Access, Action, Filter, Policy

SALES = {
    "version": 1,
    "schemas": {
        "deal": {"stage_kind": "text", "amount": "number", "discount": "number"},
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
                    "condition": "stage_kind = 'open'",
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


def deal(owner: str, stage: str = "open", **extra: Any) -> dict[str, Any]:
    """A deal as a mapping."""
    return {"id": f"deal-{owner}", "owner_id": owner, "stage_kind": stage, **extra}


def allowed(policy: Policy, user: str, action: str, record: dict[str, Any], kind: str) -> bool:
    """Whether *user* may take *action* on *record* of *kind*."""
    return policy.check(user, action, record, object_type=kind).allowed


def test_rep_works_own_deals_only(sales: Policy) -> None:
    """Own scope: Ali reads and edits his open deals, not Bea's, and not his won ones."""
    assert allowed(sales, "ali", "read", deal("ali"), "deal")
    assert allowed(sales, "ali", "update", deal("ali"), "deal")
    assert not allowed(sales, "ali", "update", deal("ali", "won"), "deal")
    assert not allowed(sales, "ali", "read", deal("bea"), "deal")
    reason = sales.check("ali", "update", deal("bea"), object_type="deal").reason
    assert reason == (
        "role Sales Rep may update deals only when owner = you and stage_kind = 'open'; "
        "this deal belongs to Bea"
    )


def test_manager_sees_the_team(sales: Policy) -> None:
    """Team scope: Max handles north deals, including his reps', not south ones."""
    assert allowed(sales, "max", "update", deal("bea", "won"), "deal")
    assert allowed(sales, "max", "assign", deal("ali"), "deal")
    assert not allowed(sales, "max", "read", deal("cem"), "deal")
    assert allowed(sales, "max", "email", {"owner_id": "ali"}, "contact")


def test_head_sees_everyone_below(sales: Policy) -> None:
    """Subordinates scope: Hana reaches both teams' deals and may delete them."""
    for owner in ("max", "nina", "ali", "bea", "cem", "hana"):
        assert allowed(sales, "hana", "delete", deal(owner), "deal")
    assert not allowed(sales, "hana", "delete", deal("acc"), "deal")
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
    assert allowed(sales, "acc", "read", deal("cem"), "deal")
    assert sales.check("acc", "create", "invoice").allowed
    assert not allowed(sales, "acc", "view_notes", deal("cem"), "deal")
    assert not allowed(sales, "acc", "update", deal("cem"), "deal")
    shown = sales.redact("acc", deal("cem", notes="call back"), object_type="deal")
    assert "notes" not in shown
    assert sales.field_access("acc", "deal") == {"notes": Access.HIDDEN}


def test_lawyer_reviews_contracts(sales: Policy) -> None:
    """The lawyer edits contracts in review only, and sees no deals."""
    contract = {"id": "k1", "owner_id": "ali", "status": "review"}
    assert allowed(sales, "law", "update", contract, "contract")
    assert not allowed(sales, "law", "update", {**contract, "status": "signed"}, "contract")
    assert sales.filter("law", "update", "contract") == Filter.where("(status = 'review')")
    assert sales.filter("law", "read", "deal") is Filter.NONE


def test_rep_field_rules(sales: Policy) -> None:
    """Hidden margin, read-only discount, editable amount for reps; managers see all."""
    before = deal("ali", amount=100, discount=5, margin=20)

    assert sales.check_update("ali", before, {**before, "amount": 120}, object_type="deal")
    refused = sales.check_update("ali", before, {**before, "discount": 10}, object_type="deal")
    assert refused.reason == "Ali may not change discount (read-only) on deals"
    assert "margin" not in sales.redact("ali", before, object_type="deal")
    assert "margin" in sales.redact("max", before, object_type="deal")


def test_rep_explanation(sales: Policy) -> None:
    """explain() gives the rep's whole picture of an own deal."""
    explanation = sales.explain("ali", deal("ali"), object_type="deal")

    assert explanation.allowed == (Action.READ, Action.CREATE, Action.UPDATE, Action.VIEW_NOTES)
    assert dict(explanation.fields) == {"discount": Access.READ_ONLY, "margin": Access.HIDDEN}


def test_reassigning_needs_assign(sales: Policy) -> None:
    """A rep may not hand a deal to a colleague; the manager may."""
    before = deal("ali")
    after = {**before, "owner_id": "bea"}

    assert not sales.check_update("ali", before, after, object_type="deal").allowed
    assert sales.check_update("max", before, after, object_type="deal").allowed
