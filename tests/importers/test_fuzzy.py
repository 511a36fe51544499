from __future__ import annotations

import json
from datetime import date

import attrs

from crmkit.contacts import Contact, EmailAddress, EmailEntry, PhoneEntry, PhoneNumber
from crmkit.importers._fold import fold
from crmkit.importers._fuzzy import Contacts
from crmkit.values import Address

_FEATURES = [
    ["Ａli", "van  der\u00a0Berg", [], [["+923001234567", "PK", "mobile"]], "", "", ""],
    [
        "Sara",
        "Khan",
        [["Sara@Acme.example", "sara@acme.example"], ["s.k@gmail.com", "sk@gmail.com"]],
        [["+923001234567", "PK", "mobile"], ["+442079460000", "GB", "fixed_line"]],
        "Acme Ltd",
        "Lahore",
        "1990-02-03",
    ],
    ["", "", [["x@y.example", "x@y.example"]], [], "Acme Ltd", "Lahore", ""],
]


def _by_constructor(number: int, data: str) -> Contact:
    first, last, emails, phones, company, city, birth = json.loads(data)
    return Contact(
        id=str(number),
        first_name=first,
        last_name=last,
        emails=[
            EmailEntry(address=EmailAddress(v, k), primary=i == 0)
            for i, (v, k) in enumerate(emails)
        ],
        phones=[
            PhoneEntry(number=PhoneNumber(e, r, kind), primary=i == 0)
            for i, (e, r, kind) in enumerate(phones)
        ],
        addresses=(Address(city=city),) if city else (),
        birth_date=date.fromisoformat(birth) if birth else None,
        custom={"company": company} if company else {},
    )


def test_built_contacts_equal_constructed_ones() -> None:
    """A contact built from a feature record equals the one Contact() builds from it."""
    rows = [(n, json.dumps(f, ensure_ascii=False)) for n, f in enumerate(_FEATURES, start=1)]
    contacts = Contacts()

    contacts.add(rows)

    expected = [_by_constructor(n, data) for n, data in rows]
    # timestamps are the only values that differ: each constructed contact takes its own
    actual = [
        attrs.evolve(c, created_at=e.created_at, updated_at=e.updated_at)
        for c, e in zip(contacts.records, expected, strict=True)
    ]
    assert expected == actual


def test_folding_with_known_email_keys_matches_validating_again() -> None:
    """Given the e-mails' match keys, fold keeps the same values as when it validates them."""
    rows = [
        (1, {"name": "Sara Khan", "email": "s.k@gmail.com; Sara@Acme.example"}),
        (2, {"name": "Sara Khan", "email": "sk@gmail.com", "job_title": "CEO"}),
        (3, {"name": "S Khan", "email": "SARA@acme.example", "job_title": "CTO"}),
    ]
    keys = {
        "s.k@gmail.com": "sk@gmail.com",
        "sk@gmail.com": "sk@gmail.com",
        "Sara@Acme.example": "sara@acme.example",
        "SARA@acme.example": "sara@acme.example",
    }

    assert fold(rows) == fold(rows, keys)
