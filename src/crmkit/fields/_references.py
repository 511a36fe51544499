"""Reference fields: the types formulas see through them and their resolution at run time."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeAlias

import attrs

from crmkit.errors import ErrorCode, FormulaError, ValidationError
from crmkit.expr import FieldType, Reference

from ._definitions import FieldDef, FieldKind
from ._options import ReferenceOptions
from ._shape import SchemaParts

__all__ = [
    "Lookup",
    "ResolvedRecord",
    "expr_type",
    "record_values",
    "reference_type",
]

Lookup: TypeAlias = Callable[[str, str], object]
"""``lookup(object_type, record_id)`` returns the related record (a mapping or a crmkit record)
or None when there is none; a store provides one."""

ExprType: TypeAlias = FieldType | Reference

_PLAIN: dict[FieldKind, FieldType] = {
    FieldKind.TEXT: FieldType.TEXT,
    FieldKind.LONG_TEXT: FieldType.TEXT,
    FieldKind.EMAIL: FieldType.TEXT,
    FieldKind.PHONE: FieldType.TEXT,
    FieldKind.URL: FieldType.TEXT,
    FieldKind.NUMBER: FieldType.NUMBER,
    FieldKind.PERCENT: FieldType.PERCENT,
    FieldKind.MONEY: FieldType.MONEY,
    FieldKind.BOOL: FieldType.BOOL,
    FieldKind.DATE: FieldType.DATE,
    FieldKind.DATETIME: FieldType.DATETIME,
    FieldKind.PICKLIST: FieldType.PICKLIST,
    FieldKind.MULTIPICKLIST: FieldType.MULTIPICKLIST,
}


def expr_type(field: FieldDef) -> FieldType | None:
    """Return the expression type of a field that is neither a reference nor a formula."""
    return _PLAIN.get(field.type)


def reference_type(target: str, related: Mapping[str, SchemaParts], depth: int) -> Reference:
    """Return the fields of *target* as formulas see them, following references *depth* hops.

    A target without a schema in *related* offers no fields.
    """
    fields: dict[str, ExprType] = {}
    schema = related.get(target)
    if schema is not None:
        fields.update(schema.builtin)
        types = schema.field_types()
        for f in schema.fields:
            if f.type is FieldKind.REFERENCE:
                if depth > 0:
                    assert isinstance(f.options, ReferenceOptions)  # noqa: S101  # checked on build
                    inner = {**schema.related, **related}
                    fields[f.name] = reference_type(f.options.target, inner, depth - 1)
            else:
                fields[f.name] = types[f.name]
    return Reference(fields)


class ResolvedRecord(Mapping[str, object]):
    """A related record read through a lookup, resolving its own references lazily.

    Reading ``company.payment_terms`` in a formula fetches the company once, when the
    formula first reads it; a chain deeper than the schema's cap raises ``FormulaError``.
    """

    __slots__ = ("_depth", "_id", "_lookup", "_max_depth", "_record", "_refs", "_target")

    def __init__(
        self,
        lookup: Lookup | None,
        target: str,
        record_id: str,
        *,
        refs: Mapping[str, Mapping[str, str]],
        depth: int,
        max_depth: int,
    ) -> None:
        self._lookup = lookup
        self._target = target
        self._id = record_id
        self._refs = refs
        self._depth = depth
        self._max_depth = max_depth
        self._record: Mapping[str, object] | None = None

    def _load(self) -> Mapping[str, object]:
        if self._record is None:
            if self._depth > self._max_depth:
                raise FormulaError(
                    f"reference chain deeper than {self._max_depth} hop(s) at "
                    f"{self._target} {self._id!r}",
                    code=ErrorCode.EXPR_TOO_DEEP,
                )
            if self._lookup is None:
                raise FormulaError(
                    f"reading the {self._target} {self._id!r} needs a lookup (pass lookup=...)",
                    code=ErrorCode.EXPR_NO_LOOKUP,
                )
            found = self._lookup(self._target, self._id)
            # a lookup that finds nothing leaves the related fields blank
            self._record = {} if found is None else record_values(found)
        return self._record

    def __getitem__(self, name: str) -> object:
        value = self._load()[name]
        target = self._refs.get(self._target, {}).get(name)
        if target is not None and isinstance(value, str) and value:
            return ResolvedRecord(
                self._lookup,
                target,
                value,
                refs=self._refs,
                depth=self._depth + 1,
                max_depth=self._max_depth,
            )
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def record_values(record: object) -> Mapping[str, object]:
    """Return a record's values as a mapping: a mapping as is, a crmkit record flattened.

    Raises:
        ValidationError: for anything else, None included.
    """
    if isinstance(record, Mapping):
        return record
    cls = type(record)
    if attrs.has(cls):
        values: dict[str, Any] = {}
        custom = getattr(record, "custom", None)
        if isinstance(custom, Mapping):
            values.update(custom)
        for a in attrs.fields(cls):
            if a.name != "custom":
                values[a.name] = getattr(record, a.name)
        return values
    shown = type(record).__name__
    raise ValidationError(
        record, f"expected a mapping or a crmkit record, not {shown}", field="record"
    )
