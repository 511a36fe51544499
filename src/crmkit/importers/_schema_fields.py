"""A :class:`crmkit.fields.Schema` as the custom fields a contact clean or import fills.

``clean_file`` and ``import_file`` take any object that says which custom field a header
feeds (:class:`CustomFieldSource`); a crmkit schema is one through :class:`SchemaFields`:
a column feeds the field whose name, label or translated label it spells (case, spaces,
punctuation and letter variants aside), and the schema reads its values as their types
in the import's locale. Its date fields are date columns like ``birth_date``: the day or
the month first is decided once per column from all its values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from crmkit.errors import ConfigError, ValidationError
from crmkit.fields import FieldKind, Schema
from crmkit.values import Money

from ._mapping import CUSTOM_PREFIX, ColumnMapping, CustomFieldSource
from ._problems import Problem
from ._synonyms import header_key

__all__ = [
    "Coerce",
    "SchemaFields",
    "as_text",
    "coerce_custom",
    "custom_fields_of",
]

#: Reads a row's custom values (by field name) as their types, raising a
#: ``ValidationError`` (or an ``InvalidRecord`` of several) naming each bad field.
Coerce = Callable[[dict[str, str]], Mapping[str, object]]

_TYPED_IN: Final = frozenset({FieldKind.FORMULA})


class SchemaFields:
    """The custom fields of *schema* that a column may feed, read in *locale*.

    Attributes:
        schema: the schema.
        date_fields: the ``custom:<name>`` fields holding dates, whose columns' day and
            month order is decided from the whole column.
    """

    def __init__(self, schema: Schema, locale: str | None = None) -> None:
        self.schema = schema
        self._locale = locale or "en_US"
        self._by_key: dict[str, str] = {}
        for f in schema.fields:
            if f.type in _TYPED_IN:
                continue  # computed, never typed in
            for spelling in (f.name, f.name.replace("_", " "), f.label, *f.translations.values()):
                if spelling:
                    self._by_key.setdefault(header_key(spelling), f.name)
        self.date_fields = frozenset(
            CUSTOM_PREFIX + f.name for f in schema.fields if f.type == FieldKind.DATE
        )

    def custom_field_for(self, header: str) -> str | None:
        """The field a column headed *header* feeds, or None."""
        return self._by_key.get(header_key(header))

    def coerce(self, raw: dict[str, str]) -> Mapping[str, object]:
        """The values of *raw* read as their fields' types (see ``Schema.coerce``)."""
        return self.schema.coerce(raw, locale=self._locale)


def custom_fields_of(
    schema: CustomFieldSource | Schema | None, coerce: Coerce | None, locale: str | None
) -> tuple[CustomFieldSource | None, Coerce | None]:
    """The custom field source and reader a clean or import uses.

    A crmkit :class:`Schema` becomes a :class:`SchemaFields`, and reads the values unless
    *coerce* is given; anything else is used as given.

    Raises:
        ConfigError: naming ``schema`` or ``coerce``, for one that cannot be used.
    """
    if coerce is not None and not callable(coerce):
        raise ConfigError("coerce", f"expected a function, not {type(coerce).__name__}")
    if isinstance(schema, Schema):
        fields = SchemaFields(schema, locale)
        return fields, coerce or fields.coerce
    if schema is not None and not callable(getattr(schema, "custom_field_for", None)):
        raise ConfigError(
            "schema",
            "expected a crmkit.fields.Schema or an object with custom_field_for(header),"
            f" not {type(schema).__name__}",
        )
    return schema, coerce


def as_text(value: object) -> str:
    """A typed custom value as a clean file writes it and an import reads it back.

    Dates and datetimes in ISO 8601, numbers as written without exponent, money as
    ``12.50 EUR``, checkboxes as ``true``/``false``, several choices joined with ``; ``.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Money):
        return f"{format(value.amount, 'f')} {value.currency}"
    if isinstance(value, frozenset | set):
        return "; ".join(sorted(as_text(v) for v in value))
    if isinstance(value, tuple | list):
        return "; ".join(as_text(v) for v in value)
    return "" if value is None else str(value)


def coerce_custom(
    coerce: Coerce, values: dict[str, str], mapping: ColumnMapping, problems: list[Problem]
) -> None:
    """Read a row's custom values as their types, each written back as text (:func:`as_text`).

    A value that cannot be read stays as typed, with a problem naming its column; the row's
    other custom values are read all the same. A value that already has a problem (a date
    that is none) is left to it.
    """
    taken = {p.field for p in problems}
    custom = {
        k[len(CUSTOM_PREFIX) :]: v
        for k, v in values.items()
        if k.startswith(CUSTOM_PREFIX) and k not in taken
    }
    while custom:
        try:
            coerced = coerce(custom)
        except ValidationError as exc:
            bad = set()
            for error in getattr(exc, "errors", None) or [exc]:
                name = error.field or ""
                columns = mapping.columns_for(CUSTOM_PREFIX + name) if name else ()
                at = columns[0] if columns else name or "<row>"
                field = CUSTOM_PREFIX + name if name else ""
                problems.append(Problem(at, str(error.value), error.reason, error.code, field))
                bad.add(name)
            if "" in bad or not bad & set(custom):
                return  # an error naming no field of the row: nothing more can be read
            custom = {k: v for k, v in custom.items() if k not in bad}
            continue
        for name, value in coerced.items():
            values[CUSTOM_PREFIX + name] = as_text(value)
        return
