"""Matching incoming records against a store, through its indexed key lookups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from attrs import frozen

from crmkit.dedupe._arguments import check_companies, check_store, listed_records
from crmkit.dedupe._features import Record
from crmkit.dedupe._find import prepare, rules_for
from crmkit.dedupe._rules import MatchRules
from crmkit.dedupe._scoring import plan, probability, score_pair
from crmkit.storage import Store

__all__ = ["MatchCandidate", "RecordMatches", "match_against"]


@frozen(kw_only=True)
class MatchCandidate:
    """A stored record an incoming record may duplicate.

    Attributes:
        record: the stored record.
        score: the probability (0 to 1) that they are the same.
        kind: ``"match"`` or ``"possible"`` (also for a candidate scoring as a match whose
            names clearly differ from the incoming record's).
    """

    record: Record
    score: float
    kind: str


@frozen(kw_only=True)
class RecordMatches:
    """An incoming record and the stored records it duplicates, best first.

    Attributes:
        record: the incoming record.
        matches: every stored record scoring at least ``possible``, highest score first.
    """

    record: Record
    matches: tuple[MatchCandidate, ...]

    @property
    def best(self) -> MatchCandidate | None:
        """The best match of kind ``"match"``, or None."""
        return next((m for m in self.matches if m.kind == "match"), None)


def _lookups(record: Any, kind: str) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {
        "email": [e.address.match_key for e in record.emails],
        "phone": [p.number.e164 for p in record.phones],
    }
    if kind == "company":
        keys["company"] = [record.match_key] if record.match_key else []
        keys["domain"] = [record.domain] if record.domain else []
    return keys


def match_against(
    new_records: Iterable[Record],
    store: Store,
    rules: MatchRules | None = None,
    *,
    companies: Mapping[str, Any] | None = None,
) -> list[RecordMatches]:
    """Find, for each incoming record, the stored records it duplicates.

    Candidates come from the store's indexed lookups (e-mail match keys and E.164 phones;
    for companies also company match keys and domains), a few queries per batch, never a
    scan of the store; each candidate is then scored with *rules*.

    Args:
        new_records: incoming contacts, or companies.
        store: a :class:`~crmkit.storage.Store`.
        rules: match rules; the defaults for the records' kind when None.
        companies: for contacts, company names by contact id (as for find_duplicates).

    Returns:
        One :class:`RecordMatches` per incoming record, in input order.

    Raises:
        ValidationError: for *new_records* that is not a collection of records, records
            that are not all contacts or all companies, or *companies* not a mapping.
        ConfigError: for a *store* that is not a store (path ``store``), or rules that are
            not :class:`MatchRules` or do not fit the records.
    """
    incoming = listed_records(new_records, "new_records")
    check_store(store, "contacts", "companies")
    check_companies(companies)
    rules = rules_for(incoming, rules)
    repository = store.contacts if rules.kind == "contact" else store.companies
    wanted: dict[str, set[str]] = {}
    per_record = [_lookups(r, rules.kind) for r in incoming]
    for keys in per_record:
        for key_type, values in keys.items():
            wanted.setdefault(key_type, set()).update(values)
    found: dict[str, dict[str, list[Any]]] = {
        key_type: repository.find_by_keys(key_type, sorted(values))
        for key_type, values in wanted.items()
        if values
    }
    out = []
    for record, keys in zip(incoming, per_record, strict=True):
        candidates: dict[str, Any] = {}
        for key_type, values in keys.items():
            for value in values:
                for stored in found.get(key_type, {}).get(value, ()):
                    if stored.id != record.id:
                        candidates.setdefault(stored.id, stored)
        out.append(
            RecordMatches(record=record, matches=_scored(record, candidates, rules, companies))
        )
    return out


def _scored(
    record: Record,
    candidates: dict[str, Any],
    rules: MatchRules,
    companies: Mapping[str, Any] | None,
) -> tuple[MatchCandidate, ...]:
    if not candidates:
        return ()
    stored = [candidates[k] for k in sorted(candidates)]
    table = prepare([record, *stored], rules, companies)
    steps = plan(rules, table, frequencies=False)
    scored = []
    for row, other in enumerate(stored, start=1):
        points = score_pair(steps, 0, row)
        if points >= steps.possible:
            # clearly different names sharing a phone or a mailbox: never a match
            same = points >= steps.match and not steps.names_differ(0, row)
            kind = "match" if same else "possible"
            scored.append(MatchCandidate(record=other, score=probability(points), kind=kind))
    scored.sort(key=lambda m: (-m.score, m.record.id))
    return tuple(scored)
