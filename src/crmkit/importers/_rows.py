"""One row from input cells to clean values: map, normalize, validate.

:func:`normalize_row` is pure: the same row, mapping and options always give the same
:class:`RowResult`. Normalizations are memoised by distinct value, because real files repeat
companies, cities and sources on every row, and phone and e-mail validation are the costly
steps.

One bad cell does not cost the row: a value that cannot be read stays in its field as
typed, and the row keeps it with a :class:`Problem` (listed in ``values["problems"]`` too).
Only a row that is broken as a whole, or that leaves nothing to know the person by (no
valid name, e-mail or phone), is rejected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal

from attrs import frozen

from crmkit.errors import ConfigError, ErrorCode, ValidationError
from crmkit.values import EmailAddress, PhoneNumber, date_order

from . import _cells
from ._cells import NAME_PARTS
from ._date_columns import DATE_FIELDS
from ._header_match import phone_field_for
from ._locale import LocaleOptions
from ._mapping import CUSTOM_PREFIX, ColumnMapping
from ._problems import PROBLEMS, Problem
from ._reach import LIST_SEPARATOR, PHONE_FIELDS, emails_of, phones_of
from ._synonyms import MULTI_FIELDS
from ._table import SourceRow

__all__ = ["Problem", "RowResult", "normalize_row"]


Status = Literal["ok", "rejected", "skipped"]

_PHONE_FIELDS_SET: Final = frozenset(PHONE_FIELDS)
_LIST_SEPARATOR: Final = LIST_SEPARATOR
_CACHE: Final = 1 << 16
_NAME_PARTS_SET: Final = frozenset(NAME_PARTS)
# fields that _normalize_cells fills before its loop over the plain ones
_NOT_PLAIN: Final = frozenset({"name", "email", *NAME_PARTS, *PHONE_FIELDS})
_PLANS: Final = 64
_MALFORMED: Final = ErrorCode.MALFORMED_ROW
_MORE: Final = " ::: "
# problems that make the whole row unusable: its cells cannot be trusted or stored
_ROW_CODES: Final = frozenset({ErrorCode.NUL_CHARACTER})
# problems of a whole row that keep it: a line read in another code page, flagged
_KEPT_ROW_CODES: Final = frozenset({ErrorCode.LINE_ENCODING})


@frozen
class RowResult:
    """A row after mapping and normalization.

    Attributes:
        number: where the row is in the input (see :attr:`SourceRow.number`).
        status: ``ok`` (perhaps with cells kept as typed, see *problems*), ``rejected``
            (see *problems*) or ``skipped`` (see *reason*).
        values: the clean values by field (multi-valued fields joined with ``"; "``); a
            cell that could not be read is kept as typed, and ``values["problems"]`` says
            why.
        keys: match keys for finding duplicates: ``e:`` e-mail match key, ``p:`` E.164
            phone, ``n:`` name key and company key.
        problems: every problem found: why a rejected row was rejected, which cells of a
            usable row are kept as typed.
        reason: why the row was skipped.
        cells: the original cells.
        emails: the e-mail addresses of ``values["email"]``, already validated, in order.
        phones: the phone numbers of the phone fields, already validated, each with its
            field (``mobile``, ``phone`` or ``home_phone``), in order.
    """

    number: int
    status: Status
    values: dict[str, str]
    keys: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    reason: str = ""
    cells: tuple[str, ...] = ()
    emails: tuple[EmailAddress, ...] = ()
    phones: tuple[tuple[str, PhoneNumber], ...] = ()

    @property
    def summary(self) -> str:
        """The reasons of all problems in one line (or the skip reason)."""
        if self.status == "skipped":
            return self.reason
        return "; ".join(f"{p.column}: {p.reason}" for p in self.problems)


def normalize_row(
    row: SourceRow,
    mapping: ColumnMapping,
    options: LocaleOptions | None = None,
    *,
    coerce: Callable[[dict[str, str]], dict[str, str]] | None = None,
) -> RowResult:
    """Map one input row to contact fields, normalize them and say whether it can be used.

    Args:
        row: the input row.
        mapping: which column feeds which field (see :func:`map_columns`).
        options: region, locale and date conventions; defaults when None.
        coerce: checks and converts custom field values (given by a schema); it raises
            :class:`~crmkit.errors.ValidationError` naming the bad field.

    Returns:
        The result: ``skipped`` for an empty row, ``rejected`` with every problem found
        when the row is broken or names nobody, else ``ok`` with the clean values, match
        keys and the problems of the cells kept as typed.

    Raises:
        ConfigError: if *row*, *mapping* or *options* is not of its type (the error names
            the argument).
    """
    given: tuple[object, object, object] = (row, mapping, options)
    for name, value, kind in zip(
        ("row", "mapping", "options"), given, (SourceRow, ColumnMapping, LocaleOptions), strict=True
    ):
        if not isinstance(value, kind) and not (name == "options" and value is None):
            shown = type(value).__name__
            raise ConfigError(name, f"expected a {kind.__name__}, not {shown}")
    return _normalize_cells(
        row.number,
        row.cells,
        row.problem,
        mapping,
        options or LocaleOptions(),
        coerce=coerce,
        keep_cells=True,
    )


def _normalize_cells(
    number: int,
    cells: tuple[str, ...],
    problem: str | None,
    mapping: ColumnMapping,
    opts: LocaleOptions,
    *,
    coerce: Callable[[dict[str, str]], dict[str, str]] | None,
    keep_cells: bool,
) -> RowResult:
    # every row of every import runs through here: few calls, few lookups
    joined = "".join(cells)
    if problem is None and not joined.strip():
        return RowResult(number, "skipped", {}, reason="empty row", cells=cells)
    problems: list[Problem] = []
    if problem:
        problems.append(Problem("<row>", "", problem, getattr(problem, "code", _MALFORMED)))
    raw: dict[str, list[tuple[str, str]]] = {}
    width = len(cells)
    plan, carried = _plan(mapping)
    for index, field, column, typed_by in plan:
        text = cells[index].strip() if index < width else ""
        if text:
            if typed_by >= 0 and typed_by < width:
                field = phone_field_for(cells[typed_by], field)  # noqa: PLW2901 - the row's own kind
            if _MORE in text and field in MULTI_FIELDS:
                # Google Contacts writes several values of one cell as "a ::: b"
                pairs = [(column, t.strip()) for t in text.split(_MORE) if t.strip()]
            else:
                pairs = [(column, text)]
            if field in raw:
                raw[field].extend(pairs)
            else:
                raw[field] = pairs
    if "\x00" in joined:
        _nul_cells(raw, problems)
    values: dict[str, str] = {}
    keys: list[str] = []
    name_key = _names(raw, values, problems)
    emails = emails_of(raw["email"], values, keys, problems) if "email" in raw else []
    if _PHONE_FIELDS_SET.isdisjoint(raw):
        phones: list[tuple[str, PhoneNumber]] = []
    else:
        phones = phones_of(raw, opts, emails, values, keys, problems=problems)
    company_key = _plain(raw, opts, values, problems)
    for index, field in carried:
        # a column no field takes goes along as it was typed
        if index < width and cells[index].strip():
            values[field] = cells[index]
    if name_key and company_key:
        keys.append(f"n:{name_key}|{company_key}")
    if coerce is not None:
        _coerce(coerce, values, mapping, problems)
    # a contact is a person: a company alone names no one (the import of companies does)
    named = values.get("first_name") or values.get("last_name")
    if problems and any(
        (p.column == "<row>" and p.code not in _KEPT_ROW_CODES) or p.code in _ROW_CODES
        for p in problems
    ):
        return RowResult(number, "rejected", values, problems=tuple(problems), cells=cells)
    if not (named or keys):
        reason = "a contact needs a name, an e-mail or a phone"
        problems.append(Problem("<row>", "", reason, ErrorCode.NO_IDENTITY))
        return RowResult(number, "rejected", values, problems=tuple(problems), cells=cells)
    if problems:
        values[PROBLEMS] = _LIST_SEPARATOR.join(p.text for p in problems)
    return RowResult(
        number,
        "ok",
        values,
        tuple(dict.fromkeys(keys)),
        problems=tuple(problems),
        cells=cells if keep_cells else (),
        emails=tuple(emails),
        phones=tuple(phones),
    )


def _nul_cells(raw: dict[str, list[tuple[str, str]]], problems: list[Problem]) -> None:
    """Refuse the mapped cells holding a NUL character, which no store keeps as text."""
    for entries in raw.values():
        for column, text in entries:
            if "\x00" in text:
                reason = "holds a NUL character (\\x00), which text cannot store"
                problems.append(Problem(column, text, reason, ErrorCode.NUL_CHARACTER))


def _plain(
    raw: dict[str, list[tuple[str, str]]],
    opts: LocaleOptions,
    values: dict[str, str],
    problems: list[Problem],
) -> str:
    """Fill the fields other than names, e-mails and phones; return the company's key."""
    company_key = ""
    for field, entries in raw.items():
        if field in _NOT_PLAIN:
            continue
        if field in DATE_FIELDS:
            _date(field, entries[0], opts, values, problems)
            continue
        if len(entries) == 1:
            value = " ".join(entries[0][1].split())
        else:
            joiner = ", " if field == "address" else _LIST_SEPARATOR
            value = joiner.join([" ".join(text.split()) for _, text in entries])
        values[field] = value
        if field == "company":
            company_key = _cells.company_key(value)
    return company_key


def _date(
    field: str,
    entry: tuple[str, str],
    opts: LocaleOptions,
    values: dict[str, str],
    problems: list[Problem],
) -> None:
    """Read a date cell in its column's order; keep it as typed when it is none."""
    column, text = entry
    order = opts.date_order_of(column)
    try:
        values[field] = opts.parse_date(text, order).isoformat()
    except ValidationError as exc:
        reason = f"invalid date: {exc.reason}"
        problems.append(Problem(column, text, reason, exc.code, field))
        values[field] = text
        return
    if order is not None and (proved := date_order(text)) is not None and proved != order:
        # read the only way it can be, but its column reads dates the other way
        other = "day" if proved == "day_first" else "month"
        reason = (
            f"read as {values[field]}, which puts the {other} first, but the other dates of"
            " the column do not: check it"
        )
        problems.append(Problem(column, text, reason, ErrorCode.DATE_ORDER_CONFLICT, field))


_Plan = tuple[tuple[tuple[int, str, str, int], ...], tuple[tuple[int, str], ...]]
_plans: dict[int, tuple[ColumnMapping, _Plan]] = {}


def _plan(mapping: ColumnMapping) -> _Plan:
    """The rules of *mapping* as ``(index, field, column, typed_by)``, and its carried columns.

    Worked out once per mapping; the carried columns come as ``(index, field)``.
    """
    found = _plans.get(id(mapping))
    # the mapping is kept with its plan, so its id cannot be reused by another mapping
    if found is None or found[0] is not mapping:
        if len(_plans) > _PLANS:
            _plans.clear()
        rules = tuple((r.index, r.field, r.column, r.typed_by) for r in mapping.rules)
        carried = tuple((r.index, r.field) for r in mapping.carried)
        found = _plans[id(mapping)] = (mapping, (rules, carried))
    return found[1]


def _names(
    raw: dict[str, list[tuple[str, str]]], values: dict[str, str], problems: list[Problem]
) -> str:
    if "name" in raw and _NAME_PARTS_SET.isdisjoint(raw):
        # the usual case, a full name and no parts in columns of their own
        column, text = raw["name"][0]
        given = _cells.name_values(text)
        if isinstance(given, _cells.Refusal):
            problems.append(Problem(column, text, given.reason, given.code, "name"))
            values["name"] = text
            return ""
        values.update(given[0])
        return given[1]
    for part in NAME_PARTS:
        if part in raw:
            values[part] = " ".join(raw[part][0][1].split())
    text = raw["name"][0][1] if "name" in raw else ""
    column = raw["name"][0][0] if "name" in raw else ""
    if not text and ("first_name" in values or "last_name" in values):
        text = " ".join(values.get(p, "") for p in NAME_PARTS if values.get(p))
        column = ", ".join(raw[p][0][0] for p in NAME_PARTS if p in raw)
    if not text:
        return ""
    parsed = _cells.name_parts(text)
    if isinstance(parsed, _cells.Refusal):
        problems.append(Problem(column, text, parsed.reason, parsed.code, "name"))
        values["name"] = text
        return ""
    full, *parts, key = parsed
    values["name"] = full
    for part, value in zip(NAME_PARTS, parts, strict=True):
        # parts given in their own columns win over the split of the full name
        values.setdefault(part, value)
    return key


def _coerce(
    coerce: Callable[[dict[str, str]], dict[str, str]],
    values: dict[str, str],
    mapping: ColumnMapping,
    problems: list[Problem],
) -> None:
    custom = {k[len(CUSTOM_PREFIX) :]: v for k, v in values.items() if k.startswith(CUSTOM_PREFIX)}
    if not custom:
        return
    try:
        coerced = coerce(custom)
    except ValidationError as exc:
        errors = getattr(exc, "errors", None) or [exc]
        for error in errors:
            name = error.field or ""
            columns = mapping.columns_for(CUSTOM_PREFIX + name) if name else ()
            at = columns[0] if columns else name or "<row>"
            field = CUSTOM_PREFIX + name if name else ""
            problems.append(Problem(at, str(error.value), error.reason, error.code, field))
        return
    for name, value in coerced.items():
        values[CUSTOM_PREFIX + name] = value
