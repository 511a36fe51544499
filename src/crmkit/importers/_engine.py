"""Running the row pipeline over a whole table: in chunks, on every core for large inputs.

Rows are normalized in chunks; for a large input the chunks go to a process pool, so both
cores of a small machine work. Results come back in input order, and only a few chunks are
in flight at once, so memory stays flat however long the input is.
"""

from __future__ import annotations

import itertools
import os
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Final

from attrs import evolve

from ._locale import LocaleOptions
from ._mapping import ColumnMapping
from ._report import Progress, ProgressCallback
from ._rows import RowResult, _phone, normalize_row
from ._sources import SourceRow, Table

__all__ = ["estimate_rows", "infer_regions", "normalized"]

_CHUNK: Final = 2000
_POOL_THRESHOLD: Final = 50_000
_SAMPLE_ROWS: Final = 2000
_PHONES: Final = ("mobile", "phone", "home_phone")

Coerce = Callable[[dict[str, str]], dict[str, str]]

_state: dict[str, tuple[ColumnMapping, LocaleOptions, Coerce | None]] = {}


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
                found = _phone(text, None)
                if not isinstance(found, str) and found.region:
                    counts[found.region] += 1
    return tuple(region for region, _ in counts.most_common())


def _init(mapping: ColumnMapping, options: LocaleOptions, coerce: Coerce | None) -> None:
    _state["args"] = (mapping, options, coerce)


def _work(rows: list[SourceRow]) -> list[RowResult]:
    mapping, options, coerce = _state["args"]
    return [_slim(normalize_row(r, mapping, options, coerce=coerce)) for r in rows]


def _slim(result: RowResult) -> RowResult:
    # only rejected rows need their original cells (for the rejects output)
    if result.status == "ok":
        return evolve(result, cells=())
    return result


def normalized(
    table: Table,
    mapping: ColumnMapping,
    options: LocaleOptions,
    *,
    coerce: Coerce | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    total: int | None = None,
) -> Iterator[RowResult]:
    """Yield the :class:`RowResult` of every row of *table*, in order.

    Args:
        table: the input.
        mapping: the column mapping.
        options: the locale options.
        coerce: custom field conversion (from a schema), or None.
        workers: processes to use; by default one per core for inputs of 50,000 rows and
            more, else none (the work runs in this process).
        progress: called after each chunk.
        total: the expected number of rows, for the progress estimate.
    """
    chunks = _chunks(table.rows())
    count = workers if workers is not None else _default_workers(total)
    results: Iterator[list[RowResult]]
    if count <= 1:
        results = (
            [_slim(normalize_row(r, mapping, options, coerce=coerce)) for r in chunk]
            for chunk in chunks
        )
        yield from _with_progress(results, progress, total)
        return
    with ProcessPoolExecutor(count, initializer=_init, initargs=(mapping, options, coerce)) as pool:
        yield from _with_progress(_pooled(pool, chunks, count * 3), progress, total)


def _default_workers(total: int | None) -> int:
    cores = os.cpu_count() or 1
    if total is None or total < _POOL_THRESHOLD:
        return 1
    return cores


def _chunks(rows: Iterator[SourceRow]) -> Iterator[list[SourceRow]]:
    while chunk := list(itertools.islice(rows, _CHUNK)):
        yield chunk


def _pooled(
    pool: ProcessPoolExecutor, chunks: Iterator[list[SourceRow]], depth: int
) -> Iterator[list[RowResult]]:
    pending: deque[Future[list[RowResult]]] = deque()
    for chunk in chunks:
        pending.append(pool.submit(_work, chunk))
        if len(pending) >= depth:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _with_progress(
    results: Iterator[list[RowResult]], progress: ProgressCallback | None, total: int | None
) -> Iterator[RowResult]:
    started = time.perf_counter()
    done = 0
    for chunk in results:
        yield from chunk
        done += len(chunk)
        if progress is not None:
            elapsed = max(time.perf_counter() - started, 1e-9)
            rate = done / elapsed
            expected = max(total, done) if total is not None else None
            eta = (expected - done) / rate if expected is not None and rate > 0 else None
            progress(Progress(done, expected, rate, eta))
