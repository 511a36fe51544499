"""The storage contract every backend fulfils: the store and its repositories.

The values they give back (pages, upsert counts, history entries) are in ``_results`` and
named here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar

from ._results import HistoryEntry, Page, UpsertResult, WriteKind

if TYPE_CHECKING:
    from crmkit.activities import Activity, Link
    from crmkit.contacts import Affiliation, Company, Contact
    from crmkit.expr import Expression
    from crmkit.fields import Schema
    from crmkit.pipeline import Deal

    from ._activity_scope import ActivityScope
    from ._deals import PipelinesIn
    from ._kinds import CustomRecord

__all__ = [
    "ActivityRepository",
    "HistoryEntry",
    "Page",
    "Repository",
    "Store",
    "UpsertResult",
    "Where",
    "WriteKind",
]

R = TypeVar("R")

Where: TypeAlias = "str | Expression | None"
"""A filter: expression-language text, a compiled :class:`~crmkit.expr.Expression`, or None."""


class Repository(Protocol[R]):
    """The records of one kind in a store.

    Every write takes ``actor`` (who is making the change) for the history. Deleted records
    are hidden from every read until restored.
    """

    @property
    def kind(self) -> str:
        """The kind of record this repository holds (``"contact"``, ...)."""
        ...

    def get(self, record_id: str) -> R:
        """Return the record with *record_id*.

        Raises:
            NotFound: if there is none, or it is deleted.
        """
        ...

    def get_many(self, record_ids: Iterable[str]) -> dict[str, R]:
        """Return the records with these ids by id; missing and deleted ids are left out.

        Raises:
            ValidationError: if *record_ids* is one text or not iterable, or an id is not
                text.
        """
        ...

    def add(self, record: R, *, actor: str | None = None) -> R:
        """Store a new record and return it as stored.

        Raises:
            ConflictError: if a record with that id exists (``key="id"``).
            ValidationError: for a record of another kind, or a custom value that does not
                fit the type :meth:`Store.define_fields` declared for it.
        """
        ...

    def update(self, record: R, *, actor: str | None = None) -> R:
        """Replace the stored record if it still has ``record.version``.

        Returns:
            The record as stored: its version is one more and ``updated_at`` is now.

        Raises:
            ConflictError: if the stored version differs (someone else changed it first).
            NotFound: if there is no such record, or it is deleted.
            ValidationError: for a custom value that does not fit its declared type.
        """
        ...

    def delete(self, record_id: str, *, actor: str | None = None) -> None:
        """Soft-delete a record: it disappears from reads until :meth:`restore`.

        Raises:
            NotFound: if there is no such record, or it is already deleted.
        """
        ...

    def restore(self, record_id: str, *, actor: str | None = None) -> R:
        """Bring back a deleted record and return it.

        Raises:
            NotFound: if there is no such record.
            ConflictError: if the record is not deleted.
        """
        ...

    def find(
        self,
        where: Where = None,
        *,
        order_by: str = "id",
        limit: int = 100,
        after: str | None = None,
    ) -> Page[R]:
        """Return one page of the records that match *where*.

        Args:
            where: a filter in the expression language, run inside the database by SQL
                backends; None matches every record.
            order_by: a sortable field name, ``-`` in front for descending; the id breaks ties.
            limit: the most records a page holds.
            after: the ``next_after`` of the previous page.

        Raises:
            FormulaError: for a filter that does not compile, or has no SQL form.
            ValidationError: for an unknown ``order_by``, a bad ``limit`` or a bad cursor.
        """
        ...

    def find_all(
        self, where: Where = None, *, order_by: str = "id", page_size: int = 1000
    ) -> Iterator[R]:
        """Iterate over every record that matches *where*, fetched in keyset pages.

        Memory holds one page at a time however many records match; the store is queried
        as the iterator is consumed. Use it wherever every record is needed (:meth:`find`
        returns one page, 100 records by default).

        Args:
            where: a filter in the expression language; None matches every record.
            order_by: a sortable field name, ``-`` in front for descending; the id breaks ties.
            page_size: records fetched per query, from 1 to 10,000.

        Raises:
            FormulaError: for a filter that does not compile, or has no SQL form.
            ValidationError: for an unknown ``order_by`` or a bad ``page_size``.
        """
        ...

    def count(self, where: Where = None) -> int:
        """Return how many records match *where*."""
        ...

    def bulk_upsert(
        self, records: Iterable[R], *, key: str = "id", actor: str | None = None
    ) -> UpsertResult:
        """Create or update many records in one transaction: all of them, or none.

        Each stored record is written at most once per call, and never from a stale copy:
        a batch that would do either is refused whole, so no write is silently lost.

        Args:
            records: the records to store.
            key: ``"id"`` to match stored records by id, or a key type of
                :meth:`find_by_keys` (``"email"``, ``"phone"``, ...): a record whose key
                matches a stored record replaces it, keeping the stored id.
            actor: who makes the change.

        Raises:
            ValidationError: for an unknown key type, a record of another kind or a custom
                value that does not fit its declared type.
            ConflictError: if a record's id is stored with another version (``key`` is
                ``"version"``, as for :meth:`update`), or two records of the batch go to the
                same stored or new record (the same id, or the same key of type *key*;
                ``key`` is the upsert key and the message names both records).
        """
        ...

    def find_by_keys(self, key_type: str, keys: Iterable[str]) -> dict[str, list[R]]:
        """Look records up by match key, through an index.

        Args:
            key_type: ``"email"`` (e-mail match key), ``"phone"`` (E.164), ``"company"``
                (company match key), ``"domain"``, ... as the kind defines.
            keys: the keys to look for.

        Returns:
            Each key that matched, with the matching records in id order.

        Raises:
            ValidationError: for a key type the kind does not index.
        """
        ...


class ActivityRepository(Repository["Activity"], Protocol):
    """The activities of a store, with the two queries timelines and agendas are made of.

    A write refuses a link to a contact, company or deal the store does not have
    (``activities.missing_link``, naming the link's path); nothing of the write is stored.
    """

    def for_records(
        self,
        links: Iterable[Link],
        *,
        limit: int = 50,
        before: str | tuple[datetime, str] | None = None,
    ) -> Page[Activity]:
        """Return the activities of any of the records *links* name, newest first.

        Newest is by sort instant (done, else start, else due, else created; see
        ``docs/activities-store.md``), the id breaking ties; an activity linked to several
        of the records comes once. Each record's activities are one index range scan.

        Args:
            links: the records, as :class:`~crmkit.activities.Link` values.
            limit: the most activities a page holds.
            before: the ``next_after`` of the previous page, to go on from there; or a
                position ``(sort instant, activity id)``, to start strictly after it.

        Raises:
            ValidationError: for a bad ``limit`` or cursor, or *links* that are not Links.
        """
        ...

    def open_for_owner(
        self,
        owner_ids: str | Iterable[str],
        *,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[Activity]:
        """Return the open (not done) activities of one or several owners, soonest due first.

        Ordered by due instant (a date as its day's start in the activity's zone), the id
        breaking ties; with no *until*, the activities with no due at all come last.

        Args:
            owner_ids: an owner's id, or several.
            until: only those due at or before this instant (aware); None for all.
            limit: the most activities returned; None for all.

        Raises:
            ValidationError: for a naive *until*, a bad *limit* or an owner id that is not text.
        """
        ...

    def scoped(self, scope: ActivityScope) -> ActivityRepository:
        """Return these activities as a reader of *scope* sees them, to read from only.

        Every read of what comes back (get, get_many, find, find_all, count,
        for_records, open_for_owner) leaves out the activities outside *scope*; on a SQL
        store inside the read's one query (``reminding_before`` too). A secured store
        reads activities this way.
        """
        ...

    def reminding_before(self, until: datetime) -> list[Activity]:
        """Return the open activities that may have a reminder to send before *until*.

        Those whose first reminder (:func:`crmkit.activities.first_reminder`, kept in a
        column) is before *until*, earliest first, the id breaking ties: one range scan of
        an index of open activities with reminders. It is a superset of what a window ending
        at *until* holds; :func:`crmkit.activities.reminders_between` picks the reminders.

        Raises:
            ValidationError: for an *until* that is not an aware datetime.
        """
        ...


class Store(Protocol):
    """A place to keep CRM records, with one repository per record kind."""

    @property
    def contacts(self) -> Repository[Contact]:
        """The people."""
        ...

    @property
    def companies(self) -> Repository[Company]:
        """The organizations."""
        ...

    @property
    def affiliations(self) -> Repository[Affiliation]:
        """The links between people and organizations."""
        ...

    @property
    def deals(self) -> Repository[Deal]:
        """The sales opportunities; every write passes its pipeline's checks."""
        ...

    @property
    def activities(self) -> ActivityRepository:
        """The tasks, calls, meetings, e-mails and notes, done ones included."""
        ...

    def use_pipelines(self, pipelines: PipelinesIn) -> None:
        """Enforce *pipelines* (replacing any given before) on every write of a deal.

        Every add, update and bulk upsert of a deal runs
        :func:`crmkit.pipeline.enforce_move` inside its transaction: a deal whose stage
        changed without passing its pipeline's checks, or whose pipeline is not among
        *pipelines*, is refused with :class:`~crmkit.errors.TransitionDenied`. Until this
        is called every deal write is refused.

        Raises:
            ConfigError: for an item that is not a Pipeline or a shared id.
        """
        ...

    def repository(self, kind: str) -> Repository[Any]:
        """Return the repository of *kind* (a built-in kind or a registered object type).

        Raises:
            ValidationError: if no such kind is known.
        """
        ...

    def register_object_type(
        self, object_type: str, fields: Schema | Mapping[str, str]
    ) -> Repository[CustomRecord]:
        """Declare a custom object type with its field types and return its repository."""
        ...

    def objects(self, object_type: str) -> Repository[CustomRecord]:
        """Return the repository of a registered custom object type."""
        ...

    def define_fields(self, kind: str, fields: Schema | Mapping[str, str]) -> None:
        """Declare the custom fields of *kind*, so filters, conditions and formulas can use them.

        *fields* is either a whole :class:`~crmkit.fields.Schema` of the kind (replacing
        the one given before) or custom field types by name (``{"score": "number"}``,
        adding to those declared before). From then on every write of *kind* checks the
        declared values against their types; with a schema, every add, update and bulk
        upsert also computes its formula fields into ``custom`` (so filters read them)
        and enforces its required fields, conditions and validation rules, raising
        :class:`~crmkit.errors.FieldIssue` (or ``InvalidRecord`` with every problem of the
        record or the batch). Custom fields not declared stay free-form.

        Raises:
            ConfigError: for an unknown kind, a bad type name, or a schema of another
                object type or one using a built-in field's name.
        """
        ...

    def schema(self, kind: str) -> Schema:
        """Return the one schema of *kind*: its built-in fields and its custom fields.

        Filters, match-rule conditions, permission conditions and formulas compile
        against its :meth:`~crmkit.fields.Schema.field_types`.

        Raises:
            ValidationError: if no such kind is known.
        """
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """Group writes: all of them or none; a nested block is a savepoint.

        Raises:
            StorageError: if the database cannot be opened or reached (SQL backends; every
                other method raises it too).
        """
        ...

    def history(self, record_id: str) -> list[HistoryEntry]:
        """Return every change to the record, oldest first."""
        ...

    def histories(self, record_ids: Iterable[str]) -> dict[str, list[HistoryEntry]]:
        """Return the changes of each of the records by id, oldest first, in one read.

        Raises:
            ValidationError: if *record_ids* is one text or not iterable, or an id is not
                text.
        """
        ...

    def close(self) -> None:
        """Release connections and files."""
        ...
