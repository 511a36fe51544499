"""Lists of values bound as one parameter, so a lookup is compiled once, whatever its size.

An ``IN (...)`` list of bound parameters makes SQLAlchemy expand and render the statement
again for every length of list, which costs more than running it. SQLite reads a JSON array
(``IN (SELECT value FROM json_each(?))``) and PostgreSQL an array (``= ANY(?)``) from a single
parameter instead; other databases keep the expanding list, in chunks under their parameter
limits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

__all__ = ["ValueList"]

_EXPANDED_CHUNK = 500  # well under every driver's parameter limit
_SINGLE_CHUNK = 20_000  # one parameter holds any number of values; this bounds one query


class ValueList:
    """How one dialect binds a list of values: the condition, and the values' chunks.

    Args:
        dialect: the dialect's name (``"sqlite"``, ``"postgresql"``, ...).
    """

    def __init__(self, dialect: str) -> None:
        self._dialect = dialect

    def contains(self, column: sa.ColumnElement[Any], name: str) -> sa.ColumnElement[bool]:
        """Return ``column IN <the list bound as parameter name>``."""
        if self._dialect == "sqlite":
            values = sa.func.json_each(sa.bindparam(name, type_=sa.String)).table_valued("value")
            return column.in_(sa.select(values.c.value))
        if self._dialect == "postgresql":
            array = postgresql.ARRAY(sa.String)
            return column == sa.any_(sa.bindparam(name, type_=array))
        return column.in_(sa.bindparam(name, expanding=True))

    def chunks(self, values: Sequence[Any]) -> Iterator[Any]:
        """Yield *values* in slices bound as the parameter of :meth:`contains`."""
        if self._dialect == "sqlite":
            for start in range(0, len(values), _SINGLE_CHUNK):
                yield json.dumps(list(values[start : start + _SINGLE_CHUNK]))
        else:
            size = _SINGLE_CHUNK if self._dialect == "postgresql" else _EXPANDED_CHUNK
            for start in range(0, len(values), size):
                yield list(values[start : start + size])
