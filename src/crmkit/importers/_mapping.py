"""Column mapping: which input column feeds which contact field, found from the headers.

A header maps by, in order: an explicit override, an exact synonym (after
:func:`header_key`), the same with a trailing number removed (``Phone 2``, ``Address line 1``),
a close spelling (``Emial``, ``Compnay``, scored with rapidfuzz), or a custom field of the
schema. Whatever is left is listed as ignored, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final, Literal, Protocol

from attrs import frozen
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from crmkit.errors import ConfigError

from ._synonyms import FIELDS, MULTI_FIELDS, SYNONYMS, header_key

__all__ = ["ColumnMapping", "ColumnRule", "CustomFieldSource", "map_columns"]

How = Literal["override", "synonym", "fuzzy", "custom"]

_FUZZY_MIN_LENGTH: Final = 5
_TRAILING_NUMBER: Final = re.compile(r"^(.*?)(\d+)$")
_KEYS: Final[dict[str, str]] = {
    header_key(spelling): field for field, spellings in SYNONYMS.items() for spelling in spellings
}
_CHOICES: Final = sorted(_KEYS)
CUSTOM_PREFIX: Final = "custom:"


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
            ``company``, ``city``, ...), or ``custom:<name>`` for a custom field.
        how: ``override`` (given by the caller), ``synonym`` (a known header), ``fuzzy`` (a
            close spelling of a known header) or ``custom`` (a custom field of the schema).
        score: how sure the match is, 0-100 (100 for overrides and exact synonyms).
    """

    column: str
    index: int
    field: str
    how: How
    score: float = 100.0


@frozen
class ColumnMapping:
    """Where each column goes, and which columns are ignored.

    Attributes:
        rules: the mapped columns, in input order.
        ignored: the headers that feed nothing, each with the reason.
        headers: every input header, in order.
    """

    rules: tuple[ColumnRule, ...]
    ignored: tuple[tuple[str, str], ...]
    headers: tuple[str, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields some column feeds, in output order (custom fields last)."""
        fed = {rule.field for rule in self.rules}
        custom = sorted(f for f in fed if f.startswith(CUSTOM_PREFIX))
        return (*(f for f in FIELDS if f in fed), *custom)

    def columns_for(self, field: str) -> tuple[str, ...]:
        """The headers feeding *field*, in input order."""
        return tuple(rule.column for rule in self.rules if rule.field == field)

    def describe(self) -> list[str]:
        """One line per column, e.g. ``'E-mail' -> email (synonym)``, for people to check."""
        lines = []
        for rule in self.rules:
            sure = "" if rule.score >= 100 else f", {rule.score:.0f}%"
            lines.append(f"{rule.column!r} -> {rule.field} ({rule.how}{sure})")
        lines.extend(f"{column!r} ignored: {reason}" for column, reason in self.ignored)
        return lines


def _target(value: str | None, column: str) -> str | None:
    if value is None or value == "":
        return None
    if value.startswith(CUSTOM_PREFIX) and len(value) > len(CUSTOM_PREFIX):
        return value
    if value in FIELDS:
        return value
    found = _KEYS.get(header_key(value))
    if found is not None:
        return found
    raise ConfigError(
        f"mapping[{column!r}]",
        f"unknown field {value!r} (known: {', '.join(FIELDS)}, or custom:<name>)",
    )


def _guess(header: str) -> tuple[str, How, float] | None:
    key = header_key(header)
    if not key:
        return None
    if key in _KEYS:
        return _KEYS[key], "synonym", 100.0
    numbered = _TRAILING_NUMBER.match(key)
    if numbered and numbered.group(1) in _KEYS:
        return _KEYS[numbered.group(1)], "synonym", 100.0
    if len(key) >= _FUZZY_MIN_LENGTH:
        base = numbered.group(1) if numbered else key
        # one slip (a typo, a swapped pair of letters) per six letters, at least one
        allowed = max(1, len(base) // 6)
        found = process.extractOne(
            base, _CHOICES, scorer=DamerauLevenshtein.distance, score_cutoff=allowed
        )
        if found is not None:
            score = 100.0 * (1 - found[1] / max(len(base), len(found[0])))
            return _KEYS[found[0]], "fuzzy", round(score, 1)
    return None


def map_columns(
    headers: Sequence[str],
    overrides: Mapping[str, str | None] | None = None,
    *,
    schema: CustomFieldSource | None = None,
) -> ColumnMapping:
    """Work out which field each column feeds.

    Args:
        headers: the input's column names, in order.
        overrides: header → field name (or ``custom:<name>``, or None to ignore the column);
            these win over anything guessed. Field names may be given in any spelling the
            guesser knows (``"Tel"`` means ``phone``).
        schema: when given, columns that match no contact field but a custom field of the
            schema feed that custom field.

    Returns:
        The mapping. A field that only one column can feed (``company``) takes the first
        column that maps to it; later ones are ignored with the reason.

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
    ignored: list[tuple[str, str]] = []
    taken: dict[str, str] = {}
    for index, header in enumerate(headers):
        if header in given:
            target = _target(given[header], header)
            if target is None:
                ignored.append((header, "ignored by the mapping"))
                continue
            guess: tuple[str, How, float] | None = (target, "override", 100.0)
        else:
            guess = _guess(header)
            if guess is None and schema is not None:
                custom = schema.custom_field_for(header)
                if custom is not None:
                    guess = (CUSTOM_PREFIX + custom, "custom", 100.0)
        if guess is None:
            ignored.append((header, "no field matches this header"))
            continue
        field, how, score = guess
        if field in taken and field not in MULTI_FIELDS:
            ignored.append((header, f"{field} already comes from column {taken[field]!r}"))
            continue
        taken.setdefault(field, header)
        rules.append(ColumnRule(header, index, field, how, score))
    return ColumnMapping(tuple(_resolve_names(rules)), tuple(ignored), tuple(headers))


def _resolve_names(rules: list[ColumnRule]) -> list[ColumnRule]:
    """A "name" column next to a last-name column holds the first name (``نام``, ``Name``)."""
    fields = {rule.field for rule in rules}
    if "name" in fields and "last_name" in fields and "first_name" not in fields:
        return [
            ColumnRule(r.column, r.index, "first_name", r.how, r.score)
            if r.field == "name" and r.how != "override"
            else r
            for r in rules
        ]
    return rules
