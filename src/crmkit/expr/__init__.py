"""crmkit's expression language: formulas, conditions, guards and filters.

``compile(source, fields)`` parses a Salesforce/Excel-like formula, checks it against the
fields it may use and returns an :class:`Expression` that evaluates records in Python and
compiles to SQLAlchemy. See ``docs/expressions.md`` for the language.
"""

from ._expression import Expression, compile
from ._functions import Function
from ._lexer import MAX_SOURCE
from ._paths import references, rename_field
from ._regex import register_sqlite_functions
from ._types import FieldSpec, FieldType, Reference

__all__ = [
    "MAX_SOURCE",
    "Expression",
    "FieldSpec",
    "FieldType",
    "Function",
    "Reference",
    "compile",
    "references",
    "register_sqlite_functions",
    "rename_field",
]
