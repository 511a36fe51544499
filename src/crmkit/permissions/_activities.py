"""Activities seen through a policy: those the user owns, may read, or may reach through a link.

A user sees an activity when any of these holds:

* they own it (``owner_id`` is their id), whatever the policy;
* a grant on the ``activity`` object type lets them read it (scope ``all``, ``team`` or
  ``own``, with its condition): such a grant widens what they see, never narrows it;
* one of its links names a live contact, company, deal or custom record they may read.

A SQL store answers each read in one query, the rule written into it (see
:class:`crmkit.storage.ActivityScope`); a memory store reads the same rule in Python.
Writes need the ``activity`` grants as for any object type, and every link a write adds
must name a record the user may read: an activity cannot be attached to what they cannot see.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from crmkit.activities import Activity, Link
from crmkit.errors import ErrorCode, PermissionDenied, ValidationError
from crmkit.storage import ActivityRepository, ActivityScope, Page

from ._model import Action, User
from ._reads import _ids, _page
from ._secured import SecuredRepository
from ._visibility import Visibility

if TYPE_CHECKING:
    from crmkit.storage import Store, UpsertResult

    from ._policy import Policy

__all__ = ["SecuredActivities"]

_ACTIVITY = "activity"
_BUILT_IN = ("contact", "company", "deal")
_MAX_LISTED = 5


def linked_kinds(policy: Policy) -> list[str]:
    """The kinds an activity's link may let a user through: those the policy can grant."""
    kinds = dict.fromkeys(_BUILT_IN)
    for role in policy.roles:
        for grant in role.grants:
            if grant.object_type != _ACTIVITY:
                kinds[grant.object_type] = None
    return list(kinds)


class _ActivityVisibility(Visibility):
    """Field hiding as for any kind; readable by the activities' own rule, record by record."""

    __slots__ = ("_reads",)

    def __init__(self, policy: Policy, user: User, reads: SecuredActivities) -> None:
        super().__init__(policy, user, _ACTIVITY)
        self._reads = reads

    def readable(self, record: object) -> bool:
        """Whether the user may read the activity *record*."""
        return self._reads.readable(record)


class SecuredActivities(SecuredRepository[Activity]):
    """A store's activities seen by one user: reads scoped in the store, writes checked.

    See the module's rule. Reads return only the activities the user sees, hidden fields
    blanked; on a SQL store each read is one query with the rule inside it, so pages,
    counts, timelines and agendas stay right.
    """

    def __init__(
        self, repository: ActivityRepository, policy: Policy, user: User, *, store: Store
    ) -> None:
        super().__init__(repository, policy, user, store=store)
        self._activities = repository
        self._seen = _ActivityVisibility(policy, user, self)

    # the rule --------------------------------------------------------------------------

    def scope(self, action: Action = Action.READ) -> ActivityScope:
        """Return the activities the user may take *action* on, as a store runs it."""
        policy, user = self._policy, self._user
        own_filter = policy.filter(user, action, _ACTIVITY)
        own: str | bool = own_filter.everything or (own_filter.source or False)
        linked: dict[str, str | Literal[True]] = {}
        for kind in linked_kinds(policy):
            found = policy.filter(user, Action.READ, kind)
            if found.everything:
                linked[kind] = True
            elif found.source is not None:
                linked[kind] = found.source
        return ActivityScope(owners={user.id}, own=own, linked=linked)

    def readable(self, record: object) -> bool:
        """Whether the user may read *record* by the rule, judged in Python."""
        if not isinstance(record, Activity):
            return False
        if record.owner_id == self._user.id:
            return True
        if self._policy.check(self._user, Action.READ, record, object_type=_ACTIVITY):
            return True
        return any(self._visible_links(record.links).values())

    def _visible_links(self, links: Iterable[Link]) -> dict[Link, bool]:
        """Whether the user may read the record each link names (a missing one: no)."""
        by_kind: dict[str, list[str]] = {}
        wanted = list(dict.fromkeys(links))
        for link in wanted:
            by_kind.setdefault(link.kind, []).append(link.id)
        seen: set[Link] = set()
        for kind, ids in by_kind.items():
            if kind == _ACTIVITY:  # one activity does not open another, as in the store's rule
                continue
            try:
                found = self._store.repository(kind).get_many(ids)
            except ValidationError:  # a kind the store does not know: nothing to see
                continue
            for record_id, record in found.items():
                if self._policy.check(self._user, Action.READ, record, object_type=kind):
                    seen.add(Link(kind=kind, id=record_id))
        return {link: link in seen for link in wanted}

    def _reads(self) -> ActivityRepository:
        return self._activities.scoped(self.scope())

    # reads -----------------------------------------------------------------------------

    def get(self, record_id: str) -> Activity:
        """Return the activity, redacted.

        Raises:
            NotFound: if there is none, or the user may not see it (the same error).
        """
        return self._show(self._reads().get(record_id))

    def get_many(self, record_ids: Iterable[str]) -> dict[str, Activity]:
        """Return the activities with these ids the user sees, redacted; the rest are left out."""
        found = self._reads().get_many(_ids(record_ids))
        return {i: self._show(a) for i, a in found.items()}

    def find(
        self,
        where: Any = None,
        *,
        order_by: str = "id",
        limit: int = 100,
        after: str | None = None,
    ) -> Page[Activity]:
        """Return one page of the activities the user sees that match *where*, redacted.

        Raises:
            PermissionDenied: if *where* or *order_by* uses a field hidden from the user.
        """
        self._seen.check_sort(order_by)
        source = self._seen.checked(Action.READ, where)
        page = self._reads().find(source, order_by=order_by, limit=limit, after=after)
        return _page(tuple(self._show(a) for a in page), page.next_after)

    def find_all(
        self, where: Any = None, *, order_by: str = "id", page_size: int = 1000
    ) -> Iterator[Activity]:
        """Iterate over every activity the user sees that matches *where*, redacted."""
        self._seen.check_sort(order_by)
        source = self._seen.checked(Action.READ, where)
        found = self._reads().find_all(source, order_by=order_by, page_size=page_size)
        return map(self._show, found)

    def count(self, where: Any = None) -> int:
        """Return how many activities the user sees match *where*."""
        return self._reads().count(self._seen.checked(Action.READ, where))

    def export(
        self, where: Any = None, *, order_by: str = "id", page_size: int = 1000
    ) -> Iterator[Activity]:
        """Yield the activities the user sees and an ``activity`` grant lets them export."""
        self._seen.check_sort(order_by)
        source = self._seen.checked(Action.EXPORT, where)
        narrowed = self._policy.filter(self._user, Action.EXPORT, _ACTIVITY).and_where(source)
        if narrowed.nothing:
            return iter(())
        found = self._reads().find_all(narrowed.source, order_by=order_by, page_size=page_size)
        return map(self._show, found)

    def for_records(
        self,
        links: Iterable[Link],
        *,
        limit: int = 50,
        before: str | tuple[datetime, str] | None = None,
    ) -> Page[Activity]:
        """Return the activities of the records *links* name that the user sees, newest first."""
        page = self._reads().for_records(links, limit=limit, before=before)
        return Page([self._show(a) for a in page], page.next_after)

    def open_for_owner(
        self,
        owner_ids: str | Iterable[str],
        *,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[Activity]:
        """Return the open activities of the owners that the user sees, soonest due first."""
        found = self._reads().open_for_owner(owner_ids, until=until, limit=limit)
        return [self._show(a) for a in found]

    def reminding_before(self, until: datetime) -> list[Activity]:
        """Return the open activities the user sees that may remind before *until*."""
        return [self._show(a) for a in self._reads().reminding_before(until)]

    def scoped(self, scope: ActivityScope) -> NoReturn:
        """Refuse: a secured store's activities are already scoped to its user.

        Raises:
            PermissionDenied: always (``permissions.not_supported``).
        """
        raise PermissionDenied(
            f"{self._user.title} may not choose the scope of activities through a secured store",
            user=self._user.id,
            code=ErrorCode.NOT_SUPPORTED,
            action=Action.READ,
        )

    # writes ----------------------------------------------------------------------------

    def _link_problems(self, activity: Activity, kept: Iterable[Link] = ()) -> list[str]:
        """Each link *activity* adds (not among *kept*) to a record the user may not read."""
        old = set(kept)
        new = [link for link in activity.links if link not in old]
        if not new:
            return []
        return [
            f"{link.kind} {link.id!r}" for link, ok in self._visible_links(new).items() if not ok
        ]

    def _check_links(self, activity: Activity, kept: Iterable[Link] = ()) -> None:
        problems = self._link_problems(activity, kept)
        if problems:
            raise self._unreadable(activity, problems)

    def _unreadable(self, activity: Activity, problems: list[str]) -> PermissionDenied:
        listed = ", ".join(problems[:_MAX_LISTED])
        if len(problems) > _MAX_LISTED:
            listed += f" and {len(problems) - _MAX_LISTED} more"
        return PermissionDenied(
            f"{self._user.title} may not link activity {activity.id!r} to {listed}: "
            "no such record they may read",
            user=self._user.id,
            code=ErrorCode.UNREADABLE_LINK,
            action=Action.CREATE,
        )

    def add(self, record: Activity, *, actor: str | None = None) -> Activity:
        """Store a new activity the user may create, linked only to records they may read.

        Raises:
            PermissionDenied: if no create grant on activities fits it
                (``permissions.denied``), a link names a record the user may not read or
                that does not exist (``permissions.unreadable_link``), or *actor* names
                someone else.
        """
        who = self._actor(actor, Action.CREATE)
        decision = self._policy.check_create(self._user, record, object_type=_ACTIVITY)
        if not decision:
            raise self._deny(decision)
        self._check_links(record)
        return self._show(self._repository.add(record, actor=who))

    def _checked_update(self, record: Activity, action: Action) -> Activity:
        after = super()._checked_update(record, action)
        before = self._repository.get(after.id)
        self._check_links(after, before.links)
        return after

    def bulk_upsert(
        self, records: Iterable[Activity], *, key: str = "id", actor: str | None = None
    ) -> UpsertResult:
        """Import many activities, each checked (grants and links) before any is stored.

        Raises:
            PermissionDenied: listing the activities refused; nothing is stored then.
        """
        incoming = list(records)
        existing = self._repository.get_many(a.id for a in incoming)
        problems = []
        for activity in incoming:
            before = existing.get(activity.id)
            found = self._link_problems(activity, before.links if before else ())
            if found:
                problems.append(f"{activity.id}: links to unreadable {', '.join(found)}")
        if problems:
            listed = "; ".join(problems[:_MAX_LISTED])
            raise PermissionDenied(
                f"{len(problems)} record(s) refused: {listed}",
                user=self._user.id,
                code=ErrorCode.UNREADABLE_LINK,
                action=Action.IMPORT,
            )
        return super().bulk_upsert(incoming, key=key, actor=actor)
