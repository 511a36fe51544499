"""A kind's one schema in a store, and what every write of the kind does with it.

The schema of a kind is its built-in fields, the custom fields declared by type only
(``define_fields("contact", {"score": "number"})``, checked by type, see ``_custom``) and
the fields of a :class:`~crmkit.fields.Schema` given to ``define_fields``. Filters compile
against it; on every write its formula fields are computed into the record's ``custom``
values (so SQL filters read them like any stored value) and its required fields,
conditions and validation rules are enforced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from crmkit.errors import ConfigError, FieldIssue, InvalidRecord, ValidationError
from crmkit.expr import FieldType
from crmkit.fields import BuiltinFields, Issue, Schema

__all__ = ["WriteCheck", "filter_types", "kind_schema", "raise_issues"]


def kind_schema(
    name: str, builtin: BuiltinFields, declared: Mapping[str, str], defined: Schema | None
) -> Schema:
    """Return the one schema of kind *name*.

    Raises:
        ConfigError: if *defined* is a schema of another object type, or one of its fields
            takes the name of a built-in field.
    """
    if defined is None:
        return Schema(name, (), builtin=builtin.with_fields(declared))
    if defined.object_type != name:
        raise ConfigError(
            "schema.object_type", f"a {defined.object_type!r} schema cannot describe {name!r}"
        )
    # a field the schema defines is the schema's, even if it was declared by type before
    names = {f.name for f in defined.fields}
    loose = {n: t for n, t in declared.items() if n not in names}
    return Schema(
        name,
        defined.fields,
        defined.sections,
        defined.rules,
        related=defined.related,
        max_depth=defined.max_depth,
        functions=defined.functions,
        builtin=builtin.with_fields(loose),
    )


def filter_types(schema: Schema) -> dict[str, str]:
    """Return every field a filter on the schema's kind may use, with its type name.

    A reference field is filtered by the id it holds (text).
    """
    return {
        name: t.value if isinstance(t, FieldType) else FieldType.TEXT.value
        for name, t in schema.field_types().items()
    }


class WriteCheck:
    """The schema's work on one kind's writes: compute formulas, then validate.

    It does nothing (and costs nothing) for a schema without custom fields.
    """

    __slots__ = ("_formulas", "_reads_previous", "_schema", "_view", "active", "kind")

    def __init__(self, kind: str, schema: Schema) -> None:
        self.kind = kind
        self._schema = schema
        builtin = schema.builtin
        self._view = builtin.view if isinstance(builtin, BuiltinFields) else None
        self._formulas = schema.formula_order
        self.active = bool(schema.fields)

    def apply(self, old: Any, new: Any, index: int | None = None) -> tuple[Any, list[FieldIssue]]:
        """Return *new* with its formula values stored, and its problems.

        *old* is the stored record (None for a new one), read by ``ISCHANGED``,
        ``PRIORVALUE`` and read-only conditions.
        """
        if not self.active:
            return new, []
        view = self._view
        values = view(new) if view is not None else new
        previous = None if old is None else (view(old) if view is not None else old)
        checked = self._schema.check(values, previous=previous)
        computed = checked.computed.values
        if self._formulas:
            custom = dict(new.custom)
            changed = False
            for name in self._formulas:
                value = computed.get(name)
                if name not in custom or custom[name] != value:
                    custom[name] = value
                    changed = True
            if changed:
                new = attrs.evolve(new, custom=custom)
        return new, [self._problem(new, issue, index) for issue in checked.issues]

    def _problem(self, record: Any, issue: Issue, index: int | None) -> FieldIssue:
        return FieldIssue(
            f"{self.kind} {record.id!r}",
            issue.message,
            issue=issue.code,
            field=issue.field,
            rule=issue.rule,
            record_id=record.id,
            index=index,
        )


def raise_issues(kind: str, problems: list[FieldIssue]) -> None:
    """Raise the one problem, or an :class:`InvalidRecord` holding every one of them.

    Raises:
        FieldIssue: for a single problem.
        InvalidRecord: for several (of one record or of a batch).
    """
    if len(problems) == 1:
        raise problems[0]
    if problems:
        records = {p.record_id for p in problems}
        label = f"{kind} {problems[0].record_id!r}" if len(records) == 1 else f"{kind} records"
        errors: list[ValidationError] = list(problems)
        raise InvalidRecord(errors, record=label)
