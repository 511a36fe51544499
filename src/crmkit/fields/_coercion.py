"""Turning spreadsheet text into typed field values, the way people write them in a locale."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import attrs
from babel import Locale, UnknownLocaleError
from babel.dates import parse_time
from babel.numbers import NumberFormatError, parse_decimal

from crmkit.errors import InvalidMoney, InvalidRecord, ValidationError
from crmkit.values import Money, normalize_email, normalize_phone, read_date

from ._checks import is_blank
from ._definitions import FieldDef, FieldKind
from ._options import MoneyOptions, PhoneOptions, PicklistOptions

__all__ = ["Coerce", "coerce_record", "coercer", "parse_bool", "parse_locale"]

Coerce = Callable[[object, Locale], object]

_YES = " ".join(
    [
        "yes y true t 1 on x ✓ ja oui sí si sim evet да",
        "بله بلی آری آره درست صحیح ہاں جی نعم हाँ हां 是 はい",
    ]
)
_NO = (
    "no n false f 0 off nein non não nao hayır нет خیر نه نخیر نادرست غلط نہیں نہ لا नहीं 否 いいえ"
)
# Persian, Arabic and Urdu keyboards give different code points for the same letters.
_LETTERS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ۀ": "ه",
        "ہ": "ه",
        "ە": "ه",
        "\u200c": "",
        "\u200d": "",
        "\u0640": "",
        "\u200e": "",
        "\u200f": "",
        "\u061c": "",
    }
)


def _fold(text: str) -> str:
    cleaned = unicodedata.normalize("NFKC", text).translate(_LETTERS).strip().casefold()
    return "".join(str(int(c)) if c.isdecimal() and not c.isascii() else c for c in cleaned)


_BOOLS = {**{_fold(w): True for w in _YES.split()}, **{_fold(w): False for w in _NO.split()}}
_BOOLS[_fold("جی ہاں")] = True


def parse_locale(locale: str) -> Locale:
    """Return the babel locale named *locale*.

    Raises:
        ValidationError: if it is not a locale name.
    """
    try:
        return _locale(locale)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValidationError(locale, "unknown locale", field="locale") from exc


@lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    return Locale.parse(name.replace("-", "_"))


def parse_bool(value: object) -> bool:
    """Read a checkbox value: ``yes``/``no``, ``1``/``0``, ``بله``/``خیر``, ``ہاں``/``نہیں``...

    Raises:
        ValidationError: for anything that is not a yes or a no.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        found = _BOOLS.get(_fold(value))
        if found is not None:
            return found
    raise ValidationError(value, "expected yes or no")


def _ascii_digits(text: str) -> str:
    cleaned = unicodedata.normalize("NFKC", text).translate(_LETTERS).strip()
    return "".join(str(int(c)) if c.isdecimal() else c for c in cleaned)


def _decimal_of(value: object, loc: Locale) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(value, "expected a number")
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str):
        number = _parse_number(value, loc)
    else:
        raise ValidationError(value, f"expected a number, not {type(value).__name__}")
    if not number.is_finite():
        raise ValidationError(value, "expected a finite number")
    return number


def _parse_number(text: str, loc: Locale) -> Decimal:
    raw = _ascii_digits(text).replace("\u2212", "-")
    for system in ("default", "latn"):
        try:
            return parse_decimal(raw, locale=loc, numbering_system=system, strict=True)
        except (NumberFormatError, InvalidOperation, KeyError, ValueError):
            continue
    plain = _ascii_digits(raw)
    try:
        return Decimal(plain)
    except InvalidOperation:
        raise ValidationError(text, f"not a number in locale {loc}") from None


def _number(value: object, loc: Locale) -> Decimal:
    return _decimal_of(value, loc)


def _percent(value: object, loc: Locale) -> Decimal:
    if isinstance(value, str):
        value = value.strip().rstrip("%٪").strip()
    return _decimal_of(value, loc)


def _text(value: object, _: Locale) -> str:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        raise ValidationError(value, f"expected text, not {type(value).__name__}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _email(value: object, loc: Locale) -> str:
    return normalize_email(_text(value, loc)).value


def _url(value: object, loc: Locale) -> str:
    text = _text(value, loc)
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in parts.netloc:
        raise ValidationError(value, "expected an http or https URL")
    return text


def _date(value: object, loc: Locale) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValidationError(value, f"expected a date, not {type(value).__name__}")
    # the one date reader imports use too: a Persian spreadsheet writes dates in the Solar
    # Hijri calendar, converted by the jalali extra's jdatetime
    text = _ascii_digits(value)
    return read_date(text, locale=str(loc), jalali=loc.language == "fa")


def _datetime(value: object, loc: Locale) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        text = _ascii_digits(value)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            day, _, clock = text.partition(" ")
            try:
                at = parse_time(clock.strip(), locale=loc) if clock.strip() else time()
            except (ValueError, IndexError) as exc:
                raise ValidationError(value, f"not a date and time in locale {loc}") from exc
            moment = datetime.combine(_date(day, loc), at)
    else:
        raise ValidationError(value, f"expected a date and time, not {type(value).__name__}")
    # a moment without a zone is read as UTC: crmkit keeps every timestamp aware
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def _money(options: MoneyOptions) -> Coerce:
    def coerce(value: object, loc: Locale) -> Money:
        if isinstance(value, Money):
            return value
        if isinstance(value, str):
            return Money.parse(value, locale=str(loc), currency=options.currency)
        try:
            return Money(_decimal_of(value, loc), options.currency)
        except ValidationError as exc:
            raise InvalidMoney(value, exc.reason) from exc

    return coerce


def _phone(options: PhoneOptions) -> Coerce:
    def coerce(value: object, loc: Locale) -> str:
        text = _text(value, loc)
        return str(normalize_phone(text, options.region or loc.territory))

    return coerce


def _picklist(options: PicklistOptions, multi: bool) -> Coerce:
    index: dict[str, str] = {}
    for choice in options.choices:
        keys = [choice.label, *choice.translations.values(), choice.value]
        for key in keys:
            if key:
                index.setdefault(_fold(key), choice.value)
    order = {c.value: i for i, c in enumerate(options.choices)}

    def one(value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(value, f"expected a choice, not {type(value).__name__}")
        text = value.strip()
        if text in order:
            return text
        found = index.get(_fold(text))
        if found is not None:
            return found
        if options.restricted:
            listed = ", ".join(c.value for c in options.choices)
            raise ValidationError(value, f"not one of the choices ({listed})")
        return text

    def single(value: object, _: Locale) -> str:
        return one(value)

    def many(value: object, _: Locale) -> tuple[str, ...]:
        if isinstance(value, str):
            parts = [p for p in value.replace("\n", ";").split(";") if p.strip()]
        elif isinstance(value, list | tuple | set | frozenset):
            parts = list(value)
        else:
            raise ValidationError(value, f"expected choices, not {type(value).__name__}")
        found = {one(p): None for p in parts}
        return tuple(sorted(found, key=lambda v: order.get(v, len(order))))

    return many if multi else single


def _reference(value: object, _: Locale) -> str:
    if isinstance(value, Mapping):
        value = value.get("id")
    elif attrs.has(type(value)):
        value = getattr(value, "id", None)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise ValidationError(value, "expected a record id")


_SIMPLE: dict[FieldKind, Coerce] = {
    FieldKind.TEXT: _text,
    FieldKind.LONG_TEXT: _text,
    FieldKind.NUMBER: _number,
    FieldKind.PERCENT: _percent,
    FieldKind.BOOL: lambda value, _: parse_bool(value),
    FieldKind.DATE: _date,
    FieldKind.DATETIME: _datetime,
    FieldKind.EMAIL: _email,
    FieldKind.URL: _url,
    FieldKind.REFERENCE: _reference,
}


def coercer(f: FieldDef) -> Coerce | None:
    """Return the function reading raw values of *f*, or None for a formula field."""
    if isinstance(f.options, MoneyOptions):
        return _money(f.options)
    if isinstance(f.options, PhoneOptions):
        return _phone(f.options)
    if isinstance(f.options, PicklistOptions):
        return _picklist(f.options, f.type is FieldKind.MULTIPICKLIST)
    return _SIMPLE.get(f.type)


def coerce_record(
    raw: object,
    locale: str,
    fields: Mapping[str, FieldDef],
    coercers: Mapping[str, Callable[[object, Any], object]],
    record: str,
) -> dict[str, object]:
    """Read each of *raw*'s values with its field's coercer (``Schema.coerce``).

    Raises:
        InvalidRecord: naming *record*, holding a ``ValidationError`` per bad field.
        ValidationError: if *raw* is not a mapping or *locale* is not a locale.
    """
    if not isinstance(raw, Mapping):
        raise ValidationError(raw, "expected a mapping of field names to values")
    loc = parse_locale(locale)
    out: dict[str, object] = {}
    errors: list[ValidationError] = []
    for name, value in raw.items():
        spec = fields.get(name)
        make = coercers.get(name) if spec is not None else None
        if spec is None or make is None:
            reason = "is a formula field: it is computed" if spec else "no such field"
            errors.append(ValidationError(value, reason, field=str(name)))
            continue
        if value is None or is_blank(value):
            out[name] = None
            continue
        try:
            out[name] = make(value, loc)
        except ValidationError as exc:
            errors.append(exc.at(field=name))
    if errors:
        raise InvalidRecord(errors, record=record)
    return out
