"""The options each kind of custom field takes, and the choices of picklists."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from attrs import field, frozen
from babel import Locale, UnknownLocaleError
from babel.numbers import is_currency

from crmkit.errors import ConfigError, ErrorCode

__all__ = [
    "NAME",
    "Choice",
    "FieldOptions",
    "FormulaOptions",
    "MoneyOptions",
    "NumberOptions",
    "PhoneOptions",
    "PicklistOptions",
    "ReferenceOptions",
    "TextOptions",
    "is_text",
    "to_translations",
    "translate",
]

NAME = re.compile(r"[^\W\d][\w]*", re.UNICODE)
"""What a field, section, rule or object type name looks like."""

_FORMULA_TYPES = frozenset(
    {"number", "money", "percent", "text", "bool", "date", "datetime", "picklist", "multipicklist"}
)


def is_text(value: object) -> bool:
    """True for text that is not blank (attrs does not check the declared types)."""
    return isinstance(value, str) and bool(value.strip())


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigError("", f"expected a decimal number, not {value!r}")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ConfigError("", f"expected a decimal number, not {value!r}") from None


def to_translations(value: object) -> dict[str, str]:
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
        if not is_text(self.currency) or not is_currency(self.currency):
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
    translations: dict[str, str] = field(factory=dict, converter=to_translations, hash=False)

    def __attrs_post_init__(self) -> None:
        if not is_text(self.value):
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
            raise ConfigError(
                f"choices[{i}]",
                f"duplicate choice {choice.value!r}",
                code=ErrorCode.CONFIG_DUPLICATE,
            )
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
        if not isinstance(value, str) or not NAME.fullmatch(value):
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
        if not is_text(self.expression):
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
