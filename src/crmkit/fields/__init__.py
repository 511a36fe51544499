"""Custom fields: typed definitions, formulas, visibility and required conditions, rules.

A :class:`Schema` describes an object type's fields: the record's built-in ones
(:class:`BuiltinFields`) and its custom ones; it is checked when built and then coerces,
validates, computes and lays out records. See ``docs/custom-fields.md``.
"""

from ._builtin import BuiltinFields
from ._compute import Computed
from ._definitions import FieldDef, FieldKind, Section, ValidationRule
from ._layout import Layout, LayoutField, LayoutSection
from ._options import (
    Choice,
    FieldOptions,
    FormulaOptions,
    MoneyOptions,
    NumberOptions,
    PhoneOptions,
    PicklistOptions,
    ReferenceOptions,
    TextOptions,
)
from ._references import Lookup
from ._schema import Schema
from ._validation import Checked, Issue

__all__ = [
    "BuiltinFields",
    "Checked",
    "Choice",
    "Computed",
    "FieldDef",
    "FieldKind",
    "FieldOptions",
    "FormulaOptions",
    "Issue",
    "Layout",
    "LayoutField",
    "LayoutSection",
    "Lookup",
    "MoneyOptions",
    "NumberOptions",
    "PhoneOptions",
    "PicklistOptions",
    "ReferenceOptions",
    "Schema",
    "Section",
    "TextOptions",
    "ValidationRule",
]
