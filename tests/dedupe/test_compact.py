from __future__ import annotations

import json
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit.contacts import Contact, EmailEntry, PhoneEntry
from crmkit.dedupe import MatchRules, find_duplicates
from crmkit.dedupe._compact import CompactContacts, fuzzy_groups
from crmkit.dedupe._find import prepare
from crmkit.dedupe._fold import fold
from crmkit.errors import ConfigError
from crmkit.values import Address, EmailAddress, PhoneNumber

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
    contacts = CompactContacts()

    built = [contacts.build(n, data) for n, data in rows]

    expected = [_by_constructor(n, data) for n, data in rows]
    # timestamps are the only values that differ: each constructed contact takes its own
    actual = [
        attrs.evolve(c, created_at=e.created_at, updated_at=e.updated_at)
        for c, e in zip(built, expected, strict=True)
    ]
    assert expected == actual


_FIRST = ["Ali", "Ａli", "Sara", "sara", "Robert", "Bob", "علی", "علي", ""]
_LAST = ["Khan", "Khaan", "van  der\u00a0Berg", "Rezaei", "رضایی", ""]
_EMAILS = [
    ["Sara@Acme.example", "sara@acme.example"],
    ["sara@acme.example", "sara@acme.example"],
    ["s.k@gmail.com", "sk@gmail.com"],
    ["ali@x.example", "ali@x.example"],
]
_PHONES = [["+923001234567", "PK", "mobile"], ["+442079460000", "GB", "fixed_line"]]

_feature = st.tuples(
    st.sampled_from(_FIRST),
    st.sampled_from(_LAST),
    st.lists(st.sampled_from(_EMAILS), max_size=3),
    st.lists(st.sampled_from(_PHONES), max_size=2),
    st.sampled_from(["", "Acme Ltd", "ACME Limited", "Globex"]),
    st.sampled_from(["", "Lahore", "lahore", "Oslo"]),
    st.sampled_from(["", "1990-02-03", "1990-03-02"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_feature, max_size=30))
def test_rules_on_columns_find_what_they_find_on_contacts(
    features: list[tuple[Any, ...]],
) -> None:
    """Fed the kept columns, the rules find the groups they find on the built contacts."""
    rows = [(n, json.dumps(list(f), ensure_ascii=False)) for n, f in enumerate(features, 1)]
    data = dict(rows)
    contacts = CompactContacts()
    contacts.add(rows)
    built = [contacts.build(n, text) for n, text in rows]
    rules = MatchRules.for_contacts()

    from_columns = prepare(contacts.columns(data.__getitem__), rules)
    from_contacts = prepare(built, rules)
    on_columns = list(fuzzy_groups(contacts, rules, data.__getitem__))
    on_contacts = [
        (tuple(sorted(int(i) for i in g.ids)), g.score) for g in find_duplicates(built).matches
    ]

    assert from_contacts.columns == from_columns.columns
    assert from_contacts.name_counts == from_columns.name_counts
    assert on_contacts == [(numbers, score) for numbers, score, *_ in on_columns]


def test_columns_build_only_the_members_of_groups() -> None:
    """Only rows in a group are built as contacts; the others stay columns."""
    rows = [
        (1, json.dumps(["Sara", "Khan", [_EMAILS[0]], [], "", "Lahore", ""])),
        (2, json.dumps(["Sara", "Khan", [_EMAILS[1]], [], "", "Lahore", ""])),
        (3, json.dumps(["Ali", "Rezaei", [_EMAILS[3]], [_PHONES[0]], "", "", ""])),
    ]
    contacts = CompactContacts()
    contacts.add(rows)
    asked: list[int] = []

    def fetch(number: int) -> str:
        asked.append(number)
        return dict(rows)[number]

    (group,) = fuzzy_groups(contacts, MatchRules.for_contacts(), fetch)

    assert (1, 2) == group[0]
    assert {1, 2} == set(asked)
    assert "e-mail" in group[2]


def test_rules_for_companies_are_refused_on_columns() -> None:
    """Company rules cannot run on contact columns: a ConfigError names the kind."""
    contacts = CompactContacts()

    with pytest.raises(ConfigError, match="the rules are for companies, the records are contacts"):
        list(fuzzy_groups(contacts, MatchRules.for_companies(), lambda n: ""))


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
