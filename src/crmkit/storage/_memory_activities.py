"""The activities of a memory store: link checks on every write, timelines and open work.

Memory holds few records, so the queries scan the live activities and sort them in Python,
in the very order the SQL backend's indexes give.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from crmkit.activities import Activity, Link, due_instant, first_reminder

from ._activity_kind import check_links, sort_instant
from ._activity_queries import (
    check_end,
    check_links_given,
    check_owners,
    check_until,
    cursor_after,
    position_of,
)
from ._activity_scope import ActivityScope
from ._kinds import FilterView
from ._memory_repository import MemoryRepository
from ._memory_state import Stored
from ._protocol import Page, UpsertResult

__all__ = ["MemoryActivityRepository"]


class MemoryActivityRepository(MemoryRepository[Activity]):
    """The activities of a :class:`~crmkit.storage.MemoryStore`."""

    def _exists(self, kind: str, ids: list[str]) -> list[str]:
        table = self._state.tables.get(kind, {})
        return [i for i in ids if i in table and not table[i].deleted]

    def _check(self, activities: list[Any], *, batch: bool = False) -> None:
        checked = [self._kind.check_record(a) for a in activities]
        table = self._state.tables.get(self._kind.name, {})
        kept = {}
        for activity in checked:
            stored = table.get(activity.id)
            if stored is not None and not stored.deleted:
                kept[activity.id] = {(link.kind, link.id) for link in stored.record.links}
        check_links(checked, self._exists, kept, batch=batch)

    def add(self, record: Activity, *, actor: str | None = None) -> Activity:
        """Store a new activity; its contact, company and deal links must be stored."""
        with self._state.lock:
            self._check([record])
            return super().add(record, actor=actor)

    def update(self, record: Activity, *, actor: str | None = None) -> Activity:
        """Replace the stored activity if it still has ``record.version``; links are checked."""
        with self._state.lock:
            self._check([record])
            return super().update(record, actor=actor)

    def bulk_upsert(
        self, records: Iterable[Activity], *, key: str = "id", actor: str | None = None
    ) -> UpsertResult:
        """Create or update many activities in one transaction; every link is checked first."""
        incoming = list(records)
        with self._state.lock:
            self._check(incoming, batch=True)
            return super().bulk_upsert(incoming, key=key, actor=actor)

    def _live_activities(self) -> list[Activity]:
        return [s.record for s in self._table.values() if not s.deleted]

    def scoped(self, scope: ActivityScope) -> MemoryActivityRepository:
        """Return these activities as a reader of *scope* sees them, for reading only."""
        if scope.everything:
            return self
        return _ScopedActivities(self._state, self._kind, scope)

    def for_records(
        self,
        links: Iterable[Link],
        *,
        limit: int = 50,
        before: str | tuple[datetime, str] | None = None,
    ) -> Page[Activity]:
        """Return the activities of any of the records *links* name, newest first."""
        wanted = set(check_links_given(links))
        position = position_of(before, limit)
        with self._state.lock:
            found = [
                (sort_instant(a), a.id, a)
                for a in self._live_activities()
                if any((link.kind, link.id) in wanted for link in a.links)
            ]
        if position is not None:
            found = [f for f in found if (f[0], f[1]) < position]
        found.sort(key=lambda f: (f[0], f[1]), reverse=True)
        records = [f[2] for f in found[:limit]]
        next_after = cursor_after(records[-1]) if len(found) > limit else None
        return Page(records, next_after)

    def open_for_owner(
        self,
        owner_ids: str | Iterable[str],
        *,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[Activity]:
        """Return the open activities of the owners, soonest due first (undated last)."""
        owners = set(check_owners(owner_ids))
        end = check_until(until, limit)
        dated: list[tuple[datetime, str, Activity]] = []
        undated: list[Activity] = []
        with self._state.lock:
            for activity in self._live_activities():
                if activity.done_at is not None or activity.owner_id not in owners:
                    continue
                due = due_instant(activity)
                if due is None:
                    if end is None:
                        undated.append(activity)
                elif end is None or due <= end:
                    dated.append((due, activity.id, activity))
        dated.sort(key=lambda d: (d[0], d[1]))
        undated.sort(key=lambda a: a.id)
        found = [d[2] for d in dated] + undated
        return found if limit is None else found[:limit]

    def reminding_before(self, until: datetime) -> list[Activity]:
        """Return the open activities whose first reminder is before *until*, earliest first."""
        end = check_end(until)
        found: list[tuple[datetime, str, Activity]] = []
        with self._state.lock:
            for activity in self._live_activities():
                first = first_reminder(activity)
                if first is not None and first < end:
                    found.append((first, activity.id, activity))
        found.sort(key=lambda f: (f[0], f[1]))
        return [f[2] for f in found]


class _ScopedActivities(MemoryActivityRepository):
    """The activities of a memory store in one scope: every read sees only those."""

    def __init__(self, state: Any, kind: Any, *scopes: ActivityScope) -> None:
        super().__init__(state, kind)
        self._scopes = scopes

    def scoped(self, scope: ActivityScope) -> MemoryActivityRepository:
        """Return the activities both this view's scopes and *scope* let through."""
        if scope.everything:
            return self
        return _ScopedActivities(self._state, self._kind, *self._scopes, scope)

    @property
    def _table(self) -> dict[str, Stored]:
        table = self._state.tables.setdefault(self._kind.name, {})
        tests = [self._seen(scope) for scope in self._scopes]
        return {
            i: s
            for i, s in table.items()
            if not s.deleted and all(seen(s.record) for seen in tests)
        }

    def _seen(self, scope: ActivityScope) -> Any:
        registry = self._state.registry
        own = None
        if isinstance(scope.own, str):
            own = _matcher(registry, self._kind, scope.own)
        linked: dict[str, Any] = {}
        for name, source in scope.linked.items():
            kind = registry.kinds.get(name)
            if kind is None:  # a kind the store does not know holds no record to see
                continue
            table = self._state.tables.get(name, {})
            test = None if source is True else _matcher(registry, kind, source)
            linked[name] = (table, kind, test)

        def seen(activity: Activity) -> bool:
            if activity.owner_id in scope.owners or (own is not None and own(activity)):
                return True
            for link in activity.links:
                found = linked.get(link.kind)
                if found is None:
                    continue
                table, kind, test = found
                stored = table.get(link.id)
                if stored is None or stored.deleted:
                    continue
                if kind.object_type is not None and stored.record.object_type != kind.object_type:
                    continue
                if test is None or test(stored.record):
                    return True
            return False

        return seen


def _matcher(registry: Any, kind: Any, source: str) -> Any:
    expression = registry.compile(kind, source)
    names = list(registry.fields(kind))
    return lambda record: expression.evaluate(FilterView(kind, record, names)) is True
