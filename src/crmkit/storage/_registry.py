"""What one store knows: its record kinds, each kind's one schema, and filters compiled for it.

The registry is the front half every backend's writes go through: :meth:`Registry.check_record`
before a write, :meth:`Registry.written` where the stored record is known. A kind's schema
(see ``_schemas``) is enforced there once, for every backend.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from crmkit.errors import ConfigError, ErrorCode, FieldIssue, FormulaError, ValidationError
from crmkit.expr import Expression, FieldType
from crmkit.expr import compile as compile_expression
from crmkit.fields import Schema

from ._activity_kind import ACTIVITY
from ._custom import check_custom
from ._deals import DEAL
from ._kinds import BUILTIN_KINDS, RecordKind, check_fields, object_kind
from ._nul import check_no_nul
from ._schemas import WriteCheck, filter_types, kind_schema, raise_issues

FieldsIn = Schema | Mapping[str, str]
"""What :meth:`Store.define_fields` takes: a whole schema, or custom field types by name."""

__all__ = ["Registry"]


class Registry:
    """The kinds of a store, the custom fields declared for each, and filter compilation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.kinds: dict[str, RecordKind[Any]] = {
            **BUILTIN_KINDS,
            DEAL.name: DEAL,
            ACTIVITY.name: ACTIVITY,
        }
        self.custom: dict[str, dict[str, str]] = {name: {} for name in self.kinds}
        self.defined: dict[str, Schema] = {}
        # per kind: its schema, filter field types and write check, built when first needed
        self._built: dict[str, tuple[Schema, dict[str, str], WriteCheck]] = {}

    def kind(self, name: object) -> RecordKind[Any]:
        """Return the kind called *name*.

        Raises:
            ValidationError: if the store knows no such kind.
        """
        found = self.kinds.get(name) if isinstance(name, str) else None
        if found is None:
            known = ", ".join(sorted(self.kinds))
            raise ValidationError(name, f"no such record kind (known: {known})", field="kind")
        return found

    def object_type(self, name: object) -> RecordKind[Any]:
        """Return the kind of the registered custom object type *name*.

        Raises:
            ValidationError: if no such object type is registered.
        """
        found = self.kinds.get(name) if isinstance(name, str) else None
        if found is None or found.object_type is None:
            known = ", ".join(sorted(k for k, v in self.kinds.items() if v.object_type)) or "none"
            raise ValidationError(
                name, f"no such custom object type (registered: {known})", field="object_type"
            )
        return found

    def register_object_type(self, name: str, fields: FieldsIn) -> RecordKind[Any]:
        """Add (or extend) the custom object type *name* with *fields*.

        Raises:
            ConfigError: for a bad name, field type or schema.
        """
        with self._lock:
            kind = self.kinds.get(name)
            if kind is not None and kind.object_type is None:
                raise ConfigError("object_type", f"{name!r} is a built-in record kind")
            if kind is None:
                kind = object_kind(name)
            self._define(kind, f"object_types[{name!r}]", fields)
            self.kinds.setdefault(name, kind)
        return kind

    def replace_kind(self, kind: RecordKind[Any]) -> None:
        """Put *kind* in place of the built-in kind of the same name (new write checks)."""
        with self._lock:
            if kind.name not in self.kinds:
                raise ConfigError("kind", f"no such record kind {kind.name!r}")
            self.kinds[kind.name] = kind
            self._built.pop(kind.name, None)

    def define_fields(self, kind: str, fields: FieldsIn) -> None:
        """Declare custom fields of *kind*: a whole schema, or field types by name.

        Types by name add to those declared before; a schema replaces the schema given
        before (its fields, sections and rules are the kind's from then on).

        Raises:
            ConfigError: for an unknown kind, a bad field type, or a schema that does not
                fit the kind (another object type, a built-in field's name).
        """
        found = self.kinds.get(kind)
        if found is None:
            raise ConfigError(f"fields[{kind!r}]", "no such record kind")
        with self._lock:
            self._define(found, f"fields[{kind!r}]", fields)

    def _define(self, kind: RecordKind[Any], path: str, fields: FieldsIn) -> None:
        declared = dict(self.custom.get(kind.name, {}))
        defined = self.defined.get(kind.name)
        if isinstance(fields, Schema):
            defined = fields
        else:
            checked = check_fields(path, fields)
            if defined is not None:
                taken = sorted(checked.keys() & {f.name for f in defined.fields})
                if taken:
                    raise ConfigError(
                        f"{path}[{taken[0]!r}]", "is a field of the kind's schema already"
                    )
            declared.update(checked)
        if defined is not None:
            declared = {
                n: t for n, t in declared.items() if n not in {f.name for f in defined.fields}
            }
        built = self._build(kind, declared, defined)
        self.custom[kind.name] = declared
        if defined is not None:
            self.defined[kind.name] = defined
        self._built[kind.name] = built

    def _build(
        self, kind: RecordKind[Any], declared: dict[str, str], defined: Schema | None
    ) -> tuple[Schema, dict[str, str], WriteCheck]:
        schema = kind_schema(kind.name, kind.builtin, declared, defined)
        return schema, filter_types(schema), WriteCheck(kind.name, schema)

    def _parts(self, kind: RecordKind[Any]) -> tuple[Schema, dict[str, str], WriteCheck]:
        built = self._built.get(kind.name)
        if built is None:
            with self._lock:
                built = self._built.get(kind.name)
                if built is None:
                    declared = self.custom.get(kind.name, {})
                    built = self._build(kind, declared, self.defined.get(kind.name))
                    self._built[kind.name] = built
        return built

    def schema(self, kind: RecordKind[Any]) -> Schema:
        """Return the one schema of *kind*: built-in fields, then its custom fields."""
        return self._parts(kind)[0]

    def check_record(self, kind: RecordKind[Any], record: object) -> Any:
        """Return *record* if it is of *kind* and its declared custom values fit their types.

        Raises:
            ValidationError: for a record of another kind, text holding NUL, or a custom
                value that does not fit its declared type
                (:class:`~crmkit.errors.InvalidRecord` for several).
        """
        checked = kind.check_record(record)
        check_no_nul(checked)
        check_custom(kind.name, checked, self.custom.get(kind.name, {}))
        return checked

    def written(
        self,
        kind: RecordKind[Any],
        old: Any,
        new: Any,
        problems: list[FieldIssue] | None = None,
        index: int | None = None,
    ) -> Any:
        """Return *new* as it is stored: the kind's write check passed, formulas computed.

        Every backend calls it inside the write's transaction, with the stored record
        (*old*, None for a new one). With a *problems* list (a bulk write), the schema's
        problems are added to it instead of raised, so the batch reports them all.

        Raises:
            FieldIssue: for a record that breaks the kind's schema (InvalidRecord for
                several problems).
            TransitionDenied: and whatever else the kind's own check raises.
        """
        if kind.validate is not None:
            kind.validate(old, new)
        check = self._parts(kind)[2]
        if not check.active:
            return new
        stored, found = check.apply(old, new, index)
        if found and problems is None:
            raise_issues(kind.name, found)
        if found and problems is not None:
            problems.extend(found)
        return stored

    def fields(self, kind: RecordKind[Any]) -> dict[str, str]:
        """Return every field a filter on *kind* may use, with its type."""
        return self._parts(kind)[1]

    def compile(self, kind: RecordKind[Any], where: object) -> Expression | None:
        """Return *where* as an Expression for *kind* (None for no filter).

        A filter is a TRUE/FALSE formula, and a division by zero in it is blank (so the
        row does not match unless the formula says otherwise, as in ``ISBLANK(a / b)``):
        SQL cannot raise per row, and every backend must select the same records.

        Raises:
            FormulaError: if the text does not compile against the kind's fields, or the
                formula's value is not TRUE or FALSE.
            ValidationError: if *where* is neither text, an Expression nor None.
        """
        if where is None:
            return None
        if isinstance(where, Expression):
            expression = where
        elif isinstance(where, str):
            expression = compile_expression(where, self.fields(kind), division_by_zero="blank")
        else:
            raise ValidationError(where, "expected a filter expression or text", field="where")
        if expression.result_type is not FieldType.BOOL:
            raise FormulaError(
                f"a filter must be TRUE or FALSE, not {expression.result_type.value}",
                source=expression.source,
                code=ErrorCode.EXPR_TYPE_MISMATCH,
            )
        return expression.with_division_by_zero("blank")
