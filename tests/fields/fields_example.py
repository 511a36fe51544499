"""The deal schema of the examples: commission, service type, city by country."""

from __future__ import annotations

from crmkit.fields import (
    Choice,
    FieldDef,
    FormulaOptions,
    MoneyOptions,
    PicklistOptions,
    Schema,
    Section,
    ValidationRule,
)


def make_deal_schema() -> Schema:
    """Build the deal schema of the examples."""
    return Schema(
        "deal",
        [
            FieldDef(
                name="amount", type="money", options=MoneyOptions(currency="EUR"), required=True
            ),
            FieldDef(name="rate", type="percent"),
            FieldDef(
                name="commission",
                type="formula",
                options=FormulaOptions(expression="IF(amount > 10000, amount * rate / 100, 0)"),
            ),
            FieldDef(
                name="service",
                type="picklist",
                options=PicklistOptions(
                    choices=(
                        Choice(value="shipping", label="Shipping", translations={"fa": "ارسال"}),
                        Choice(value="consulting", label="Consulting"),
                        Choice(value="distribution", label="Distribution"),
                    )
                ),
            ),
            FieldDef(name="carrier", type="text", required=True),
            FieldDef(name="tracking", type="text"),
            FieldDef(name="hours", type="number", required=True),
            FieldDef(name="territory", type="text", required=True),
            FieldDef(
                name="country", type="picklist", options=PicklistOptions(choices=("IR", "PK"))
            ),
            FieldDef(
                name="city",
                type="picklist",
                options=PicklistOptions(
                    choices=("Tehran", "Shiraz", "Lahore", "Karachi"),
                    controlled_by="country",
                    dependencies={"IR": ("Tehran", "Shiraz"), "PK": ("Lahore", "Karachi")},
                ),
            ),
        ],
        [
            Section(name="deal", fields=("amount", "rate", "commission", "service")),
            Section(
                name="shipping", fields=("carrier", "tracking"), visible_when="service = 'shipping'"
            ),
            Section(name="consulting", fields=("hours",), visible_when="service = 'consulting'"),
            Section(
                name="distribution", fields=("territory",), visible_when="service = 'distribution'"
            ),
        ],
        [
            ValidationRule(
                name="rate_cap", error_when="rate > 20", message="rate above 20 %", field="rate"
            ),
            ValidationRule(
                name="no_reopen",
                error_when="AND(ISCHANGED(service), PRIORVALUE(service) = 'consulting')",
                message="a consulting deal keeps its service",
                field="service",
            ),
        ],
    )
