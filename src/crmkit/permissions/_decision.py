"""What a check answers: a decision with its reason, and everything a user may do with a target."""

from __future__ import annotations

import enum
from typing import ClassVar

from attrs import frozen

from crmkit.errors import ValidationError
from crmkit.expr import rename_field

from ._model import Access, Action, Grant

__all__ = ["Decision", "Explanation", "Filter", "FilterKind"]

_NO_FIELD = ("\x00no field",)


@frozen
class Decision:
    """The answer to "may this user do this?", with the reason in words.

    A decision is truthy exactly when it allows, so ``if policy.check(...):`` reads naturally.

    Attributes:
        allowed: whether the action is allowed.
        reason: the rule that granted it, or what is missing
            ("role Sales Rep may update deals only when owner = you; this deal belongs to Ali").
        action: the action asked about.
        object_type: the kind of record asked about.
        role: the role whose grant allowed it, when allowed.
        grant: the grant that allowed it, when allowed.
    """

    allowed: bool
    reason: str
    action: str
    object_type: str
    role: str | None = None
    grant: Grant | None = None

    def __bool__(self) -> bool:
        return self.allowed


@frozen
class Explanation:
    """Everything one user may do with one record or object type, and why.

    Attributes:
        user: the user's id.
        object_type: the kind of record explained.
        decisions: one decision per action, in the order of :class:`Action`.
        fields: the user's access to each field that some rule restricts, sorted by field.
    """

    user: str
    object_type: str
    decisions: tuple[Decision, ...]
    fields: tuple[tuple[str, Access], ...] = ()

    @property
    def allowed(self) -> tuple[Action, ...]:
        """The actions the user may take."""
        return tuple(Action(d.action) for d in self.decisions if d.allowed)

    def decision(self, action: Action | str) -> Decision:
        """Return the decision about *action*.

        Raises:
            KeyError: never for an action of the vocabulary; for any other text.
        """
        for item in self.decisions:
            if item.action == action:
                return item
        raise KeyError(action)

    def __str__(self) -> str:
        lines = [f"{self.user} on {self.object_type}:"]
        for item in self.decisions:
            mark = "yes" if item.allowed else "no "
            lines.append(f"  {mark} {item.action}: {item.reason}")
        lines.extend(f"  field {name}: {access.value}" for name, access in self.fields)
        return "\n".join(lines)


class FilterKind(enum.StrEnum):
    """Whether a filter lets every row through, none, or those its expression selects."""

    ALL = "all"
    NONE = "none"
    WHERE = "where"


@frozen
class Filter:
    """Which rows of a table a user may act on, as a store can run it.

    ``Filter.ALL`` and ``Filter.NONE`` say so outright, so a caller can skip the query (or the
    WHERE clause) instead of running a tautology; otherwise :attr:`source` is an expression
    in crmkit's language, with the user's id written into it as a literal.

    Attributes:
        kind: all rows, no row, or the rows *source* selects.
        source: the expression, for :attr:`FilterKind.WHERE` only.
    """

    kind: FilterKind
    source: str | None = None

    ALL: ClassVar[Filter]
    NONE: ClassVar[Filter]

    @classmethod
    def where(cls, source: str) -> Filter:
        """Return a filter selecting the rows for which *source* is true."""
        return cls(FilterKind.WHERE, source)

    @property
    def everything(self) -> bool:
        """True when every row passes."""
        return self.kind is FilterKind.ALL

    @property
    def nothing(self) -> bool:
        """True when no row passes."""
        return self.kind is FilterKind.NONE

    def and_where(self, where: str | None) -> Filter:
        """Return this filter narrowed by the caller's own *where* expression (None: no change).

        *where* must be one whole expression: it is parsed and printed canonically before
        it is joined, so text such as ``TRUE) OR (TRUE`` cannot close the policy's
        parenthesis and widen the filter.

        Raises:
            ValidationError: if *where* is not text.
            FormulaError: if *where* is not one expression.
        """
        if where is None:
            return self
        if not isinstance(where, str):
            raise ValidationError(
                type(where).__name__, "expected a filter expression (text)", field="where"
            )
        if self.kind is FilterKind.NONE:
            return self
        # renaming a field no formula can name changes nothing but prints canonically
        whole = rename_field(where, _NO_FIELD, _NO_FIELD)
        if self.kind is FilterKind.ALL:
            return Filter.where(whole)
        return Filter.where(f"({self.source}) AND ({whole})")


Filter.ALL = Filter(FilterKind.ALL)
Filter.NONE = Filter(FilterKind.NONE)
