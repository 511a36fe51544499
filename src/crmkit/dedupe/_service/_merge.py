"""Merging records kept in a store, in one transaction, with an undo log."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from crmkit._converter import from_dict, to_dict
from crmkit.activities import Activity, Link
from crmkit.contacts import Company, Contact
from crmkit.dedupe._arguments import check_store
from crmkit.dedupe._merge import MergeResult, MergeStrategy, check_strategy, merge
from crmkit.errors import ConflictError, ErrorCode, NotFound, ValidationError
from crmkit.storage import CustomRecord, Repository, Store

__all__ = ["MERGE_LOG", "merge_in_store", "undo_merge"]

MERGE_LOG = "crmkit_merge"
"""The custom object type under which stores keep merge logs (for :func:`undo_merge`)."""

_LOG_FIELDS = {"kind": "text", "survivor_id": "text", "payload": "text", "undone": "bool"}
_STORE_NEEDS = (
    "activities",
    "contacts",
    "companies",
    "affiliations",
    "deals",
    "objects",
    "register_object_type",
    "transaction",
)


def _ids(ids: object) -> list[str]:
    if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
        raise ValidationError(type(ids).__name__, "expected a list of record ids", field="ids")
    listed = list(ids)
    for value in listed:
        if not isinstance(value, str) or not value:
            raise ValidationError(value, "expected a record id (non-empty text)", field="ids")
    if len(set(listed)) < 2:
        raise ValidationError(listed, "merging needs two or more record ids", field="ids")
    return list(dict.fromkeys(listed))


def _repository(store: Store, kind: str) -> Repository[Any]:
    if kind == "contact":
        return store.contacts
    if kind == "company":
        return store.companies
    raise ValidationError(kind, "expected 'contact' or 'company'", field="kind")


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def merge_in_store(
    store: Store,
    ids: Sequence[str],
    strategy: MergeStrategy | None = None,
    *,
    actor: str | None = None,
    kind: str = "contact",
    references: Sequence[tuple[str, str]] = (),
) -> MergeResult:
    """Merge stored records into one, re-point what referred to the others, and log it.

    In one transaction: the survivor is updated; activities linked to the other records are
    linked to it instead; affiliations (and, for companies, child
    companies' ``parent_id``) are re-pointed to it, an affiliation that would repeat one the
    survivor already has being soft-deleted instead; deals are re-pointed (a deal's contact
    entries for contacts, its ``company_id`` for companies; a deal that would list the
    survivor twice keeps its first entry); every custom-object field named in *references*
    (``[("ticket", "contact_id")]``) is re-pointed; the other records are soft-deleted; and
    a merge log is stored, whose id (``result.merge_id``) undoes it all.

    Re-pointing a deal keeps its stage, so it passes the pipeline checks of every deal
    write; the store must know the deals' pipelines (:meth:`Store.use_pipelines`) when
    there are deals to re-point.

    A store with an ``authorize_merge(kind, ids, references)`` method (a
    :class:`crmkit.permissions.SecuredStore`) is asked first and may refuse the merge;
    then every write goes through that store and its checks.

    Args:
        store: the :class:`~crmkit.storage.Store`.
        ids: the ids of the records to merge (two or more).
        strategy: survivorship; see :func:`merge`.
        actor: who merges, for the history.
        kind: ``"contact"`` or ``"company"``.
        references: (custom object type, field) pairs that hold ids of records of *kind*.

    Raises:
        NotFound: if an id names no record (or a deleted one).
        ValidationError: for *ids* that is not a list of two or more distinct ids, or an
            unknown *kind*; as :func:`merge`.
        ConfigError: for a *store* that is not a store, or a bad *strategy*, as :func:`merge`.
        ConflictError: if a record changed while merging (nothing is written then).
        TransitionDenied: if a deal must be re-pointed and the store does not know its
            pipeline (nothing is written then).
        PermissionDenied: if the store refuses the merge (nothing is written then).
    """
    check_store(store, *_STORE_NEEDS)
    repository = _repository(store, kind)
    listed = _ids(ids)
    strategy = check_strategy(strategy)
    # a store that enforces a policy (crmkit.permissions.SecuredStore) judges the whole
    # merge first, so a refused merge writes nothing, not even the log's type
    authorize = getattr(store, "authorize_merge", None)
    if callable(authorize):
        authorize(kind, listed, references)
    store.register_object_type(MERGE_LOG, _LOG_FIELDS)
    with store.transaction():
        records = [repository.get(i) for i in listed]
        result = merge(records, strategy)
        survivor_id = result.record.id
        before = next(r for r in records if r.id == survivor_id)
        others = [r for r in records if r.id != survivor_id]
        repointed: list[list[Any]] = []
        deleted: list[list[str]] = []
        link = "contact_id" if kind == "contact" else "company_id"
        held = {
            (a.contact_id, a.company_id)
            for a in store.affiliations.find_all(f"{link} = {_quoted(survivor_id)}")
        }
        repointing: dict[str, Any] = {link: survivor_id}
        for other in others:
            # listed before any is changed: a keyset scan must not see its own writes
            for affiliation in list(store.affiliations.find_all(f"{link} = {_quoted(other.id)}")):
                moved = attrs.evolve(affiliation, **repointing)
                pair = (moved.contact_id, moved.company_id)
                if pair in held:
                    store.affiliations.delete(affiliation.id, actor=actor)
                    deleted.append(["affiliation", affiliation.id])
                else:
                    held.add(pair)
                    store.affiliations.update(moved, actor=actor)
                    repointed.append(["affiliation", affiliation.id, link, other.id])
            targets: list[tuple[str, str]] = list(references)
            if kind == "company":
                targets.append(("company", "parent_id"))
            for object_type, name in targets:
                repointed.extend(
                    _repoint(store, object_type, name, old=other.id, new=survivor_id, actor=actor)
                )
        deals = _repoint_deals(store, kind, survivor_id, [o.id for o in others], actor=actor)
        activities = _relink_activities(
            store, kind, survivor_id, [o.id for o in others], actor=actor
        )
        stored = repository.update(attrs.evolve(result.record, version=before.version), actor=actor)
        for other in others:
            repository.delete(other.id, actor=actor)
        payload = {
            "before": to_dict(before),
            "merged": [o.id for o in others],
            "repointed": repointed,
            "deleted": deleted,
            "deals": deals,
            "activities": activities,
        }
        log = store.objects(MERGE_LOG).add(_log(kind, survivor_id, payload), actor=actor)
    return attrs.evolve(result, record=stored, merge_id=log.id)


def _log(kind: str, survivor_id: str, payload: dict[str, Any]) -> Any:
    return CustomRecord(
        object_type=MERGE_LOG,
        custom={
            "kind": kind,
            "survivor_id": survivor_id,
            "payload": json.dumps(payload, sort_keys=True),
            "undone": False,
        },
    )


def _repoint(
    store: Store, object_type: str, name: str, *, old: str, new: str, actor: str | None
) -> list[list[Any]]:
    where = f"{name} = {_quoted(old)}"
    if object_type == "company":
        companies = list(store.companies.find_all(where))
        changes: dict[str, Any] = {name: new}
        for company in companies:
            store.companies.update(attrs.evolve(company, **changes), actor=actor)
        return [["company", r.id, name, old] for r in companies]
    objects = store.objects(object_type)
    found = list(objects.find_all(where))
    for record in found:
        custom = dict(record.custom)
        custom[name] = new
        objects.update(attrs.evolve(record, custom=custom), actor=actor)
    return [[object_type, r.id, name, old] for r in found]


def _repoint_deals(
    store: Store, kind: str, survivor_id: str, merged: list[str], *, actor: str | None
) -> list[dict[str, Any]]:
    """Point the deals of the *merged* records at the survivor; return what undo needs."""
    found = store.deals.find_by_keys(kind, merged)
    deals = {deal.id: deal for listed in found.values() for deal in listed}
    gone = set(merged)
    logged: list[dict[str, Any]] = []
    for deal_id in sorted(deals):
        deal = deals[deal_id]
        if kind == "company":
            store.deals.update(attrs.evolve(deal, company_id=survivor_id), actor=actor)
            logged.append({"id": deal_id, "company_id": deal.company_id})
            continue
        seen: set[str] = set()
        entries = []
        for entry in deal.contacts:
            contact_id = survivor_id if entry.contact_id in gone else entry.contact_id
            if contact_id not in seen:
                seen.add(contact_id)
                entries.append(attrs.evolve(entry, contact_id=contact_id))
        store.deals.update(attrs.evolve(deal, contacts=entries), actor=actor)
        logged.append(
            {
                "id": deal_id,
                "contacts": [[c.contact_id, c.role] for c in deal.contacts],
                "written": [[c.contact_id, c.role] for c in entries],
            }
        )
    return logged


def _relink_activities(
    store: Store, kind: str, survivor_id: str, merged: list[str], *, actor: str | None
) -> list[dict[str, Any]]:
    """Link the activities of the *merged* records to the survivor; return what undo needs."""
    wanted = [Link(kind=kind, id=record_id) for record_id in merged]
    found: list[Activity] = []
    after: str | None = None
    while True:  # every page first: a keyset scan must not see its own writes
        page = store.activities.for_records(wanted, limit=500, before=after)
        found.extend(page.records)
        if page.next_after is None:
            break
        after = page.next_after
    gone = set(merged)
    survivor = Link(kind=kind, id=survivor_id)
    logged: list[dict[str, Any]] = []
    for activity in found:
        links = tuple(
            dict.fromkeys(
                survivor if link.kind == kind and link.id in gone else link
                for link in activity.links
            )
        )
        store.activities.update(attrs.evolve(activity, links=links), actor=actor)
        logged.append(
            {
                "id": activity.id,
                "links": [[link.kind, link.id] for link in activity.links],
                "written": [[link.kind, link.id] for link in links],
            }
        )
    return logged


def _restore_links(store: Store, logged: list[dict[str, Any]], *, actor: str | None) -> None:
    """Give each re-linked activity its links back; links added since the merge stay."""
    for item in logged:
        activity = store.activities.get(item["id"])
        before = [Link(kind=k, id=i) for k, i in item["links"]]
        written = {Link(kind=k, id=i) for k, i in item["written"]}
        added = [link for link in activity.links if link not in written and link not in before]
        links = tuple(dict.fromkeys([*before, *added]))
        store.activities.update(attrs.evolve(activity, links=links), actor=actor)


def _restore_deals(store: Store, logged: list[dict[str, Any]], *, actor: str | None) -> None:
    for item in logged:
        deal = store.deals.get(item["id"])
        if "company_id" in item:
            store.deals.update(attrs.evolve(deal, company_id=item["company_id"]), actor=actor)
            continue
        before = [(i, r) for i, r in item["contacts"]]
        written = {(i, r) for i, r in item["written"]}
        # people added to the deal after the merge stay on it
        added = [
            (c.contact_id, c.role)
            for c in deal.contacts
            if (c.contact_id, c.role) not in written and c.contact_id not in {i for i, _ in before}
        ]
        entries = [{"contact_id": i, "role": r} for i, r in [*before, *added]]
        store.deals.update(attrs.evolve(deal, contacts=entries), actor=actor)


def undo_merge(
    store: Store, merge_id: str, *, actor: str | None = None
) -> tuple[Contact | Company, ...]:
    """Undo a merge made by :func:`merge_in_store`: every record back as it was.

    The survivor gets back its values from before the merge, the merged records are
    restored, re-pointed references and deals point back (a deal gets back its contact
    entries as they were; people added to it since the merge stay), and affiliations
    deleted as repeats come back. Versions move forward (each undo step is a change in the
    history).

    Returns:
        The restored records: the survivor first, then the others in id order.

    Raises:
        NotFound: if there is no merge with *merge_id*.
        ConflictError: if the merge was already undone.
        ConfigError: for a *store* that is not a store.
    """
    check_store(store, *_STORE_NEEDS)
    store.register_object_type(MERGE_LOG, _LOG_FIELDS)
    logs = store.objects(MERGE_LOG)
    given: object = merge_id
    try:
        log = logs.get(merge_id) if isinstance(given, str) and given else None
    except NotFound:
        log = None
    if log is None:
        # the log's storage type name is internal: callers know it as a merge
        raise NotFound("merge", merge_id)
    if log.custom.get("undone"):
        raise ConflictError(
            f"merge {merge_id!r} was already undone",
            record_id=merge_id,
            code=ErrorCode.ALREADY_UNDONE,
        )
    kind = str(log.custom["kind"])
    payload = json.loads(str(log.custom["payload"]))
    repository = _repository(store, kind)
    cls = Contact if kind == "contact" else Company
    with store.transaction():
        before: Any = from_dict(payload["before"], cls)
        current = repository.get(before.id)
        survivor = repository.update(attrs.evolve(before, version=current.version), actor=actor)
        restored = [repository.restore(i, actor=actor) for i in sorted(payload["merged"])]
        for object_type, record_id, name, old in payload["repointed"]:
            target: Any
            if object_type == "affiliation":
                target = store.affiliations
            elif object_type == "company":
                target = store.companies
            else:
                target = store.objects(object_type)
            record = target.get(record_id)
            if object_type in ("affiliation", "company"):
                target.update(attrs.evolve(record, **{name: old}), actor=actor)
            else:
                custom = dict(record.custom)
                custom[name] = old
                target.update(attrs.evolve(record, custom=custom), actor=actor)
        for _, record_id in payload["deleted"]:
            store.affiliations.restore(record_id, actor=actor)
        _restore_deals(store, payload.get("deals", []), actor=actor)
        _restore_links(store, payload.get("activities", []), actor=actor)
        custom = dict(log.custom)
        custom["undone"] = True
        logs.update(attrs.evolve(log, custom=custom), actor=actor)
    return (survivor, *restored)
