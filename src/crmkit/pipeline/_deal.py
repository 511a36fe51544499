"""Deal records and their append-only stage history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
from attrs import field, frozen

from crmkit._ids import new_id
from crmkit._record import aware, check_version, custom_values, optional_text, text, utcnow
from crmkit.errors import ValidationError
from crmkit.values import Money

from ._config import StageKind

__all__ = ["Deal", "DealContact", "StageChange", "deals_arg", "not_a_deal"]

_ZERO = Decimal(0)
_KINDS = {kind.value: kind for kind in StageKind}


def _title(value: object) -> str:
    cleaned = text(value)
    if not cleaned:
        raise ValidationError(value, "a deal needs a title", field="title")
    return cleaned


def _record_id(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError(value, "expected a non-empty id")
    return value


def _money(value: object) -> Money | None:
    if value is None or isinstance(value, Money):
        return value
    raise ValidationError(value, "expected Money or None", field="amount")


def _stage_kind(value: object) -> StageKind | None:
    if value is None or isinstance(value, StageKind):
        return value
    if isinstance(value, str) and value in _KINDS:
        return _KINDS[value]
    known = ", ".join(_KINDS)
    raise ValidationError(value, f"expected a stage kind ({known}) or None", field="stage_kind")


def _close_date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(value, "expected a date (not a datetime)", field="close_date")
    return value


def _probability(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValidationError(value, "expected a Decimal between 0 and 1", field="probability")
    result = Decimal(value)
    if not _ZERO <= result <= 1:
        raise ValidationError(value, "must be between 0 and 1", field="probability")
    return result


# Records are not slotted: guards read a deal's __dict__ as their mapping of values, and
# Pipeline.move builds its records from a copied __dict__ (see the figures in _moves.py).
@frozen(kw_only=True, slots=False)
class StageChange:
    """One entry of a deal's stage history: a move, with what the deal was worth then.

    The first entry of every history has ``from_stage`` None: it records the stage the deal
    was created in.

    Attributes:
        to_stage: the stage the deal entered.
        at: when it entered it (UTC).
        from_stage: the stage it left, None for the entry that records creation.
        pipeline_id: the pipeline of ``to_stage``.
        from_pipeline_id: the pipeline of ``from_stage`` when the move changed pipelines,
            else None.
        actor: who moved the deal (a user id), when known.
        amount: the deal's amount at that moment.
        probability: the probability of ``to_stage`` at that moment.
        reason: why the deal was moved, when given (for a lost deal, the lost reason).
    """

    to_stage: str = field(validator=attrs.validators.instance_of(str))
    at: datetime = field(converter=aware)
    pipeline_id: str = field(converter=_record_id)
    from_stage: str | None = None
    from_pipeline_id: str | None = None
    actor: str | None = None
    amount: Money | None = field(default=None, converter=_money)
    probability: Decimal = field(default=_ZERO, converter=_probability)
    reason: str | None = None


def _history(values: Iterable[StageChange | Mapping[str, Any]]) -> tuple[StageChange, ...]:
    return tuple(v if isinstance(v, StageChange) else StageChange(**v) for v in values)


def _role(value: object) -> str:
    return text(value) or "contact"


@frozen(kw_only=True)
class DealContact:
    """A person on a deal, with their role in it (``"decision maker"``, ``"champion"``...)."""

    contact_id: str = field(converter=_record_id)
    role: str = field(default="contact", converter=_role)


def _contacts(values: Iterable[DealContact | Mapping[str, Any] | str]) -> tuple[DealContact, ...]:
    if isinstance(values, str):
        values = [values]
    out = []
    for value in values:
        if isinstance(value, DealContact):
            out.append(value)
        elif isinstance(value, Mapping):
            out.append(DealContact(**value))
        else:
            out.append(DealContact(contact_id=value))
    return tuple(out)


@frozen(kw_only=True, slots=False)
class Deal:
    """A sales opportunity moving through a pipeline's stages.

    The stage is a plain field; a :class:`~crmkit.pipeline.Pipeline` decides whether it may
    change and records each change in ``history``. A deal built without history gets one
    entry recording the stage it was created in, so ``history[-1].to_stage`` is always the
    current stage.

    Attributes:
        title: what is being sold, to whom.
        pipeline_id: the pipeline the deal runs in.
        stage_id: the stage it is in now.
        stage_kind: the kind of that stage (``open``, ``won`` or ``lost``), derived from the
            pipeline: :meth:`Pipeline.new_deal`, :meth:`Pipeline.move` and
            :meth:`Pipeline.transfer` set it, and a store refuses a deal whose kind
            contradicts its stage. None for a deal built by hand that has not moved yet.
            Filters and conditions say ``stage_kind = 'open'`` and survive stage renames.
        amount: what the deal is worth, when known.
        close_date: when it is expected to close.
        company_id: the company buying, when known.
        contacts: the people on the deal with their roles.
        owner_id: the salesperson responsible.
        lead_source: where the deal came from (kept from the lead when converted).
        lost_reason: why it was lost (required to enter a ``lost`` stage).
        custom: custom field values by field name.
        history: every stage change, oldest first; append-only.

    Raises:
        ValidationError: for a blank title, a naive timestamp, a history that does not end
            in ``stage_id`` or does not chain, or any other bad value.
    """

    id: str = field(factory=new_id)
    title: str = field(converter=_title)
    pipeline_id: str = field(converter=_record_id)
    stage_id: str = field(converter=_record_id)
    stage_kind: StageKind | None = field(default=None, converter=_stage_kind)
    amount: Money | None = field(default=None, converter=_money)
    close_date: date | None = field(default=None, converter=_close_date)
    company_id: str | None = None
    contacts: tuple[DealContact, ...] = field(default=(), converter=_contacts)
    owner_id: str | None = None
    lead_source: str | None = field(default=None, converter=optional_text)
    lost_reason: str | None = field(default=None, converter=optional_text)
    custom: dict[str, object] = field(factory=dict, converter=custom_values, hash=False)
    created_at: datetime = field(factory=utcnow, converter=aware)
    updated_at: datetime = field(factory=utcnow, converter=aware)
    version: int = field(default=1, validator=check_version)
    history: tuple[StageChange, ...] = field(default=(), converter=_history)

    def __attrs_post_init__(self) -> None:
        if not self.history:
            first = StageChange(
                to_stage=self.stage_id,
                at=self.created_at,
                pipeline_id=self.pipeline_id,
                actor=self.owner_id,
                amount=self.amount,
            )
            object.__setattr__(self, "history", (first,))
            return
        previous: str | None = None
        for i, change in enumerate(self.history):
            if i and change.from_stage != previous:
                raise ValidationError(
                    change.from_stage,
                    f"history[{i}] leaves {change.from_stage!r}, but the deal was in {previous!r}",
                    field="history",
                )
            previous = change.to_stage
        last = self.history[-1]
        if last.to_stage != self.stage_id or last.pipeline_id != self.pipeline_id:
            raise ValidationError(
                self.stage_id,
                f"history ends in {last.pipeline_id}/{last.to_stage}, "
                f"not the deal's {self.pipeline_id}/{self.stage_id}",
                field="history",
            )

    @property
    def stage_entered_at(self) -> datetime:
        """When the deal entered its current stage."""
        return self.history[-1].at

    @property
    def is_new(self) -> bool:
        """True while the deal has never moved (its history holds only its creation)."""
        return len(self.history) == 1


def deals_arg(deals: object, name: str = "deals") -> Iterable[Any]:
    """Return *deals* if it can be iterated over (text cannot), for a loop that checks items.

    Raises:
        ValidationError: naming *name*, if *deals* is not an iterable of deals.
    """
    if not isinstance(deals, Iterable) or isinstance(deals, str | bytes | Mapping):
        raise ValidationError(
            type(deals).__name__, "expected an iterable of Deal records", field=name
        )
    return deals


def not_a_deal(value: object) -> Deal:
    """Return *value* if it is a Deal (a subclass); called when its class is not Deal itself.

    Raises:
        ValidationError: naming the value's type, if it is not a Deal.
    """
    if isinstance(value, Deal):
        return value
    raise ValidationError(type(value).__name__, "expected a Deal in the deals given", field="deals")
