"""Whether a column's dates put the day or the month first, decided once from all its values.

``03/04/1980`` says nothing by itself; ``25/12/1980`` in the same column says the day comes
first, and ``12/25/1980`` the month. A source is read once before its rows are normalized
(as its phone regions are guessed), and each date column's order is decided from every one
of its values: the order its values prove, else the locale's (and the report says so). A
value that proves the other order than its column's is still read the only way it can be,
and its cell is reported.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from functools import lru_cache
from typing import Final, Literal

from attrs import frozen

from crmkit.values import DateOrder, date_order, locale_day_first

from ._locale import LocaleOptions
from ._mapping import ColumnMapping
from ._table import SourceRow

__all__ = ["DATE_FIELDS", "DateColumn", "decide_date_orders"]

#: The contact fields an import reads as dates.
DATE_FIELDS: Final = frozenset({"birth_date"})
_WORDS: Final = {"day_first": "the day first", "month_first": "the month first"}


@frozen
class DateColumn:
    """How a date column of a source is read, and why.

    Attributes:
        column: the input header.
        order: ``day_first`` or ``month_first``.
        decided_by: ``values`` when the column's values prove the order, ``locale`` when
            none does and the locale's order is followed.
        day_first: values that can only be read day first (``25/12/1980``).
        month_first: values that can only be read month first (``12/25/1980``).
        either: values that read as two different dates (``03/04/1980``).
    """

    column: str
    order: DateOrder
    decided_by: Literal["values", "locale"]
    day_first: int = 0
    month_first: int = 0
    either: int = 0

    @property
    def contradicts(self) -> int:
        """How many values prove the other order than the column's."""
        return self.month_first if self.order == "day_first" else self.day_first

    @property
    def note(self) -> str:
        """The decision in words, for a report; empty when no value was in doubt."""
        counts = f"{self.day_first} day first, {self.month_first} month first"
        if self.decided_by == "locale":
            if not self.either:
                return ""
            return (
                f'column "{self.column}": no value says whether the day or the month comes'
                f" first ({self.either} could be either): read with {_WORDS[self.order]}, the"
                " locale's order (the day first when no locale is given)"
            )
        if self.contradicts:
            return (
                f'column "{self.column}" contradicts itself ({counts}): read with'
                f" {_WORDS[self.order]}; each value that does not fit is reported"
            )
        return f'column "{self.column}": read with {_WORDS[self.order]} ({counts})'


def decide_date_orders(
    rows: Iterable[SourceRow],
    mapping: ColumnMapping,
    options: LocaleOptions,
    fields: Collection[str] = DATE_FIELDS,
) -> tuple[DateColumn, ...]:
    """Decide the order of each date column of *mapping* (feeding one of *fields*) from *rows*.

    The order most values prove wins; a column where no value proves one, or as many prove
    each order, follows the locale of *options* (the day first without one).
    """
    columns = [(r.index, r.column) for r in mapping.rules if r.field in fields]
    if not columns:
        return ()
    counts = {column: [0, 0, 0] for _, column in columns}
    for row in rows:
        cells = row.cells
        for index, column in columns:
            if index < len(cells):
                kind = _kind(cells[index])
                if kind >= 0:
                    counts[column][kind] += 1
    fallback: DateOrder = "day_first" if locale_day_first(options.locale) else "month_first"
    decided = []
    for column, (days, months, either) in counts.items():
        order: DateOrder = fallback
        by: Literal["values", "locale"] = "values" if days or months else "locale"
        if days != months:
            order = "day_first" if days > months else "month_first"
        decided.append(DateColumn(column, order, by, days, months, either))
    return tuple(decided)


@lru_cache(maxsize=1 << 14)
def _kind(text: str) -> int:
    """0 for a value only day first reads, 1 only month first, 2 either, -1 neither."""
    stripped = text.strip()
    if len(stripped) < 6 or stripped[:4].isdigit():
        return -1  # empty, or ISO 8601 (year first), which says nothing about the order
    proved = date_order(stripped)
    if proved is not None:
        return 0 if proved == "day_first" else 1
    parts = stripped.replace("-", "/").replace(".", "/").replace(" ", "/").split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and int(parts[0]) != int(parts[1]):
        return 2  # both numbers 12 or less and different: two readings
    return -1
