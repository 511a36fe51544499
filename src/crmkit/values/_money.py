"""Plain value types shared by every area: :class:`Money` and :class:`Address`."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import overload

from attrs import field, frozen
from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    format_currency,
    get_decimal_symbol,
    get_group_symbol,
    get_territory_currencies,
    is_currency,
    parse_decimal,
)

from crmkit.errors import InvalidMoney

__all__ = ["Money"]

Number = int | Decimal

# Symbols people write for a currency that babel's locale data does not list for that locale.
_SYMBOL_ALIASES = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₨": "PKR",
    "﷼": "IRR",
    "ریال": "IRR",
    "تومان": "IRT",
    "Rs": "INR",
    "Rs.": "INR",
}
# Symbols several currencies share: with one of these, a currency given to parse() decides.
_SHARED_SYMBOLS = frozenset({"$", "Rs", "Rs.", "₨", "¥", "kr", "﷼"})
# No real amount needs more: this keeps arithmetic on hostile input (1E+1000000) cheap.
_MAX_DIGITS = 30
_TERRITORY_SYMBOLS = {("Rs", "PK"): "PKR", ("Rs.", "PK"): "PKR", ("Rs", "LK"): "LKR"}
_NUMBER_CHARS = re.compile(r"[\d\s.,'\u066b\u066c\u00a0\u202f\u2019()+\-\u2212]+")
_BIDI_MARKS = str.maketrans("", "", "\u200e\u200f\u061c\u202a\u202b\u202c")


@lru_cache(maxsize=512)
def _known_currency(code: str) -> bool:
    # babel looks the code up in its locale data each time: too slow for every Money made
    return bool(is_currency(code))


# code as given -> its checked upper-case form: every Money made checks its currency, and
# most programs use a handful of them
_CHECKED_CODES: dict[str, str] = {}


def _check_currency(currency: object) -> str:
    if type(currency) is str:
        code = _CHECKED_CODES.get(currency)
        if code is not None:
            return code
    if not isinstance(currency, str) or not _known_currency(currency.upper()):
        raise InvalidMoney(currency, "not an ISO 4217 currency code", field="currency")
    if len(_CHECKED_CODES) < 512:  # bounded: codes are few, hostile input is not
        _CHECKED_CODES[currency] = currency.upper()
    return currency.upper()


def _to_decimal(amount: object) -> Decimal:
    # the commonest case, a Decimal already: no copy, one range check
    if (
        type(amount) is Decimal
        and amount.is_finite()
        and (not amount or amount.adjusted() <= _MAX_DIGITS)
    ):
        return amount
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal | str):
        raise InvalidMoney(amount, "amount must be an int, a Decimal or a numeric string")
    try:
        value = Decimal(amount)
    except InvalidOperation as exc:
        raise InvalidMoney(amount, "not a number") from exc
    if not value.is_finite():
        raise InvalidMoney(amount, "amount must be finite")
    if value and value.adjusted() > _MAX_DIGITS:
        raise InvalidMoney(amount, f"amount out of range (more than {_MAX_DIGITS} digits)")
    return value


@frozen(order=False)
class Money:
    """An exact amount of one currency.

    Arithmetic is allowed only between amounts of the same currency; mixing currencies raises
    :class:`~crmkit.errors.InvalidMoney` rather than guessing a rate. Amounts are
    :class:`~decimal.Decimal` and are never rounded behind the caller's back.

    Attributes:
        amount: the exact amount.
        currency: the ISO 4217 code, upper case (``"EUR"``).

    Raises:
        InvalidMoney: if the amount is not a finite number or the currency is not ISO 4217.
    """

    amount: Decimal = field(converter=_to_decimal)
    currency: str = field(converter=_check_currency)

    @classmethod
    def of(cls, amount: int | str | Decimal, currency: str) -> Money:
        """Build a Money from an int, a numeric string or a Decimal (floats are refused)."""
        return cls(amount, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return zero in *currency*."""
        return cls(Decimal(0), currency)

    @classmethod
    def parse(cls, text: str, *, locale: str = "en_US", currency: str | None = None) -> Money:
        """Read an amount as people write it in *locale* (``"1.234,56 €"`` in ``de_DE``).

        The currency comes from *currency*, else from a code or symbol in *text*, else from the
        locale's territory. Digits of other scripts (``"۱۲٬۳۴۵٫۶۷"`` in ``fa_IR``) are read too.

        Raises:
            InvalidMoney: if *text* holds no amount, an amount the locale cannot read, or a
                currency that contradicts *currency*.
        """
        if not isinstance(text, str):
            raise InvalidMoney(text, "expected text")
        loc = _locale(locale)
        cleaned = text.translate(_BIDI_MARKS).strip()
        numbers = _NUMBER_CHARS.findall(cleaned)
        numeric = max(numbers, key=lambda s: sum(c.isdigit() for c in s), default="").strip()
        if not any(c.isdigit() for c in numeric):
            raise InvalidMoney(text, "no amount found")
        marker = cleaned.replace(numeric, " ", 1).strip()
        # a sign may stand outside the symbol: "-€0.01", "€-0.01"
        minus = ("-", "\u2212")
        sign = "-" if marker.startswith(minus) or marker.endswith(minus) else ""
        marker = marker.strip("-\u2212 ")
        found = _currency_of(marker, loc) if marker else None
        if marker and found is None:
            raise InvalidMoney(text, f"unknown currency {marker!r}")
        if currency is not None:
            wanted = _check_currency(currency)
            if found is not None and found != wanted and marker not in _SHARED_SYMBOLS:
                raise InvalidMoney(text, f"currency {found} does not match {wanted}")
            found = wanted
        if found is None:
            found = _territory_currency(loc)
        if found is None:
            raise InvalidMoney(text, f"no currency given and locale {locale!r} has none")
        return cls(_parse_amount(text, sign + numeric, loc), found)

    def format(self, locale: str = "en_US") -> str:
        """Format for people reading *locale* (``"1.234,56 €"`` in ``de_DE``)."""
        return str(
            format_currency(
                self.amount,
                self.currency,
                locale=_locale(locale),
                numbering_system="default",
                currency_digits=self.amount == self.amount.quantize(Decimal("0.01")),
                decimal_quantization=False,
            )
        )

    @classmethod
    def _of_valid(cls, amount: Decimal, currency: str) -> Money:
        # Arithmetic results: both parts are already valid, so skip the converters (they
        # showed up at 13% of the custom-fields benchmark).
        money = cls.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    def _same(self, other: Money, op: str) -> None:
        if self.currency != other.currency:
            raise InvalidMoney(
                f"{self} {op} {other}", "cannot combine different currencies", field="currency"
            )

    def _money(self, other: object, op: str) -> Money:
        if not isinstance(other, Money):
            raise InvalidMoney(
                other, f"money {op} needs Money of the same currency, not {type(other).__name__}"
            )
        self._same(other, op)
        return other

    def __add__(self, other: object) -> Money:
        other = self._money(other, "+")
        return Money._of_valid(self.amount + other.amount, self.currency)

    def __radd__(self, other: object) -> Money:
        return self._money(other, "+") + self

    def __sub__(self, other: object) -> Money:
        other = self._money(other, "-")
        return Money._of_valid(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money._of_valid(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money._of_valid(abs(self.amount), self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int | Decimal):
            raise InvalidMoney(factor, "money can only be multiplied by an int or a Decimal")
        return Money._of_valid(self.amount * factor, self.currency)

    __rmul__ = __mul__

    @overload
    def __truediv__(self, other: Money) -> Decimal: ...
    @overload
    def __truediv__(self, other: Number) -> Money: ...
    def __truediv__(self, other: object) -> Money | Decimal:
        if isinstance(other, Money):
            self._same(other, "/")
            if not other.amount:
                raise InvalidMoney(other, "division by zero")
            return self.amount / other.amount
        if isinstance(other, bool) or not isinstance(other, int | Decimal):
            raise InvalidMoney(other, "money can only be divided by a number or by Money")
        if not other:
            raise InvalidMoney(other, "division by zero")
        return Money._of_valid(self.amount / other, self.currency)

    def __lt__(self, other: object) -> bool:
        return self.amount < self._money(other, "<").amount

    def __le__(self, other: object) -> bool:
        return self.amount <= self._money(other, "<=").amount

    def __gt__(self, other: object) -> bool:
        return self.amount > self._money(other, ">").amount

    def __ge__(self, other: object) -> bool:
        return self.amount >= self._money(other, ">=").amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


@lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise InvalidMoney(name, "unknown locale", field="locale") from exc


def _territory_currency(loc: Locale) -> str | None:
    if not loc.territory:
        return None
    found = get_territory_currencies(loc.territory)
    return str(found[0]) if found else None


def _currency_of(marker: str, loc: Locale) -> str | None:
    if is_currency(marker.upper()) and len(marker) == 3:
        return marker.upper()
    for code, symbol in loc.currency_symbols.items():
        if symbol == marker:
            return str(code)
    key = (marker, loc.territory or "")
    if key in _TERRITORY_SYMBOLS:
        return _TERRITORY_SYMBOLS[key]
    return _SYMBOL_ALIASES.get(marker)


def _parse_amount(text: str, numeric: str, loc: Locale) -> Decimal:
    raw = "".join(str(int(c)) if c.isdecimal() else c for c in numeric.strip())
    raw = raw.replace("\u2212", "-")
    negative = raw.startswith(("-", "(")) != raw.startswith("-(") or raw.endswith(")")
    raw = raw.strip("()+- ")
    # People mix the locale's own separators with Latin ones (an Iranian export may use "٬" or
    # ","), so try the locale's native numbering system, then Latin.
    for system in ("default", "latn"):
        try:
            group = get_group_symbol(loc, numbering_system=system)
            decimal = get_decimal_symbol(loc, numbering_system=system)
            candidate = raw.replace("\u00a0", group if group.isspace() else " ")
            if group.isspace() or group in "\u00a0\u202f":
                candidate = re.sub(r"\s", group, candidate)
            value = parse_decimal(candidate, locale=loc, numbering_system=system, strict=True)
        except (NumberFormatError, InvalidOperation, KeyError, ValueError):
            continue
        if decimal not in candidate and "." in candidate and system == "default":
            # a Latin decimal point in a locale whose own mark differs: let Latin decide
            continue
        return -value if negative else value
    raise InvalidMoney(text, f"not an amount in locale {loc}")
