"""Blocking keys and decision thresholds: the parts of match rules that stand on their own."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import field, frozen

from crmkit.errors import ConfigError

from ._checks import check_finite, is_count, is_text

__all__ = ["BlockingKey", "Thresholds"]


def _strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


_TRANSFORMS = (
    "exact", "first_letter", "phonetic", "sorted_words", "prefix4", "last_digits", "day_month",
)  # fmt: skip


def _check_key(key: BlockingKey) -> None:
    if not is_text(key.name):
        raise ConfigError("name", "a blocking key needs a name")
    if not key.fields:
        raise ConfigError("fields", "a blocking key needs at least one field")
    for i, name in enumerate(key.fields):
        if not is_text(name):
            raise ConfigError(f"fields[{i}]", "expected a field name")
    if len(key.transforms) not in (0, len(key.fields)):
        raise ConfigError(
            "transforms",
            f"give one transform per field ({len(key.fields)}), got {len(key.transforms)}",
        )
    for i, name in enumerate(key.transforms):
        if name not in _TRANSFORMS:
            raise ConfigError(
                f"transforms[{i}]", f"unknown transform {name!r}; use one of {_TRANSFORMS}"
            )
    if not is_count(key.max_block):
        raise ConfigError("max_block", f"must be an integer of at least 2, got {key.max_block!r}")
    check_finite("min_coverage", key.min_coverage)
    if not 0 <= key.min_coverage <= 1:
        raise ConfigError("min_coverage", f"a share from 0 to 1, got {key.min_coverage!r}")
    for i, name in enumerate(key.instead_of):
        if not is_text(name):
            raise ConfigError(f"instead_of[{i}]", "expected a field name")


@frozen(kw_only=True)
class BlockingKey:
    """A key that puts records into blocks: only records sharing a key value are compared.

    A record gets one key value per combination of its field values (several e-mails give
    several values) and none when any field is blank. Records that share a value of *any*
    blocking key are compared (the union of the candidate pairs).

    Attributes:
        name: the key's name, used in reports (``"name+city"``).
        fields: the fields whose normalized values make up the key.
        transforms: per field, how the value enters the key: ``exact``, ``first_letter``,
            ``phonetic`` (Metaphone), ``sorted_words`` (word order ignored), ``prefix4``
            ``last_digits`` (a phone's last digits: numbers with and without their
            country code, valid or kept as typed, meet) or ``day_month`` (a date with day
            and month in either order: a swapped birth date meets the right one).
        max_block: a key value shared by more records than this is skipped (and reported)
            rather than compared all-with-all.
        min_coverage: the key runs only when each of its fields is filled in on at least
            this share of the records (at 0, on one record at least): a field few records
            have does not pay for a pass over all of them.
        instead_of: fields the key stands in for: it runs only while fewer than half the
            records have any of them (``("email", "phone")``: a key for lists that have
            neither).

    Which keys ran, and why the others did not, is in the :class:`BlockingReport`.
    """

    name: str
    fields: tuple[str, ...] = field(converter=_strs)
    transforms: tuple[str, ...] = field(default=(), converter=_strs)
    max_block: int = 50
    min_coverage: float = 0.0
    instead_of: tuple[str, ...] = field(default=(), converter=_strs)

    def __attrs_post_init__(self) -> None:
        _check_key(self)

    def transform(self, index: int) -> str:
        """Return the transform of the field at *index*."""
        return self.transforms[index] if self.transforms else "exact"


@frozen(kw_only=True)
class Thresholds:
    """Where scores (probabilities from 0 to 1) become decisions.

    Attributes:
        match: at or above: the records are duplicates.
        possible: at or above (and below *match*): worth a person's look.
        core: in a group of three or more, a member linked to at most half of the others
            stays only if it matches the group's core at least this well (see
            ``docs/dedupe.md``: chains of weak links do not glue records together).
    """

    match: float = 0.9
    possible: float = 0.5
    core: float = 0.99

    def __attrs_post_init__(self) -> None:
        for name in ("match", "possible", "core"):
            value = getattr(self, name)
            check_finite(name, value)
            if not 0 < value < 1:
                raise ConfigError(name, f"a probability strictly between 0 and 1, got {value}")
        if self.possible > self.match:
            raise ConfigError(
                "possible", f"must not be above match ({self.match}), got {self.possible}"
            )
        if self.core < self.match:
            raise ConfigError("core", f"must not be below match ({self.match}), got {self.core}")
