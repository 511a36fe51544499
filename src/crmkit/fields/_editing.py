"""Changing a schema: what uses a field, and the parts of a schema with a field renamed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from crmkit.expr import Expression, rename_field

from ._definitions import FieldDef, Section, ValidationRule
from ._options import FormulaOptions, PicklistOptions

__all__ = ["dependents", "renamed_parts", "without_field"]

_NAME_ATTRS = ("default_expr", "required_when", "visible_when", "read_only_when")


def _uses(expression: Expression, name: str) -> bool:
    return any(ref.split(".", 1)[0] == name for ref in expression.references)


def dependents(
    expressions: dict[str, Expression],
    fields: Sequence[FieldDef],
    rules: Sequence[ValidationRule],
    name: str,
) -> tuple[str, ...]:
    """Name, by where it lives, everything that uses the field *name* (see the Schema method)."""
    out = [
        label
        for label, expression in expressions.items()
        if not label.startswith(f"fields.{name}.") and _uses(expression, name)
    ]
    out.extend(
        f"fields.{f.name}.controlled_by"
        for f in fields
        if isinstance(f.options, PicklistOptions) and f.options.controlled_by == name
    )
    out.extend(f"rules.{r.name}.field" for r in rules if r.field == name)
    return tuple(out)


def without_field(
    fields: Sequence[FieldDef], sections: Sequence[Section], name: str
) -> dict[str, Any]:
    """Return the fields and sections of a schema with the field *name* left out."""
    return {
        "fields": tuple(f for f in fields if f.name != name),
        "sections": tuple(
            attrs.evolve(s, fields=tuple(n for n in s.fields if n != name)) for s in sections
        ),
    }


class _Renamer:
    def __init__(self, expressions: dict[str, Expression], old: str, new: str) -> None:
        self.expressions = expressions
        self.old = old
        self.new = new

    def rewrite(self, label: str, source: str | None) -> Any:
        expression = self.expressions.get(label)
        if source is None or expression is None or not _uses(expression, self.old):
            return source
        return rename_field(source, self.old, self.new)

    def field(self, f: FieldDef) -> FieldDef:
        changes: dict[str, Any] = {"name": self.new} if f.name == self.old else {}
        for attr in _NAME_ATTRS:
            changes[attr] = self.rewrite(f"fields.{f.name}.{attr}", getattr(f, attr))
        options = f.options
        if isinstance(options, FormulaOptions):
            source = self.rewrite(f"fields.{f.name}.formula", options.expression)
            changes["options"] = attrs.evolve(options, expression=source)
        elif isinstance(options, PicklistOptions) and options.controlled_by == self.old:
            changes["options"] = attrs.evolve(options, controlled_by=self.new)
        return attrs.evolve(f, **changes)

    def section(self, s: Section) -> Section:
        return attrs.evolve(
            s,
            fields=tuple(self.new if n == self.old else n for n in s.fields),
            visible_when=self.rewrite(f"sections.{s.name}.visible_when", s.visible_when),
        )

    def rule(self, r: ValidationRule) -> ValidationRule:
        return attrs.evolve(
            r,
            field=self.new if r.field == self.old else r.field,
            error_when=self.rewrite(f"rules.{r.name}.error_when", r.error_when),
        )


def renamed_parts(
    expressions: dict[str, Expression],
    parts: tuple[Sequence[FieldDef], Sequence[Section], Sequence[ValidationRule]],
    old: str,
    new: str,
) -> dict[str, Any]:
    """Return the fields, sections and rules of a schema with the field *old* called *new*.

    The formulas, conditions and rules that use *old* are rewritten (in canonical form).
    """
    fields, sections, rules = parts
    renamer = _Renamer(expressions, old, new)
    return {
        "fields": tuple(renamer.field(f) for f in fields),
        "sections": tuple(renamer.section(s) for s in sections),
        "rules": tuple(renamer.rule(r) for r in rules),
    }
