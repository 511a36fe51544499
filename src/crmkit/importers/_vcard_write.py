"""Writing rows as vCards (``.vcf``, version 3.0): one card per row, with vobject.

The columns are read by their names, the ones a clean file and an export write: ``name``
and the name parts give FN and N; ``email``, ``email_2``... give EMAIL; ``mobile``...,
``phone``... and ``home_phone``... give TEL with TYPE=CELL, VOICE or HOME; ``company``,
``job_title``, ``website``, ``birth_date``, ``tags`` and ``notes`` give ORG, TITLE, URL,
BDAY, CATEGORIES and NOTE; ``address``, ``city``, ``state``, ``postal_code`` and
``country`` give one ADR. Every other column is written as ``X-CRMKIT-COLUMN`` with the
column's name in ``X-NAME``, so that reading the file back (``_vcard``) gives the same
columns. Lines are folded and values escaped as RFC 6350 says, in UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any, Final

from crmkit._optional import require
from crmkit.contacts import Contact

from ._vcard import COLUMN_PROPERTY, NAME_PARAM

__all__ = ["VcardWriter", "card_values"]

_NUMBERED: Final = re.compile(r"^(email|mobile|phone|home_phone)(?:_\d+)?$")
_TEL_TYPES: Final = {"mobile": ["CELL"], "phone": ["VOICE"], "home_phone": ["HOME"]}
_PARTS: Final = ("prefix", "first_name", "middle_name", "last_name", "suffix")
_ADDRESS: Final = ("address", "city", "state", "postal_code", "country")
_SIMPLE: Final = {"job_title": "title", "website": "url", "birth_date": "bday", "notes": "note"}
_LIST: Final = "; "
_LABELS: Final = {"mobile": "mobile", "cell": "mobile", "home": "home_phone"}
_CUSTOM: Final = ("company", "website", "notes")


class VcardWriter:
    """Rows written to an open text file as vCards, one per row."""

    def __init__(self, handle: IO[str], headers: Sequence[str]) -> None:
        self._vobject = require("vobject", extra="vcard")
        self._fh = handle
        self._headers = [str(h) for h in headers]

    def write(self, row: Sequence[object]) -> None:
        """Append the card of one row."""
        self.write_values({h: _cell(v) for h, v in zip(self._headers, row, strict=False)})

    def write_values(self, values: dict[str, str]) -> None:
        """Append the card of one row given as column → value (see :func:`card_values`)."""
        card = self._vobject.vCard()
        parts = [values.get(p, "") for p in _PARTS]
        full = values.get("name") or " ".join(p for p in parts if p)
        name = self._vobject.vcard.Name(
            family=parts[3], given=parts[1], additional=parts[2], prefix=parts[0], suffix=parts[4]
        )
        card.add("n").value = name
        card.add("fn").value = full or next(
            (value for h, value in values.items() if _NUMBERED.match(h) and value), ""
        )
        for header, value in values.items():
            if not value or header in ("name", *_PARTS, *_ADDRESS):
                continue
            _add(card, header, value)
        if any(values.get(a) for a in _ADDRESS):
            street, city, region, code, country = (values.get(a, "") for a in _ADDRESS)
            card.add("adr").value = self._vobject.vcard.Address(
                street=street, city=city, region=region, code=code, country=country
            )
        self._fh.write(card.serialize())


def _add(card: Any, header: str, value: str) -> None:
    numbered = _NUMBERED.match(header)
    if numbered:
        kind = numbered.group(1)
        prop = card.add("email" if kind == "email" else "tel")
        prop.value = value
        prop.type_param = ["INTERNET"] if kind == "email" else _TEL_TYPES[kind]
    elif header == "company":
        card.add("org").value = [value]  # one name, not the parts ORG may list
    elif header == "tags":
        card.add("categories").value = [t for t in value.split(_LIST) if t]
    elif header in _SIMPLE:
        card.add(_SIMPLE[header]).value = value
    else:
        prop = card.add(COLUMN_PROPERTY.lower())
        prop.value = value
        prop.params[NAME_PARAM] = [header]


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def card_values(contact: Contact) -> dict[str, str]:
    """A contact as the columns a card is written from: every e-mail and every phone."""
    values = {part: getattr(contact, part) for part in _PARTS}
    values["name"] = contact.full_name
    for index, entry in enumerate(contact.emails):
        values["email" if index == 0 else f"email_{index + 1}"] = entry.address.value
    counts: dict[str, int] = {}
    for phone in contact.phones:
        field = _LABELS.get(phone.label, "phone")
        counts[field] = counts.get(field, 0) + 1
        values[field if counts[field] == 1 else f"{field}_{counts[field]}"] = str(phone.number)
    if contact.addresses:
        address = contact.addresses[0]
        values.update(address=", ".join(address.lines), city=address.city,
                      state=address.region, postal_code=address.postal_code,
                      country=address.country)  # fmt: skip
    values["job_title"] = contact.job_title
    values["birth_date"] = contact.birth_date.isoformat() if contact.birth_date else ""
    values["tags"] = _LIST.join(contact.tags)
    values["lead_source"] = contact.lead_source or ""
    for name in _CUSTOM:
        values[name] = _cell(contact.custom.get(name))
    values["id"] = contact.id
    return {k: v for k, v in values.items() if v}
