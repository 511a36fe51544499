"""What blocking did: per key, what it found or why it did not run, and the union of pairs."""

from __future__ import annotations

from attrs import frozen

__all__ = ["BlockingReport", "KeyReport"]


@frozen(kw_only=True)
class KeyReport:
    """What one blocking key did.

    Attributes:
        name: the key's name.
        blocks: key values shared by two records or more (and not skipped).
        pairs: candidate pairs this key produced (before the union with other keys).
        skipped: key values skipped because more than ``max_block`` records shared them,
            with the number of records for each, largest first (at most 20 are listed).
        skipped_records: records in skipped blocks (counted once per block).
        enabled: whether the key ran: each of its fields is filled in on enough records
            (``min_coverage``) and, for a key that stands in for other fields
            (``instead_of``), too few records have those.
        reason: for a key that did not run, why (``"street is blank on every record"``).
    """

    name: str
    blocks: int
    pairs: int
    skipped: tuple[tuple[str, int], ...]
    skipped_records: int
    enabled: bool = True
    reason: str = ""


@frozen(kw_only=True)
class BlockingReport:
    """What blocking did: per key, and the union of candidate pairs.

    Attributes:
        records: how many records were blocked.
        keys: one :class:`KeyReport` per blocking key.
        candidate_pairs: distinct pairs scored (the union over keys).
        fields: per field a key reads, the keys it enabled: those that ran (``()`` for a
            field blank on every record: person lists without e-mail or phone enable none
            of their keys).
        coverage: per field a key reads (or stands in for), the share of records that
            have it filled in, from 0 to 1.
    """

    records: int
    keys: tuple[KeyReport, ...]
    candidate_pairs: int
    fields: tuple[tuple[str, tuple[str, ...]], ...] = ()
    coverage: tuple[tuple[str, float], ...] = ()

    def enabled_by(self, field: str) -> tuple[str, ...]:
        """The names of the keys *field* enabled (none for a field no key reads)."""
        return dict(self.fields).get(field, ())

    @property
    def enabled(self) -> tuple[str, ...]:
        """The names of the keys that ran."""
        return tuple(k.name for k in self.keys if k.enabled)

    @property
    def skipped(self) -> tuple[tuple[str, str, int], ...]:
        """Every skipped block as (key name, key value, records)."""
        return tuple((k.name, value, size) for k in self.keys for value, size in k.skipped)
