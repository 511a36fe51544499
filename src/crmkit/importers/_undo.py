"""The undo log of an import, and :func:`undo_import`, for every record kind an import writes.

Each batch of an import writes, in its own transaction, one log record: the ids of the
records it created, each record it updated as it was before, and the links (affiliations)
it made. Undoing deletes what was created and restores what was updated, newest batch
first. A deal's stage history only grows: a deal the import moved to another stage is
moved back, and that move is recorded too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs

from crmkit._converter import from_dict, to_dict
from crmkit.activities import Activity
from crmkit.contacts import Company, Contact
from crmkit.errors import NotFound, ValidationError
from crmkit.pipeline import Deal, StageChange
from crmkit.storage import CustomRecord, Repository, Store, loading_history

__all__ = ["LOG_TYPE", "undo_import", "write_log"]

LOG_TYPE: Final = "crmkit_import_batch"
_LOG_FIELDS: Final = {
    "import_id": "text",
    "created": "text",
    "updated": "text",
    "kind": "text",
    "linked": "text",
}
_TYPES: Final[dict[str, type[Any]]] = {
    "contact": Contact,
    "company": Company,
    "deal": Deal,
    "activity": Activity,
}


def register_log(store: Store) -> None:
    """Make sure *store* knows the log's object type (with every field it has now)."""
    store.register_object_type(LOG_TYPE, _LOG_FIELDS)


def write_log(
    store: Store,
    import_id: str,
    *,
    kind: str,
    created: Iterable[str],
    before: Iterable[Any],
    linked: Iterable[str] = (),
    actor: str,
) -> None:
    """Write the log record of one batch (inside the batch's transaction)."""
    store.objects(LOG_TYPE).add(
        CustomRecord(
            object_type=LOG_TYPE,
            custom={
                "import_id": import_id,
                "kind": kind,
                "created": json.dumps(sorted(created)),
                "updated": json.dumps([to_dict(r) for r in before]),
                "linked": json.dumps(sorted(linked)),
            },
        ),
        actor=actor,
    )


def _repository(store: Store, kind: str) -> Repository[Any]:
    if kind in _TYPES:
        found: Repository[Any] = store.repository(kind)
        return found
    try:
        return store.objects(kind)
    except ValidationError:
        # a store opened again does not know the type yet: its records are there all the same
        return store.register_object_type(kind, {})


def _restored(old: Any, current: Any, who: str) -> Any:
    """*old* as it can be written over *current*: its version, and for a deal its history."""
    restored = attrs.evolve(old, version=current.version, updated_at=current.updated_at)
    if not isinstance(old, Deal) or not isinstance(current, Deal):
        return restored
    history = current.history
    if (current.pipeline_id, current.stage_id) != (old.pipeline_id, old.stage_id):
        back = StageChange(
            to_stage=old.stage_id,
            at=max(current.history[-1].at, current.updated_at),
            pipeline_id=old.pipeline_id,
            from_stage=current.stage_id,
            from_pipeline_id=current.pipeline_id
            if current.pipeline_id != old.pipeline_id
            else None,
            actor=who,
            amount=old.amount,
            probability=old.history[-1].probability,
            reason="import undone",
        )
        history = (*history, back)
    return attrs.evolve(restored, history=history)


def undo_import(store: Store, import_id: str, *, actor: str | None = None) -> int:
    """Undo an import: delete the records it created and restore the ones it changed.

    Works for every kind an import writes (contacts, companies, deals, custom objects) and
    for the links it made between contacts and companies. A record changed again after the
    import is still restored to its state before the import (the store's history keeps
    every version); a deal the import moved is moved back, recorded in its stage history.

    Returns:
        How many records were deleted or restored.

    Raises:
        NotFound: if *import_id* names no import in *store*.
    """
    register_log(store)
    logs = _logs(store, import_id)
    if not logs:
        raise NotFound("import", import_id)
    who = actor or f"undo-import:{import_id}"
    touched = 0
    with store.transaction(), loading_history():
        for log in reversed(logs):
            values: Mapping[str, object] = log.custom
            kind = str(values.get("kind") or "contact")
            repository = _repository(store, kind)
            for link_id in json.loads(str(values.get("linked") or "[]")):
                store.affiliations.delete(link_id, actor=who)
            for record_id in json.loads(str(values["created"])):
                repository.delete(record_id, actor=who)
                touched += 1
            record_type = _TYPES.get(kind, CustomRecord)
            for data in json.loads(str(values["updated"])):
                old = from_dict(data, record_type)
                current = repository.get(old.id)
                repository.update(_restored(old, current, who), actor=who)
                touched += 1
            store.objects(LOG_TYPE).delete(log.id, actor=who)
    return touched


def _logs(store: Store, import_id: str) -> list[CustomRecord]:
    # in write order: ids order only by the millisecond, and batches come faster than that
    where = f'import_id = "{_quote(import_id)}"'
    return list(store.objects(LOG_TYPE).find_all(where, order_by="created_at"))


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
