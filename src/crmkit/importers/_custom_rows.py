"""Records of a custom object type as an import sees them: its schema's fields, one key field.

Columns map to the fields of the object type's schema (by name, label or translated label)
and are read as their types. Rows match stored records by one key field: the one the
caller names, else the schema's first ``unique`` field the file maps, else the first field
the file maps. The stored records' keys are read once per import, so the memory this takes
grows with the records of the type, not with the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Final

from crmkit.contacts import RECORD_FIELDS
from crmkit.errors import ConfigError, ErrorCode, ValidationError
from crmkit.storage import CustomRecord, Repository, Store

from ._locale import LocaleOptions
from ._mapping import CUSTOM_PREFIX, ColumnMapping
from ._object_fields import schema_synonyms
from ._object_kind import Cells, Combine, StoredKeys, coerced_custom, combined, custom_fields
from ._rows import Problem

__all__ = ["CustomKind"]

_OWN: Final = {"owner": ("owner", "owner id", "record owner")}


class CustomKind:
    """A registered custom object type: rows to :class:`CustomRecord` values."""

    synonyms: Final = _OWN

    def __init__(
        self, store: Store, object_type: str, locale: LocaleOptions, *, key: str | None
    ) -> None:
        try:
            self._repository = store.objects(object_type)
            schema = store.schema(object_type)
        except ValidationError as exc:
            raise ConfigError(
                "kind",
                f"unknown record kind {object_type!r} (expected contact, company, deal or a "
                f"registered object type): {exc.reason}",
                code=ErrorCode.UNKNOWN_KIND,
            ) from exc
        self.name = object_type
        self._locale = locale
        self._fields = custom_fields(schema, (*RECORD_FIELDS, "owner_id"))
        self.custom = schema_synonyms(self._fields.schema, self._fields.money)
        declared = list(self._fields.names)
        self._unique = {f.name for f in self._fields.schema.fields if f.unique}
        if key is not None and key not in declared:
            raise ConfigError(
                "match_field",
                f"{object_type} has no field {key!r} (fields: {', '.join(declared)})",
                code=ErrorCode.CONFIG_UNKNOWN_KEY,
            )
        self._key = key
        self._stored = StoredKeys(self._repository, self.key)

    def use_mapping(self, mapping: ColumnMapping) -> None:
        """Choose the key field among the fields *mapping* feeds (unless one was given)."""
        if self._key is not None:
            return
        fed = {r.field[len(CUSTOM_PREFIX) :] for r in mapping.rules if r.field[:7] == "custom:"}
        ordered = [name for name in self._fields.names if name in fed]
        unique = [name for name in ordered if name in self._unique]
        chosen = unique or ordered
        self._key = chosen[0] if chosen else None

    def repository(self) -> Repository[CustomRecord]:
        """The store's records of the object type."""
        return self._repository

    def build(self, cells: Cells) -> CustomRecord | list[Problem]:
        """The record of a row, or every cell its schema cannot read."""
        problems: list[Problem] = []
        custom = coerced_custom(self._fields, cells, self._locale.locale, problems)
        if self._key is not None and CUSTOM_PREFIX + self._key not in cells:
            reason = f"a {self.name} needs its {self._key}"
            problems.append(Problem("<row>", "", reason, ErrorCode.REQUIRED_VALUE))
        if problems:
            return problems
        owner = cells.get("owner", ("", ""))[1] or None
        try:
            return CustomRecord(object_type=self.name, custom=custom, owner_id=owner)
        except ValidationError as exc:
            return [Problem("<row>", str(exc.value), exc.reason, exc.code)]

    def finish(self, records: Sequence[CustomRecord]) -> list[CustomRecord | list[Problem]]:
        """The records as they are: custom objects link to nothing."""
        return list(records)

    def key(self, record: CustomRecord) -> str | None:
        """The value of the key field, as text (None without a key field)."""
        if self._key is None:
            return None
        value = record.custom.get(self._key)
        return None if value is None else f"{type(value).__name__}:{value}"

    def stored(self, records: Sequence[CustomRecord]) -> dict[str, CustomRecord]:
        """The stored records the batch matches, by :meth:`key` (see :class:`StoredKeys`)."""
        return self._stored.matches(records)

    def keep(self, key: str, record: CustomRecord) -> None:
        """Remember that *key* is *record* from now on (a later batch matches it)."""
        self._stored.keep(key, record)

    def changed(self, old: CustomRecord, new: CustomRecord, how: Combine) -> CustomRecord:
        """*old* with the row's values merged in (or overwriting, for ``update``)."""
        return combined(old, new, how)

    def writing(self) -> AbstractContextManager[None]:
        """Writes happen as usual."""
        return nullcontext()
