"""Reading one repository through a policy: every record filtered, redacted, or not found."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from crmkit.errors import ErrorCode, NotFound, PermissionDenied, ValidationError
from crmkit.storage import Page

from ._model import Action, User
from ._visibility import NothingPasses, Visibility

if TYPE_CHECKING:
    from crmkit.storage import HistoryEntry, Repository, Store

    from ._decision import Decision
    from ._policy import Policy

__all__ = ["SecuredReads"]

R = TypeVar("R")
_MAX_LISTED = 5


def _ids(record_ids: object) -> list[str]:
    if not isinstance(record_ids, Iterable) or isinstance(record_ids, str | bytes | Mapping):
        raise ValidationError(
            type(record_ids).__name__, "expected an iterable of record ids", field="record_ids"
        )
    ids = list(record_ids)
    for i in ids:
        if i.__class__ is not str:
            raise ValidationError(i, "expected a record id (text)", field="record_ids")
    return ids


def _page(records: tuple[Any, ...], next_after: str | None = None) -> Page[Any]:
    return Page(records, next_after)


class SecuredReads(Generic[R]):
    """The reading half of a secured repository, and what its writes need to look records up.

    Every read goes through one :class:`Visibility`: only readable records come back,
    with hidden fields blanked, and a record the user may not read answers as one the
    store does not have.
    """

    def __init__(
        self, repository: Repository[R], policy: Policy, user: User, *, store: Store
    ) -> None:
        self._repository = repository
        self._store = store
        self._policy = policy
        self._user = user
        self._type = repository.kind
        self._seen = Visibility(policy, user, self._type)

    @property
    def kind(self) -> str:
        """The kind of record this repository holds."""
        return self._type

    def _deny(self, decision: Decision) -> PermissionDenied:
        return PermissionDenied(decision.reason, user=self._user.id, action=decision.action)

    def _actor(self, actor: str | None, action: Action) -> str:
        """Return the user's id as the actor; the history never names anyone else."""
        if actor is not None and actor != self._user.id:
            raise PermissionDenied(
                f"{self._user.title} may not record changes as {actor!r}: a secured store "
                "writes every change as its own user",
                user=self._user.id,
                code=ErrorCode.OTHER_ACTOR,
                action=action,
            )
        return self._user.id

    def _require(self, action: Action, target: object) -> Decision:
        return self._policy.require(self._user, action, target, object_type=self._type)

    def _require_some(self, action: Action) -> None:
        """Refuse at once when no grant gives *action* on any record of the type.

        Checked before a record is looked up, so a user who may not touch the type at all
        learns nothing about which ids exist or what state they are in.
        """
        decision = self._policy.check(self._user, action, self._type)
        if not decision:
            raise self._deny(decision)

    def _stored(self, record_id: str) -> R:
        """Return the stored record, or the store's NotFound for one the user may not read.

        A record the user may not read answers exactly as an id the store does not have,
        so guessing ids tells nothing about who owns what, or what exists.
        """
        try:
            record = self._repository.get(record_id)
        except NotFound:
            raise self._seen.not_found(record_id) from None
        if not self._seen.readable(record):
            raise self._seen.not_found(record_id)
        return record

    def _target(self, record_id: str, action: Action) -> R:
        """Return the stored record the user is about to change with *action*.

        Raises:
            NotFound: if there is none, or the user may neither read it nor take *action*.
            PermissionDenied: if the user may read it but not take *action*, naming the rules.
        """
        try:
            record = self._repository.get(record_id)
        except NotFound:
            raise self._seen.not_found(record_id) from None
        decision = self._policy.check(self._user, action, record, object_type=self._type)
        if decision:
            return record
        if not self._seen.readable(record):
            raise self._seen.not_found(record_id)
        raise self._deny(decision)

    def _show(self, record: R) -> R:
        shown: R = self._seen.show(record)
        return shown

    # reads --------------------------------------------------------------------------------

    def get(self, record_id: str) -> R:
        """Return the record, redacted.

        Raises:
            NotFound: if there is none, or the user may not read it (the same error).
            PermissionDenied: if the user may read no record of the type at all.
        """
        self._require_some(Action.READ)
        return self._show(self._stored(record_id))

    def history(self, record_id: str, entries: list[HistoryEntry]) -> list[HistoryEntry]:
        """Return the store's *entries* of the record, redacted; none if it is not readable.

        A record that does not exist, is deleted or may not be read has no history for the
        user: the answer is the same empty list.
        """
        record = self._repository.get_many([record_id]).get(record_id)
        if record is None or not self._seen.readable(record):
            return []
        out = []
        for entry in entries:
            changes = self._seen.changes(entry.changes, record)
            out.append(entry if changes == entry.changes else attrs.evolve(entry, changes=changes))
        return out

    def histories(self, entries: Mapping[str, list[HistoryEntry]]) -> dict[str, list[HistoryEntry]]:
        """Return the store's *entries* by record id, redacted; none for an unreadable record."""
        records = self._repository.get_many(list(entries))
        out: dict[str, list[HistoryEntry]] = {}
        for record_id, found in entries.items():
            record = records.get(record_id)
            if record is None or not self._seen.readable(record):
                out[record_id] = []
                continue
            out[record_id] = [
                e
                if (c := self._seen.changes(e.changes, record)) == e.changes
                else attrs.evolve(e, changes=c)
                for e in found
            ]
        return out

    def get_many(self, record_ids: Iterable[str]) -> dict[str, R]:
        """Return the readable records with these ids, redacted; the rest are left out.

        Raises:
            ValidationError: if *record_ids* is not an iterable of ids (text).
        """
        found = self._repository.get_many(_ids(record_ids))
        readable = self._seen.readable
        return {i: self._show(r) for i, r in found.items() if readable(r)}

    def find(
        self,
        where: Any = None,
        *,
        order_by: str = "id",
        limit: int = 100,
        after: str | None = None,
    ) -> Page[R]:
        """Return one page of the readable records that match *where*, redacted.

        Raises:
            PermissionDenied: if *where* or *order_by* uses a field hidden from the user.
            FormulaError, ValidationError: as the store's ``find`` does.
        """
        self._seen.check_sort(order_by)
        try:
            where_source = self._seen.where(Action.READ, where)
        except NothingPasses:
            return _page(())
        page = self._repository.find(where_source, order_by=order_by, limit=limit, after=after)
        # the rows passed the policy's filter in the store: only hiding is left to do
        show = self._seen.show
        return _page(tuple(show(r) for r in page), page.next_after)

    def find_all(
        self, where: Any = None, *, order_by: str = "id", page_size: int = 1000
    ) -> Iterator[R]:
        """Iterate over every readable record that matches *where*, redacted, page by page.

        Raises:
            PermissionDenied: if *where* or *order_by* uses a field hidden from the user.
            FormulaError, ValidationError: as the store's ``find_all`` does.
        """
        self._seen.check_sort(order_by)
        try:
            where_source = self._seen.where(Action.READ, where)
        except NothingPasses:
            return iter(())
        found = self._repository.find_all(where_source, order_by=order_by, page_size=page_size)
        # the rows passed the policy's filter in the store: only hiding is left to do
        return map(self._seen.show, found)

    def count(self, where: Any = None) -> int:
        """Return how many readable records match *where*.

        Raises:
            PermissionDenied: if *where* uses a field hidden from the user, under any name.
        """
        try:
            return self._repository.count(self._seen.where(Action.READ, where))
        except NothingPasses:
            return 0

    def find_by_keys(self, key_type: str, keys: Iterable[str]) -> dict[str, list[R]]:
        """Look records up by match key; only readable records come back, redacted.

        Raises:
            PermissionDenied: if the key is made from a field hidden from the user.
        """
        hidden = self._seen.key_field(key_type)
        if hidden is not None:
            raise PermissionDenied(
                f"{self._user.title} may not look {self._type} records up by hidden field "
                + hidden,
                user=self._user.id,
                code=ErrorCode.HIDDEN_FIELD,
                action=Action.READ,
            )
        out: dict[str, list[R]] = {}
        readable = self._seen.readable
        for key, records in self._repository.find_by_keys(key_type, keys).items():
            shown = [self._show(r) for r in records if readable(r)]
            if shown:
                out[key] = shown
        return out

    def export(
        self, where: Any = None, *, order_by: str = "id", page_size: int = 1000
    ) -> Iterator[R]:
        """Yield every record the user may export that matches *where*, redacted, page by page.

        Raises:
            PermissionDenied: if *where* or *order_by* uses a hidden field.
            ValidationError: for a *where* that is not a filter, or a *page_size* out of
                range; raised at the call, before anything is read.
        """
        size: object = page_size  # checked: callers may pass anything
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValidationError(size, "expected a page size of at least 1", field="page_size")
        self._seen.check_sort(order_by)
        try:
            source = self._seen.where(Action.EXPORT, where)
        except NothingPasses:
            return iter(())
        found = self._repository.find_all(source, order_by=order_by, page_size=page_size)
        return map(self._seen.show, found)
