"""SQLAlchemy's errors, translated into crmkit's where they enter."""

from __future__ import annotations

import re

import sqlalchemy.exc as sa_exc

from crmkit.errors import ConflictError

__all__ = ["conflict"]

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
    return ConflictError(message, record_id=record_id, key=key)
