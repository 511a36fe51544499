"""Match-rule conditions: when a field rule applies, in the expression language.

A condition compiles against the record kind's one schema: its built-in fields
(``crmkit.contacts.CONTACT_FIELDS`` or ``COMPANY_FIELDS``, the fields a store filter reads
too) and the rules' custom field types.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmkit import expr
from crmkit.contacts import COMPANY_FIELDS, CONTACT_FIELDS
from crmkit.errors import ConfigError, FormulaError
from crmkit.fields import BuiltinFields

from ._match_field import MatchField

__all__ = ["compile_condition", "condition_fields"]


def condition_fields(kind: str, custom: Mapping[str, str]) -> BuiltinFields:
    """Return the fields a condition on *kind* records reads: built-in, then *custom*."""
    builtin = CONTACT_FIELDS if kind == "contact" else COMPANY_FIELDS
    return builtin.with_fields(custom)


def compile_condition(rule: MatchField, kind: str, custom: dict[str, str]) -> Any:
    """Compile *rule*'s condition against the record fields and *custom* field types.

    Raises:
        ConfigError: if the condition does not compile (the reason is the formula error),
            or a custom field's type is unknown.
    """
    fields = condition_fields(kind, custom)
    try:
        return expr.compile(rule.condition or "TRUE", fields)
    except FormulaError as exc:
        raise ConfigError("condition", str(exc)) from exc
