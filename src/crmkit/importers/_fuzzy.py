"""The rule-based stage of finding duplicates in a file, after the exact keys.

Each usable row keeps a compact feature record (its names, e-mails with their match keys,
phones, company, city and birth date as short JSON) next to its values in the spill, so this
stage rebuilds light contacts from it without validating anything twice. The stage runs
the dedupe rules (:func:`crmkit.contacts.find_duplicates`) over every usable row at
once, so it is kept for files up to :data:`FUZZY_LIMIT` usable rows; past that the exact
keys alone find duplicates and the report says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, Final

from crmkit.contacts import (
    Contact,
    EmailAddress,
    EmailEntry,
    MatchRules,
    PhoneEntry,
    PhoneNumber,
    find_duplicates,
)
from crmkit.errors import ConfigError
from crmkit.values import Address

from ._rows import RowResult

__all__ = ["FUZZY_LIMIT", "FuzzyGroup", "check_rules", "features", "fuzzy_groups"]

#: Usable rows up to which the rule-based stage runs by default.
FUZZY_LIMIT: Final = 100_000

#: A group the rules found: its row numbers, score and the explanation in words.
FuzzyGroup = tuple[tuple[int, ...], float, str]


def check_rules(rules: object) -> MatchRules:
    """Return the contact match rules to use: the defaults for None.

    Raises:
        ConfigError: if *rules* is not a MatchRules for contacts.
    """
    if rules is None:
        return MatchRules.for_contacts()
    if not isinstance(rules, MatchRules):
        raise ConfigError("rules", f"expected MatchRules, got {type(rules).__name__}")
    if rules.kind != "contact":
        raise ConfigError("rules.kind", f"clean_file needs contact rules, not {rules.kind} rules")
    return rules


def features(result: RowResult) -> str:
    """The compact feature record of a usable row, as JSON."""
    values = result.values
    return json.dumps(
        [
            values.get("first_name", ""),
            values.get("last_name", ""),
            [[e.value, e.match_key] for e in result.emails],
            [[p.e164, p.region, p.kind] for _, p in result.phones],
            values.get("company", ""),
            values.get("city", ""),
            values.get("birth_date", ""),
        ],
        ensure_ascii=False,
    )


def _contact(number: int, data: str) -> Contact:
    first, last, emails, phones, company, city, birth = json.loads(data)
    # the values were validated when the row was normalized: build them as they are
    return Contact(
        id=str(number),
        first_name=first,
        last_name=last,
        emails=tuple(
            EmailEntry(address=EmailAddress(v, k), primary=i == 0)
            for i, (v, k) in enumerate(emails)
        ),
        phones=tuple(
            PhoneEntry(number=PhoneNumber(e164, region, kind), primary=i == 0)
            for i, (e164, region, kind) in enumerate(phones)
        ),
        addresses=(Address(city=city),) if city else (),
        birth_date=date.fromisoformat(birth) if birth else None,
        custom={"company": company} if company else {},
    )


def fuzzy_groups(rows: Iterable[tuple[int, str]], rules: MatchRules) -> Iterator[FuzzyGroup]:
    """Find the match groups among *rows* (row number, feature JSON) by *rules*.

    Yields:
        Each group's row numbers (sorted), its score and its explanation in words.
    """
    records = [_contact(number, data) for number, data in rows]
    for group in find_duplicates(records, rules).matches:
        numbers = tuple(sorted(int(i) for i in group.ids))
        yield numbers, group.score, _words(group.explain())


def _words(explanation: Any) -> str:
    # one line per pair: the rows, the likelihood, and the fields that counted
    parts = []
    for pair in explanation.pairs:
        counted = [f"{f.label} {f.note}" for f in pair.fields if f.points != 0 and f.note]
        low, high = sorted((int(pair.left_id), int(pair.right_id)))
        parts.append(
            f"rows {low}, {high}: {pair.score:.0%} likely the same"
            + (f" ({', '.join(counted)})" if counted else "")
        )
    return "; ".join(parts)
