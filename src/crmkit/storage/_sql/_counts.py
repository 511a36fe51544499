"""Count statements, built once per filter clause.

Counting the same filter again (a secured store's scope, a dashboard's figure) reuses the
statement: SQLAlchemy statements are immutable, and a statement built anew on every call
is built and hashed anew for the statement cache too.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

__all__ = ["CountStatements"]

_KEPT = 16


class CountStatements:
    """The ``SELECT count(*)`` of one table's live rows, per filter clause."""

    def __init__(self, table: sa.Table, live: Callable[[], sa.ColumnElement[bool]]) -> None:
        self._table = table
        self._live = live
        # by the id of the clause, which each entry keeps alive, so the ids stay unique
        self._built: dict[int, tuple[object, sa.Select[int]]] = {}

    def of(self, clause: sa.ColumnElement[bool] | None) -> sa.Select[int]:
        """Return the count of the live rows that *clause* (None: every one) selects."""
        found = self._built.get(id(clause))
        if found is not None and found[0] is clause:
            return found[1]
        conditions = [self._live()]
        if clause is not None:
            conditions.append(clause)
        query = sa.select(sa.func.count()).select_from(self._table).where(*conditions)
        if len(self._built) >= _KEPT:  # clauses that read the clock are new every time
            self._built.clear()
        self._built[id(clause)] = (clause, query)
        return query

    def clear(self) -> None:
        """Forget every statement (the kind or its filter columns changed)."""
        self._built.clear()
