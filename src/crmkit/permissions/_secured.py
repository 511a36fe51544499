"""One repository seen through a policy: reads filtered and redacted, writes checked."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from crmkit.errors import ErrorCode, PermissionDenied, ValidationError
from crmkit.expr import rename_field

from ._model import Access, Action, User
from ._records import hide, unhide

if TYPE_CHECKING:
    from crmkit.storage import Page, Repository, Store, UpsertResult

    from ._decision import Decision
    from ._policy import Policy

__all__ = ["SecuredRepository"]

R = TypeVar("R")
_PROBE = ("\x00hidden",)
_MAX_LISTED = 5


def _source(where: object) -> str | None:
    if where is None or isinstance(where, str):
        return where
    source = getattr(where, "source", None)
    if isinstance(source, str):
        return source
    raise ValidationError(
        type(where).__name__, "expected a filter: text, an Expression or None", field="where"
    )


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
    # imported here so the policy core never waits on the storage layer being importable
    from crmkit.storage import Page  # noqa: PLC0415

    return Page(records, next_after)


def _uses(source: str, name: str) -> bool:
    # renaming a field changes the canonical text exactly when the formula reads it
    return rename_field(source, name, _PROBE) != rename_field(source, _PROBE, ("\x00other",))


class SecuredRepository(Generic[R]):
    """One repository seen through a policy: every read filtered and redacted, every write checked.

    Reads return only the records the user may read, with hidden fields removed; listing and
    counting run the policy's filter inside the store, so pages and counts stay right.
    Writes are checked record by record before anything is stored; a batch is refused as a
    whole, naming every record that failed.
    """

    def __init__(
        self, repository: Repository[R], policy: Policy, user: User, *, store: Store
    ) -> None:
        self._repository = repository
        self._store = store
        self._policy = policy
        self._user = user
        self._type = repository.kind

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

    def _hidden(self) -> frozenset[str]:
        access = self._policy.field_access(self._user, self._type)
        return frozenset(n for n, a in access.items() if a is Access.HIDDEN)

    def _show(self, record: R) -> R:
        shown: R = self._policy.redact(self._user, record, object_type=self._type)
        return shown

    def _where(self, action: Action, where: object) -> str | None:
        """Return the caller's filter narrowed by the policy's, or raise when nothing passes."""
        source = _source(where)
        hidden = sorted(n for n in self._hidden() if source is not None and _uses(source, n))
        if hidden:
            raise PermissionDenied(
                f"{self._user.title} may not filter {self._type} records by hidden field(s) "
                + ", ".join(hidden),
                user=self._user.id,
                code=ErrorCode.HIDDEN_FIELD,
                action=action,
            )
        narrowed = self._policy.filter(self._user, action, self._type).and_where(source)
        if narrowed.nothing:
            raise _Nothing
        return narrowed.source

    # reads --------------------------------------------------------------------------------

    def get(self, record_id: str) -> R:
        """Return the record, redacted.

        Raises:
            NotFound: if there is none.
            PermissionDenied: if the user may not read it.
        """
        self._require_some(Action.READ)
        record = self._repository.get(record_id)
        self._require(Action.READ, record)
        return self._show(record)

    def get_many(self, record_ids: Iterable[str]) -> dict[str, R]:
        """Return the readable records with these ids, redacted; the rest are left out.

        Raises:
            ValidationError: if *record_ids* is not an iterable of ids (text).
        """
        found = self._repository.get_many(_ids(record_ids))
        check = self._policy.check
        return {
            i: self._show(r)
            for i, r in found.items()
            if check(self._user, Action.READ, r, object_type=self._type)
        }

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
        self._check_sort(order_by)
        try:
            where_source = self._where(Action.READ, where)
        except _Nothing:
            return _page(())
        page = self._repository.find(where_source, order_by=order_by, limit=limit, after=after)
        # the rows passed the policy's filter in the store: only hiding is left to do
        hidden = self._hidden()
        if not hidden:
            return _page(tuple(page), page.next_after)
        return _page(tuple(hide(r, hidden) for r in page), page.next_after)

    def find_all(
        self, where: Any = None, *, order_by: str = "id", page_size: int = 1000
    ) -> Iterator[R]:
        """Iterate over every readable record that matches *where*, redacted, page by page.

        Raises:
            PermissionDenied: if *where* or *order_by* uses a field hidden from the user.
            FormulaError, ValidationError: as the store's ``find_all`` does.
        """
        self._check_sort(order_by)
        try:
            where_source = self._where(Action.READ, where)
        except _Nothing:
            return iter(())
        found = self._repository.find_all(where_source, order_by=order_by, page_size=page_size)
        # the rows passed the policy's filter in the store: only hiding is left to do
        hidden = self._hidden()
        return found if not hidden else (hide(r, hidden) for r in found)

    def _check_sort(self, order_by: str) -> None:
        field = order_by.removeprefix("-")
        if field in self._hidden():
            raise PermissionDenied(
                f"{self._user.title} may not sort {self._type} records by hidden field {field}",
                user=self._user.id,
                code=ErrorCode.HIDDEN_FIELD,
                action=Action.READ,
            )

    def count(self, where: Any = None) -> int:
        """Return how many readable records match *where*.

        Raises:
            PermissionDenied: if *where* uses a field hidden from the user.
        """
        try:
            return self._repository.count(self._where(Action.READ, where))
        except _Nothing:
            return 0

    def find_by_keys(self, key_type: str, keys: Iterable[str]) -> dict[str, list[R]]:
        """Look records up by match key; only readable records come back, redacted."""
        out: dict[str, list[R]] = {}
        for key, records in self._repository.find_by_keys(key_type, keys).items():
            readable = [
                self._show(r)
                for r in records
                if self._policy.check(self._user, Action.READ, r, object_type=self._type)
            ]
            if readable:
                out[key] = readable
        return out

    def export(
        self, where: Any = None, *, order_by: str = "id", page_size: int = 1000
    ) -> Iterator[R]:
        """Yield every record the user may export that matches *where*, redacted, page by page.

        Raises:
            PermissionDenied: if *where* uses a hidden field.
            ValidationError: for a *where* that is not a filter, or a *page_size* out of
                range; raised at the call, before anything is read.
        """
        size: object = page_size  # checked: callers may pass anything
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValidationError(size, "expected a page size of at least 1", field="page_size")
        try:
            source = self._where(Action.EXPORT, where)
        except _Nothing:
            return iter(())
        return self._export(source, order_by, page_size)

    def _export(self, source: str | None, order_by: str, page_size: int) -> Iterator[R]:
        for record in self._repository.find_all(source, order_by=order_by, page_size=page_size):
            yield self._policy.redact(
                self._user, record, object_type=self._type, action=Action.EXPORT
            )

    # writes -------------------------------------------------------------------------------

    def add(self, record: R, *, actor: str | None = None) -> R:
        """Store a new record the user may create.

        Args:
            record: the new record.
            actor: None or the user's own id: every change is recorded as the user's.

        Raises:
            PermissionDenied: if no create grant fits the record, it sets a field the user
                may not edit, or *actor* names someone else.
        """
        who = self._actor(actor, Action.CREATE)
        decision = self._policy.check_create(self._user, record, object_type=self._type)
        if not decision:
            raise self._deny(decision)
        return self._show(self._repository.add(record, actor=who))

    def _checked_update(self, record: R, action: Action) -> R:
        before = self._repository.get(record.id)  # type: ignore[attr-defined]  # records have ids
        after = unhide(record, before, self._hidden())
        if action is not Action.UPDATE:
            self._require(action, before)
        decision = self._policy.check_update(self._user, before, after, object_type=self._type)
        if not decision:
            raise self._deny(decision)
        result: R = after
        return result

    def update(self, record: R, *, actor: str | None = None) -> R:
        """Store a change the user may make; fields hidden from them keep their stored values.

        The update grant's scope and condition are judged on the stored record, so a rep
        allowed to update open deals may close one, but not edit it once closed.

        Raises:
            PermissionDenied: if the user may not update the record, or changed a read-only
                or hidden field, or its owner without ``assign``, or *actor* names someone
                else.
            ConflictError, NotFound: as the store's ``update`` does.
            TransitionDenied: for a deal whose stage change its pipeline refuses.
        """
        who = self._actor(actor, Action.UPDATE)
        after = self._checked_update(record, Action.UPDATE)
        return self._show(self._repository.update(after, actor=who))

    def delete(self, record_id: str, *, actor: str | None = None) -> None:
        """Delete a record the user may delete.

        Raises:
            PermissionDenied: if the user may not delete it, or *actor* names someone else.
            NotFound: if there is no such record.
        """
        who = self._actor(actor, Action.DELETE)
        self._require_some(Action.DELETE)
        self._require(Action.DELETE, self._repository.get(record_id))
        self._repository.delete(record_id, actor=who)

    def restore(self, record_id: str, *, actor: str | None = None) -> R:
        """Bring back a deleted record, if the user may delete it (and so undo that).

        The permission is checked before the store says anything about the record: a user
        who may not delete it gets ``PermissionDenied``, never "is not deleted".

        Raises:
            PermissionDenied: if the user may not delete the record (a deleted one stays
                deleted), or *actor* names someone else.
            ConflictError: if the record is not deleted (and the user may delete it).
            NotFound: if there is no such record.
        """
        who = self._actor(actor, Action.DELETE)
        self._require_some(Action.DELETE)
        with self._store.transaction():
            live = self._repository.get_many([record_id]).get(record_id)
            if live is not None:
                # judged before the store's restore, whose "is not deleted" would tell
                self._require(Action.DELETE, live)
            record = self._repository.restore(record_id, actor=who)
            self._require(Action.DELETE, record)
        return self._show(record)

    def _refuse(self, action: Action, problems: list[str]) -> None:
        if problems:
            listed = "; ".join(problems[:_MAX_LISTED])
            more = len(problems) - _MAX_LISTED
            if more > 0:
                listed += f"; and {more} more"
            raise PermissionDenied(
                f"{len(problems)} record(s) refused: {listed}", user=self._user.id, action=action
            )

    def bulk_update(self, records: Iterable[R], *, actor: str | None = None) -> list[R]:
        """Update many records in one transaction, each one allowed ``bulk_update`` and the change.

        Raises:
            PermissionDenied: listing the records refused; nothing is stored then.
        """
        who = self._actor(actor, Action.BULK_UPDATE)
        checked: list[R] = []
        problems: list[str] = []
        for record in records:
            try:
                checked.append(self._checked_update(record, Action.BULK_UPDATE))
            except PermissionDenied as exc:
                problems.append(f"{record.id}: {exc.reason}")  # type: ignore[attr-defined]
        self._refuse(Action.BULK_UPDATE, problems)
        with self._store.transaction():
            stored = [self._repository.update(r, actor=who) for r in checked]
        return [self._show(r) for r in stored]

    def bulk_delete(self, record_ids: Iterable[str], *, actor: str | None = None) -> int:
        """Delete many records in one transaction, each one allowed ``bulk_delete``.

        Raises:
            PermissionDenied: listing the records refused; nothing is deleted then.
        """
        who = self._actor(actor, Action.BULK_DELETE)
        ids = list(dict.fromkeys(record_ids))
        found = self._repository.get_many(ids)
        problems = [f"{i}: no such record" for i in ids if i not in found]
        for i, record in found.items():
            decision = self._policy.check(
                self._user, Action.BULK_DELETE, record, object_type=self._type
            )
            if not decision:
                problems.append(f"{i}: {decision.reason}")
        self._refuse(Action.BULK_DELETE, problems)
        with self._store.transaction():
            for i in ids:
                self._repository.delete(i, actor=who)
        return len(ids)

    def bulk_upsert(
        self, records: Iterable[R], *, key: str = "id", actor: str | None = None
    ) -> UpsertResult:
        """Import many records, each checked before any is stored.

        A new record needs ``import`` and ``create``; an existing one (by id) needs
        ``import`` and the update. Upserting by a match key (``key="email"``...) may touch any
        record with that key, so it needs ``import`` and ``update`` on every record of the type.

        Raises:
            PermissionDenied: listing the records refused; nothing is stored then.
        """
        who = self._actor(actor, Action.IMPORT)
        incoming = list(records)
        problems: list[str] = []
        if key != "id":
            for action in (Action.IMPORT, Action.UPDATE):
                if not self._policy.filter(self._user, action, self._type).everything:
                    raise PermissionDenied(
                        f"upserting {self._type} records by {key} needs {action.value} on every "
                        f"{self._type}, which {self._user.title} does not have",
                        user=self._user.id,
                        action=Action.IMPORT,
                    )
        existing = self._repository.get_many(r.id for r in incoming) if key == "id" else {}  # type: ignore[attr-defined]
        ready: list[R] = []
        check = self._policy.check
        for record in incoming:
            rid = record.id  # type: ignore[attr-defined]  # records have ids
            before = existing.get(rid)
            if before is None:
                decision = check(self._user, Action.IMPORT, record, object_type=self._type)
                if decision:
                    decision = self._policy.check_create(self._user, record, object_type=self._type)
                ready.append(record)
            else:
                decision = check(self._user, Action.IMPORT, before, object_type=self._type)
                after = unhide(record, before, self._hidden())
                if decision:
                    decision = self._policy.check_update(
                        self._user, before, after, object_type=self._type
                    )
                ready.append(after)
            if not decision:
                problems.append(f"{rid}: {decision.reason}")
        self._refuse(Action.IMPORT, problems)
        return self._repository.bulk_upsert(ready, key=key, actor=who)


class _Nothing(Exception):  # a private signal: the policy lets no row through
    pass
