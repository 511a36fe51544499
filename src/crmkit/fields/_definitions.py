"""Field definitions: the kinds of custom field, the field itself, sections and rules."""

from __future__ import annotations

import enum
from typing import Any

from attrs import field, frozen

from crmkit.errors import ConfigError

from ._options import (
    NAME,
    FieldOptions,
    FormulaOptions,
    MoneyOptions,
    NumberOptions,
    PhoneOptions,
    PicklistOptions,
    ReferenceOptions,
    TextOptions,
    is_text,
    to_translations,
    translate,
)

__all__ = [
    "DEFAULT_OPTIONS",
    "FieldDef",
    "FieldKind",
    "Section",
    "ValidationRule",
    "field_kind",
    "options_class",
]


class FieldKind(enum.StrEnum):
    """The kind of a custom field; each member is also its plain string name."""

    TEXT = "text"
    """One line of text, at most ``max_length`` characters."""
    LONG_TEXT = "longtext"
    """Several lines of text (notes, descriptions)."""
    NUMBER = "number"
    """An exact decimal number with a precision and a scale."""
    MONEY = "money"
    """An amount of one currency (:class:`crmkit.values.Money`)."""
    PERCENT = "percent"
    """A percentage, stored as the number people write (``12.5`` for 12.5 %)."""
    BOOL = "bool"
    """A checkbox: True or False."""
    DATE = "date"
    """A calendar date."""
    DATETIME = "datetime"
    """A timezone-aware moment."""
    EMAIL = "email"
    """An e-mail address, stored normalized."""
    PHONE = "phone"
    """A phone number, stored in E.164 form."""
    URL = "url"
    """A web address (http or https)."""
    PICKLIST = "picklist"
    """One value out of a list of choices."""
    MULTIPICKLIST = "multipicklist"
    """Several values out of a list of choices, stored as a tuple in the choices' order."""
    REFERENCE = "reference"
    """The id of a related record (a contact, a company, a deal or a user-defined object)."""
    FORMULA = "formula"
    """A value computed from other fields by an expression; never typed in."""


def _name(value: object) -> str:
    if not isinstance(value, str) or not NAME.fullmatch(value):
        raise ConfigError(
            "name", f"a name must be a letter or _ followed by letters, digits or _, not {value!r}"
        )
    return value


def _source(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(name, f"an expression must be non-empty text, not {value!r}")
    return value


def _default_expr(value: object) -> str | None:
    return _source("default_expr", value)


def _required_when(value: object) -> str | None:
    return _source("required_when", value)


def _visible_when(value: object) -> str | None:
    return _source("visible_when", value)


def _read_only_when(value: object) -> str | None:
    return _source("read_only_when", value)


_OPTIONS: dict[FieldKind, type[Any] | None] = {
    FieldKind.TEXT: TextOptions,
    FieldKind.LONG_TEXT: TextOptions,
    FieldKind.NUMBER: NumberOptions,
    FieldKind.PERCENT: NumberOptions,
    FieldKind.MONEY: MoneyOptions,
    FieldKind.PHONE: PhoneOptions,
    FieldKind.PICKLIST: PicklistOptions,
    FieldKind.MULTIPICKLIST: PicklistOptions,
    FieldKind.REFERENCE: ReferenceOptions,
    FieldKind.FORMULA: FormulaOptions,
    FieldKind.BOOL: None,
    FieldKind.DATE: None,
    FieldKind.DATETIME: None,
    FieldKind.EMAIL: None,
    FieldKind.URL: None,
}
DEFAULT_OPTIONS: dict[FieldKind, FieldOptions] = {
    FieldKind.TEXT: TextOptions(),
    FieldKind.LONG_TEXT: TextOptions(max_length=32_000),
    FieldKind.NUMBER: NumberOptions(),
    FieldKind.PERCENT: NumberOptions(precision=5, scale=2),
    FieldKind.PHONE: PhoneOptions(),
}


def options_class(kind: FieldKind | str) -> type[Any] | None:
    """Return the options class a field of *kind* takes, or None when it takes none.

    Raises:
        ConfigError: if *kind* is not a field kind.
    """
    return _OPTIONS[field_kind(kind)]


def field_kind(value: object) -> FieldKind:
    """Return *value* as a :class:`FieldKind`.

    Raises:
        ConfigError: if it names no kind.
    """
    if isinstance(value, FieldKind):
        return value
    try:
        return FieldKind(str(value) if isinstance(value, str) else "")
    except ValueError:
        known = ", ".join(k.value for k in FieldKind)
        raise ConfigError(
            "type", f"unknown field type {value!r}; expected one of {known}"
        ) from None


@frozen(kw_only=True)
class FieldDef:
    """The definition of one custom field.

    Args and attributes:
        name: the field's name, as formulas and records use it (``commission``).
        type: its :class:`FieldKind` (a plain string such as ``"money"`` is accepted).
        options: the kind's options (:func:`options_class`); kinds with sensible defaults
            (text, number, percent, phone) may leave it out, money, picklists, references
            and formulas need theirs; kinds without options take None.
        label: the label a form shows; the name when empty.
        translations: the label in other locales (``{"fa": "پورسانت"}``).
        help_text: a longer explanation for a form's tooltip.
        default: the value a new record starts with, or None.
        default_expr: an expression giving the default instead (``TODAY() + 30``).
        required: the field must have a value (when visible).
        required_when: an expression: the field must have a value when it is TRUE.
        visible_when: an expression: the field is shown (and can be required) only when TRUE.
        read_only_when: an expression: the field cannot be changed when it is TRUE.
        unique: no two records of a batch may hold the same value.

    Raises:
        ConfigError: naming the bad attribute, if an attribute is wrong for the kind.
    """

    name: str = field(converter=_name)
    type: FieldKind = field(converter=field_kind)
    options: FieldOptions | None = None
    label: str = ""
    translations: dict[str, str] = field(factory=dict, converter=to_translations, hash=False)
    help_text: str = ""
    default: object = field(default=None, hash=False)
    default_expr: str | None = field(default=None, converter=_default_expr)
    required: bool = False
    required_when: str | None = field(default=None, converter=_required_when)
    visible_when: str | None = field(default=None, converter=_visible_when)
    read_only_when: str | None = field(default=None, converter=_read_only_when)
    unique: bool = False

    def __attrs_post_init__(self) -> None:
        wanted = _OPTIONS[self.type]
        if self.options is None and self.type in DEFAULT_OPTIONS:
            object.__setattr__(self, "options", DEFAULT_OPTIONS[self.type])
        elif wanted is None and self.options is not None:
            raise ConfigError("options", f"{self.type} fields take no options")
        elif wanted is not None and not isinstance(self.options, wanted):
            raise ConfigError(
                "options", f"{self.type} fields need {wanted.__name__}, not {self.options!r}"
            )
        if self.type is FieldKind.FORMULA:
            for name in ("default", "default_expr", "required", "required_when", "unique"):
                if getattr(self, name) not in (None, False):
                    raise ConfigError(name, "a formula field is computed; it cannot have this")
        if self.default is not None and self.default_expr is not None:
            raise ConfigError("default", "give a default value or a default_expr, not both")

    def label_for(self, locale: str | None = None) -> str:
        """Return the label in *locale*, falling back to the label, then the name."""
        return translate(self.label or self.name, self.translations, locale)


def _field_names(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError("fields", f"expected a list of field names, not {value!r}")
    return tuple(value)


@frozen(kw_only=True)
class Section:
    """A named, ordered group of fields on a form, shown only when its condition holds.

    Attributes:
        name: the section's name.
        fields: the names of its fields, in display order.
        label: the heading shown; the name when empty.
        translations: the heading in other locales.
        visible_when: an expression: the section is shown only when it is TRUE.
    """

    name: str = field(converter=_name)
    fields: tuple[str, ...] = field(converter=_field_names)
    label: str = ""
    translations: dict[str, str] = field(factory=dict, converter=to_translations, hash=False)
    visible_when: str | None = field(default=None, converter=_visible_when)

    def label_for(self, locale: str | None = None) -> str:
        """Return the heading in *locale*, falling back to the label, then the name."""
        return translate(self.label or self.name, self.translations, locale)


@frozen(kw_only=True)
class ValidationRule:
    """A rule a record must pass: it fails when *error_when* is TRUE.

    Attributes:
        name: the rule's name.
        error_when: an expression that is TRUE for a bad record; it may use ``ISCHANGED``
            and ``PRIORVALUE`` to compare with the record before the change.
        message: what to tell the person.
        field: the field the message attaches to, or None for the whole record.
    """

    name: str = field(converter=_name)
    error_when: str = field()
    message: str = field()
    field: str | None = None

    def __attrs_post_init__(self) -> None:
        if _source("error_when", self.error_when) is None:
            raise ConfigError("error_when", "a rule needs an expression")
        if not is_text(self.message):
            raise ConfigError("message", "a rule needs a message")
