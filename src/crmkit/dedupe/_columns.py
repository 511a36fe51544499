"""Records given as columns of values, and row ids kept as numbers: made when read.

The file cleaner holds the values the match rules read column by column; these sequences
let it hand them over without a contact object (or an id string) per row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import Any, Final, TypeVar, overload

from crmkit.contacts import Contact
from crmkit.errors import ConfigError

__all__ = ["PRE_READ", "Columns", "RowIds"]

#: Fields whose values :class:`Columns` can give instead of records.
PRE_READ: Final = frozenset(
    (
        "first_name", "last_name", "email", "phone", "company", "city", "birth_date",
        "street", "postal_code", "region",
    )
)  # fmt: skip


_T = TypeVar("_T")


class _Made(Sequence[_T]):
    """A sequence whose items are made when read (by :meth:`_at`), never stored."""

    __slots__ = ()

    def _at(self, k: int) -> _T:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[_T]: ...

    def __getitem__(self, index: int | slice) -> _T | Sequence[_T]:
        positions = range(len(self))
        if isinstance(index, slice):
            return [self._at(k) for k in positions[index]]
        return self._at(positions[index])


class RowIds(_Made[str]):
    """Record ids that are row numbers written as text, made when read.

    A million ids kept as strings cost some 60 MB; these cost the numbers' array. The
    numbers must increase, so the ids are distinct without checking them as text.

    Raises:
        ConfigError: for numbers that do not strictly increase.
    """

    __slots__ = ("numbers",)

    def __init__(self, numbers: Sequence[int]) -> None:
        if any(a >= b for a, b in pairwise(numbers)):
            raise ConfigError("ids", "row numbers must strictly increase")
        self.numbers = numbers

    def __len__(self) -> int:
        return len(self.numbers)

    def _at(self, k: int) -> str:
        return str(self.numbers[k])


class Columns(_Made[Contact]):
    """Contacts given column by column, each contact built only when asked for.

    For callers that already hold the values the rules read (the file cleaner): the feature
    table is filled from *values* without a contact object per record, and only the members
    of the groups found are built. A field the rules read that *values* lacks is read from
    contacts built one at a time (correct, but slower).

    Attributes:
        ids: the contact ids, in order (a :class:`RowIds` keeps them as numbers).
        values: per field of :data:`PRE_READ`, one value per contact, as the contact holds
            it: ``first_name``/``last_name`` as the attribute, ``email`` the match key (a
            tuple of distinct keys when there are several, None when none), ``phone`` the
            E.164 form (likewise), ``company`` the company name, ``city``, ``street``
            (its first line), ``postal_code`` and ``region`` those of the first address,
            ``birth_date`` the date (None when blank).
        build: returns contact *k* (whose id is ``ids[k]``).
    """

    __slots__ = ("build", "ids", "values")

    def __init__(
        self,
        ids: Sequence[str],
        values: Mapping[str, list[Any]],
        build: Callable[[int], Contact],
    ) -> None:
        unknown = set(values) - PRE_READ
        if unknown:
            raise ConfigError("values", f"cannot take pre-read values of {sorted(unknown)}")
        if any(len(column) != len(ids) for column in values.values()):
            raise ConfigError("values", "every column needs one value per id")
        self.ids = ids
        self.values = values
        self.build = build

    def __len__(self) -> int:
        return len(self.ids)

    def _at(self, k: int) -> Contact:
        return self.build(k)
