"""One repository seen through a policy: reads filtered and redacted, writes checked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from crmkit.errors import ErrorCode, NotFound, PermissionDenied

from ._model import Action
from ._reads import SecuredReads
from ._records import unhide

if TYPE_CHECKING:
    from crmkit.storage import UpsertResult

__all__ = ["SecuredRepository"]

R = TypeVar("R")
_MAX_LISTED = 5


class SecuredRepository(SecuredReads[R]):
    """One repository seen through a policy: every read filtered and redacted, every write checked.

    Reads return only the records the user may read, with hidden fields blanked; listing and
    counting run the policy's filter inside the store, so pages and counts stay right. A
    record the user may not read answers as one the store does not have.
    Writes are checked record by record before anything is stored; a batch is refused as a
    whole, naming every record that failed.
    """

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
        rid = record.id  # type: ignore[attr-defined]  # records have ids
        before = self._target(rid, action)
        after = unhide(record, before, self._seen.of(before))
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
            PermissionDenied: if the user may read the record but not delete it, or *actor*
                names someone else.
            NotFound: if there is no such record, or the user may not read it.
        """
        who = self._actor(actor, Action.DELETE)
        self._require_some(Action.DELETE)
        self._target(record_id, Action.DELETE)
        self._repository.delete(record_id, actor=who)

    def restore(self, record_id: str, *, actor: str | None = None) -> R:
        """Bring back a deleted record, if the user may delete it (and so undo that).

        The permission is checked before the store says anything about the record: a user
        who may not delete it learns neither that it exists nor whether it is deleted.

        Raises:
            PermissionDenied: if the user may read the (live) record but not delete it, or
                *actor* names someone else.
            ConflictError: if the record is not deleted (and the user may delete it).
            NotFound: if there is no such record, or none the user may delete (a deleted
                record of someone else answers as an id the store does not have).
        """
        who = self._actor(actor, Action.DELETE)
        self._require_some(Action.DELETE)
        with self._store.transaction():
            if record_id in self._repository.get_many([record_id]):
                # judged before the store's restore, whose "is not deleted" would tell
                self._target(record_id, Action.DELETE)
            try:
                record = self._repository.restore(record_id, actor=who)
            except NotFound:
                raise self._seen.not_found(record_id) from None
            if not self._policy.check(self._user, Action.DELETE, record, object_type=self._type):
                raise self._seen.not_found(record_id)
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
            except NotFound:  # missing, or not the user's to see: the same answer
                problems.append(f"{record.id}: no such record")  # type: ignore[attr-defined]
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
        problems = []
        for i in ids:
            record = found.get(i)
            decision = None
            if record is not None:
                decision = self._policy.check(
                    self._user, Action.BULK_DELETE, record, object_type=self._type
                )
                if decision:
                    continue
            if decision is None or not self._seen.readable(record):
                problems.append(f"{i}: no such record")  # unreadable answers as missing
            else:
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
            hidden = self._seen.key_field(key)
            if hidden is not None:
                raise PermissionDenied(
                    f"{self._user.title} may not upsert {self._type} records by hidden field "
                    + hidden,
                    user=self._user.id,
                    code=ErrorCode.HIDDEN_FIELD,
                    action=Action.IMPORT,
                )
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
                after = unhide(record, before, self._seen.of(before))
                if decision:
                    decision = self._policy.check_update(
                        self._user, before, after, object_type=self._type
                    )
                ready.append(after)
            if not decision:
                problems.append(f"{rid}: {decision.reason}")
        self._refuse(Action.IMPORT, problems)
        return self._repository.bulk_upsert(ready, key=key, actor=who)
