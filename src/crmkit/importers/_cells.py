"""One cell's value read as what it holds: e-mail, phone, name, company key.

Each reading is memoised by distinct text, because real files repeat companies, cities and
sources on every row and phone and e-mail validation are the costly steps. A value that
cannot be read comes back as a :class:`Refusal` (the error's code and the reason), not as
an exception: a row collects every refusal of its cells.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from attrs import frozen

from crmkit.contacts import company_match_key, parse_name
from crmkit.errors import ErrorCode, InvalidName, InvalidPhone, ValidationError
from crmkit.values import EmailAddress, PhoneNumber, normalize_email, normalize_phone

from ._locale import LocaleOptions

__all__ = [
    "NAME_PARTS",
    "Refusal",
    "company_key",
    "email",
    "name_parts",
    "name_values",
    "phone",
    "read_phone",
]

#: The parts of a person's name, in the order a full name gives them.
NAME_PARTS: Final = ("prefix", "first_name", "middle_name", "last_name", "suffix")
_NO_REGION: Final = "national number with no region given"
_CACHE: Final = 1 << 16
_MOBILE_KINDS: Final = frozenset({"mobile", "fixed_line_or_mobile"})
_NATIONAL_CODES: Final = frozenset({ErrorCode.PHONE_NEEDS_REGION, ErrorCode.PHONE_UNKNOWN_COUNTRY})


@frozen
class Refusal:
    """Why a cell's value was refused: the error's code and the reason in words."""

    code: str
    reason: str


@lru_cache(maxsize=_CACHE)
def email(raw: str) -> EmailAddress | Refusal:
    """The e-mail address *raw* holds, or why it is none."""
    try:
        return normalize_email(raw)
    except ValidationError as exc:
        return Refusal(exc.code, f"invalid e-mail: {exc.reason}")


@lru_cache(maxsize=_CACHE)
def phone(raw: str, region: str | None) -> PhoneNumber | Refusal:
    """The phone number *raw* holds, read in *region*, or why it is none."""
    try:
        return normalize_phone(raw, region)
    except InvalidPhone as exc:
        return Refusal(exc.code, exc.reason)


@lru_cache(maxsize=_CACHE)
def name_parts(raw: str) -> tuple[str, str, str, str, str, str, str] | Refusal:
    """A person's full name, its five parts and its match key, or why *raw* is no name."""
    try:
        parsed = parse_name(raw)
    except InvalidName as exc:
        return Refusal(exc.code, f"invalid name: {exc.reason}")
    return (
        parsed.full,
        parsed.prefix,
        parsed.first,
        parsed.middle,
        parsed.last,
        parsed.suffix,
        parsed.match_key,
    )


@lru_cache(maxsize=_CACHE)
def company_key(raw: str) -> str:
    """The company match key of *raw*, empty when it names no company."""
    try:
        return company_match_key(raw)
    except InvalidName:
        return ""


def read_phone(raw: str, options: LocaleOptions, hints: tuple[str, ...]) -> PhoneNumber | Refusal:
    """The phone number *raw* holds, with no region given: the row's hints, then the file's."""
    region = options.phone_region
    found = phone(raw, region)
    if region is not None or not isinstance(found, Refusal) or raw.lstrip()[:1] == "+":
        # a number written with its country code reads the same whatever the region
        return found
    # no region given: a national number may still be read with the row's own hints (its
    # country, its e-mail's country domain), then with the regions the file's other
    # numbers use, in that order
    first_reason: Refusal | None = None
    for candidate in hints:
        retry = phone(raw, candidate)
        if not isinstance(retry, Refusal):
            return retry
        first_reason = first_reason or _read_as(retry, candidate)
    readings: dict[str, PhoneNumber] = {}
    for candidate in options.fallback_regions:
        retry = phone(raw, candidate)
        if isinstance(retry, Refusal):
            first_reason = first_reason or _read_as(retry, candidate)
        else:
            readings.setdefault(retry.e164, retry)
    if len(readings) > 1:
        # people give their mobile to a CRM far more often than a shared-cost line
        mobiles = {k: r for k, r in readings.items() if r.kind in _MOBILE_KINDS}
        readings = mobiles or readings
    if len(readings) == 1:
        return next(iter(readings.values()))
    text = raw.strip()
    if not readings and text.isdigit() and text[0] != "0":
        # a workbook's number cell: digits typed with their country code, the "+" lost
        international = phone("+" + text, None)
        if not isinstance(international, Refusal):
            return international
    if readings:
        # a national number that means different numbers in the file's regions
        where = ", ".join(str(r.region) for r in readings.values())
        reason = f"national number valid in several regions ({where}): pass a region"
        return Refusal(ErrorCode.AMBIGUOUS_PHONE, reason)
    if found.code in _NATIONAL_CODES and not raw.lstrip().startswith(("+", "00")):
        return first_reason or Refusal(
            ErrorCode.PHONE_NEEDS_REGION, f"{_NO_REGION} (pass a region)"
        )
    return found


def _read_as(refusal: Refusal, region: str) -> Refusal:
    """*refusal* of a number read as one of *region*, saying so."""
    return Refusal(refusal.code, f"{refusal.reason} (read as a number of {region})")


@lru_cache(maxsize=_CACHE)
def name_values(text: str) -> tuple[tuple[tuple[str, str], ...], str] | Refusal:
    """The values a full name alone gives (name, then its parts), and its match key."""
    parsed = name_parts(text)
    if isinstance(parsed, Refusal):
        return parsed
    full, *parts, key = parsed
    return (("name", full), *zip(NAME_PARTS, parts, strict=True)), key
