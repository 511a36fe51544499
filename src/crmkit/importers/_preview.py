"""``preview`` (the mapping and first rows before anything is written) and ``export``."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs
from attrs import frozen
from babel.dates import format_date

from crmkit.contacts import Contact
from crmkit.errors import ConfigError

from ._engine import prepare
from ._locale import LocaleOptions
from ._mapping import CUSTOM_PREFIX, ColumnMapping, CustomFieldSource
from ._options import CleanOptions, ReadOptions, checked
from ._rows import RowResult, normalize_row
from ._tabular import TableWriter, check_target
from ._vcard_write import card_values

if TYPE_CHECKING:  # only for the annotation: exporting without a schema needs no fields
    from crmkit.fields import Schema

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
        header_row: the line or sheet row the headers are read from (see
            :func:`open_source`).
    """

    source: str
    mapping: ColumnMapping
    options: LocaleOptions
    rows: tuple[RowResult, ...]
    header_row: int = 1

    def describe(self) -> str:
        """The mapping and the first rows, as text for people to check."""
        where = f" (headers on row {self.header_row})" if self.header_row != 1 else ""
        lines = [f"{self.source}{where}:", *("  " + line for line in self.mapping.describe())]
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
    options: ReadOptions | CleanOptions | None = None,
    schema: CustomFieldSource | None = None,
) -> ImportPlan:
    """Show how a file would be read, before anything is written.

    Args:
        path: a CSV, XLSX, JSON-lines or vCard (.vcf) file.
        rows: how many of the first rows to show.
        options: how to read the file: :class:`ReadOptions`, or the :class:`CleanOptions`
            a clean or import would be given (their ``read`` part); the defaults when None.
        schema: custom fields that unmapped columns may feed.

    Raises:
        SourceError: if the file cannot be read.
        ConfigError: for options of another type, a bad mapping override, or a negative
            *rows*.
    """
    given: object = rows  # callers are not type-checked: check what really came
    if not isinstance(given, int) or isinstance(given, bool):
        raise ConfigError("rows", f"expected a whole number, not {rows!r}")
    if rows < 0:
        raise ConfigError("rows", "must not be negative")
    read = options.read if isinstance(options, CleanOptions) else checked(options, ReadOptions)
    source = prepare(path, read, schema=schema)
    first = itertools.islice(source.table.rows(), rows)
    results = tuple(normalize_row(r, source.columns, source.locale) for r in first)
    return ImportPlan(
        source.table.name, source.columns, source.locale, results, source.table.header_row
    )


#: Columns every contact has, beyond its attributes.
_DERIVED_COLUMNS: Final = frozenset({"name", "email", "phone", "city", "postal_code", "country"})
_ATTRIBUTES: Final = frozenset(a.name for a in attrs.fields(Contact)) - {"custom"}
_BUILT_IN: Final = _DERIVED_COLUMNS | _ATTRIBUTES


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
    if column in _ATTRIBUTES:
        return _cell(getattr(contact, column), locale)
    return _cell(contact.custom.get(column.removeprefix(CUSTOM_PREFIX)), locale)


def _cell(value: object, locale: str | None) -> object:
    if locale and hasattr(value, "isoformat") and not isinstance(value, str):
        return format_date(value, format="short", locale=locale)  # type: ignore[arg-type]  # a date or datetime, by the check above
    if isinstance(value, tuple):
        return "; ".join(map(str, value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return value if isinstance(value, int | float | str) else str(value)


def _check_columns(columns: object, schema: Schema | None) -> tuple[list[str], set[str]]:
    """The columns to write, and the bare names that must turn out to be custom fields."""
    if isinstance(columns, str) or not isinstance(columns, Sequence):
        raise ConfigError("columns", f"expected a list of column names, not {columns!r}")
    if not columns:
        raise ConfigError("columns", "name at least one column")
    known = set(_BUILT_IN)
    if schema is not None:
        known.update(f.name for f in schema.fields)
    unknown: set[str] = set()
    for index, column in enumerate(columns):
        if not isinstance(column, str) or not column.removeprefix(CUSTOM_PREFIX).strip():
            raise ConfigError(f"columns[{index}]", f"expected a column name, not {column!r}")
        if not column.startswith(CUSTOM_PREFIX) and column not in known:
            unknown.add(column)
    return list(columns), unknown


def export(
    source: object,
    path: str | Path,
    *,
    columns: Sequence[str] | None = None,
    locale: str | None = None,
    where: str | None = None,
    schema: Schema | None = None,
    escape_formulas: bool = True,
) -> int:
    """Write contacts to a CSV, XLSX or vCard (.vcf) file (chosen by the extension).

    The file is written under a temporary name and renamed into place when complete: an
    export that fails leaves no file (and an older file at *path* as it was).

    Args:
        source: a store (its contacts are read page by page) or an iterable of contacts.
        path: the output file.
        columns: contact fields, ``name``, ``email``, ``phone``, ``city``, or custom field
            names (``score`` or ``custom:score``; the header is the bare name); each
            becomes a column. By default the main contact fields, plus every field of
            *schema* when one is given; for a ``.vcf`` file by default every name part,
            e-mail, phone (by its label: mobile, home or work), the first address, the
            company, job title, website, birthday, tags, notes, lead source and id.
        locale: when given, dates and phone numbers are written for people of that locale
            (``fa_IR`` dates, international phone format); else raw (ISO dates, E.164).
        where: a filter, when *source* is a store.
        schema: the contacts' custom fields (a ``crmkit.fields.Schema``): its formula
            fields are computed for each contact and exported like stored fields (a
            formula that fails on a contact leaves its cell blank).
        escape_formulas: put a ``'`` before a CSV cell that begins with ``=``, ``+``,
            ``-``, ``@``, a tab or a carriage return, so no spreadsheet program runs it as a
            formula (crmkit's readers take it off again); False writes every cell as it is,
            for a program that reads the file. XLSX text is always written as text cells.

    Returns:
        How many contacts were written.

    Raises:
        ConfigError: for empty or malformed *columns*, a bare column name that is neither a
            contact field, a field of *schema* nor a custom field of any exported contact
            (``custom:<name>`` always names a custom field), a *path* that is not .csv or
            .xlsx, an unknown *locale*, or a *source* that is not a store or contacts.
        SourceError: if the file cannot be written.
    """
    if columns is None and Path(path).suffix.lower() == ".vcf":
        return _export_cards(_contacts(source, where), path, locale)
    chosen = columns
    if chosen is None:
        chosen = [*DEFAULT_COLUMNS, *(f.name for f in schema.fields)] if schema else DEFAULT_COLUMNS
    names, unknown = _check_columns(chosen, schema)
    check_target(path, "path")
    if locale is not None:
        LocaleOptions(locale=locale)  # checks the name
    contacts = _contacts(source, where)
    formulas = set(schema.formula_order) if schema is not None else set()
    computed = [c for c in names if c.removeprefix(CUSTOM_PREFIX) in formulas]
    headers = [c.removeprefix(CUSTOM_PREFIX) for c in names]
    with TableWriter(path, headers, option="path", escape_formulas=escape_formulas) as writer:
        for contact in contacts:
            unknown.difference_update(contact.custom)
            row = [_value(contact, c, locale) for c in names]
            if computed and schema is not None:
                values = schema.compute(contact).values
                for index, column in enumerate(names):
                    if column in computed:
                        row[index] = _cell(values.get(column.removeprefix(CUSTOM_PREFIX)), locale)
            writer.write(row)
        if unknown:
            # raised inside the block, so the half-made file is dropped
            shown = ", ".join(sorted(unknown))
            raise ConfigError(
                "columns",
                f"unknown column(s) {shown}: not a contact field, and no exported contact"
                " has such a custom field (write custom:<name> for a custom field that may"
                " be blank)",
            )
        return writer.rows


def _export_cards(contacts: Iterable[Contact], path: str | Path, locale: str | None) -> int:
    """Write each contact as a vCard with all its e-mails, phones and its address."""
    if locale is not None:
        LocaleOptions(locale=locale)  # checks the name
    with TableWriter(path, [], option="path") as writer:
        for contact in contacts:
            writer.write_card(card_values(contact))
        return writer.rows


def _contacts(source: object, where: str | None) -> Iterable[Contact]:
    repo = getattr(source, "contacts", None)
    if repo is None:
        if isinstance(source, str | bytes | Mapping) or not isinstance(source, Iterable):
            shown = type(source).__name__
            raise ConfigError("source", f"expected a store or an iterable of contacts, not {shown}")
        return _checked(source)
    found: Iterable[Contact] = repo.find_all(where)
    return found


def _checked(source: Iterable[object]) -> Iterable[Contact]:
    for index, item in enumerate(source):
        if not isinstance(item, Contact):
            shown = type(item).__name__
            raise ConfigError(f"source[{index}]", f"expected a Contact, not {shown}")
        yield item
