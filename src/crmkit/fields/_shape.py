"""What the schema's helpers read of a schema: its parts, as a structural type.

The plan builder, the dict conversion and reference typing take any object with these
parts, so they need not know the :class:`~crmkit.fields.Schema` class that is built from
them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from crmkit.expr import FieldType, Function, Reference

from ._definitions import FieldDef, Section, ValidationRule

__all__ = ["SchemaParts"]


class SchemaParts(Protocol):
    """The parts of a schema: its type, fields, sections, rules and what formulas may read."""

    @property
    def object_type(self) -> str:
        """The records the schema describes."""

    @property
    def fields(self) -> tuple[FieldDef, ...]:
        """The custom field definitions, in order."""

    @property
    def sections(self) -> tuple[Section, ...]:
        """The form's sections."""

    @property
    def rules(self) -> tuple[ValidationRule, ...]:
        """The validation rules."""

    @property
    def related(self) -> Mapping[str, SchemaParts]:
        """Schemas of the object types reference fields point to."""

    @property
    def max_depth(self) -> int:
        """How many references a formula may follow."""

    @property
    def functions(self) -> tuple[Function, ...]:
        """Host functions formulas may call."""

    @property
    def builtin(self) -> Mapping[str, FieldType]:
        """The record's built-in fields formulas may read, with their types."""

    def field_types(self) -> dict[str, FieldType | Reference]:
        """Each name formulas may use with its expression type."""
