"""Field definitions: the kinds of custom field, their per-kind options, sections and rules."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias

from attrs import field, frozen
from babel import Locale, UnknownLocaleError
from babel.numbers import is_currency

from crmkit.errors import ConfigError

__all__ = [
    "DEFAULT_OPTIONS",
    "Choice",
    "FieldDef",
    "FieldKind",
    "FieldOptions",
    "FormulaOptions",
    "MoneyOptions",
    "NumberOptions",
    "PhoneOptions",
    "PicklistOptions",
    "ReferenceOptions",
    "Section",
    "TextOptions",
    "ValidationRule",
    "field_kind",
    "options_class",
    "translate",
]

_NAME = re.compile(r"[^\W\d][\w]*", re.UNICODE)
_FORMULA_TYPES = frozenset(
    {"number", "money", "percent", "text", "bool", "date", "datetime", "picklist", "multipicklist"}
)


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


def _is_text(value: object) -> bool:
    """True for text that is not blank (attrs does not check the declared types)."""
    return isinstance(value, str) and bool(value.strip())


def _name(value: object) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
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


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigError("", f"expected a decimal number, not {value!r}")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ConfigError("", f"expected a decimal number, not {value!r}") from None


def _translations(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ConfigError("translations", f"expected a mapping of locale to text, not {value!r}")
    return dict(value)


def translate(default: str, translations: Mapping[str, str], locale: str | None) -> str:
    """Return the text for *locale* (``fa_IR`` falls back to ``fa``), else *default*.

    Raises:
        ConfigError: if *locale* is not a locale name.
    """
    if not locale or not translations:
        return default
    if locale in translations:
        return translations[locale]
    try:
        language = Locale.parse(locale.replace("-", "_")).language
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ConfigError("locale", f"unknown locale {locale!r}") from exc
    return translations.get(language, default)


def _positive(name: str, value: object, *, zero: bool = False) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if zero else 1):
        least = "zero or more" if zero else "a positive integer"
        raise ConfigError(name, f"must be {least}, not {value!r}")


@frozen(kw_only=True)
class TextOptions:
    """Options of ``text`` and ``longtext`` fields.

    Attributes:
        max_length: the most characters a value may have; None for no limit.
    """

    max_length: int | None = 255

    def __attrs_post_init__(self) -> None:
        _positive("max_length", self.max_length)


@frozen(kw_only=True)
class NumberOptions:
    """Options of ``number`` and ``percent`` fields.

    Attributes:
        precision: the most significant digits a value may have.
        scale: the most digits after the decimal point.
        min_value: the smallest value allowed, or None.
        max_value: the largest value allowed, or None.
    """

    precision: int = 18
    scale: int = 2
    min_value: Decimal | None = field(default=None, converter=_decimal)
    max_value: Decimal | None = field(default=None, converter=_decimal)

    def __attrs_post_init__(self) -> None:
        _positive("precision", self.precision)
        _positive("scale", self.scale, zero=True)
        if self.scale > self.precision:
            raise ConfigError("scale", f"scale {self.scale} exceeds precision {self.precision}")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ConfigError("min_value", "min_value is greater than max_value")


@frozen(kw_only=True)
class MoneyOptions:
    """Options of ``money`` fields.

    Attributes:
        currency: the ISO 4217 code every value of the field is in.
        scale: the most digits after the decimal point.
    """

    currency: str
    scale: int = 2

    def __attrs_post_init__(self) -> None:
        if not _is_text(self.currency) or not is_currency(self.currency):
            raise ConfigError("currency", f"not an ISO 4217 currency code: {self.currency!r}")
        _positive("scale", self.scale, zero=True)


@frozen(kw_only=True)
class PhoneOptions:
    """Options of ``phone`` fields.

    Attributes:
        region: ISO 3166 region for numbers written without a country code, or None.
    """

    region: str | None = None


@frozen(kw_only=True)
class Choice:
    """One choice of a picklist: the stored value and the label people see.

    Attributes:
        value: what is stored and what formulas compare with.
        label: the text shown; the value itself when empty.
        translations: the label in other locales (``{"fa": "ارسال"}``).
    """

    value: str
    label: str = ""
    translations: dict[str, str] = field(factory=dict, converter=_translations, hash=False)

    def __attrs_post_init__(self) -> None:
        if not _is_text(self.value):
            raise ConfigError(
                "value", f"a choice's value must be non-empty text, not {self.value!r}"
            )

    def label_for(self, locale: str | None = None) -> str:
        """Return the label in *locale*, falling back to the label, then the value."""
        return translate(self.label or self.value, self.translations, locale)


def _choices(value: object) -> tuple[Choice, ...]:
    if not isinstance(value, list | tuple):
        raise ConfigError("choices", f"expected a list of choices, not {value!r}")
    out = tuple(Choice(value=c) if isinstance(c, str) else c for c in value)
    seen: set[str] = set()
    for i, choice in enumerate(out):
        if not isinstance(choice, Choice):
            raise ConfigError(f"choices[{i}]", f"expected a Choice or text, not {choice!r}")
        if choice.value in seen:
            raise ConfigError(f"choices[{i}]", f"duplicate choice {choice.value!r}")
        seen.add(choice.value)
    return out


def _dependencies(value: object) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise ConfigError("dependencies", f"expected a mapping, not {value!r}")
    out: dict[str, tuple[str, ...]] = {}
    for key, allowed in value.items():
        if not isinstance(key, str) or not isinstance(allowed, list | tuple):
            raise ConfigError(
                f"dependencies[{key!r}]", f"expected a list of choice values, not {allowed!r}"
            )
        out[key] = tuple(allowed)
    return out


@frozen(kw_only=True)
class PicklistOptions:
    """Options of ``picklist`` and ``multipicklist`` fields.

    Attributes:
        choices: the choices, in display order.
        restricted: when False, values outside the choices are accepted too.
        controlled_by: the controlling field of a dependent picklist (``country`` for
            ``city``), or None.
        dependencies: for a dependent picklist, the choice values allowed for each value
            of the controlling field; a controlling value not listed allows no choice.
    """

    choices: tuple[Choice, ...] = field(converter=_choices)
    restricted: bool = True
    controlled_by: str | None = None
    dependencies: dict[str, tuple[str, ...]] = field(
        factory=dict, converter=_dependencies, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if not self.choices and self.restricted:
            raise ConfigError("choices", "a restricted picklist needs at least one choice")
        if self.dependencies and self.controlled_by is None:
            raise ConfigError("dependencies", "dependencies need controlled_by")
        if self.controlled_by is not None and not self.dependencies:
            raise ConfigError("dependencies", "a dependent picklist needs dependencies")
        known = {c.value for c in self.choices}
        for key, allowed in self.dependencies.items():
            for value in allowed:
                if value not in known:
                    raise ConfigError(f"dependencies[{key!r}]", f"{value!r} is not a choice")

    def allowed(self, controlling: object) -> tuple[Choice, ...]:
        """Return the choices allowed when the controlling field holds *controlling*."""
        if self.controlled_by is None:
            return self.choices
        if isinstance(controlling, bool):
            controlling = "true" if controlling else "false"
        values = self.dependencies.get(controlling) if isinstance(controlling, str) else None
        if not values:
            return ()
        return tuple(c for c in self.choices if c.value in values)


@frozen(kw_only=True)
class ReferenceOptions:
    """Options of ``reference`` fields.

    Attributes:
        target: the object type referred to (``company``, ``contact``, ``deal`` or a
            user-defined type).
    """

    target: str = field()

    @target.validator
    def _check(self, _: object, value: object) -> None:
        if not isinstance(value, str) or not _NAME.fullmatch(value):
            raise ConfigError("target", f"expected an object type name, not {value!r}")


@frozen(kw_only=True)
class FormulaOptions:
    """Options of ``formula`` fields.

    Attributes:
        expression: the formula's source.
        result_type: the declared result type; None to take the inferred one.
        blanks_as_zero: treat blank numbers as zero in arithmetic.
    """

    expression: str = field()
    result_type: str | None = None
    blanks_as_zero: bool = False

    def __attrs_post_init__(self) -> None:
        if not _is_text(self.expression):
            raise ConfigError("expression", "a formula needs an expression")
        if self.result_type is not None and self.result_type not in _FORMULA_TYPES:
            known = ", ".join(sorted(_FORMULA_TYPES))
            raise ConfigError(
                "result_type", f"unknown type {self.result_type!r}; expected one of {known}"
            )


FieldOptions: TypeAlias = (
    TextOptions
    | NumberOptions
    | MoneyOptions
    | PhoneOptions
    | PicklistOptions
    | ReferenceOptions
    | FormulaOptions
)
"""The options of some field kind (see :func:`options_class`)."""

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
    translations: dict[str, str] = field(factory=dict, converter=_translations, hash=False)
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
    translations: dict[str, str] = field(factory=dict, converter=_translations, hash=False)
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
        if not _is_text(self.message):
            raise ConfigError("message", "a rule needs a message")
