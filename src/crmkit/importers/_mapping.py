"""Column mapping: which input column feeds which contact field, found from the headers.

A header maps by, in order: an explicit override, a known spelling (as written, or once
letter variants are folded), the same with its number taken out or read as the numbered
parts other CRMs export, a close spelling (see ``_header_match``), or a custom field of the
schema. A column that maps to no field is carried: the clean file writes it unchanged after
the normalized columns, and an import keeps it as a text custom field when asked
(:meth:`ColumnMapping.keeping_unmapped`). Only a column the caller maps to None is left out.
Every column gets a line of the mapping report (:attr:`ColumnMapping.matches`) saying
which field it feeds and why, or why none and which field was closest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final, Literal, Protocol

import attrs
from attrs import frozen

from crmkit.errors import ConfigError

from ._header_match import How, closest, guess, numbered_value, type_of
from ._synonyms import FIELDS, MULTI_FIELDS, header_key

__all__ = [
    "CARRIED_PREFIX",
    "CUSTOM_PREFIX",
    "ColumnMapping",
    "ColumnRule",
    "CustomFieldSource",
    "HeaderMatch",
    "map_columns",
]

CUSTOM_PREFIX: Final = "custom:"
#: The prefix of a carried column's values in a row: ``column:<header>``.
CARRIED_PREFIX: Final = "column:"
_PHONES: Final = frozenset({"mobile", "phone", "home_phone"})
# a bare "Name" beside a first name in these languages is the family name
_BARE_NAMES: Final = frozenset({"name", "nom"})
_GIVEN_NAMES: Final = frozenset(header_key(w) for w in ("vorname", "prénom", "nombre", "nome"))
Outcome = Literal["override", "synonym", "folded", "fuzzy", "custom", "carried", "ignored"]


class CustomFieldSource(Protocol):
    """Anything that can say which custom fields exist (a ``crmkit.fields`` schema does)."""

    def custom_field_for(self, header: str) -> str | None:
        """Return the custom field name a column with this header fills, or None."""
        ...


@frozen
class ColumnRule:
    """One input column and the field it fills.

    Attributes:
        column: the header as it appears in the input.
        index: the column's 0-based position.
        field: a contact field (``name``, ``first_name``, ``email``, ``mobile``, ``phone``,
            ``company``, ``city``, ...), ``custom:<name>`` for a custom field, or
            ``column:<header>`` for a column carried unchanged.
        how: ``override`` (given by the caller), ``synonym`` (a known header as written),
            ``folded`` (a known header once letter variants and diacritics are folded),
            ``fuzzy`` (a close spelling of a known header) or ``custom`` (a custom field of
            the schema); ``carried`` for a column written unchanged.
        score: how sure the match is, 0-100 (100 for overrides and known headers).
        matched: the known spelling the header matched (empty for overrides).
        typed_by: the index of the column naming each number's kind (``Phone 1 - Type``
            beside ``Phone 1 - Value``), else -1.
    """

    column: str
    index: int
    field: str
    how: How
    score: float = 100.0
    matched: str = ""
    typed_by: int = -1


@frozen
class HeaderMatch:
    """One line of the mapping report: a column, what it feeds and why.

    Attributes:
        column: the header.
        index: its 0-based position.
        field: the field it feeds, or None for a carried or left-out column.
        how: ``override``, ``synonym``, ``folded``, ``fuzzy``, ``custom`` (see
            :class:`ColumnRule`), ``carried`` (no field: written unchanged) or ``ignored``
            (left out, as the caller's mapping asked).
        score: how sure, 0-100 (for a carried column, how near its closest field is).
        matched: the known spelling matched, or for a carried column the closest one.
        reason: why, in words.
        closest: for a carried column, the field nearest to its header, if any is near.
    """

    column: str
    index: int
    field: str | None
    how: Outcome
    score: float
    matched: str
    reason: str
    closest: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The line as JSON-safe data."""
        return attrs.asdict(self)


@frozen
class ColumnMapping:
    """Where each column goes.

    Attributes:
        rules: the mapped columns, in input order.
        ignored: the headers that feed no field, each with the reason (carried ones too).
        headers: every input header, in order.
        carried: the columns written unchanged, as rules to ``column:<header>``.
        matches: the mapping report, one line per column in input order.
    """

    rules: tuple[ColumnRule, ...]
    ignored: tuple[tuple[str, str], ...]
    headers: tuple[str, ...]
    carried: tuple[ColumnRule, ...] = ()
    matches: tuple[HeaderMatch, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields some column feeds, in output order (custom fields last)."""
        fed = {rule.field for rule in self.rules}
        if any(rule.typed_by >= 0 for rule in self.rules):
            fed |= _PHONES  # a typed number goes to the field its kind names
        custom = sorted(f for f in fed if f.startswith(CUSTOM_PREFIX))
        return (*(f for f in FIELDS if f in fed), *custom)

    def columns_for(self, field: str) -> tuple[str, ...]:
        """The headers feeding *field*, in input order."""
        return tuple(rule.column for rule in self.rules if rule.field == field)

    def describe(self) -> list[str]:
        """One line per column, e.g. ``'E-mail' -> email (synonym 'e-mail')``, for people."""
        lines = []
        for match in self.matches:
            if match.field is not None:
                sure = "" if match.score >= 100 else f" {match.score:.0f}%"
                known = f" {match.matched!r}" if match.matched else ""
                lines.append(f"{match.column!r} -> {match.field} ({match.how}{known}{sure})")
            else:
                lines.append(f"{match.column!r} {match.how}: {match.reason}")
        return lines

    def keeping_unmapped(self, names: Mapping[str, str]) -> ColumnMapping:
        """This mapping with each carried column feeding a custom field instead.

        Args:
            names: header → custom field name, for the carried columns to keep.
        """
        kept = [
            attrs.evolve(rule, field=CUSTOM_PREFIX + names[rule.column])
            for rule in self.carried
            if rule.column in names
        ]
        rules = sorted((*self.rules, *kept), key=lambda rule: rule.index)
        rest = tuple(rule for rule in self.carried if rule.column not in names)
        return attrs.evolve(self, rules=tuple(rules), carried=rest)


def _target(value: str | None, column: str) -> str | None:
    if value is None or value == "":
        return None
    if value.startswith(CUSTOM_PREFIX) and len(value) > len(CUSTOM_PREFIX):
        return value
    if value in FIELDS:
        return value
    found = guess(value)
    if found is not None and found.how != "fuzzy":
        return found.field
    raise ConfigError(
        f"mapping[{column!r}]",
        f"unknown field {value!r} (known: {', '.join(FIELDS)}, or custom:<name>)",
    )


_Pick = tuple[str, How, float, str]


def _picks(
    headers: Sequence[str], given: dict[str, str | None], schema: CustomFieldSource | None
) -> list[_Pick | str | None]:
    """Each header's field, how and score, or None (left out), or the reason it has none."""
    picks: list[_Pick | str | None] = []
    for header in headers:
        if header in given:
            target = _target(given[header], header)
            picks.append(None if target is None else (target, "override", 100.0, ""))
            continue
        found = guess(header)
        if found is not None:
            picks.append((found.field, found.how, found.score, found.spelling))
            continue
        custom = schema.custom_field_for(header) if schema is not None else None
        if custom is not None:
            picks.append((CUSTOM_PREFIX + custom, "custom", 100.0, ""))
        elif type_of(header) is not None:
            picks.append("names the kind of the value beside it")
        else:
            picks.append("no field matches this header")
    return _in_context(picks)


def _in_context(picks: list[_Pick | str | None]) -> list[_Pick | str | None]:
    """Headers that mean one field alone and another beside a third (see each case)."""
    fields = [p[0] for p in picks if isinstance(p, tuple)]
    given = {header_key(p[3]) for p in picks if isinstance(p, tuple) and p[0] == "first_name"}
    out = list(picks)
    for at, pick in enumerate(picks):
        if not isinstance(pick, tuple) or pick[1] == "override":
            continue
        field, how, score, spelling = pick
        if field == "name" and "last_name" in fields and "first_name" not in fields:
            # "نام" beside "نام خانوادگی", "Name" beside "Last name": the given name
            out[at] = ("first_name", how, score, spelling)
        elif (
            field == "name"
            and header_key(spelling) in _BARE_NAMES
            and given & _GIVEN_NAMES
            and "last_name" not in fields
        ):
            # "Vorname, Name", "Prénom, Nom": the family name (but "first_name, name", as
            # a clean file of people without surnames has them, stays the full name)
            out[at] = ("last_name", how, score, spelling)
        elif field == "job_title" and header_key(spelling) == "title" and fields.count(field) > 1:
            # Outlook's "Title" (Mr., Dr.) beside its "Job Title"
            out[at] = ("prefix", how, score, spelling)
    return out


def map_columns(
    headers: Sequence[str],
    overrides: Mapping[str, str | None] | None = None,
    *,
    schema: CustomFieldSource | None = None,
) -> ColumnMapping:
    """Work out which field each column feeds.

    Args:
        headers: the input's column names, in order.
        overrides: header → field name (or ``custom:<name>``, or None to leave the column
            out); these win over anything guessed. Field names may be given in any
            spelling the guesser knows (``"Tel"`` means ``phone``).
        schema: when given, columns that match no contact field but a custom field of the
            schema feed that custom field.

    Returns:
        The mapping. A field that only one column can feed (``company``) takes the first
        column that maps to it; later ones, and columns that match no field, are carried
        (each listed in ``ignored`` with the reason, and in the report).

    Raises:
        ConfigError: if an override names an unknown field or a header not in *headers*.
    """
    names: object = headers  # callers are not type-checked: check what really came
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise ConfigError("headers", f"expected a list of column names, not {names!r}")
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ConfigError("mapping", f"expected header -> field pairs, not {overrides!r}")
    given = dict(overrides or {})
    unknown = [h for h in given if h not in headers]
    if unknown:
        raise ConfigError(
            f"mapping[{unknown[0]!r}]", f"no such column (columns: {', '.join(headers)})"
        )
    rules: list[ColumnRule] = []
    carried: list[ColumnRule] = []
    ignored: list[tuple[str, str]] = []
    matches: list[HeaderMatch] = []
    taken: dict[str, str] = {}
    for index, (header, pick) in enumerate(
        zip(headers, _picks(headers, given, schema), strict=True)
    ):
        if pick is None:
            reason = "ignored by the mapping"
            ignored.append((header, reason))
            matches.append(HeaderMatch(header, index, None, "ignored", 0.0, "", reason))
            continue
        if isinstance(pick, tuple) and (pick[0] not in taken or pick[0] in MULTI_FIELDS):
            field, how, score, spelling = pick
            taken.setdefault(field, header)
            rules.append(ColumnRule(header, index, field, how, score, spelling))
            matches.append(HeaderMatch(header, index, field, how, score, spelling, _why(pick)))
            continue
        if isinstance(pick, tuple):
            reason = f"{pick[0]} already comes from column {taken[pick[0]]!r}"
        else:
            reason = pick
        near = closest(header)
        ignored.append((header, reason))
        carried.append(ColumnRule(header, index, CARRIED_PREFIX + header, "carried", 0.0))
        matches.append(
            HeaderMatch(
                header,
                index,
                None,
                "carried",
                near.score if near else 0.0,
                near.spelling if near else "",
                f"{reason}; written unchanged after the normalized columns",
                near.field if near else None,
            )
        )
    return ColumnMapping(
        tuple(_typed(rules, headers)),
        tuple(ignored),
        tuple(headers),
        tuple(carried),
        tuple(matches),
    )


def _why(pick: _Pick) -> str:
    field, how, score, spelling = pick
    if how == "override":
        return f"mapped to {field} by the caller"
    if how == "custom":
        return f"a custom field of the schema ({field.removeprefix(CUSTOM_PREFIX)})"
    if how == "synonym":
        return f"the known header {spelling!r}"
    if how == "folded":
        return f"the known header {spelling!r} once letter variants are folded"
    return f"close to the known header {spelling!r} ({score:.0f}%)"


def _typed(rules: list[ColumnRule], headers: Sequence[str]) -> list[ColumnRule]:
    """Phone rules with the column that names each number's kind (``Phone 1 - Type``)."""
    kinds: dict[tuple[str, str], int] = {}
    for index, header in enumerate(headers):
        found = type_of(header)
        if found is not None:
            kinds[found] = index
    if not kinds:
        return rules
    out = []
    for rule in rules:
        value = numbered_value(rule.column)
        at = kinds.get(value) if value is not None else None
        typed = at is not None and rule.field in _PHONES and rule.how != "override"
        out.append(attrs.evolve(rule, typed_by=at) if typed and at is not None else rule)
    return out
