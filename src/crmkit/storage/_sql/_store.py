"""The SQL backend's store: engine, connections, transactions and schema on first use."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from crmkit._optional import require
from crmkit.contacts import Affiliation, Company, Contact
from crmkit.errors import ConfigError
from crmkit.expr import register_sqlite_functions
from crmkit.fields import Schema
from crmkit.pipeline import Deal
from crmkit.storage._activity_kind import ACTIVITY
from crmkit.storage._deals import PipelinesIn, deal_kind
from crmkit.storage._ids import record_ids as record_ids_of
from crmkit.storage._kinds import CustomRecord
from crmkit.storage._protocol import HistoryEntry
from crmkit.storage._registry import FieldsIn, Registry

from ._activities import SqlActivityRepository
from ._errors import translated
from ._lists import ValueList
from ._repository import SqlRepository
from ._schema import ensure_schema
from ._tables import HISTORY

__all__ = ["DEFAULT_URL", "SqlStore", "open_store"]

DEFAULT_URL = "sqlite:///crm.db"
"""The embedded default: a SQLite file ``crm.db`` in the working directory."""

_PSYCOPG = frozenset({"psycopg", "psycopg_async"})  # the drivers of the postgresql extra


_WRITES = "crmkit_writes"
"""The connection's ``info`` key that marks a transaction opened for writing."""


def _sqlite_savepoints(engine: sa.Engine) -> None:
    """Let SQLAlchemy own SQLite's transactions, so savepoints work (the driver's own do not)."""
    if getattr(engine, "_crmkit_sqlite_hooks", False):
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        register_sqlite_functions(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        # A write transaction takes the write lock when it begins: a deferred one that read
        # first could not wait for another writer (SQLite gives up at once to avoid a
        # deadlock), while this one waits up to the connection's busy timeout.
        writes = connection.info.get(_WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    engine._crmkit_sqlite_hooks = True  # type: ignore[attr-defined]  # marks hooks installed


class _State(threading.local):
    connection: sa.Connection | None = None


class SqlStore:
    """A store in a SQL database through SQLAlchemy: SQLite (embedded) or PostgreSQL.

    Tables are created on first use; a database made by an older crmkit is upgraded with the
    package's Alembic migrations. Filters run inside the database.

    Args:
        url_or_engine: a database URL (``"sqlite:///crm.db"``,
            ``"postgresql+psycopg://user@host/db"``) or an existing SQLAlchemy engine.
        schema: on PostgreSQL, the schema to keep the tables in (it must exist); the
            connections made from a URL search it first.
        create: create or upgrade the tables on first use (the default); turn off when the
            schema is managed by running the migrations separately.

    Raises:
        ConfigError: for a URL SQLAlchemy cannot use, or a schema on a database without them.
        MissingDependency: for a ``postgresql`` URL without the driver of the ``postgresql``
            extra (psycopg) installed.
    """

    def __init__(
        self, url_or_engine: str | sa.Engine, *, schema: str | None = None, create: bool = True
    ) -> None:
        if isinstance(url_or_engine, sa.Engine):
            engine = url_or_engine
            self._owns_engine = False
            if schema is not None:
                raise ConfigError("schema", "set the schema on the engine you pass in")
        else:
            engine = _make_engine(url_or_engine, schema)
            self._owns_engine = True
        if engine.dialect.name == "sqlite":
            _sqlite_savepoints(engine)
        self.engine = engine
        self.dialect = engine.dialect.name
        self._shown_url = engine.url.render_as_string(hide_password=True)
        self._create = create
        self._ready = False
        self._ready_lock = threading.Lock()
        self._state = _State()
        self._registry = Registry()
        self._repositories: dict[str, SqlRepository[Any]] = {}
        self._histories: Any = None

    def __repr__(self) -> str:
        return f"SqlStore({self._shown_url!r})"

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def contacts(self) -> SqlRepository[Contact]:
        """The people."""
        return self.repository("contact")

    @property
    def companies(self) -> SqlRepository[Company]:
        """The organizations."""
        return self.repository("company")

    @property
    def affiliations(self) -> SqlRepository[Affiliation]:
        """The links between people and organizations."""
        return self.repository("affiliation")

    @property
    def deals(self) -> SqlRepository[Deal]:
        """The sales opportunities; every write passes its pipeline's checks."""
        return self.repository("deal")

    @property
    def activities(self) -> SqlActivityRepository:
        """The tasks, calls, meetings, e-mails and notes, done ones included."""
        found = self.repository(ACTIVITY.name)
        assert isinstance(found, SqlActivityRepository)  # noqa: S101 - made so below
        return found

    def use_pipelines(self, pipelines: PipelinesIn) -> None:
        """Enforce *pipelines* (replacing any given before) on every write of a deal.

        Their custom deal fields become filterable. A deal of any other pipeline is refused.

        Raises:
            ConfigError: for an item that is not a Pipeline, a shared id, or a custom field
                two pipelines type differently.
        """
        kind, fields = deal_kind(pipelines)
        self._registry.define_fields(kind.name, fields)
        self._registry.replace_kind(kind)
        self.repository(kind.name).use_kind(kind)

    def repository(self, kind: str) -> SqlRepository[Any]:
        """Return the repository of *kind* (a built-in kind or a registered object type).

        Raises:
            ValidationError: if no such kind is known.
        """
        found = self._repositories.get(kind)
        if found is None:
            made = SqlActivityRepository if kind == ACTIVITY.name else SqlRepository
            found = made(self, self._registry.kind(kind))
            self._repositories[kind] = found
        return found

    def register_object_type(
        self, object_type: str, fields: FieldsIn
    ) -> SqlRepository[CustomRecord]:
        """Declare a custom object type with its fields and return its repository.

        *fields* is a :class:`~crmkit.fields.Schema` or field types by name, as for
        :meth:`define_fields`. Registering again adds fields. Raises ConfigError for a bad
        name, type or schema.
        """
        self._registry.register_object_type(object_type, fields)
        self._forget_columns(object_type)
        return self.repository(object_type)

    def objects(self, object_type: str) -> SqlRepository[CustomRecord]:
        """Return the repository of a registered custom object type.

        Raises:
            ValidationError: if the type is not registered.
        """
        self._registry.object_type(object_type)
        return self.repository(object_type)

    def define_fields(self, kind: str, fields: FieldsIn) -> None:
        """Declare the custom fields of *kind*: a whole schema, or field types by name.

        See :meth:`Store.define_fields`.

        Raises:
            ConfigError: for an unknown kind, a bad type name, or a schema that does not
                fit the kind.
        """
        self._registry.define_fields(kind, fields)
        self._forget_columns(kind)

    def schema(self, kind: str) -> Schema:
        """Return the one schema of *kind*: its built-in fields and its custom fields.

        Raises:
            ValidationError: if no such kind is known.
        """
        return self._registry.schema(self._registry.kind(kind))

    def _forget_columns(self, kind: str) -> None:
        repository = self._repositories.get(kind)
        if repository is not None:
            repository.forget_columns()

    def _ensure(self) -> None:
        if self._ready or not self._create:
            return
        with self._ready_lock:
            if not self._ready:
                with self.engine.begin() as connection:
                    ensure_schema(connection)
                self._ready = True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them or none; a nested block is a savepoint.

        The transaction belongs to the calling thread: every call of this store's
        repositories made by that thread inside the block takes part in it.
        """
        state = self._state
        if state.connection is not None:
            with self._translated(), state.connection.begin_nested():
                yield
            return
        with self._translated():
            self._ensure()
            with self.engine.connect() as connection:
                state.connection = connection
                connection.info[_WRITES] = True
                try:
                    with connection.begin():
                        yield
                finally:
                    connection.info.pop(_WRITES, None)
                    state.connection = None

    @contextmanager
    def connection(self) -> Iterator[sa.Connection]:
        """Yield the connection of the current transaction, or one of its own for a read."""
        current = self._state.connection
        if current is not None:
            yield current
            return
        with self._translated():
            self._ensure()
            with self.engine.connect() as connection:
                yield connection

    def _translated(self) -> AbstractContextManager[None]:
        """Turn the database's errors (cannot open, cannot connect) into StorageError."""
        return translated(self._shown_url)

    @contextmanager
    def writing(self) -> Iterator[sa.Connection]:
        """Yield a connection inside a transaction (a savepoint within an outer one)."""
        with self.transaction():
            current = self._state.connection
            assert current is not None  # noqa: S101 - set by transaction()
            yield current

    def history(self, record_id: str) -> list[HistoryEntry]:
        """Return every change to the record, oldest first."""
        with self.connection() as connection:
            rows = connection.execute(_HISTORY_OF, {"record_id": record_id}).all()
        return [_entry(record_id, row) for row in rows]

    def histories(self, record_ids: Iterable[str]) -> dict[str, list[HistoryEntry]]:
        """Return the changes of each of the records by id, oldest first, in one read."""
        wanted = record_ids_of(record_ids)
        found: dict[str, list[HistoryEntry]] = {i: [] for i in wanted}
        if not wanted:
            return found
        lists = ValueList(self.dialect)
        query = self._histories
        if query is None:
            query = self._histories = (
                sa.select(HISTORY.c.record_id, *_HISTORY_OF.selected_columns)
                .where(lists.contains(HISTORY.c.record_id, "ids"))
                .order_by(HISTORY.c.record_id, HISTORY.c.seq)
            )
        with self.connection() as connection:
            for chunk in lists.chunks(wanted):
                for record_id, *row in connection.execute(query, {"ids": chunk}):
                    found[record_id].append(_entry(record_id, row))
        return found

    def close(self) -> None:
        """Release the connections (and the engine, when the store made it)."""
        if self._owns_engine:
            self.engine.dispose()


# built once: building a statement costs SQLAlchemy more than running this read
_HISTORY_OF = (
    sa.select(
        HISTORY.c.kind,
        HISTORY.c.action,
        HISTORY.c.actor,
        HISTORY.c.at,
        HISTORY.c.version,
        HISTORY.c.changes,
    )
    .where(HISTORY.c.record_id == sa.bindparam("record_id"))
    .order_by(HISTORY.c.seq)
)


def _entry(record_id: str, row: Sequence[Any]) -> HistoryEntry:
    """The history entry of *row* (the columns of ``_HISTORY_OF``)."""
    kind, action, actor, at, version, changes = row
    return HistoryEntry(
        kind=kind,
        record_id=record_id,
        action=action,
        actor=actor,
        at=_aware(at),
        version=version,
        changes={k: (v[0], v[1]) for k, v in (changes or {}).items()},
    )


def _aware(value: Any) -> Any:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _make_engine(url: object, schema: str | None) -> sa.Engine:
    if not isinstance(url, str | sa.URL):
        raise ConfigError("url", f"expected a database URL or an engine, not {url!r}")
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise ConfigError("url", f"not a database URL: {url!r}") from exc
    options: dict[str, Any] = {}
    if schema is not None:
        if parsed.get_backend_name() != "postgresql":
            raise ConfigError("schema", "schemas are for PostgreSQL databases")
        if not schema.replace("_", "").isalnum():
            raise ConfigError("schema", f"expected a plain schema name, not {schema!r}")
        options["connect_args"] = {"options": f"-csearch_path={schema}"}
    try:
        if parsed.get_driver_name() in _PSYCOPG:
            require("psycopg", extra="postgresql")  # SQLAlchemy would only say it is missing
        return sa.create_engine(parsed, **options)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
        raise ConfigError("url", f"cannot open {parsed.render_as_string()}: {exc}") from exc


def open_store(url: str = DEFAULT_URL) -> SqlStore:
    """Open the store at *url*: by default the SQLite file ``crm.db`` here.

    Raises:
        ConfigError: for a URL SQLAlchemy cannot use.
        MissingDependency: for a ``postgresql`` URL without psycopg (the ``postgresql`` extra).
    """
    return SqlStore(url)
