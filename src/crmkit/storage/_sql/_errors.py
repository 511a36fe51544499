"""SQLAlchemy's errors, translated into crmkit's where they enter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy.exc as sa_exc

from crmkit.errors import ConflictError, ErrorCode, StorageError

__all__ = ["conflict", "translated"]

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)")


def _key_of(exc: sa_exc.IntegrityError) -> str:
    """Name the unique key *exc* broke: ``id`` for a record table's primary key."""
    diag = getattr(exc.orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    if isinstance(constraint, str):
        return "id" if constraint.startswith("pk_crm_") and "keys" not in constraint else constraint
    found = _SQLITE_UNIQUE.search(str(exc.orig))
    if found:
        columns = [c.split(".")[-1] for c in found.group(1).split(", ")]
        return ", ".join(columns)
    return "unique key"


def conflict(exc: sa_exc.IntegrityError, kind: str, record_id: object = None) -> ConflictError:
    """Return the :class:`ConflictError` for a unique key broken while writing *kind*."""
    key = _key_of(exc)
    if key == "id" and record_id is not None:
        message = f"a {kind} with id {record_id!r} already exists"
    else:
        message = f"a {kind} with the same {key} already exists"
    return ConflictError(message, record_id=record_id, key=key, code=ErrorCode.DUPLICATE_KEY)


def _reason(exc: sa_exc.DBAPIError) -> str:
    """The driver's own reason, on one line (drivers add hints on the lines after)."""
    text = str(exc.orig) if exc.orig is not None else str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(exc.orig).__name__


_BUSY_STATES = frozenset({"55P03", "40P01"})  # PostgreSQL: lock not available, deadlock


def _code(exc: sa_exc.DBAPIError) -> str | None:
    """The code of a database that is busy (locked by another writer), else None."""
    state = getattr(getattr(exc.orig, "diag", None), "sqlstate", None)
    if state in _BUSY_STATES:
        return ErrorCode.STORAGE_BUSY
    text = str(exc.orig)
    if "database is locked" in text or "database table is locked" in text:
        return ErrorCode.STORAGE_BUSY
    return None


@contextmanager
def translated(url: str) -> Iterator[None]:
    """Turn a database error raised inside the block into a :class:`StorageError` for *url*.

    A broken unique key is left alone: the repository that wrote it turns it into a
    :class:`ConflictError` naming the key.
    """
    try:
        yield
    except sa_exc.IntegrityError:
        raise
    except sa_exc.DBAPIError as exc:
        raise StorageError(url, _reason(exc), code=_code(exc)) from exc
