"""Match-rule conditions: when a field rule applies, in the expression language."""

from __future__ import annotations

from typing import Any

from crmkit import expr
from crmkit.errors import ConfigError, FormulaError

from ._match_field import MatchField

__all__ = ["compile_condition"]

# Types the expression language knows for the declared fields of contacts and companies.
_CONTACT_FIELDS = {
    "id": "text",
    "prefix": "text",
    "first_name": "text",
    "middle_name": "text",
    "last_name": "text",
    "suffix": "text",
    "job_title": "text",
    "birth_date": "date",
    "owner_id": "text",
    "lead_source": "text",
    "lifecycle_stage": "text",
    "created_at": "datetime",
    "updated_at": "datetime",
}
_COMPANY_FIELDS = {
    "id": "text",
    "name": "text",
    "legal_name": "text",
    "domain": "text",
    "industry": "text",
    "parent_id": "text",
    "owner_id": "text",
    "created_at": "datetime",
    "updated_at": "datetime",
}


def compile_condition(rule: MatchField, kind: str, custom: dict[str, str]) -> Any:
    """Compile *rule*'s condition against the record fields and *custom* field types.

    Raises:
        ConfigError: if the condition does not compile (the reason is the formula error).
    """
    fields = dict(_CONTACT_FIELDS if kind == "contact" else _COMPANY_FIELDS)
    fields.update(custom)
    try:
        return expr.compile(rule.condition or "TRUE", fields)
    except FormulaError as exc:
        raise ConfigError("condition", str(exc)) from exc
