"""The built-in fields of a deal, as guards, filters, policies and formulas read them."""

from __future__ import annotations

from crmkit.expr import FieldType
from crmkit.fields import BuiltinFields

__all__ = ["DEAL_FIELDS"]

_TEXT, _PICK = FieldType.TEXT, FieldType.PICKLIST

DEAL_FIELDS = BuiltinFields(
    "deal",
    {
        "id": _TEXT,
        "title": _TEXT,
        "pipeline_id": _TEXT,
        "stage_id": _PICK,
        "stage_kind": _PICK,
        "amount": FieldType.MONEY,
        "close_date": FieldType.DATE,
        "company_id": _TEXT,
        "owner_id": _TEXT,
        "lead_source": _PICK,
        "lost_reason": _PICK,
        "created_at": FieldType.DATETIME,
        "updated_at": FieldType.DATETIME,
        "version": FieldType.NUMBER,
    },
)
"""A deal's own fields: those guards and required-field lists may name, with their types."""
