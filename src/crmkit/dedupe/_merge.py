"""Merging duplicates: survivorship per field, with a report that loses nothing.

Every value not chosen for the survivor is kept in the :class:`MergeReport`; e-mails and
phones not chosen as primary stay on the survivor as secondary entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeAlias

import attrs
from attrs import field, frozen

from crmkit.contacts import Company, Contact
from crmkit.errors import ConfigError, ValidationError

__all__ = [
    "Chooser",
    "FieldChoice",
    "MergeReport",
    "MergeResult",
    "MergeStrategy",
    "Survivorship",
    "check_strategy",
    "merge",
]

Record: TypeAlias = Contact | Company


class Survivorship(StrEnum):
    """How the survivor's value of a field is chosen among the merged records."""

    MASTER = "master"
    """The master record's value, even when blank."""
    NEWEST = "newest"
    """The value of the most recently updated record that has one."""
    OLDEST = "oldest"
    """The value of the earliest created record that has one."""
    MOST_COMPLETE = "most_complete"
    """The value of the record with the most fields filled in that has one."""
    NON_EMPTY = "non_empty"
    """The master's value, or when blank the newest record's that has one (the default)."""
    LONGEST = "longest"
    """The longest value (as text)."""
    MOST_FREQUENT = "most_frequent"
    """The value most records share (ties: the master's order)."""
    UNION = "union"
    """For multi-valued fields: every value, duplicates by match key removed."""


Chooser: TypeAlias = Callable[[str, Sequence[tuple[Record, object]]], object]
"""A custom survivorship rule: given the field and each record with its value (master
first, then newest first), return the value the survivor gets."""

_MULTI = frozenset({"emails", "phones", "invalid_phones", "tags", "addresses"})
_FIXED = frozenset({"id", "created_at", "updated_at", "version"})


@frozen(kw_only=True)
class MergeStrategy:
    """Which record survives and how each field's value is chosen.

    Attributes:
        master: the id of the record that survives (its id is kept); by default the most
            complete record (ties: the oldest, then the smallest id).
        default: the rule for fields not listed in *fields* (multi-valued fields, e-mails,
            phones, tags and addresses, always default to ``union``).
        fields: per field (``"job_title"``, ``"custom.segment"``), a :class:`Survivorship`
            or a :data:`Chooser` callable.

    Raises:
        ConfigError: for a master that is not an id, *fields* that is not a mapping, or a
            rule that is neither a Survivorship nor a callable.
    """

    master: str | None = None
    default: Survivorship = Survivorship.NON_EMPTY
    fields: Mapping[str, Survivorship | Chooser] = field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if self.master is not None and not isinstance(self.master, str):
            raise ConfigError("master", f"expected a record id or None, got {self.master!r}")
        if not isinstance(self.fields, Mapping):
            raise ConfigError(
                "fields", f"expected rules by field name, got {type(self.fields).__name__}"
            )
        if not isinstance(self.default, Survivorship):
            raise ConfigError("default", f"expected a Survivorship, got {self.default!r}")
        for name, rule in self.fields.items():
            if not isinstance(rule, Survivorship) and not callable(rule):
                raise ConfigError(
                    f"fields.{name}", f"expected a Survivorship or a callable, got {rule!r}"
                )
            if rule is Survivorship.UNION and name not in _MULTI:
                raise ConfigError(
                    f"fields.{name}", "union applies to emails, phones, tags and addresses"
                )


@frozen(kw_only=True)
class FieldChoice:
    """The survivor's value of one field and where it came from.

    Attributes:
        field: the field (``"custom.segment"`` for a custom field).
        value: the value the survivor has.
        source_id: the record it came from (None for a union of several, or when blank).
        rule: the rule that chose it (a :class:`Survivorship` value, or ``"custom"``).
        not_chosen: every other record's different value, as (record id, value); for a
            union, the entries dropped as duplicates of a kept one.
    """

    field: str
    value: object
    source_id: str | None
    rule: str
    not_chosen: tuple[tuple[str, object], ...] = ()


@frozen(kw_only=True)
class MergeReport:
    """What a merge did, field by field.

    Attributes:
        survivor_id: the id the merged record keeps.
        merged_ids: the ids of the other records, merged into it.
        fields: one :class:`FieldChoice` per field whose values differed or were chosen.
    """

    survivor_id: str
    merged_ids: tuple[str, ...]
    fields: tuple[FieldChoice, ...]

    def choice(self, name: str) -> FieldChoice:
        """Return the choice made for field *name*.

        Raises:
            ValidationError: if the report has no such field.
        """
        for choice in self.fields:
            if choice.field == name:
                return choice
        raise ValidationError(name, "no such field in the merge report", field="field")

    def __str__(self) -> str:
        lines = [f"kept {self.survivor_id}, merged {', '.join(self.merged_ids) or 'nothing'}"]
        for c in self.fields:
            source = f" from {c.source_id}" if c.source_id else ""
            lines.append(f"  {c.field}: {_shown(c.value)!s}{source} ({c.rule})")
            lines.extend(f"    not chosen: {_shown(v)} from {rid}" for rid, v in c.not_chosen)
        return "\n".join(lines)


@frozen(kw_only=True)
class MergeResult:
    """The survivor of a merge and the report of every choice.

    Attributes:
        record: the merged record; it keeps the master's id and version.
        report: the :class:`MergeReport`.
        merge_id: for a merge stored by :func:`merge_in_store`, the id to undo it by.
    """

    record: Record
    report: MergeReport
    merge_id: str | None = None


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    for name in ("address", "number"):
        inner = getattr(value, name, None)
        if inner is not None:
            return str(inner)
    if attrs.has(type(value)) and hasattr(value, "is_blank"):
        parts = [*value.lines, value.city, value.region, value.postal_code, value.country]  # type: ignore[attr-defined]
        return ", ".join(p for p in parts if p)
    return str(value)


def _blank(value: object) -> bool:
    return value is None or value in ("", (), {})


def _filled(record: Record) -> int:
    values = [getattr(record, a.name) for a in attrs.fields(type(record)) if a.name not in _FIXED]
    return sum(not _blank(v) for v in values) + sum(not _blank(v) for v in record.custom.values())


def _master(records: Sequence[Record], strategy: MergeStrategy) -> Record:
    if strategy.master is not None:
        for record in records:
            if record.id == strategy.master:
                return record
        raise ConfigError("master", f"{strategy.master!r} is not one of the records merged")
    return min(records, key=lambda r: (-_filled(r), r.created_at, r.id))


def _key(name: str, value: Any) -> object:
    if name == "emails":
        return value.address.match_key
    if name == "phones":
        return value.number.e164
    if name == "invalid_phones":
        return value.digits
    if name == "tags":
        return value.casefold()
    return value


def _union(name: str, ordered: Sequence[Record]) -> FieldChoice:
    kept: dict[object, Any] = {}
    dropped: list[tuple[str, object]] = []
    for record in ordered:
        for value in getattr(record, name):
            key = _key(name, value)
            if key in kept:
                if (kept[key] != value and _shown(kept[key]) != _shown(value)) or (
                    kept[key] != value and name in ("emails", "phones")
                ):
                    dropped.append((record.id, value))
            else:
                kept[key] = value
    values = tuple(kept.values())
    if name in ("emails", "phones") and values:
        # the master's primary stays primary; every other entry becomes secondary
        values = tuple(attrs.evolve(v, primary=i == 0) for i, v in enumerate(values))
    return FieldChoice(
        field=name, value=values, source_id=None, rule="union", not_chosen=tuple(dropped)
    )


def _choose(
    name: str,
    rule: Survivorship | Chooser,
    candidates: list[tuple[Record, object]],
    newest: list[tuple[Record, object]],
) -> tuple[object, Record | None]:
    filled = [(r, v) for r, v in candidates if not _blank(v)]
    if callable(rule) and not isinstance(rule, Survivorship):
        value = rule(name, candidates)
        source = next((r for r, v in candidates if v == value), None)
        return value, source
    if rule is Survivorship.MASTER:
        return candidates[0][1], candidates[0][0]
    if not filled:
        return candidates[0][1], None
    if rule is Survivorship.NON_EMPTY:
        first = candidates[0]
        if not _blank(first[1]):
            return first[1], first[0]
        r, v = next((r, v) for r, v in newest if not _blank(v))
        return v, r
    if rule is Survivorship.NEWEST:
        r, v = max(filled, key=lambda rv: rv[0].updated_at)
        return v, r
    if rule is Survivorship.OLDEST:
        r, v = min(filled, key=lambda rv: rv[0].created_at)
        return v, r
    if rule is Survivorship.MOST_COMPLETE:
        r, v = max(filled, key=lambda rv: _filled(rv[0]))
        return v, r
    if rule is Survivorship.LONGEST:
        r, v = max(filled, key=lambda rv: len(_shown(rv[1])))
        return v, r
    counts: dict[str, int] = {}
    for _, v in filled:
        counts[_shown(v)] = counts.get(_shown(v), 0) + 1
    r, v = max(filled, key=lambda rv: counts[_shown(rv[1])])
    return v, r


def _check(records: object) -> list[Record]:
    if isinstance(records, str | bytes | Contact | Company) or not isinstance(records, Iterable):
        raise ValidationError(
            type(records).__name__,
            "expected a list of contacts or of companies",
            field="records",
        )
    listed = list(records)
    if not listed:
        raise ValidationError([], "nothing to merge", field="records")
    kinds = {type(r) for r in listed}
    if not kinds <= {Contact, Company}:
        bad = next(r for r in listed if type(r) not in (Contact, Company))
        raise ValidationError(
            type(bad).__name__, "expected a Contact or a Company", field="records"
        )
    if len(kinds) > 1:
        raise ValidationError(
            "contacts and companies", "cannot merge different kinds", field="records"
        )
    ids = [r.id for r in listed]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise ValidationError(twice[0], "the same record is listed twice", field="records")
    return listed


def check_strategy(strategy: object) -> MergeStrategy:
    """Return *strategy*, or the default strategy for None.

    Raises:
        ConfigError: if *strategy* is neither None nor a :class:`MergeStrategy`.
    """
    if strategy is None:
        return MergeStrategy()
    if not isinstance(strategy, MergeStrategy):
        raise ConfigError("strategy", f"expected a MergeStrategy, got {type(strategy).__name__}")
    return strategy


def merge(records: Sequence[Record], strategy: MergeStrategy | None = None) -> MergeResult:
    """Merge duplicate records into one.

    The survivor keeps the master's id and version, the earliest ``created_at`` and the
    latest ``updated_at``. Each field is chosen by its survivorship rule; multi-valued fields
    are united with duplicates (by e-mail match key, E.164 phone, case-folded tag) removed.

    Args:
        records: two or more contacts, or two or more companies (one is returned as is).
        strategy: the master and the per-field rules; :class:`MergeStrategy` defaults.

    Raises:
        ValidationError: for *records* that is not a list of contacts or of companies, no
            records, a mix of kinds, or a record listed twice.
        ConfigError: for a *strategy* that is not a :class:`MergeStrategy`, a master that is
            not among the records, or a strategy field the records do not have.
    """
    listed = _check(records)
    strategy = check_strategy(strategy)
    cls = type(listed[0])
    declared = {a.name for a in attrs.fields(cls)}
    for name in strategy.fields:
        if not name.startswith("custom.") and name not in declared:
            raise ConfigError(f"fields.{name}", f"{cls.__name__} has no such field")
    master = _master(listed, strategy)
    newest = sorted(listed, key=lambda r: (r.updated_at, r.id), reverse=True)
    ordered = [master, *(r for r in newest if r is not master)]
    choices: list[FieldChoice] = []
    values: dict[str, Any] = {}
    for a in attrs.fields(cls):
        name = a.name
        if name in _FIXED or name == "custom":
            continue
        rule = strategy.fields.get(name, Survivorship.UNION if name in _MULTI else strategy.default)
        if rule is Survivorship.UNION:
            choice = _union(name, ordered)
        else:
            choice = _pick(name, rule, [(r, getattr(r, name)) for r in ordered], newest)
        values[name] = choice.value
        if choice.not_chosen or len(ordered) > 1:
            choices.append(choice)
    custom: dict[str, object] = {}
    names = dict.fromkeys(k for r in ordered for k in r.custom)
    for key in names:
        path = f"custom.{key}"
        rule = strategy.fields.get(path, strategy.default)
        choice = _pick(path, rule, [(r, r.custom.get(key)) for r in ordered], newest)
        if not _blank(choice.value):
            custom[key] = choice.value
        choices.append(choice)
    values["custom"] = custom
    values["created_at"] = min(r.created_at for r in listed)
    values["updated_at"] = max(r.updated_at for r in listed)
    survivor = attrs.evolve(master, **values)
    report = MergeReport(
        survivor_id=master.id,
        merged_ids=tuple(sorted(r.id for r in listed if r is not master)),
        fields=tuple(choices),
    )
    return MergeResult(record=survivor, report=report)


def _pick(
    name: str,
    rule: Survivorship | Chooser,
    candidates: list[tuple[Record, object]],
    newest: list[Record],
) -> FieldChoice:
    if rule is Survivorship.UNION:
        raise ConfigError(f"fields.{name}", "union applies to emails, phones, tags and addresses")
    by_newest = [(r, v) for r in newest for rr, v in candidates if rr is r]
    value, source = _choose(name, rule, candidates, by_newest)
    label = rule.value if isinstance(rule, Survivorship) else "custom"
    others = tuple(
        (r.id, v) for r, v in candidates if r is not source and not _blank(v) and v != value
    )
    return FieldChoice(
        field=name,
        value=value,
        source_id=source.id if source is not None and not _blank(value) else None,
        rule=label,
        not_chosen=others,
    )
