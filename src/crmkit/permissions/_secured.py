"""A store that enforces a policy for one user on every call."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from crmkit.errors import PermissionDenied
from crmkit.expr import rename_field

from ._model import Access, Action, User
from ._records import hide, unhide

if TYPE_CHECKING:
    from crmkit.contacts import Affiliation, Company, Contact
    from crmkit.storage import (
        CustomRecord,
        HistoryEntry,
        Page,
        Repository,
        Store,
        UpsertResult,
    )

    from ._decision import Decision
    from ._policy import Policy

__all__ = ["SecuredRepository", "SecuredStore"]

R = TypeVar("R")
_PROBE = ("\x00hidden",)
_MAX_LISTED = 5


def _source(where: object) -> str | None:
    if where is None or isinstance(where, str):
        return where
    source = getattr(where, "source", None)
    if isinstance(source, str):
        return source
    return str(where)


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

    def _require(self, action: Action, target: object) -> Decision:
        return self._policy.require(self._user, action, target, object_type=self._type)

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
        record = self._repository.get(record_id)
        self._require(Action.READ, record)
        return self._show(record)

    def get_many(self, record_ids: Iterable[str]) -> dict[str, R]:
        """Return the readable records with these ids, redacted; the rest are left out."""
        found = self._repository.get_many(record_ids)
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
        field = order_by.removeprefix("-")
        if field in self._hidden():
            raise PermissionDenied(
                f"{self._user.title} may not sort {self._type} records by hidden field {field}",
                user=self._user.id,
                action=Action.READ,
            )
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
        """
        try:
            source = self._where(Action.EXPORT, where)
        except _Nothing:
            return
        after = None
        while True:
            page = self._repository.find(source, order_by=order_by, limit=page_size, after=after)
            for record in page:
                yield self._policy.redact(
                    self._user, record, object_type=self._type, action=Action.EXPORT
                )
            if page.next_after is None:
                return
            after = page.next_after

    # writes -------------------------------------------------------------------------------

    def add(self, record: R) -> R:
        """Store a new record the user may create.

        Raises:
            PermissionDenied: if no create grant fits the record, or it sets a field the
                user may not edit.
        """
        decision = self._policy.check_create(self._user, record, object_type=self._type)
        if not decision:
            raise self._deny(decision)
        return self._show(self._repository.add(record, actor=self._user.id))

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

    def update(self, record: R) -> R:
        """Store a change the user may make; fields hidden from them keep their stored values.

        Raises:
            PermissionDenied: if the user may not update the record, or changed a read-only
                or hidden field, or its owner without ``assign``.
            ConflictError, NotFound: as the store's ``update`` does.
        """
        after = self._checked_update(record, Action.UPDATE)
        return self._show(self._repository.update(after, actor=self._user.id))

    def delete(self, record_id: str) -> None:
        """Delete a record the user may delete.

        Raises:
            PermissionDenied: if the user may not delete it.
            NotFound: if there is no such record.
        """
        self._require(Action.DELETE, self._repository.get(record_id))
        self._repository.delete(record_id, actor=self._user.id)

    def restore(self, record_id: str) -> R:
        """Bring back a deleted record, if the user may delete it (and so undo that).

        Raises:
            PermissionDenied: if the user may not delete the restored record; it stays deleted.
        """
        with self._store.transaction():
            record = self._repository.restore(record_id, actor=self._user.id)
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

    def bulk_update(self, records: Iterable[R]) -> list[R]:
        """Update many records in one transaction, each one allowed ``bulk_update`` and the change.

        Raises:
            PermissionDenied: listing the records refused; nothing is stored then.
        """
        checked: list[R] = []
        problems: list[str] = []
        for record in records:
            try:
                checked.append(self._checked_update(record, Action.BULK_UPDATE))
            except PermissionDenied as exc:
                problems.append(f"{record.id}: {exc.reason}")  # type: ignore[attr-defined]
        self._refuse(Action.BULK_UPDATE, problems)
        with self._store.transaction():
            stored = [self._repository.update(r, actor=self._user.id) for r in checked]
        return [self._show(r) for r in stored]

    def bulk_delete(self, record_ids: Iterable[str]) -> int:
        """Delete many records in one transaction, each one allowed ``bulk_delete``.

        Raises:
            PermissionDenied: listing the records refused; nothing is deleted then.
        """
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
                self._repository.delete(i, actor=self._user.id)
        return len(ids)

    def bulk_upsert(self, records: Iterable[R], *, key: str = "id") -> UpsertResult:
        """Import many records, each checked before any is stored.

        A new record needs ``import`` and ``create``; an existing one (by id) needs
        ``import`` and the update. Upserting by a match key (``key="email"``...) may touch any
        record with that key, so it needs ``import`` and ``update`` on every record of the type.

        Raises:
            PermissionDenied: listing the records refused; nothing is stored then.
        """
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
        return self._repository.bulk_upsert(ready, key=key, actor=self._user.id)


class _Nothing(Exception):  # a private signal: the policy lets no row through
    pass


class SecuredStore:
    """A :class:`crmkit.storage.Store` seen by one user through a policy.

    ``SecuredStore(store, policy, user)`` hands out :class:`SecuredRepository` objects in
    place of the store's repositories; the user is also the actor of every change, for the
    history. Changing the schema (registering object types or fields) is not done through
    a secured store.

    Raises:
        PermissionDenied: if *user* is an id the policy does not know.
    """

    def __init__(self, store: Store, policy: Policy, user: User | str) -> None:
        if isinstance(user, str):
            known = policy.user(user)
            if known is None:
                raise PermissionDenied(f"user {user!r} is not in the policy", user=user)
            user = known
        self._store = store
        self._policy = policy
        self._user = user
        self._repositories: dict[str, SecuredRepository[Any]] = {}

    @property
    def user(self) -> User:
        """The user every call is made as."""
        return self._user

    def repository(self, kind: str) -> SecuredRepository[Any]:
        """Return the secured repository of *kind*.

        Raises:
            ValidationError: if the store knows no such kind.
        """
        found = self._repositories.get(kind)
        if found is None:
            found = SecuredRepository(
                self._store.repository(kind), self._policy, self._user, store=self._store
            )
            self._repositories[kind] = found
        return found

    @property
    def contacts(self) -> SecuredRepository[Contact]:
        """The people the user may see."""
        return self.repository("contact")

    @property
    def companies(self) -> SecuredRepository[Company]:
        """The organizations the user may see."""
        return self.repository("company")

    @property
    def affiliations(self) -> SecuredRepository[Affiliation]:
        """The links between people and organizations the user may see."""
        return self.repository("affiliation")

    def objects(self, object_type: str) -> SecuredRepository[CustomRecord]:
        """Return the secured repository of a registered custom object type."""
        return self.repository(object_type)

    def transaction(self) -> AbstractContextManager[None]:
        """Group writes: all of them or none."""
        return self._store.transaction()

    def history(self, record_id: str) -> list[HistoryEntry]:
        """Return the record's changes, if the user may read the record.

        Raises:
            PermissionDenied: if the user may not read the record.
        """
        entries = self._store.history(record_id)
        if entries:
            self.repository(entries[0].kind).get(record_id)
        return entries

    def close(self) -> None:
        """Release the underlying store."""
        self._store.close()

    def register_object_type(self, object_type: str, fields: Mapping[str, str]) -> None:
        """Refuse: schema changes are made on the store itself, by whoever administers it.

        Raises:
            PermissionDenied: always.
        """
        raise PermissionDenied(
            f"{self._user.title} may not change the schema through a secured store",
            user=self._user.id,
        )

    def define_fields(self, kind: str, fields: Mapping[str, str]) -> None:
        """Refuse: schema changes are made on the store itself.

        Raises:
            PermissionDenied: always.
        """
        self.register_object_type(kind, fields)
