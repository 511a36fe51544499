"""Opening the database a command works on, without making one it should not.

A command that only reads (export, dedupe, undo-import) and an import's dry run would
otherwise create an empty SQLite file at a mistyped path and report that it found nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crmkit.errors import CrmkitError

__all__ = ["dry_store", "missing_sqlite_file", "open_cli_store"]


def open_cli_store(url: str, *, create: bool = False) -> Any:
    """Open the store at *url*; unless *create*, an SQLite file must already exist.

    A command that only reads (export, dedupe, undo-import) would otherwise create an empty
    database at a mistyped path and report that it found nothing.
    """
    if not create:
        missing = missing_sqlite_file(url)
        if missing is not None:
            raise CrmkitError(f"no database at {missing} (import into it first, or check --db)")
    from .storage import open_store  # noqa: PLC0415 - loaded only by the command that needs it

    return open_store(url)


def missing_sqlite_file(url: str) -> str | None:
    """The file an SQLite *url* names when it does not exist, else None."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415 - loaded only by the command that needs it
    from sqlalchemy.exc import ArgumentError  # noqa: PLC0415 - loaded only by the command that needs it

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise CrmkitError(f"--db: not a database URL: {url!r}") from exc
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None  # an SQLite URI with its own options: the driver decides
    return None if Path(database).is_file() else database


def dry_store(url: str) -> Any:
    """The store a dry run matches against, opened so that nothing is created or upgraded.

    A database that does not exist yet, or holds no tables, has nothing to match: the dry
    run then matches against an empty store in memory and touches no file.
    """
    from .storage import MemoryStore, SqlStore  # noqa: PLC0415 - loaded only by the command that needs it

    if missing_sqlite_file(url) is not None:
        return MemoryStore()
    store = SqlStore(url, create=False)
    from sqlalchemy import inspect  # noqa: PLC0415 - loaded only by the command that needs it

    try:
        empty = not inspect(store.engine).get_table_names()
    except Exception:
        store.close()
        raise
    if empty:
        store.close()
        return MemoryStore()
    return store
