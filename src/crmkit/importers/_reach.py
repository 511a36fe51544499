"""A row's e-mail addresses and phone numbers: each cell read, the unreadable kept as typed.

A phone number written without its country code is read in the region given, or, with
none, in the regions the row names (its country, its city, its e-mail's country domain)
and then the file's.
"""

from __future__ import annotations

from typing import Final

from crmkit.errors import ErrorCode
from crmkit.values import EmailAddress, PhoneNumber, excel_float_cut

from . import _cells
from ._hints import region_hints
from ._locale import LocaleOptions
from ._problems import Problem

__all__ = ["LIST_SEPARATOR", "PHONE_FIELDS", "emails_of", "phones_of"]

#: The fields that hold phone numbers, in the order a contact lists them.
PHONE_FIELDS: Final = ("mobile", "phone", "home_phone")
#: What joins several values of one field.
LIST_SEPARATOR: Final = "; "
_CUT: Final = "a spreadsheet wrote it in exponent form and may have cut its last digits: check them"


def phones_of(
    raw: dict[str, list[tuple[str, str]]],
    opts: LocaleOptions,
    emails: list[EmailAddress],
    values: dict[str, str],
    keys: list[str],
    *,
    problems: list[Problem],
) -> list[tuple[str, PhoneNumber]]:
    """Read the row's phone fields into *values* and *keys*; keep the unreadable as typed."""
    phones: list[tuple[str, PhoneNumber]] = []
    region = opts.phone_region
    # the row's own hints only help read national numbers when no region is given
    hints = _hints(raw, emails) if region is None else ()
    for field in PHONE_FIELDS:
        if field not in raw:
            continue
        found: dict[str, PhoneNumber] = {}
        typed: list[str] = []
        for column, text in raw[field]:
            read = (
                _cells.phone(text, region)
                if region is not None
                else _cells.read_phone(text, opts, hints)
            )
            if isinstance(read, _cells.Refusal):
                reason = f"invalid phone: {read.reason}"
                problems.append(Problem(column, text, reason, read.code, field))
                typed.append(text)
                continue
            # str(read), without the call
            found.setdefault(
                f"{read.e164};ext={read.extension}" if read.extension else read.e164, read
            )
            keys.append("p:" + read.e164)
            if ("E+" in text or "e+" in text) and excel_float_cut(text):
                reason = f"read as {read.e164}, but {_CUT}"
                problems.append(Problem(column, text, reason, ErrorCode.PHONE_MAYBE_CUT, field))
        if found or typed:
            values[field] = LIST_SEPARATOR.join([*found, *typed])
            phones.extend([(field, number) for number in found.values()])
    return phones


def emails_of(
    entries: list[tuple[str, str]],
    values: dict[str, str],
    keys: list[str],
    problems: list[Problem],
) -> list[EmailAddress]:
    """Read the row's e-mail cells into *values* and *keys*; keep the unreadable as typed."""
    found: dict[str, EmailAddress] = {}
    typed: list[str] = []
    for column, text in entries:
        for piece in _split_list(text) if text.count("@") > 1 else (text,):
            result = _cells.email(piece)
            if isinstance(result, _cells.Refusal):
                problems.append(Problem(column, piece, result.reason, result.code, "email"))
                typed.append(piece)
                continue
            # one address in two spellings (JOHN@acme.com, john@acme.com) is kept once
            found.setdefault(result.match_key, result)
            keys.append("e:" + result.match_key)
    if found or typed:
        values["email"] = LIST_SEPARATOR.join([*(e.value for e in found.values()), *typed])
    return list(found.values())


def _split_list(text: str) -> list[str]:
    # one cell with several addresses: "a@x.com; b@y.com" or "a@x.com, b@y.com"
    if text.count("@") > 1:
        pieces = [p.strip() for p in text.replace(",", ";").split(";")]
        return [p for p in pieces if p]
    return [text]


def _hints(raw: dict[str, list[tuple[str, str]]], emails: list[EmailAddress]) -> tuple[str, ...]:
    country = raw["country"][0][1] if "country" in raw else None
    city = raw["city"][0][1] if "city" in raw else None
    return region_hints(country, city, emails)
