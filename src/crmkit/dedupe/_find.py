"""Finding duplicates in a list of records: blocking, scoring, clustering."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from attrs import field, frozen

from crmkit.contacts import Company, Contact
from crmkit.errors import ConfigError, ValidationError

from ._arguments import check_companies, listed_records
from ._batch import score_pairs
from ._blocking import candidate_pairs
from ._blocking_report import BlockingReport
from ._cluster import Cluster, cluster
from ._columns import Columns, RowIds
from ._explain import GroupExplanation, explain_pair
from ._features import Record, Table, prepare
from ._gc import gc_paused
from ._rules import MatchRules
from ._scoring import Plan, plan, points_of, probability, score_pair

__all__ = [
    "DuplicateGroup",
    "DuplicateGroups",
    "find_duplicates",
    "find_in_columns",
    "group_id",
    "prepare",
    "rules_for",
]


_PLURAL = {"contact": "contacts", "company": "companies"}


def group_id(ids: Iterable[str]) -> str:
    """Return the id of the group of records *ids*: the same members always give the same id."""
    digest = hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()
    return f"dup_{digest[:20]}"


@frozen(kw_only=True)
class DuplicateGroup:
    """Records found to be one person or one company (or possibly so).

    Attributes:
        id: derived from the member ids, so the same group always has the same id.
        records: the members, in id order.
        score: the probability (0 to 1) of the weakest link: for a match group, every
            member matches the group's core at least this well.
        kind: ``"match"`` (duplicates) or ``"possible"`` (for a person to review).
        core_id: the id of the member the others were matched against.
        rules: the rules that found the group (used by :meth:`explain`).
        companies: the company names given to :func:`find_duplicates`, if any.
        scoring: how the run that found the group scored pairs: how common each value
            was among all its records (so :meth:`explain` gives the very points used).
        rows: the members' positions in that run's records, in the order of *records*.
        names_differ: for a ``possible`` pair, True when it scored as a match but the
            names clearly differ (a shared phone, mailbox or address): offered for
            review, never merged.
    """

    id: str
    records: tuple[Record, ...]
    score: float
    kind: str
    core_id: str
    rules: MatchRules = field(repr=False, eq=False)
    companies: Mapping[str, object] | None = field(default=None, repr=False, eq=False)
    scoring: Plan | None = field(default=None, repr=False, eq=False)
    rows: tuple[int, ...] = field(default=(), repr=False, eq=False)
    names_differ: bool = False

    @property
    def ids(self) -> tuple[str, ...]:
        """The member ids, sorted."""
        return tuple(r.id for r in self.records)

    def __len__(self) -> int:
        return len(self.records)

    def explain(self, *, values: bool = True) -> GroupExplanation:
        """Explain every pair of members: each field's values, comparison and points.

        The points are the ones the run that found the group scored with (a name's
        rarity is judged among all the records searched), so they add up to the score.
        With *values* False, each field's shown values are left empty: quicker when only
        the words and points are wanted, for many groups at once.
        """
        records = list(self.records)
        if self.scoring is not None and len(self.rows) == len(records):
            steps, rows = self.scoring, self.rows
        else:
            steps = plan(self.rules, prepare(records, self.rules, self.companies))
            rows = tuple(range(len(records)))
        pairs = tuple(
            explain_pair(
                records[x],
                records[y],
                self.rules,
                self.companies,
                steps=steps,
                rows=(rows[x], rows[y]),
                values=values,
            )
            for x in range(len(records))
            for y in range(x + 1, len(records))
        )
        return GroupExplanation(group_id=self.id, pairs=pairs)


class DuplicateGroups(list[DuplicateGroup]):
    """The groups :func:`find_duplicates` found (a list), with what blocking did.

    Attributes:
        blocking: the :class:`BlockingReport`: candidate pairs, and key values skipped
            because too many records shared them.
    """

    blocking: BlockingReport

    def __init__(self, groups: Iterable[DuplicateGroup], blocking: BlockingReport) -> None:
        super().__init__(groups)
        self.blocking = blocking

    @property
    def matches(self) -> list[DuplicateGroup]:
        """The groups of kind ``"match"``."""
        return [g for g in self if g.kind == "match"]

    @property
    def possible(self) -> list[DuplicateGroup]:
        """The groups of kind ``"possible"``."""
        return [g for g in self if g.kind == "possible"]


def rules_for(records: Sequence[object], rules: MatchRules | None) -> MatchRules:
    """Check *records* are all contacts or all companies and return the rules to use.

    Raises:
        ValidationError: for a record that is neither, or a mix of both.
        ConfigError: if *rules* is not a MatchRules, or is for the other kind of record.
    """
    kinds = set()
    for row, record in enumerate(records):
        if isinstance(record, Contact):
            kinds.add("contact")
        elif isinstance(record, Company):
            kinds.add("company")
        else:
            raise ValidationError(
                type(record).__name__, "expected a Contact or a Company", field="records", row=row
            )
    if len(kinds) > 1:
        raise ValidationError("contacts and companies", "cannot mix kinds", field="records")
    kind = kinds.pop() if kinds else (rules.kind if isinstance(rules, MatchRules) else "contact")
    if rules is None:
        return MatchRules.for_contacts() if kind == "contact" else MatchRules.for_companies()
    if not isinstance(rules, MatchRules):
        raise ConfigError("rules", f"expected MatchRules, got {type(rules).__name__}")
    if rules.kind != kind:
        raise ConfigError(
            "kind", f"the rules are for {_PLURAL[rules.kind]}, the records are {_PLURAL[kind]}"
        )
    return rules


def _groups(
    table: Table,
    found: list[Cluster],
    rules: MatchRules,
    companies: Mapping[str, object] | None,
    steps: Plan | None = None,
) -> list[DuplicateGroup]:
    return [_group(table, c, rules, companies, steps) for c in _ordered(table, found)]


def _ordered(table: Table, found: list[Cluster]) -> list[Cluster]:
    # match groups first, each kind by member ids (a cluster's rows are in id order)
    ids = table.ids
    return sorted(found, key=lambda c: (c.kind != "match", [ids[r] for r in c.rows]))


def _group(
    table: Table,
    found: Cluster,
    rules: MatchRules,
    companies: Mapping[str, object] | None,
    steps: Plan | None,
) -> DuplicateGroup:
    ids = table.ids
    records = table.records
    return DuplicateGroup(
        id=group_id(ids[r] for r in found.rows),
        records=tuple(records[r] for r in found.rows),
        score=probability(found.points),
        kind=found.kind,
        core_id=ids[found.core],
        rules=rules,
        companies=companies,
        scoring=steps,
        rows=found.rows,
        names_differ=found.names_differ,
    )


def find_duplicates(
    records: Iterable[Record],
    rules: MatchRules | None = None,
    *,
    companies: Mapping[str, Any] | None = None,
) -> DuplicateGroups:
    """Find the groups of records that are the same person (or company).

    Records sharing a blocking key value are scored pair by pair; pairs at or above the
    ``match`` threshold are clustered by the core rule (a chain of weak links never glues
    unrelated records; see ``docs/dedupe.md``); pairs between ``possible`` and ``match``
    come back as two-record ``possible`` groups for review.

    Args:
        records: contacts, or companies (not both).
        rules: the match rules; the defaults for the records' kind when None.
        companies: for contacts, the company name(s) of each contact by contact id, for the
            ``company`` field (else a contact's ``custom["company"]`` is used).

    Returns:
        The groups, match groups first, each kind in member-id order; ``.blocking`` tells
        what blocking did, including key values skipped for being shared by too many records.

    Raises:
        ValidationError: for *records* that is not a collection of records (None, a single
            record), records that are not all contacts or all companies, two records with
            one id, or *companies* that is not a mapping.
        ConfigError: for rules that are not :class:`MatchRules` or do not fit the records.
    """
    listed = listed_records(records)
    check_companies(companies)
    rules = rules_for(listed, rules)
    with gc_paused():
        return _find(listed, rules, companies)


def find_in_columns(columns: Columns, rules: MatchRules) -> Iterator[DuplicateGroup]:
    """The match groups :func:`find_duplicates` finds in contacts given column by column.

    The feature table is filled from the columns (see :class:`Columns`). The groups come in
    member-id order, each built when it is reached: only group members are ever built as
    contacts, and only one group's at a time.

    Raises:
        ConfigError: for rules that are not contact rules.
    """
    if rules.kind != "contact":
        raise ConfigError(
            "kind", f"the rules are for {_PLURAL[rules.kind]}, the records are contacts"
        )
    return _matches_in_columns(columns, rules)


def _matches_in_columns(columns: Columns, rules: MatchRules) -> Iterator[DuplicateGroup]:
    with gc_paused():
        table, found, steps, _ = _clusters(columns, rules, None)
        for c in _ordered(table, [c for c in found if c.kind == "match"]):
            yield _group(table, c, rules, None, steps)


def _find(
    listed: Sequence[Record], rules: MatchRules, companies: Mapping[str, Any] | None
) -> DuplicateGroups:
    table, found, steps, report = _clusters(listed, rules, companies)
    return DuplicateGroups(_groups(table, found, rules, companies, steps), report)


def _clusters(
    listed: Sequence[Record], rules: MatchRules, companies: Mapping[str, Any] | None
) -> tuple[Table, list[Cluster], Plan, BlockingReport]:
    table = prepare(listed, rules, companies)
    if not isinstance(table.ids, RowIds) and len(set(table.ids)) != len(table.ids):
        seen: set[str] = set()
        twice = next(i for i in table.ids if i in seen or seen.add(i))  # type: ignore[func-returns-value]
        raise ValidationError(twice, "two records have this id", field="records")
    codes, report = candidate_pairs(table, rules)
    steps = plan(rules, table)
    left, right, points = score_pairs(steps, codes, len(table))
    del codes
    found = cluster(
        left,
        right,
        points,
        table.ids,
        lambda i, j: score_pair(steps, i, j),
        match=steps.match,
        possible=steps.possible,
        strong=points_of(rules.thresholds.core),
        max_group=rules.max_group,
        conflict=steps.names_differ if steps.names is not None else None,
    )
    return table, found, steps, report
