"""``preview`` (the mapping and first rows before anything is written) and ``export``."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final

from attrs import frozen
from babel.dates import format_date

from crmkit.contacts import Contact
from crmkit.errors import ConfigError

from ._clean import prepare
from ._locale import LocaleOptions
from ._mapping import ColumnMapping, CustomFieldSource
from ._rows import RowResult, normalize_row
from ._tabular import TableWriter

__all__ = ["ImportPlan", "export", "preview"]

DEFAULT_COLUMNS: Final = (
    "id", "first_name", "last_name", "email", "phone", "job_title", "city", "lead_source",
)  # fmt: skip


@frozen
class ImportPlan:
    """What an import or clean would do with a file, worked out from its first rows.

    Attributes:
        source: the input's name.
        mapping: where each column goes.
        options: the locale options that would be used (with guessed phone regions).
        rows: the first rows as they would be imported (or why they would not be).
    """

    source: str
    mapping: ColumnMapping
    options: LocaleOptions
    rows: tuple[RowResult, ...]

    def describe(self) -> str:
        """The mapping and the first rows, as text for people to check."""
        lines = [f"{self.source}:", *("  " + line for line in self.mapping.describe())]
        for row in self.rows:
            if row.status == "ok":
                shown = ", ".join(f"{k}={v}" for k, v in row.values.items())
                lines.append(f"  row {row.number}: {shown}")
            else:
                lines.append(f"  row {row.number}: {row.status}: {row.summary}")
        return "\n".join(lines)


def preview(
    path: str | Path,
    *,
    rows: int = 5,
    mapping: Mapping[str, str | None] | None = None,
    region: str | None = None,
    locale: str | None = None,
    schema: CustomFieldSource | None = None,
    sheet: str | int | None = None,
) -> ImportPlan:
    """Show how a file would be read, before anything is written.

    Raises:
        SourceError: if the file cannot be read.
        ConfigError: for a bad mapping, region or locale, or a negative *rows*.
    """
    if rows < 0:
        raise ConfigError("rows", "must not be negative")
    table, columns, options = prepare(
        path, mapping=mapping, region=region, locale=locale, schema=schema, sheet=sheet
    )
    first = itertools.islice(table.rows(), rows)
    results = tuple(normalize_row(r, columns, options) for r in first)
    return ImportPlan(table.name, columns, options, results)


def _value(contact: Contact, column: str, locale: str | None) -> object:
    if column == "email":
        return str(contact.primary_email or "")
    if column == "phone":
        number = contact.primary_phone
        if number is None:
            return ""
        return number.international if locale else number.e164
    if column == "name":
        return contact.full_name
    if column in ("city", "postal_code", "country"):
        return getattr(contact.addresses[0], column) if contact.addresses else ""
    if hasattr(contact, column) and column != "custom":
        value = getattr(contact, column)
    else:
        value = contact.custom.get(column, "")
    if locale and hasattr(value, "isoformat") and not isinstance(value, str):
        return format_date(value, format="short", locale=locale)
    if isinstance(value, tuple):
        return "; ".join(map(str, value))
    if value is None:
        return ""
    return value if isinstance(value, int | float | str) else str(value)


def export(
    source: object,
    path: str | Path,
    *,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    locale: str | None = None,
    where: str | None = None,
) -> int:
    """Write contacts to a CSV or XLSX file (chosen by the extension).

    Args:
        source: a store (its contacts are read page by page) or an iterable of contacts.
        path: the output file.
        columns: contact fields, ``name``, ``email``, ``phone``, ``city``, or custom field
            names; each becomes a column.
        locale: when given, dates and phone numbers are written for people of that locale
            (``fa_IR`` dates, international phone format); else raw (ISO dates, E.164).
        where: a filter, when *source* is a store.

    Returns:
        How many contacts were written.

    Raises:
        SourceError: if the file cannot be written.
        ConfigError: if *columns* is empty.
    """
    if not columns:
        raise ConfigError("columns", "name at least one column")
    if locale is not None:
        LocaleOptions(locale=locale)  # checks the name
    with TableWriter(path, list(columns)) as writer:
        for contact in _contacts(source, where):
            writer.write([_value(contact, c, locale) for c in columns])
        return writer.rows


def _contacts(source: object, where: str | None) -> Iterable[Contact]:
    repo = getattr(source, "contacts", None)
    if repo is None:
        if not isinstance(source, Iterable):
            raise ConfigError("source", "expected a store or an iterable of contacts")
        yield from source
        return
    after = None
    while True:
        page = repo.find(where, limit=1000, after=after)
        yield from page
        after = page.next_after
        if after is None:
            break
