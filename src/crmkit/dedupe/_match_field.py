"""Field rules: how one field of two records is compared, and how many points it gives.

A score is built the Fellegi-Sunter way: every compared field adds *points* (a log2 Bayes
factor) for or against the two records being the same. A field rule gives its points either
directly (``agree``/``disagree``) or through the classic ``m``/``u`` probabilities.
"""

from __future__ import annotations

import math
from enum import StrEnum

from attrs import frozen

from crmkit.errors import ConfigError

from ._checks import check_finite, is_text

__all__ = ["Blank", "Comparator", "MatchField"]


class Comparator(StrEnum):
    """How two values of a field are compared; each gives a similarity from 0 to 1."""

    EXACT = "exact"
    """Equal after normalization (case, spacing and letter variants do not count)."""
    EMAIL = "email"
    """Any e-mail address in common by match key (case, dots and plus-tags ignored)."""
    PHONE = "phone"
    """Any phone number in common in E.164 form."""
    JARO_WINKLER = "jaro_winkler"
    """Jaro-Winkler similarity: forgiving of typos, rewards a common beginning."""
    LEVENSHTEIN = "levenshtein"
    """Edit-distance similarity: share of characters that need no change."""
    TOKEN_SET = "token_set"  # noqa: S105 - a comparator name, not a secret
    """Word-set overlap: word order and extra words do not count."""
    PHONETIC = "phonetic"
    """Same sound (Metaphone, then NYSIIS): Smith and Smyth agree."""
    FIRST_NAME = "first_name"
    """Nickname-aware first names (Bob = Robert), then Jaro-Winkler."""
    NAME = "name"
    """Names after letter-variant unification (Arabic-script ي/ی, ك/ک), then Jaro-Winkler."""
    DATE = "date"
    """Equal dates; a day/month swap or a date within ``tolerance`` days counts as close."""
    NUMBER = "number"
    """Numbers within ``tolerance`` of each other agree; up to twice it, partly."""


class Blank(StrEnum):
    """How a field that is blank on either record counts."""

    IGNORE = "ignore"
    """No points either way (the default: a missing value says nothing)."""
    DISAGREE = "disagree"
    """Counts as a disagreement (use when the field is always filled in)."""


def _check_rule(rule: MatchField) -> None:
    if not is_text(rule.field):
        raise ConfigError("field", "a field rule needs a field name")
    for name in ("agree", "disagree", "floor", "tolerance"):
        check_finite(name, getattr(rule, name))
    if rule.agree < 0:
        raise ConfigError("agree", f"agreement points must not be negative, got {rule.agree}")
    if rule.disagree > 0:
        raise ConfigError(
            "disagree", f"disagreement points must not be positive, got {rule.disagree}"
        )
    if not 0 <= rule.floor < 1:
        raise ConfigError("floor", f"must be at least 0 and below 1, got {rule.floor}")
    if rule.tolerance < 0:
        raise ConfigError("tolerance", f"must not be negative, got {rule.tolerance}")
    if (rule.m is None) != (rule.u is None):
        raise ConfigError("m" if rule.m is None else "u", "give both m and u, or neither")
    if rule.m is not None and rule.u is not None:
        for name, value in (("m", rule.m), ("u", rule.u)):
            check_finite(name, value)
            if not 0 < value < 1:
                raise ConfigError(name, f"a probability strictly between 0 and 1, got {value}")
        if rule.m <= rule.u:
            raise ConfigError("m", f"m ({rule.m}) must be above u ({rule.u}) to count as evidence")


@frozen(kw_only=True)
class MatchField:
    """How one field is compared and how much it counts.

    Attributes:
        field: the field: ``email``, ``phone``, ``first_name``, ``last_name``, ``name``,
            ``company``, ``street`` (the first address line), ``city``, ``region``,
            ``country``, ``postal_code``, ``birth_date``, ``domain``,
            ``company_key``, any other attribute of the record, or a custom field
            (``custom.<name>`` or just ``<name>``).
        comparator: how values are compared (:class:`Comparator`).
        agree: points added when the values are the same (similarity 1).
        disagree: points (zero or negative) when they clearly differ (similarity at or
            below *floor*); between *floor* and 1 the points move in a straight line.
        m: instead of *agree*/*disagree*: the share of true duplicate pairs whose values
            agree; with *u*, ``agree = log2(m/u)`` and ``disagree = log2((1-m)/(1-u))``.
        u: the share of unrelated pairs whose values agree by chance.
        floor: similarity at or below which the values count as different.
        blank: how a blank value on either side counts (:class:`Blank`).
        tolerance: for ``number``, the difference that still agrees; for ``date``, days.
        condition: an expression; the rule counts only for pairs where it is true on both
            records (``NOT(ISBLANK(birth_date))``).
        label: words for explanations (``"e-mail address"``); the field name by default.
        frequency: adjust the agreement points by how common the shared value is in the
            records compared: two records both named "Vanlinjor" are stronger evidence
            than two named "Smith" (up to 2 points more, or most of *agree* less). For
            ``email``, what counts is how many different addresses share the local part:
            ``jsmith@`` at several providers is a name many people are given.
    """

    field: str
    comparator: Comparator = Comparator.EXACT
    agree: float = 1.0
    disagree: float = 0.0
    m: float | None = None
    u: float | None = None
    floor: float = 0.0
    blank: Blank = Blank.IGNORE
    tolerance: float = 0.0
    condition: str | None = None
    label: str | None = None
    frequency: bool = False

    def __attrs_post_init__(self) -> None:
        _check_rule(self)

    @property
    def agree_points(self) -> float:
        """Points when the values are the same."""
        if self.m is not None and self.u is not None:
            return math.log2(self.m / self.u)
        return self.agree

    @property
    def disagree_points(self) -> float:
        """Points when the values clearly differ."""
        if self.m is not None and self.u is not None:
            return math.log2((1 - self.m) / (1 - self.u))
        return self.disagree

    @property
    def title(self) -> str:
        """The label shown in explanations."""
        return self.label or self.field.removeprefix("custom.").replace("_", " ")

    def points(self, similarity: float) -> float:
        """Return the points this rule gives for *similarity* (0 to 1)."""
        agree, disagree = self.agree_points, self.disagree_points
        if similarity >= 1.0:
            return agree
        if similarity <= self.floor:
            return disagree
        share = (similarity - self.floor) / (1.0 - self.floor)
        return disagree + (agree - disagree) * share
