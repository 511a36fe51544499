"""Running the row pipeline over a whole table: in chunks, in this process or on a pool.

A source is prepared once (opened, its columns mapped, its phone regions guessed), then its
rows are normalized in chunks: in this process by default, or, with ``workers`` above one
in the :class:`CleanOptions`, on a process pool of that size. Results come back in input
order, and only a few chunks are in flight at once, so memory stays flat however long the
input is.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar

import attrs

from crmkit.contacts import Contact

from . import _cells
from ._convert import typed_custom, with_contact
from ._date_columns import DATE_FIELDS, DateColumn, decide_date_orders
from ._fuzzy import encode_json, features
from ._locale import LocaleOptions
from ._mapping import ColumnMapping, CustomFieldSource, map_columns
from ._options import CleanOptions, ReadOptions
from ._problems import Problem
from ._report import Progress, ProgressCallback
from ._rows import RowResult, _normalize_cells
from ._schema_fields import Coerce, SchemaFields
from ._sources import SourceRow, Table, open_source
from ._split import widths

__all__ = [
    "Prepared",
    "Spilled",
    "estimate_rows",
    "infer_regions",
    "normalized",
    "prepare",
    "spill_chunk",
    "spilled",
    "with_contacts",
]

_CHUNK: Final = 2000
_SAMPLE_ROWS: Final = 2000
_PHONES: Final = ("mobile", "phone", "home_phone")

_T = TypeVar("_T")
Packed = RowResult | tuple[int, dict[str, str], tuple[str, ...], tuple[Any, ...], tuple[Any, ...]]

_Args = tuple[ColumnMapping, LocaleOptions, Coerce | None]
# a row on its way to a worker: (number, cells, problem), which pickles several times
# faster than a SourceRow
_Row = tuple[int, tuple[str, ...], str | None]
_state: dict[str, _Args] = {}


def estimate_rows(table: Table) -> int | None:
    """Roughly how many data rows *table* has (counting lines of a CSV), or None."""
    if table.format in ("csv", "jsonl"):
        size = Path(table.name).stat().st_size
        with Path(table.name).open("rb") as fh:
            head = fh.read(1 << 20)
        if len(head) >= size:
            return max(head.count(b"\n") - (table.format == "csv"), 0)
        per_line = len(head) / max(head.count(b"\n"), 1)
        return int(size / per_line)
    return None


def infer_regions(table: Table, mapping: ColumnMapping) -> tuple[str, ...]:
    """The regions of the phone numbers written with a country code in the first rows.

    Most frequent first: national numbers in a file whose region is not given are tried
    against these.
    """
    columns = [rule.index for rule in mapping.rules if rule.field in _PHONES]
    if not columns:
        return ()
    counts: Counter[str] = Counter()
    for row in itertools.islice(table.rows(), _SAMPLE_ROWS):
        for index in columns:
            text = row.cells[index].strip() if index < len(row.cells) else ""
            if text[:1] == "+" or text[:2] == "00":
                found = _cells.phone(text, None)
                if not isinstance(found, _cells.Refusal) and found.region:
                    counts[found.region] += 1
    return tuple(region for region, _ in counts.most_common())


class Prepared(NamedTuple):
    """A source ready to be normalized.

    Attributes:
        table: the opened source.
        columns: where each of its columns goes.
        locale: the locale options its rows are read with (with guessed phone regions
            and the order of each date column).
        dates: how each date column is read, and why.
    """

    table: Table
    columns: ColumnMapping
    locale: LocaleOptions
    dates: tuple[DateColumn, ...] = ()


def prepare(
    source: str | Path | Table, read: ReadOptions, *, schema: CustomFieldSource | None = None
) -> Prepared:
    """Open a source and work out its column mapping and locale options.

    When no region is given, the regions of the numbers written with a country code in the
    first rows are kept as fallbacks for national numbers. The order of the day and the
    month in each date column is decided from all its values.

    Raises:
        SourceError: if the source cannot be read.
    """
    options = read.locale_options
    table = (
        source
        if isinstance(source, Table)
        else open_source(
            source,
            sheet=read.sheet,
            encoding=read.encoding,
            delimiter=read.delimiter,
            header_row=read.header_row,
        )
    )
    columns = map_columns(table.headers, read.mapping, schema=schema)
    if options.phone_region is None and table.format != "records":
        options = LocaleOptions(
            locale=read.locale, jalali=read.jalali, fallback_regions=infer_regions(table, columns)
        )
    dates: tuple[DateColumn, ...] = ()
    dated = DATE_FIELDS | (schema.date_fields if isinstance(schema, SchemaFields) else set())
    if table.format != "records" and any(r.field in dated for r in columns.rules):
        # one pass over the date columns of every row: the order is the column's, not a
        # sample's
        dates = decide_date_orders(table.rows(), columns, options, dated)
        orders = tuple((d.column, d.order) for d in dates)
        options = attrs.evolve(options, date_orders=orders)
    return Prepared(table, columns, options, dates)


def _init(mapping: ColumnMapping, options: LocaleOptions, coerce: Coerce | None) -> None:
    _state["args"] = (mapping, options, coerce)


def _in_worker(work: Callable[[_Args, list[_Row]], _T], rows: list[_Row]) -> _T:
    # the arguments reach each worker once, through the pool's initializer
    return work(_state["args"], rows)


def _packed(args: _Args, rows: list[_Row]) -> list[Packed]:
    mapping, options, coerce = args
    return [
        _pack(_normalize_cells(*r, mapping, options, coerce=coerce, keep_cells=False)) for r in rows
    ]


def _packed_with_cells(args: _Args, rows: list[_Row]) -> list[RowResult]:
    mapping, options, coerce = args
    return [_normalize_cells(*r, mapping, options, coerce=coerce, keep_cells=True) for r in rows]


def _pack(result: RowResult) -> Packed:
    # plain tuples cross the process boundary several times cheaper than attrs instances
    if result.status == "ok" and not result.problems:
        return (result.number, result.values, result.keys, result.emails, result.phones)
    return result


def with_contacts(
    source: Prepared,
    options: CleanOptions,
    *,
    coerce: Coerce | None = None,
    progress: ProgressCallback | None = None,
    keep_cells: bool = False,
) -> Iterator[tuple[RowResult, Contact | None]]:
    """Like :func:`normalized`, with the :class:`Contact` of each usable row (else None).

    The contacts are built in this process from the objects validated during
    normalization (unpickling a contact built in a worker costs as much as building it).
    A row that makes no valid contact comes back rejected (with its cells when
    *keep_cells*).
    """
    rows = normalized(source, options, coerce=coerce, progress=progress, keep_cells=keep_cells)
    built = map(with_contact, rows)
    if coerce is None:
        return built
    # the rows hold custom values as text; the contact holds them as their types
    return (typed_custom(coerce, result, contact) for result, contact in built)


def _unpack(item: Packed) -> RowResult:
    if isinstance(item, RowResult):
        return item
    number, values, keys, emails, phones = item
    return RowResult(number, "ok", values, keys, emails=emails, phones=phones)


def _spilled(args: _Args, rows: list[_Row]) -> Spilled:
    mapping, options, coerce = args
    return spill_chunk(
        [_normalize_cells(*r, mapping, options, coerce=coerce, keep_cells=False) for r in rows]
    )


def spill_chunk(results: list[RowResult]) -> Spilled:
    """Split a chunk of results into what the cleaner stores and what it reports.

    Usable rows become ``(number, values as JSON, keys, features as JSON)`` (the JSON is
    made where the row was normalized, so a worker process does that work too), the other
    rows stay whole, and the fields any usable row fills are listed, with the most values
    a row has in each e-mail and phone field and the problems of the usable rows.
    """
    usable: list[tuple[int, str, tuple[str, ...], str]] = []
    others: list[RowResult] = []
    flagged: list[tuple[int, tuple[Problem, ...]]] = []
    filled: set[str] = set()
    counts: dict[str, int] = {}
    for result in results:
        if result.status == "ok":
            usable.append(
                (result.number, encode_json(result.values), result.keys, features(result))
            )
            filled.update(result.values)
            widths(result.values, counts)
            if result.problems:
                flagged.append((result.number, result.problems))
        else:
            others.append(result)
    return Spilled(usable, others, frozenset(filled), len(results), counts, flagged)


class Spilled(NamedTuple):
    """A chunk of normalized rows in the form the cleaner stores them.

    Attributes:
        usable: ``(row number, clean values as JSON, match keys, compact features as
            JSON)`` of each usable row.
        others: the skipped and rejected rows.
        filled: the fields at least one usable row fills.
        size: rows in the chunk.
        widths: the most values one usable row has in each e-mail and phone field.
        flagged: the usable rows with cells kept as typed, with their problems.
    """

    usable: list[tuple[int, str, tuple[str, ...], str]]
    others: list[RowResult]
    filled: frozenset[str]
    size: int
    widths: dict[str, int]
    flagged: list[tuple[int, tuple[Problem, ...]]]


def normalized(
    source: Prepared,
    options: CleanOptions,
    *,
    coerce: Coerce | None = None,
    progress: ProgressCallback | None = None,
    keep_cells: bool = False,
) -> Iterator[RowResult]:
    """Yield the :class:`RowResult` of every row of *source*, in order.

    Usable rows come without their original cells (only rejected rows need them) unless
    *keep_cells*.

    Args:
        source: the prepared input.
        options: the options; their ``workers`` says where the rows are normalized.
        coerce: custom field conversion (from a schema), or None.
        progress: called after each chunk.
        keep_cells: keep the original cells of usable rows too.
    """
    total = estimate_rows(source.table)
    if keep_cells:
        whole = _run(source, _packed_with_cells, coerce=coerce, workers=options.workers)
        for rows in _with_progress(whole, progress, total, len):
            yield from rows
        return
    chunks = _run(source, _packed, coerce=coerce, workers=options.workers)
    for chunk in _with_progress(chunks, progress, total, len):
        yield from map(_unpack, chunk)


def spilled(
    source: Prepared,
    options: CleanOptions,
    *,
    coerce: Coerce | None = None,
    progress: ProgressCallback | None = None,
) -> Iterator[Spilled]:
    """Like :func:`normalized`, but chunk by chunk in the form the cleaner stores rows."""
    chunks = _run(source, _spilled, coerce=coerce, workers=options.workers)
    total = estimate_rows(source.table)
    yield from _with_progress(chunks, progress, total, lambda c: c.size)


def _run(
    source: Prepared,
    work: Callable[[_Args, list[_Row]], _T],
    *,
    coerce: Coerce | None,
    workers: int,
) -> Iterator[_T]:
    chunks = _chunks(source.table.rows())
    args = (source.columns, source.locale, coerce)
    if workers <= 1:
        yield from (work(args, chunk) for chunk in chunks)
        return
    with ProcessPoolExecutor(workers, initializer=_init, initargs=args) as pool:
        yield from _pooled(pool, chunks, workers * 3, work)


def _chunks(rows: Iterator[SourceRow]) -> Iterator[list[_Row]]:
    while chunk := [(r.number, r.cells, r.problem) for r in itertools.islice(rows, _CHUNK)]:
        yield chunk


def _pooled(
    pool: ProcessPoolExecutor,
    chunks: Iterator[list[_Row]],
    depth: int,
    work: Callable[[_Args, list[_Row]], _T],
) -> Iterator[_T]:
    pending: deque[Future[_T]] = deque()
    for chunk in chunks:
        pending.append(pool.submit(_in_worker, work, chunk))
        if len(pending) >= depth:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _with_progress(
    results: Iterator[_T],
    progress: ProgressCallback | None,
    total: int | None,
    size: Callable[[_T], int],
) -> Iterator[_T]:
    started = time.perf_counter()
    done = 0
    for chunk in results:
        yield chunk
        done += size(chunk)
        if progress is not None:
            elapsed = max(time.perf_counter() - started, 1e-9)
            rate = done / elapsed
            expected = max(total, done) if total is not None else None
            eta = (expected - done) / rate if expected is not None and rate > 0 else None
            progress(Progress(done, expected, rate, eta))
