"""The state of an in-memory store: its tables, key index, history and undo log.

:class:`MemoryState` holds what a :class:`~crmkit.storage.MemoryStore` and its repositories
share; each write logs how to undo itself, so a transaction that fails puts everything back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from attrs import frozen

from crmkit._record import utcnow

from ._kinds import RecordKind
from ._protocol import HistoryEntry, WriteKind
from ._registry import Registry

__all__ = ["MemoryState", "Stored"]


@frozen
class Stored:
    """A record as a memory store keeps it, with whether it is (softly) deleted."""

    record: Any
    deleted: bool = False


class MemoryState:
    """Tables, key index, history, undo log and lock of one memory store."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.registry = Registry()
        self.tables: dict[str, dict[str, Stored]] = {}
        self.keys: dict[tuple[str, str, str], set[str]] = {}
        self.history: dict[str, list[HistoryEntry]] = {}
        self._undo: list[list[Callable[[], None]]] = []

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes: all of them or none; a nested block is a savepoint."""
        with self.lock:
            log: list[Callable[[], None]] = []
            self._undo.append(log)
            try:
                yield
            except BaseException:
                self._undo.pop()
                for undo in reversed(log):
                    undo()
                raise
            self._undo.pop()
            if self._undo:
                self._undo[-1].extend(log)

    def log(self, undo: Callable[[], None]) -> None:
        """Remember how to undo a write, inside a transaction."""
        if self._undo:
            self._undo[-1].append(undo)

    def put(self, kind: RecordKind[Any], stored: Stored) -> None:
        """Store *stored* in its kind's table and key index."""
        table = self.tables.setdefault(kind.name, {})
        record_id = stored.record.id
        before = table.get(record_id)
        self.index(kind, before, remove=True)
        table[record_id] = stored
        self.index(kind, stored, remove=False)

        def undo() -> None:
            self.index(kind, stored, remove=True)
            if before is None:
                del table[record_id]
            else:
                table[record_id] = before
                self.index(kind, before, remove=False)

        self.log(undo)

    def index(self, kind: RecordKind[Any], stored: Stored | None, *, remove: bool) -> None:
        """Add *stored*'s match keys to the index, or remove them."""
        if stored is None:
            return
        record_id = stored.record.id
        for key_type, key in kind.keys(stored.record):
            slot = (kind.name, key_type, key)
            if remove:
                ids = self.keys.get(slot)
                if ids is not None:
                    ids.discard(record_id)
                    if not ids:
                        del self.keys[slot]
            else:
                self.keys.setdefault(slot, set()).add(record_id)

    def record_history(
        self,
        kind: RecordKind[Any],
        record: Any,
        action: WriteKind,
        actor: str | None,
        changes: Mapping[str, tuple[Any, Any]] | None = None,
    ) -> None:
        """Append a history entry for a write of *record*."""
        entry = HistoryEntry(
            kind=kind.name,
            record_id=record.id,
            action=action,
            actor=actor,
            at=utcnow(),
            version=record.version,
            changes=dict(changes or {}),
        )
        entries = self.history.setdefault(record.id, [])
        entries.append(entry)
        self.log(lambda: entries.remove(entry))
