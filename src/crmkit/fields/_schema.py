"""The Schema: an object type's custom fields, sections and rules, checked when built."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import attrs
from attrs import field, frozen

from crmkit.errors import (
    ConfigError,
    NotFound,
    ValidationError,
)
from crmkit.expr import FieldType, Function, Reference

from ._arguments import (
    builtin_arg,
    depth_arg,
    fields_arg,
    functions_arg,
    object_type_arg,
    rules_arg,
    sections_arg,
)
from ._checks import check_value, is_blank
from ._coercion import coerce_record, coercer
from ._compute import Computed, compute
from ._config import schema_parts, schema_to_dict
from ._definitions import FieldDef, Section, ValidationRule
from ._editing import dependents, renamed_parts, without_field
from ._layout import Layout, layout
from ._plan import Plan, build_plan
from ._references import Lookup, record_values
from ._validation import Checked, Issue, build_steps, validate, validate_batch

__all__ = ["Schema"]


def _check_now(now: object) -> None:
    # checked up front: per-field error collection would otherwise report it on every formula
    if isinstance(now, datetime) and now.utcoffset() is None:
        raise ValidationError(now, "now must be timezone-aware", field="now")


def _related(value: object) -> dict[str, Schema]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(s, Schema) for s in value.values()):
        raise ConfigError("related", f"expected a mapping of object types to schemas: {value!r}")
    return dict(value)


@frozen
class Schema:
    """An object type's custom fields, their sections and validation rules.

    Building a schema checks it: names, picklist dependencies, sections, and every
    formula, condition and rule, which are type-checked against the fields (and, through
    reference fields, against the *related* schemas). Formula fields are put in dependency
    order; a cycle is refused with the whole cycle in the message.

    Args and attributes:
        object_type: the records the schema describes (``deal``, ``contact``, ``company`` or
            a user-defined type).
        fields: the field definitions, in order.
        sections: the form's sections, in order; fields no section lists come last.
        rules: the validation rules.
        related: schemas of the object types reference fields point to, so that formulas can
            read ``company.payment_terms`` (not part of :meth:`to_dict`).
        max_depth: how many references a formula may follow (``company.parent.industry``
            is two).
        functions: host functions formulas may call.
        builtin: the record's built-in fields, which formulas, conditions and rules may
            read next to the custom ones (``crmkit.contacts.CONTACT_FIELDS`` gives a
            contact's ``first_name``, ``email``...); no custom field may take their names.
            A :class:`BuiltinFields` or a mapping of names to types (not part of
            :meth:`to_dict`).

    Raises:
        ConfigError: naming the path of the first problem (``fields[3].options.expression``).
    """

    object_type: str = field(converter=object_type_arg)
    fields: tuple[FieldDef, ...] = field(converter=fields_arg)
    sections: tuple[Section, ...] = field(default=(), converter=sections_arg)
    rules: tuple[ValidationRule, ...] = field(default=(), converter=rules_arg)
    related: dict[str, Schema] = field(
        factory=dict, converter=_related, eq=False, hash=False, repr=False, kw_only=True
    )
    max_depth: int = field(default=2, validator=depth_arg, eq=False, kw_only=True)
    functions: tuple[Function, ...] = field(
        default=(), converter=functions_arg, eq=False, hash=False, repr=False, kw_only=True
    )
    builtin: Mapping[str, FieldType] = field(
        factory=dict, converter=builtin_arg, eq=False, hash=False, repr=False, kw_only=True
    )
    _plan: Plan = field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        plan = build_plan(self)
        for i, f in enumerate(self.fields):
            check = check_value(f)
            make = coercer(f)
            if make is not None:
                plan.coercers[f.name] = make
            if check is None:
                continue
            plan.checks.append((f.name, check))
            if f.default is not None:
                problem = check(f.default, {})
                if problem is not None:
                    raise ConfigError(f"fields[{i}].default", problem[1])
        build_steps(plan, plan.checks)
        object.__setattr__(self, "_plan", plan)

    @classmethod
    def from_dict(
        cls,
        config: object,
        *,
        related: Mapping[str, Schema] | None = None,
        max_depth: int = 2,
        functions: Sequence[Function] = (),
        builtin: Mapping[str, FieldType | str] | None = None,
    ) -> Schema:
        """Build a schema from plain data such as :meth:`to_dict` writes (or JSON, YAML).

        *related*, *max_depth*, *functions* and *builtin* are those of the constructor.

        Raises:
            ConfigError: naming the path of the bad value (``fields[3].options.choices``).
        """
        return cls(
            **schema_parts(config),
            related=related,
            max_depth=max_depth,
            functions=functions,
            builtin=builtin,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the schema as JSON-safe plain data; ``from_dict`` gives back an equal schema.

        Attributes left at their defaults are left out.
        """
        return schema_to_dict(self)

    def field(self, name: str) -> FieldDef:
        """Return the definition of the field *name*.

        Raises:
            NotFound: if the schema has no such field.
        """
        # a non-text name (even an unhashable one) is simply not found
        found = self._plan.by_name.get(name) if isinstance(name, str) else None  # type: ignore[redundant-expr]
        if found is None:
            raise NotFound(f"{self.object_type} field", name)
        return found

    def field_types(self) -> dict[str, FieldType | Reference]:
        """Return each name formulas may use with its expression type.

        Formula fields have their result type, reference fields a
        :class:`~crmkit.expr.Reference` to the related type's fields, and the record's
        built-in fields (:attr:`builtin`) come first.
        """
        return dict(self._plan.types)

    @property
    def formula_order(self) -> tuple[str, ...]:
        """The formula fields in the order they are computed (each after those it reads)."""
        return tuple(name for name, _ in self._plan.formulas)

    def coerce(self, raw: Mapping[str, object], *, locale: str = "en_US") -> dict[str, object]:
        """Turn raw values (spreadsheet text) into typed field values.

        Numbers, amounts and dates are read as written in *locale* (``1.234,56`` in
        ``de_DE``; Solar Hijri dates and Persian digits in ``fa_IR``), checkboxes from yes/no
        words of several languages (``yes``, ``1``, ``بله``, ``ہاں``...), picklists from a
        choice's value, label or translated label. Blank values become None.

        A datetime written without an offset (``2024-01-02T10:00:00``) is read as UTC, so
        every stored datetime is timezone-aware; write the offset (``+01:00``) for any
        other zone.

        Raises:
            InvalidRecord: holding a :class:`~crmkit.errors.ValidationError` per bad field
                (an unknown field, a formula field, or a value that cannot be read).
            ValidationError: if *raw* is not a mapping or *locale* is not a locale.
        """
        return coerce_record(
            raw, locale, self._plan.by_name, self._plan.coercers, f"{self.object_type} record"
        )

    def apply_defaults(
        self, record: object, *, now: datetime | date | None = None
    ) -> dict[str, object]:
        """Return the record's values with each blank field set to its default.

        Raises:
            FormulaError: if a ``default_expr`` cannot be evaluated for this record.
            ValidationError: if *record* is neither a mapping nor a crmkit record (None
                included), or *now* is a naive datetime.
        """
        _check_now(now)
        values = dict(record_values(record))
        for f in self.fields:
            if not is_blank(values.get(f.name)):
                continue
            if f.default is not None:
                values[f.name] = f.default
            elif f.name in self._plan.defaults:
                value = self._plan.defaults[f.name].evaluate(values, now=now)
                values[f.name] = tuple(sorted(value)) if isinstance(value, frozenset) else value
        return values

    def compute(
        self,
        record: object,
        *,
        lookup: Lookup | None = None,
        now: datetime | date | None = None,
    ) -> Computed:
        """Compute the formula fields of *record* in dependency order.

        A formula that fails on this record (division by zero, a bad ``VALUE``) is reported
        in :attr:`Computed.errors`, with the formulas that depend on it; the others are
        still computed, so a batch never stops on one record.

        Args:
            record: a mapping of field values or a crmkit record (its ``custom`` values).
            lookup: ``lookup(object_type, id)`` returning a related record, for formulas that
                read through reference fields.
            now: the clock for ``TODAY()`` and ``NOW()``.

        Raises:
            ValidationError: if *record* is neither a mapping nor a crmkit record (None
                included), or *now* is a naive datetime.
        """
        _check_now(now)
        return compute(self._plan, record_values(record), lookup=lookup, now=now)[1]

    def validate(
        self,
        record: object,
        *,
        previous: object = None,
        lookup: Lookup | None = None,
        now: datetime | date | None = None,
    ) -> list[Issue]:
        """Return every problem of *record* at once; an empty list means it is valid.

        Checks value types and constraints, required and required-when fields (a hidden
        field, or a field of a hidden section, is never required), picklist choices
        (dependent ones against their controlling field), read-only fields changed since
        *previous*, formula errors and validation rules (``ISCHANGED``/``PRIORVALUE`` read
        *previous*).

        Raises:
            ValidationError: if *record* is neither a mapping nor a crmkit record (None
                included), or *now* is a naive datetime.
        """
        _check_now(now)
        return validate(self._plan, record, previous=previous, lookup=lookup, now=now).issues

    def check(
        self,
        record: object,
        *,
        previous: object = None,
        lookup: Lookup | None = None,
        now: datetime | date | None = None,
    ) -> Checked:
        """Compute and validate *record* in one pass.

        This gives what :meth:`compute` and :meth:`validate` give, without computing the
        formulas twice.

        Raises:
            ValidationError: if *record* is neither a mapping nor a crmkit record (None
                included), or *now* is a naive datetime.
        """
        _check_now(now)
        return validate(self._plan, record, previous=previous, lookup=lookup, now=now)

    def validate_batch(
        self,
        records: Iterable[object],
        *,
        lookup: Lookup | None = None,
        now: datetime | date | None = None,
    ) -> list[list[Issue]]:
        """Validate each record, and the ``unique`` fields across the batch.

        Returns:
            One list of issues per record, in order; each issue's ``index`` is the record's
            position. A unique value already used by an earlier record is an issue of the
            later one.

        Raises:
            ValidationError: if *records* is not an iterable of records, a record is neither
                a mapping nor a crmkit record, or *now* is a naive datetime.
        """
        if isinstance(records, str | bytes | Mapping) or not isinstance(records, Iterable):
            raise ValidationError(records, "expected an iterable of records", field="records")
        _check_now(now)
        return validate_batch(self._plan, records, lookup=lookup, now=now)

    def layout(
        self,
        record: object,
        *,
        locale: str | None = None,
        lookup: Lookup | None = None,
        now: datetime | date | None = None,
    ) -> Layout:
        """Return what a form shows for *record*: visible sections and fields, in order.

        Each field carries its required and read-only flags and, for picklists, the
        choices open for this record; labels are in *locale* when translated.

        Raises:
            ValidationError: if *record* is neither a mapping nor a crmkit record (None
                included), or *now* is a naive datetime.
            ConfigError: if *locale* is not a locale.
        """
        _check_now(now)
        return layout(
            self._plan, self.fields, self.sections, record, locale=locale, lookup=lookup, now=now
        )

    def dependents(self, name: str) -> tuple[str, ...]:
        """Return what uses the field *name*: formulas, conditions, rules, dependent picklists.

        Each is named by where it lives: ``fields.commission.formula``,
        ``sections.shipping.visible_when``, ``rules.cap.error_when``,
        ``fields.city.controlled_by``, ``rules.cap.field``.

        Raises:
            NotFound: if the schema has no such field.
        """
        self.field(name)
        return dependents(self._plan.expressions, self.fields, self.rules, name)

    def add_field(self, definition: FieldDef, *, section: str | None = None) -> Schema:
        """Return a schema with *definition* added (at the end of *section* when given).

        Raises:
            ConfigError: if the new schema does not check (a duplicate name, a bad formula,
                an unknown section...).
        """
        sections = self.sections
        if section is not None:
            if section not in {s.name for s in sections}:
                raise ConfigError("section", f"no section named {section!r}")
            sections = tuple(
                attrs.evolve(s, fields=(*s.fields, definition.name)) if s.name == section else s
                for s in sections
            )
        return self._evolve(fields=(*self.fields, definition), sections=sections)

    def remove_field(self, name: str) -> Schema:
        """Return a schema without the field *name* (and without it in its section).

        Raises:
            NotFound: if there is no such field.
            ConfigError: listing every dependent, if formulas, conditions or rules use it.
        """
        used = self.dependents(name)
        if used:
            raise ConfigError(
                self._path(name), f"cannot remove {name!r}: used by {', '.join(used)}"
            )
        return self._evolve(**without_field(self.fields, self.sections, name))

    def rename_field(self, old: str, new: str, *, rewrite: bool = False) -> Schema:
        """Return a schema where the field *old* is called *new*.

        Args:
            old: the current name.
            new: the new name.
            rewrite: rewrite the formulas, conditions and rules that use *old* (they come
                back in canonical form); without it, a used field is not renamed.

        Raises:
            NotFound: if there is no field *old*.
            ConfigError: listing every dependent when *rewrite* is False and *old* is used,
                or if *new* is not a valid, unused name.
        """
        used = self.dependents(old)
        if new in self._plan.by_name or new in self._plan.types:
            raise ConfigError(self._path(old), f"cannot rename {old!r}: {new!r} is taken")
        if used and not rewrite:
            raise ConfigError(
                self._path(old),
                f"cannot rename {old!r}: used by {', '.join(used)} (pass rewrite=True)",
            )
        parts = (self.fields, self.sections, self.rules)
        return self._evolve(**renamed_parts(self._plan.expressions, parts, old, new))

    def _path(self, name: str) -> str:
        index = [f.name for f in self.fields].index(name)
        return f"fields[{index}]"

    def _evolve(self, **changes: Any) -> Schema:
        return attrs.evolve(self, **changes)
