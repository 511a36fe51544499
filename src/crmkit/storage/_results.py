"""What a store's reads and writes give back: pages of records, upsert counts, history."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, TypeAlias, TypeVar, overload

from attrs import field, frozen

__all__ = ["HistoryEntry", "Page", "UpsertResult", "WriteKind"]

R_co = TypeVar("R_co", covariant=True)

WriteKind: TypeAlias = Literal["add", "update", "delete", "restore"]
"""The kind of write a history entry records (its ``action``)."""


@frozen
class Page(Sequence[R_co]):
    """One page of a :meth:`Repository.find` scan: the records, and where the next page starts.

    A page is a sequence of its records. Pass :attr:`next_after` as ``after=`` to get the
    next page; it is None on the last page.

    Attributes:
        records: the records of this page, in the requested order.
        next_after: an opaque cursor for the next page, or None when there is no more.
    """

    records: tuple[R_co, ...] = field(converter=tuple)
    next_after: str | None = None

    @overload
    def __getitem__(self, index: int) -> R_co: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[R_co]: ...
    def __getitem__(self, index: int | slice) -> R_co | Sequence[R_co]:
        return self.records[index]

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[R_co]:
        return iter(self.records)


@frozen
class UpsertResult:
    """How many records a :meth:`Repository.bulk_upsert` created and how many it updated."""

    created: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        """Created plus updated."""
        return self.created + self.updated


@frozen(kw_only=True)
class HistoryEntry:
    """One change to one record: who did what, when, and which fields went from what to what.

    Attributes:
        kind: the record kind (``"contact"``, ``"company"``, a custom object type, ...).
        record_id: the id of the changed record.
        action: ``"add"``, ``"update"``, ``"delete"`` or ``"restore"``.
        actor: who made the change, as the caller named them; None when not given.
        at: when the change was stored (UTC).
        version: the record's version after the change.
        changes: for an update, each changed field with its ``(old, new)`` values as plain
            data (the form :func:`crmkit.to_dict` gives); empty for the other actions.
    """

    kind: str
    record_id: str
    action: WriteKind
    actor: str | None
    at: datetime
    version: int
    changes: Mapping[str, tuple[Any, Any]] = field(factory=dict)
