"""What one store knows: its record kinds, custom field types, and filters compiled for them."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from crmkit.errors import ConfigError, ErrorCode, FormulaError, ValidationError
from crmkit.expr import Expression, FieldType
from crmkit.expr import compile as compile_expression

from ._custom import check_custom
from ._deals import DEAL
from ._kinds import BUILTIN_KINDS, RecordKind, check_fields, object_kind

__all__ = ["Registry"]


class Registry:
    """The kinds of a store, the custom fields declared for each, and filter compilation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.kinds: dict[str, RecordKind[Any]] = {**BUILTIN_KINDS, DEAL.name: DEAL}
        self.custom: dict[str, dict[str, str]] = {name: {} for name in self.kinds}

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

    def register_object_type(self, name: str, fields: Mapping[str, str]) -> RecordKind[Any]:
        """Add (or extend) the custom object type *name* with *fields*.

        Raises:
            ConfigError: for a bad name or field type.
        """
        checked = check_fields(f"object_types[{name!r}]", fields)
        with self._lock:
            kind = self.kinds.get(name)
            if kind is not None and kind.object_type is None:
                raise ConfigError("object_type", f"{name!r} is a built-in record kind")
            if kind is None:
                kind = object_kind(name)
                self.kinds[name] = kind
                self.custom[name] = {}
            self.custom[name].update(checked)
        return kind

    def replace_kind(self, kind: RecordKind[Any]) -> None:
        """Put *kind* in place of the built-in kind of the same name (new write checks)."""
        with self._lock:
            if kind.name not in self.kinds:
                raise ConfigError("kind", f"no such record kind {kind.name!r}")
            self.kinds[kind.name] = kind

    def define_fields(self, kind: str, fields: Mapping[str, str]) -> None:
        """Declare custom field types of *kind* (adding to those declared before).

        Raises:
            ConfigError: for an unknown kind or a bad field type.
        """
        if kind not in self.kinds:
            raise ConfigError(f"fields[{kind!r}]", "no such record kind")
        checked = check_fields(f"fields[{kind!r}]", fields)
        with self._lock:
            self.custom[kind].update(checked)

    def check_record(self, kind: RecordKind[Any], record: object) -> Any:
        """Return *record* if it is of *kind* and its declared custom values fit their types.

        Raises:
            ValidationError: for a record of another kind, or a custom value that does not
                fit its declared type (:class:`~crmkit.errors.InvalidRecord` for several).
        """
        checked = kind.check_record(record)
        check_custom(kind.name, checked, self.custom.get(kind.name, {}))
        return checked

    def fields(self, kind: RecordKind[Any]) -> dict[str, str]:
        """Return every field a filter on *kind* may use, with its type."""
        return kind.filter_fields(self.custom.get(kind.name, {}))

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
