"""The built-in fields of contacts, companies and affiliations, as expressions read them.

These are the one definition of each kind's own fields: store filters, match-rule
conditions, permission conditions and formulas all compile against them (plus the kind's
custom fields).
"""

from __future__ import annotations

from crmkit.expr import FieldType
from crmkit.fields import BuiltinFields

from ._model import Company, Contact

__all__ = ["AFFILIATION_FIELDS", "COMPANY_FIELDS", "CONTACT_FIELDS", "RECORD_FIELDS"]

_TEXT, _PICK, _MULTI = FieldType.TEXT, FieldType.PICKLIST, FieldType.MULTIPICKLIST

RECORD_FIELDS: dict[str, FieldType] = {
    "id": _TEXT,
    "created_at": FieldType.DATETIME,
    "updated_at": FieldType.DATETIME,
    "version": FieldType.NUMBER,
}
"""The fields every stored record has."""


def _primary_email(record: Contact | Company) -> str | None:
    return next((e.address.value for e in record.emails if e.primary), None)


def _primary_phone(record: Contact | Company) -> str | None:
    return next((p.number.e164 for p in record.phones if p.primary), None)


_CONTACT_POINTS = {"email": _primary_email, "phone": _primary_phone}

CONTACT_FIELDS = BuiltinFields(
    "contact",
    {
        **RECORD_FIELDS,
        "prefix": _TEXT,
        "first_name": _TEXT,
        "middle_name": _TEXT,
        "last_name": _TEXT,
        "suffix": _TEXT,
        "email": _TEXT,
        "phone": _TEXT,
        "job_title": _TEXT,
        "birth_date": FieldType.DATE,
        "owner_id": _TEXT,
        "lead_source": _PICK,
        "lifecycle_stage": _PICK,
        "tags": _MULTI,
    },
    _CONTACT_POINTS,
)
"""A contact's own fields; ``email`` and ``phone`` are the primary address and number."""

COMPANY_FIELDS = BuiltinFields(
    "company",
    {
        **RECORD_FIELDS,
        "name": _TEXT,
        "legal_name": _TEXT,
        "domain": _TEXT,
        "industry": _PICK,
        "email": _TEXT,
        "phone": _TEXT,
        "parent_id": _TEXT,
        "owner_id": _TEXT,
        "tags": _MULTI,
    },
    _CONTACT_POINTS,
)
"""A company's own fields; ``email`` and ``phone`` are the primary address and number."""

AFFILIATION_FIELDS = BuiltinFields(
    "affiliation",
    {
        **RECORD_FIELDS,
        "contact_id": _TEXT,
        "company_id": _TEXT,
        "role": _TEXT,
        "primary": FieldType.BOOL,
    },
)
"""An affiliation's own fields."""
