"""Deals as an import sees them: stage, money, owner, pipeline and close date, checked or loaded.

``pipeline_mode="enforce"`` (the default) holds every row to its pipeline: the stated stage
must be one the pipeline's allowed moves reach from its first stage, and the deal must meet
that stage's requirements (required fields, lost reason, guards); a stored deal the row
moves to another stage is moved with :meth:`Pipeline.move`, checked. ``"load"`` takes
history as it stands: the deal is stored at its stated stage without those checks (its
pipeline and stage must still exist), and the entry in its history says it was imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Final, Literal

import attrs

from crmkit._record import utcnow
from crmkit.errors import ErrorCode, InvalidMoney, TransitionDenied, ValidationError
from crmkit.pipeline import (
    DEAL_FIELDS,
    Deal,
    DealContact,
    Pipeline,
    Pipelines,
    StageChange,
)
from crmkit.storage import Repository, Store, loading_history
from crmkit.values import Money

from . import _cells
from ._company_rows import split_list
from ._deal_stages import named_stage, reachable_stages, status_stage
from ._locale import LocaleOptions
from ._mapping import ColumnMapping
from ._object_fields import DEAL_SYNONYMS, schema_synonyms
from ._object_kind import Cells, Combine, StoredKeys, coerced_custom, combined, custom_fields
from ._rows import Problem
from ._synonyms import header_key

__all__ = ["IMPORTED", "DealKind", "PipelineMode"]

PipelineMode = Literal["enforce", "load"]

#: The reason an imported deal's history entries give.
IMPORTED: Final = "imported"
_KEPT_AS_CUSTOM: Final = ("company", "contact", "notes", "source_id")
_SKIP: Final = ("pipeline_id", "stage_id", "stage_kind", "history", "contacts")
# the deal's own field each import field fills, where the names differ
_DEAL_FIELD: Final = {"owner": "owner_id", "company": "company_id", "stage": "stage_id"}


class DealKind:
    """Deals: built from a row, checked by their pipeline or loaded as they stand."""

    name = "deal"
    synonyms = DEAL_SYNONYMS

    def __init__(
        self,
        store: Store,
        locale: LocaleOptions,
        pipelines: Pipelines,
        *,
        mode: PipelineMode,
        actor: str,
    ) -> None:
        self._store = store
        self._locale = locale
        self._pipelines = pipelines
        self._mode = mode
        self._actor = actor
        self._now = utcnow()
        self._columns: dict[str, str] = {}
        self._stored = StoredKeys(store.deals, self.key)
        self._fields = custom_fields(store.schema("deal"), DEAL_FIELDS)
        self.custom = schema_synonyms(self._fields.schema, self._fields.money)

    def repository(self) -> Repository[Deal]:
        """The store's deals."""
        return self._store.deals

    def use_mapping(self, mapping: ColumnMapping) -> None:
        """Learn the columns of the fields, to name them in the pipeline's problems."""
        for rule in mapping.rules:
            self._columns[_DEAL_FIELD.get(rule.field, rule.field.removeprefix("custom:"))] = (
                rule.column
            )

    def writing(self) -> AbstractContextManager[None]:
        """Where the batch's writes happen: loading history as it stands, or checked."""
        return loading_history() if self._mode == "load" else nullcontext()

    def _pipeline(self, cells: Cells, problems: list[Problem]) -> Pipeline | None:
        if "pipeline" not in cells:
            return next(iter(self._pipelines.values()))
        column, text = cells["pipeline"]
        found = named_stage({k: p.name for k, p in self._pipelines.items()}, text)
        if found is None:
            reason = f"no pipeline {text!r} (known: {', '.join(self._pipelines)})"
            problems.append(Problem(column, text, reason, ErrorCode.UNKNOWN_PIPELINE))
            return None
        return self._pipelines[found]

    def _stage(self, pipeline: Pipeline, cells: Cells, problems: list[Problem]) -> str | None:
        """The stage the row states (its status deciding a closed one), checked in enforce."""
        stage = pipeline.stages[0].id
        if "stage" in cells:
            column, text = cells["stage"]
            found = named_stage({s.id: s.name or s.id for s in pipeline.stages}, text)
            if found is None:
                known = ", ".join(s.id for s in pipeline.stages)
                reason = f"no stage {text!r} in pipeline {pipeline.id!r} (stages: {known})"
                problems.append(Problem(column, text, reason, ErrorCode.UNKNOWN_STAGE))
                return None
            stage = found
        if "status" in cells:
            closed = status_stage(pipeline, stage, cells["status"], problems)
            if closed is None:
                return None
            stage = closed
        column, text = cells.get("stage", cells.get("status", ("<row>", "")))
        if self._mode == "enforce" and stage not in reachable_stages(pipeline):
            reason = (
                f"pipeline {pipeline.id!r} cannot reach stage {stage!r} from its first stage "
                f"{pipeline.stages[0].id!r} by allowed moves (pipeline_mode='load' stores "
                "history as it stands)"
            )
            problems.append(Problem(column, text, reason, ErrorCode.UNREACHABLE_STAGE))
            return None
        return stage

    def _amount(self, cells: Cells, problems: list[Problem]) -> Money | None:
        if "amount" not in cells:
            return None
        column, text = cells["amount"]
        currency = cells.get("currency", ("", ""))[1] or None
        try:
            return Money.parse(text, locale=self._locale.locale or "en_US", currency=currency)
        except InvalidMoney as exc:
            if exc.field == "currency" and "currency" in cells:
                column, text = cells["currency"]
            problems.append(Problem(column, text, f"invalid amount: {exc.reason}", exc.code))
            return None

    def build(self, cells: Cells) -> Deal | list[Problem]:
        """The deal of a row, or every problem that stops it (before the pipeline's checks)."""
        problems: list[Problem] = []
        text = {field: value for field, (_, value) in cells.items()}
        if not text.get("title"):
            reason = "a deal needs a title"
            problems.append(Problem("<row>", "", reason, ErrorCode.REQUIRED_VALUE))
        pipeline = self._pipeline(cells, problems)
        stage = self._stage(pipeline, cells, problems) if pipeline is not None else None
        amount = self._amount(cells, problems)
        close = None
        if "close_date" in cells:
            try:
                close = self._locale.parse_date(text["close_date"])
            except ValidationError as exc:
                column = cells["close_date"][0]
                problems.append(Problem(column, text["close_date"], exc.reason, exc.code))
        custom: dict[str, object] = {f: text[f] for f in _KEPT_AS_CUSTOM if text.get(f)}
        if stage is not None and "stage" in text and pipeline is not None:
            stated = named_stage({s.id: s.name or s.id for s in pipeline.stages}, text["stage"])
            if stated != stage:
                custom["stage"] = text["stage"]  # the stage a closed deal was closed from
        if "currency" in text and amount is None and "amount" not in text:
            custom["currency"] = text["currency"]
        custom.update(coerced_custom(self._fields, cells, self._locale.locale, problems))
        if problems or pipeline is None or stage is None:
            return problems
        entry = StageChange(
            to_stage=stage,
            at=self._now,
            pipeline_id=pipeline.id,
            actor=self._actor,
            amount=amount,
            probability=pipeline.probability(stage),
            reason=IMPORTED,
        )
        try:
            return Deal(
                title=text["title"],
                pipeline_id=pipeline.id,
                stage_id=stage,
                stage_kind=pipeline.stage(stage).kind,
                amount=amount,
                close_date=close,
                owner_id=text.get("owner"),
                lead_source=text.get("lead_source"),
                lost_reason=text.get("lost_reason"),
                custom=custom,
                created_at=self._now,
                updated_at=self._now,
                history=[entry],
            )
        except ValidationError as exc:
            return [Problem("<row>", str(exc.value), exc.reason, exc.code)]

    def finish(self, deals: Sequence[Deal]) -> list[Deal | list[Problem]]:
        """The batch's deals linked to their stored company and contacts, then checked.

        A company named in the row is linked when the store has one of that name; the
        contacts by e-mail. The names stay in the deal's custom values either way.
        """
        names = {_cells.company_key(str(d.custom.get("company", ""))) for d in deals} - {""}
        companies = self._store.companies.find_by_keys("company", sorted(names))
        emails: dict[str, str] = {}
        for deal in deals:
            for piece in split_list(str(deal.custom.get("contact", ""))):
                found = _cells.email(piece)
                if not isinstance(found, _cells.Refusal):
                    emails[piece] = found.match_key
        people = self._store.contacts.find_by_keys("email", sorted(set(emails.values())))
        out: list[Deal | list[Problem]] = []
        for deal in deals:
            hits = companies.get(_cells.company_key(str(deal.custom.get("company", ""))))
            contacts = [
                DealContact(contact_id=people[emails[p]][0].id)
                for p in split_list(str(deal.custom.get("contact", "")))
                if p in emails and emails[p] in people
            ]
            linked = attrs.evolve(
                deal,
                company_id=hits[0].id if hits else None,
                contacts=list({c.contact_id: c for c in contacts}.values()),
            )
            out.append(self._checked(linked))
        return out

    def _checked(self, deal: Deal) -> Deal | list[Problem]:
        if self._mode == "load":
            return deal
        check = self._pipelines[deal.pipeline_id].check_entry(deal, now=self._now)
        if check.allowed:
            return deal
        return [
            Problem(
                "; ".join(self._columns.get(f, f) for f in p.fields) or "<row>",
                "; ".join(_shown(deal, f) for f in p.fields),
                p.message,
                ErrorCode.TRANSITION,
            )
            for p in check.problems
        ]

    def key(self, record: Deal) -> str:
        """The pipeline, the title, the company named and the source's id, folded."""
        company = _cells.company_key(str(record.custom.get("company", "")))
        source = str(record.custom.get("source_id", ""))
        return "|".join((record.pipeline_id, header_key(record.title), company, source))

    def stored(self, records: Sequence[Deal]) -> dict[str, Deal]:
        """The stored deals the batch matches, by :meth:`key` (the oldest of a key first).

        A title is no indexed column: the stored deals' keys are read once (see
        :class:`StoredKeys`).
        """
        return self._stored.matches(records)

    def keep(self, key: str, record: Deal) -> None:
        """Remember that *key* is *record* from now on (a later batch matches it)."""
        self._stored.keep(key, record)

    def changed(self, old: Deal, new: Deal, how: Combine) -> Deal | list[Problem]:
        """*old* with the row's values, moved to the row's stage (checked unless loading)."""
        merged = combined(old, new, how, skip=_SKIP)
        if new.contacts:
            known = {c.contact_id for c in merged.contacts}
            extra = [c for c in new.contacts if c.contact_id not in known]
            if extra:
                merged = attrs.evolve(merged, contacts=(*merged.contacts, *extra))
        if (new.pipeline_id, new.stage_id) == (old.pipeline_id, old.stage_id):
            return merged
        return self._moved(merged, new)

    def _moved(self, deal: Deal, new: Deal) -> Deal | list[Problem]:
        target = self._pipelines[new.pipeline_id]
        when = max(self._now, deal.history[-1].at)
        if self._mode == "load":
            change = StageChange(
                to_stage=new.stage_id,
                at=when,
                pipeline_id=new.pipeline_id,
                from_stage=deal.stage_id,
                from_pipeline_id=deal.pipeline_id if deal.pipeline_id != new.pipeline_id else None,
                actor=self._actor,
                amount=deal.amount,
                probability=target.probability(new.stage_id),
                reason=IMPORTED,
            )
            return attrs.evolve(
                deal,
                pipeline_id=new.pipeline_id,
                stage_id=new.stage_id,
                stage_kind=target.stage(new.stage_id).kind,
                history=(*deal.history, change),
            )
        try:
            if deal.pipeline_id == new.pipeline_id:
                moved, _ = target.move(
                    deal, new.stage_id, actor=self._actor, at=when, reason=_reason(new)
                )
            else:
                source = self._pipelines[deal.pipeline_id]
                moved, _ = source.transfer(
                    deal, target, {deal.stage_id: new.stage_id}, actor=self._actor, at=when
                )
        except TransitionDenied as exc:
            column = self._columns.get("stage_id", "<row>")
            return [Problem(column, new.stage_id, r, exc.code) for r in exc.reasons]
        return moved


def _shown(deal: Deal, field: str) -> str:
    value = getattr(deal, field) if hasattr(deal, field) else deal.custom.get(field)
    return "" if value is None else str(value)


def _reason(deal: Deal) -> str:
    return deal.lost_reason or IMPORTED
