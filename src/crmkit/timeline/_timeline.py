"""The timeline of a record: its activities and those of related records, with its changes.

A company's timeline covers the company, its contacts (through affiliations) and its deals;
a contact's the contact and the deals it is a contact of; any other record's the record
alone. It merges, newest first, the activities linked to any of them (one index range scan
per record), the stage changes of the deals (from each deal's own history, so a move loaded
from another CRM stands at its original instant) and the changes of their fields (from the
store's history). Paging is by keyset: the next page starts right after the last entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from crmkit.activities import Activity, Link
from crmkit.contacts import Company, Contact
from crmkit.errors import ValidationError
from crmkit.pipeline import Deal
from crmkit.storage import HistoryEntry, Page, Store, sort_instant

from ._entry import EntryKind, Position, TimelineEntry, activity_rank, decode, encode

__all__ = ["RecordIn", "timeline"]

RecordIn = Link | Contact | Company | Deal
"""What :func:`timeline` takes: a record, or a :class:`~crmkit.activities.Link` to one."""

_KINDS: dict[type, str] = {Contact: "contact", Company: "company", Deal: "deal"}
# a stage change is its own entry: these deal fields move with it, and are not repeated
_STAGE_FIELDS = frozenset({"stage_id", "stage_kind", "pipeline_id", "history"})
_MAX_LIMIT = 10_000


def _link(record: object) -> Link:
    if isinstance(record, Link):
        return record
    kind = _KINDS.get(type(record))
    if kind is None:
        raise ValidationError(
            type(record).__name__,
            "expected a Link, a Contact, a Company or a Deal",
            field="record",
        )
    return Link(kind=kind, id=record.id)  # type: ignore[attr-defined]  # each kind has ids


def _limit(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= _MAX_LIMIT:
        raise ValidationError(limit, f"expected a page size from 1 to {_MAX_LIMIT}", field="limit")
    return limit


def _related(store: Store, root: Link) -> tuple[list[Link], list[Deal], set[Link]]:
    """The records of *root*'s timeline (root first), the deals among them, the unchanged.

    A record never changed (version 1) has nothing in its history but its creation.
    """
    if root.kind == "company":
        company = store.companies.get(root.id)
        affiliations = store.affiliations.find_by_keys("company", [root.id]).get(root.id, [])
        contacts = store.contacts.get_many(a.contact_id for a in affiliations)
        deals = store.deals.find_by_keys("company", [root.id]).get(root.id, [])
        people = [Link(kind="contact", id=i) for i in contacts]
        links = [root, *people]
        unchanged = {p for p, c in zip(people, contacts.values(), strict=True) if c.version == 1}
        if company.version == 1:
            unchanged.add(root)
    elif root.kind == "contact":
        contact = store.contacts.get(root.id)
        deals = store.deals.find_by_keys("contact", [root.id]).get(root.id, [])
        links = [root]
        unchanged = {root} if contact.version == 1 else set()
    elif root.kind == "deal":
        deals = [store.deals.get(root.id)]
        links, unchanged = [], set()
    else:
        return [root], [], set()
    deal_links = [Link(kind="deal", id=d.id) for d in deals]
    unchanged.update(link for link, d in zip(deal_links, deals, strict=True) if d.version == 1)
    return [*links, *deal_links], deals, unchanged


def _activity_entry(activity: Activity, at: datetime, scope: list[Link]) -> TimelineEntry:
    on = next((link for link in scope if link in activity.links), scope[0])
    summary = f"{activity.kind}: {activity.subject}" if activity.subject else activity.kind
    if activity.is_done:
        summary += " (done)"
    return TimelineEntry(
        kind=EntryKind.ACTIVITY,
        at=at,
        record=on,
        actor=activity.owner_id,
        summary=summary,
        key=activity.id,
        activity=activity,
    )


def _stage_entries(deal: Deal) -> Iterator[TimelineEntry]:
    record = Link(kind="deal", id=deal.id)
    for index, change in enumerate(deal.history):
        if change.from_stage is None:
            summary = f"created in stage {change.to_stage}"
        else:
            summary = f"stage {change.from_stage} to {change.to_stage}"
            if change.from_pipeline_id is not None:
                summary += f" (pipeline {change.from_pipeline_id} to {change.pipeline_id})"
        yield TimelineEntry(
            kind=EntryKind.STAGE_CHANGE,
            at=change.at,
            record=record,
            actor=change.actor,
            summary=summary,
            key=f"{deal.id}:{index:06}",
            stage_change=change,
        )


def _field_entries(record: Link, entries: Iterable[HistoryEntry]) -> Iterator[TimelineEntry]:
    for entry in entries:
        if entry.action != "update" or entry.kind != record.kind:
            continue
        changes = dict(entry.changes)
        if record.kind == "deal":
            changes = {k: v for k, v in changes.items() if k not in _STAGE_FIELDS}
        if not changes:
            continue
        yield TimelineEntry(
            kind=EntryKind.FIELD_CHANGE,
            at=entry.at,
            record=record,
            actor=entry.actor,
            summary="changed " + ", ".join(sorted(changes)),
            key=f"{record.id}:{entry.version:09}",
            changes=changes,
        )


def _activity_position(position: Position | None) -> tuple[datetime, str] | None:
    """The activity scan's start for a timeline cursor: strictly after the cursor's entry."""
    if position is None:
        return None
    at, rank, key = position
    # at one instant activities come first, so after any other entry only older ones remain
    return (at, key if rank == activity_rank() else "")


def timeline(
    store: Store, record: RecordIn, *, limit: int = 50, before: str | None = None
) -> Page[TimelineEntry]:
    """Return one page of *record*'s timeline, newest first.

    Args:
        store: the store to read.
        record: the record, or a :class:`~crmkit.activities.Link` to it (any kind: a
            custom object's timeline holds the activities linked to it and its changes).
        limit: the most entries a page holds, from 1 to 10,000.
        before: the ``next_after`` of the previous page, to go on from there.

    Returns:
        A page of :class:`TimelineEntry`; pass its ``next_after`` as *before* for the next.

    Raises:
        NotFound: for a contact, company or deal the store does not have.
        ValidationError: for a bad *record*, *limit* or cursor.
    """
    root = _link(record)
    size = _limit(limit)
    position = None if before is None else decode(before)
    scope, deals, unchanged = _related(store, root)
    page = store.activities.for_records(scope, limit=size, before=_activity_position(position))
    entries = [_activity_entry(a, sort_instant(a), scope) for a in page]
    for deal in deals:
        entries.extend(_stage_entries(deal))
    changed = [link for link in scope if link not in unchanged]
    if changed:
        histories = store.histories(link.id for link in changed)
        for link in changed:
            entries.extend(_field_entries(link, histories[link.id]))
    if position is not None:
        entries = [e for e in entries if e.position < position]
    entries.sort(key=lambda e: e.position, reverse=True)
    # activities beyond the page are older than every activity on it: the first *size*
    # entries of what is here are the first *size* of the whole timeline
    more = len(entries) > size or page.next_after is not None
    kept = entries[:size]
    return Page(kept, encode(kept[-1].position) if more and kept else None)
