"""A store that enforces a policy for one user on every call."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NoReturn

from crmkit.errors import ErrorCode, PermissionDenied

from ._activities import SecuredActivities
from ._merging import MERGE_LOG, MERGE_LOG_FIELDS, merge_problems
from ._model import Action, User
from ._secured import SecuredRepository

if TYPE_CHECKING:
    from crmkit.contacts import Affiliation, Company, Contact
    from crmkit.fields import Schema
    from crmkit.pipeline import Deal, Pipeline
    from crmkit.storage import CustomRecord, HistoryEntry, Store

    from ._policy import Policy

__all__ = ["SecuredStore"]

# crmkit.importers.import_file records each batch it writes in this object type of the store
# it imports into (so that undo_import can find it); the name and fields are the importer's.
_IMPORT_LOG = "crmkit_import_batch"
_IMPORT_LOG_FIELDS = {
    "import_id": "text",
    "created": "text",
    "updated": "text",
    "kind": "text",
    "linked": "text",
}


class _ImportLog(SecuredRepository["CustomRecord"]):
    """The import log seen by a user who may import contacts: they may add entries to it.

    Reading, changing and deleting entries go through the policy as for any object type,
    which grants nothing on it unless the administrator says so: an entry holds the
    contacts as they were before the import, hidden fields included.
    """

    def add(self, record: CustomRecord, *, actor: str | None = None) -> CustomRecord:
        """Store one entry of the log, recorded as the user's.

        Raises:
            PermissionDenied: if the record is not of the import log's type, or *actor*
                names someone else.
        """
        who = self._actor(actor, Action.IMPORT)
        if getattr(record, "object_type", None) != _IMPORT_LOG:
            raise PermissionDenied(
                f"only {_IMPORT_LOG} records are written to the import log",
                user=self._user.id,
                code=ErrorCode.NOT_SUPPORTED,
                action=Action.IMPORT,
            )
        self._repository.add(record, actor=who)
        return record


class _MergeLog(SecuredRepository["CustomRecord"]):
    """The merge log seen by a user who may merge: entries for records they may update.

    ``crmkit.dedupe.merge_in_store`` writes one entry per merge, after the store checked
    the merge (:meth:`SecuredStore.authorize_merge`). Reading entries, and so undoing a
    merge, goes through the policy as for any object type.
    """

    def add(self, record: CustomRecord, *, actor: str | None = None) -> CustomRecord:
        """Store one entry of the log, for a survivor the user may update.

        Raises:
            PermissionDenied: if the record is not a merge log entry of a contact or
                company the user may update, or *actor* names someone else.
        """
        who = self._actor(actor, Action.MERGE)
        custom = getattr(record, "custom", {})
        kind, survivor = custom.get("kind"), custom.get("survivor_id")
        target = None
        if getattr(record, "object_type", None) == MERGE_LOG and kind in ("contact", "company"):
            target = self._store.repository(str(kind)).get_many([str(survivor)]).get(str(survivor))
        if target is None or not self._policy.check(self._user, Action.UPDATE, target):
            raise PermissionDenied(
                f"only {MERGE_LOG} records of a merge by {self._user.title} are written "
                "to the merge log",
                user=self._user.id,
                code=ErrorCode.NOT_SUPPORTED,
                action=Action.MERGE,
            )
        self._repository.add(record, actor=who)
        return record


class SecuredStore:
    """A :class:`crmkit.storage.Store` seen by one user through a policy.

    ``SecuredStore(store, policy, user)`` hands out :class:`SecuredRepository` objects in
    place of the store's repositories and fulfils the ``Store`` protocol, so code written
    against a store runs unchanged for a user. The user is the actor of every change, for
    the history. Deals keep their pipeline rules: the store below still enforces them on
    every write the policy lets through.

    Configuration is not done through a secured store, whoever the user: registering
    object types or fields and giving the store its pipelines (which decide what every
    deal write must pass) are made on the store itself, by whoever administers it.

    Raises:
        PermissionDenied: if *user* is an id the policy does not know.
    """

    def __init__(self, store: Store, policy: Policy, user: User | str) -> None:
        if isinstance(user, str):
            known = policy.user(user)
            if known is None:
                raise PermissionDenied(
                    f"user {user!r} is not in the policy", user=user, code=ErrorCode.UNKNOWN_USER
                )
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
            if kind == "activity":
                found = SecuredActivities(
                    self._store.activities, self._policy, self._user, store=self._store
                )
            else:
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

    @property
    def deals(self) -> SecuredRepository[Deal]:
        """The deals the user may see; every write passes the policy, then the pipeline."""
        return self.repository("deal")

    @property
    def activities(self) -> SecuredActivities:
        """The activities the user sees: their own, granted ones, those of records they see.

        See ``docs/permissions.md``: an activity is seen when the user owns it, a grant on
        ``activity`` lets them read it, or it is linked to a record they may read.
        """
        found = self.repository("activity")
        assert isinstance(found, SecuredActivities)  # noqa: S101  # built so by repository
        return found

    def objects(self, object_type: str) -> SecuredRepository[CustomRecord]:
        """Return the secured repository of a registered custom object type.

        Raises:
            ValidationError: if no such object type is registered.
        """
        self._store.objects(object_type)  # a built-in kind is not a custom object type
        if object_type == _IMPORT_LOG and self._may_import():
            found = self._repositories.get(_IMPORT_LOG)
            if not isinstance(found, _ImportLog):
                found = _ImportLog(
                    self._store.objects(_IMPORT_LOG), self._policy, self._user, store=self._store
                )
                self._repositories[_IMPORT_LOG] = found
            return found
        if object_type == MERGE_LOG and self._may_merge():
            found = self._repositories.get(MERGE_LOG)
            if not isinstance(found, _MergeLog):
                found = _MergeLog(
                    self._store.objects(MERGE_LOG), self._policy, self._user, store=self._store
                )
                self._repositories[MERGE_LOG] = found
            return found
        return self.repository(object_type)

    def authorize_merge(
        self, kind: str, ids: Sequence[str], references: Sequence[tuple[str, str]] = ()
    ) -> None:
        """Check that the user may merge the records *ids* of *kind*, before anything is written.

        ``crmkit.dedupe.merge_in_store`` asks this first when it merges through a secured
        store. The user must be able to read, update and delete every record merged, and
        to read and update (affiliations: also delete) every record the merge re-points:
        affiliations, deals, child companies, and the custom records of *references*. A
        record holding a value in a field hidden from the user may not be merged by them:
        the merge would choose between values they cannot see.

        Raises:
            NotFound: for an id with no record, or one the user may not read.
            PermissionDenied: naming what the user may not do (``permissions.hidden_field``
                for a hidden field).
        """
        problems = merge_problems(
            self._store, self._policy, self._user, kind=kind, ids=ids, references=references
        )
        if problems:
            listed = "; ".join(problems[:5]) + (
                f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
            )
            raise PermissionDenied(
                f"{self._user.title} may not merge these {kind} records: {listed}",
                user=self._user.id,
                action=Action.MERGE,
            )

    def transaction(self) -> AbstractContextManager[None]:
        """Group writes: all of them or none."""
        return self._store.transaction()

    def history(self, record_id: str) -> list[HistoryEntry]:
        """Return the record's changes, without the fields hidden from the user.

        A record that does not exist, is deleted, or may not be read by the user has no
        history for them: each answers with the same empty list.
        """
        entries = self._store.history(record_id)
        if not entries:
            return []
        return self.repository(entries[0].kind).history(record_id, entries)

    def histories(self, record_ids: Iterable[str]) -> dict[str, list[HistoryEntry]]:
        """Return the changes of each record by id, without the fields hidden from the user.

        A record that does not exist, is deleted, or may not be read by the user has no
        history for them: each answers with the same empty list.

        Raises:
            ValidationError: as :meth:`Store.histories` does.
        """
        found = self._store.histories(record_ids)
        by_kind: dict[str, dict[str, list[HistoryEntry]]] = {}
        out: dict[str, list[HistoryEntry]] = {}
        for record_id, entries in found.items():
            out[record_id] = []
            if entries:
                by_kind.setdefault(entries[0].kind, {})[record_id] = entries
        for kind, entries_of in by_kind.items():
            out.update(self.repository(kind).histories(entries_of))
        return out

    def close(self) -> None:
        """Release the underlying store."""
        self._store.close()

    def _refuse(self, what: str) -> NoReturn:
        raise PermissionDenied(
            f"{self._user.title} may not {what} through a secured store",
            user=self._user.id,
            code=ErrorCode.NOT_SUPPORTED,
        )

    def _may_import(self) -> bool:
        return bool(self._policy.check(self._user, Action.IMPORT, "contact"))

    def _may_merge(self) -> bool:
        check = self._policy.check
        return any(
            check(self._user, Action.UPDATE, kind) and check(self._user, Action.DELETE, kind)
            for kind in ("contact", "company")
        )

    def register_object_type(
        self, object_type: str, fields: Schema | Mapping[str, str]
    ) -> SecuredRepository[CustomRecord]:
        """Refuse: schema changes are made on the store itself, by whoever administers it.

        Two exceptions keep imports and merges working through a secured store: a user
        who may ``import`` contacts may register crmkit's own import log (the type
        :func:`crmkit.importers.import_file` keeps its batches in), and a user who may
        update and delete contacts or companies the merge log of
        :func:`crmkit.dedupe.merge_in_store`, each with exactly its fields, and then add
        entries to it; nothing else of the schema.

        Raises:
            PermissionDenied: for any other type or fields, or a user without the rights.
        """
        wanted: object = fields  # checked: any mapping may come in through the protocol
        logs = {_IMPORT_LOG: (_IMPORT_LOG_FIELDS, self._may_import)}
        logs[MERGE_LOG] = (MERGE_LOG_FIELDS, self._may_merge)
        own, may = logs.get(object_type, (None, lambda: False))
        if not isinstance(wanted, Mapping) or dict(wanted) != own or not may():
            self._refuse("change the schema")
        self._store.register_object_type(object_type, fields)
        return self.objects(object_type)

    def schema(self, kind: str) -> Schema:
        """Return the store's one schema of *kind* (see :meth:`Store.schema`).

        Raises:
            ValidationError: if no such kind is known.
        """
        return self._store.schema(kind)

    def define_fields(self, kind: str, fields: Schema | Mapping[str, str]) -> NoReturn:
        """Refuse: schema changes are made on the store itself.

        Raises:
            PermissionDenied: always.
        """
        self._refuse("change the schema")

    def use_pipelines(self, pipelines: Mapping[str, Pipeline] | Iterable[Pipeline]) -> NoReturn:
        """Refuse: the pipelines every deal write must pass are set on the store itself.

        A user who could replace them could lift any stage rule for every deal, so this is
        configuration, like the schema, for whoever administers the store.

        Raises:
            PermissionDenied: always.
        """
        self._refuse("change the pipelines")
