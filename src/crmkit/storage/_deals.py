"""Deals in a store: the deal kind, and the pipeline rules every write of a deal passes.

The store refuses a deal whose stage changed without its pipeline's checks: each add,
update and bulk upsert of a deal goes through :func:`crmkit.pipeline.enforce_move` inside
the write's transaction, so no path around :meth:`Pipeline.move` exists. A store learns the
pipelines with :meth:`Store.use_pipelines`; until then, and for a pipeline it does not know,
every deal write is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

import attrs

from crmkit.errors import ConfigError, ErrorCode, TransitionDenied
from crmkit.pipeline import DEAL_FIELDS, Deal, Pipeline, Pipelines, enforce_move

from ._kinds import RecordKind, check_fields

__all__ = ["DEAL", "PipelinesIn", "deal_kind", "loading_history"]

PipelinesIn = Mapping[str, Pipeline] | Iterable[Pipeline]
"""What :meth:`Store.use_pipelines` takes: pipelines by id, or a sequence of them."""


def _deal_keys(record: Deal) -> list[tuple[str, str]]:
    keys = [("contact", c.contact_id) for c in record.contacts]
    if record.company_id:
        keys.append(("company", record.company_id))
    return list(dict.fromkeys(keys))


def _no_pipelines(before: Deal | None, after: Deal) -> None:
    reason = (
        f"no pipeline {after.pipeline_id!r}: the store knows no pipelines "
        "(give them to store.use_pipelines first)"
    )
    raise TransitionDenied(
        before.stage_id if before else "", after.stage_id, [reason], code=ErrorCode.UNKNOWN_PIPELINE
    )


DEAL: RecordKind[Deal] = RecordKind(
    name="deal",
    record_type=Deal,
    table="crm_deals",
    fields=DEAL_FIELDS,
    columns=(
        "pipeline_id",
        "stage_id",
        "owner_id",
        "company_id",
        "close_date",
        "created_at",
        "updated_at",
    ),
    # a close date may be blank, and blank dates have no order both backends share
    sortable=("pipeline_id", "stage_id", "owner_id", "company_id", "created_at", "updated_at"),
    key_types=("company", "contact"),
    keys=_deal_keys,
    validate=_no_pipelines,
)
"""The deal kind of a store that has not been given pipelines: it refuses every write."""


# set only inside loading_history(): per thread and per task, never for the whole process
_LOADING: ContextVar[bool] = ContextVar("crmkit_loading_history", default=False)


@contextmanager
def loading_history() -> Iterator[None]:
    """Store deals at the stages their source states, without the pipeline's checks.

    For loading history that happened elsewhere (an export of another CRM, a backup): inside
    the block, a deal write in this thread (or task) is held to the record's shape only: its
    pipeline and stage must exist, its history must be appended to with one entry per move
    and its stage kind must fit the stage. Transition rules, required fields, lost reasons
    and guards are not checked. Outside the block every write is checked as usual.

    ``import_file(..., kind="deal", pipeline_mode="load")`` writes its deals this way.
    """
    token = _LOADING.set(True)
    try:
        yield
    finally:
        _LOADING.reset(token)


def _enforcer(pipelines: Pipelines) -> Callable[[Deal | None, Deal], None]:
    def validate(before: Deal | None, after: Deal) -> None:
        enforce_move(before, after, pipelines, checked=not _LOADING.get())

    return validate


def deal_kind(pipelines: PipelinesIn) -> tuple[RecordKind[Deal], dict[str, str]]:
    """Return the deal kind that enforces *pipelines*, and their custom deal field types.

    Raises:
        ConfigError: if an item is not a Pipeline, two share an id, or two pipelines give
            one custom field different types.
    """
    given: object = pipelines
    if isinstance(given, Pipelines):
        known = given
    elif isinstance(given, Mapping):
        known = Pipelines(given)
    elif isinstance(given, Iterable) and not isinstance(given, str | bytes):
        known = Pipelines(list(given))
    else:
        raise ConfigError("pipelines", f"expected pipelines, not {given!r}")
    fields: dict[str, str] = {}
    for pipeline_id, pipeline in known.items():
        path = f"pipelines[{pipeline_id!r}].fields"
        for name, type_name in check_fields(path, pipeline.config.fields).items():
            if fields.setdefault(name, type_name) != type_name:
                raise ConfigError(
                    f"{path}[{name!r}]",
                    f"is {type_name}, but another pipeline declares it {fields[name]}",
                )
    return attrs.evolve(DEAL, validate=_enforcer(known)), fields
