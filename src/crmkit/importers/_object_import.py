"""Importing companies, deals and custom objects: one batch loop for every record kind.

The loop reads the source, maps its columns to the kind's fields, turns each row into a
record through the kind's :class:`~crmkit.importers._object_kind.ObjectKind`, matches the
batch against the store (and the rows before it), then writes the batch in one transaction
with its undo log, as a contact import does. Rows that cannot be used are counted, with
their row, column, reason and code; nothing typed in a mapped column is dropped.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from crmkit.errors import ConfigError, ErrorCode
from crmkit.pipeline import Pipeline, Pipelines
from crmkit.storage import Store

from ._activity_rows import ActivityRows
from ._company_rows import CompanyKind
from ._custom_rows import CustomKind
from ._deal_rows import DealKind, PipelineMode
from ._object_fields import map_object_columns
from ._object_kind import Cells, Combine, ObjectKind
from ._options import OnDuplicate, ReadOptions
from ._rejects import RejectsSpool
from ._report import ImportReport, Progress, ProgressCallback, Rejection
from ._rows import Problem, RowResult
from ._sources import SourceRow, open_source
from ._undo import register_log, write_log

__all__ = ["import_objects"]

PipelinesGiven = Pipelines | Mapping[str, Pipeline] | list[Pipeline] | tuple[Pipeline, ...]
_KEEP_REJECTIONS: Final = 1000
_PROGRESS_ROWS: Final = 2000


def _pipelines(given: PipelinesGiven | None) -> Pipelines:
    if given is None:
        raise ConfigError("pipelines", "a deal import needs the pipelines the store enforces")
    if isinstance(given, Pipelines):
        return given
    if isinstance(given, Mapping | list | tuple):
        found = Pipelines(given)
        if len(found):
            return found
    raise ConfigError("pipelines", f"expected one or more Pipeline, not {given!r}")


def object_kind(
    store: Store,
    kind: str,
    read: ReadOptions,
    *,
    pipelines: PipelinesGiven | None,
    pipeline_mode: PipelineMode,
    match_field: str | None,
    actor: str,
    zone: str = "UTC",
) -> ObjectKind[Any]:
    """The :class:`ObjectKind` that imports records of *kind* into *store*.

    Raises:
        ConfigError: for an unknown kind (``importers.unknown_kind``), a bad pipeline mode,
            a deal import without pipelines, or a *match_field* the object type lacks.
    """
    locale = read.locale_options
    if pipeline_mode not in ("enforce", "load"):
        reason = f"unknown mode {pipeline_mode!r} (expected enforce or load)"
        raise ConfigError("pipeline_mode", reason)
    if kind == "company":
        return CompanyKind(store, locale)
    if kind == "activity":
        return ActivityRows(store, locale, zone)
    if kind == "deal":
        return DealKind(store, locale, _pipelines(pipelines), mode=pipeline_mode, actor=actor)
    if kind in ("affiliation", "contact"):
        expected = "contact, company, deal, activity or an object type"
        reason = f"unknown record kind {kind!r} (expected {expected})"
        raise ConfigError("kind", reason, code=ErrorCode.UNKNOWN_KIND)
    return CustomKind(store, kind, locale, key=match_field)


def import_objects(
    path: str | Path,
    store: Store,
    kind: ObjectKind[Any],
    *,
    read: ReadOptions,
    on_duplicate: OnDuplicate,
    dry_run: bool,
    actor: str,
    import_id: str,
    batch_size: int,
    rejects: str | Path | None = None,
    escape_formulas: bool = True,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import the records of *kind* a file holds; see :func:`import_file`."""
    started = time.perf_counter()
    table = open_source(path, sheet=read.sheet, encoding=read.encoding, delimiter=read.delimiter)
    mapping = map_object_columns(
        table.headers, kind.synonyms, custom=kind.custom, overrides=read.mapping
    )
    kind.use_mapping(mapping)
    if not dry_run:
        register_log(store)
    job = _Job(store, kind, on_duplicate=on_duplicate, dry_run=dry_run, actor=actor)
    job.import_id = import_id
    plan = [(rule.index, rule.field, rule.column) for rule in mapping.rules]
    with tempfile.TemporaryDirectory(prefix="crmkit-import-") as scratch:
        if rejects is not None:
            job.spool = RejectsSpool(Path(scratch), table.headers)
        batch: list[tuple[int, tuple[str, ...], Any]] = []
        for row in table.rows():
            built = job.read(row, plan)
            if built is not None:
                batch.append((row.number, row.cells, built))
            if len(batch) >= batch_size:
                job.flush(batch)
                batch = []
            if progress is not None and job.rows_read % _PROGRESS_ROWS == 0:
                _report_progress(progress, job.rows_read, started)
        job.flush(batch)
        if progress is not None:
            _report_progress(progress, job.rows_read, started)
        if job.spool is not None and rejects is not None:
            job.spool.write(rejects, escape_formulas=escape_formulas).publish()
            job.spool.close()
    return ImportReport(
        import_id=import_id,
        source=table.name,
        rows_read=job.rows_read,
        created=job.counts["created"],
        updated=job.counts["updated"],
        merged=job.counts["merged"],
        skipped=job.counts["skipped"],
        rejected=job.counts["rejected"],
        reasons=dict(job.reasons.most_common()),
        rejections=tuple(job.rejections),
        mapping=mapping,
        dry_run=dry_run,
        seconds=time.perf_counter() - started,
    )


def _report_progress(progress: ProgressCallback, done: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    progress(Progress(done, None, rate, None))


class _Job:
    def __init__(
        self,
        store: Store,
        kind: ObjectKind[Any],
        *,
        on_duplicate: OnDuplicate,
        dry_run: bool,
        actor: str,
    ) -> None:
        self.store = store
        self.kind = kind
        self.on_duplicate = on_duplicate
        self.dry_run = dry_run
        self.actor = actor
        self.import_id = ""
        self.rows_read = 0
        self.counts: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.rejections: list[Rejection] = []
        self.spool: RejectsSpool | None = None

    def read(self, row: SourceRow, plan: list[tuple[int, str, str]]) -> Any:
        """The record of one row, or None when the row is skipped or rejected (and counted)."""
        self.rows_read += 1
        if row.problem is None and not "".join(row.cells).strip():
            self.skip("empty row")
            return None
        cells: Cells = {}
        problems: list[Problem] = []
        if row.problem is not None:
            code = getattr(row.problem, "code", ErrorCode.MALFORMED_ROW)
            problems.append(Problem("<row>", "", row.problem, code))
        for index, field, column in plan:
            text = row.cells[index].strip() if index < len(row.cells) else ""
            if "\x00" in text:
                reason = "holds a NUL character (\\x00), which text cannot store"
                problems.append(Problem(column, text, reason, ErrorCode.NUL_CHARACTER))
            elif text:
                cells[field] = (column, text)
        built = problems or self.kind.build(cells)
        if isinstance(built, list):
            self.reject(row.number, row.cells, built)
            return None
        return built

    def skip(self, reason: str) -> None:
        self.counts["skipped"] += 1
        self.reasons[reason] += 1

    def reject(self, number: int, cells: tuple[str, ...], problems: list[Problem]) -> None:
        self.counts["rejected"] += 1
        if self.spool is not None:
            self.spool.add(RowResult(number, "rejected", {}, problems=tuple(problems), cells=cells))
        for problem in problems:
            self.reasons[str(problem.code)] += 1
        if len(self.rejections) < _KEEP_REJECTIONS:
            first = problems[0]
            self.rejections.append(
                Rejection(number, first.column, first.value, first.reason, str(first.code))
            )

    def flush(self, rows: list[tuple[int, tuple[str, ...], Any]]) -> None:
        if not rows:
            return
        finished = self.kind.finish([record for _, _, record in rows])
        usable: list[tuple[int, tuple[str, ...], Any]] = []
        for (number, cells, _), record in zip(rows, finished, strict=True):
            if isinstance(record, list):
                self.reject(number, cells, record)
            else:
                usable.append((number, cells, record))
        existing = self.kind.stored([record for _, _, record in usable])
        created: dict[str, Any] = {}
        before: dict[str, Any] = {}
        changed: dict[str, Any] = {}
        for number, cells, record in usable:
            key = self.kind.key(record)
            match = existing.get(key) if key is not None else None
            if match is None or self.on_duplicate == "create":
                created[record.id] = record
                if key is not None:
                    existing[key] = record
                    self.kind.keep(key, record)
                self.counts["created"] += 1
                continue
            if self.on_duplicate == "skip":
                self.skip(f"duplicate of an existing {self.kind.name}")
                continue
            how: Combine = "merge" if self.on_duplicate == "merge" else "update"
            new = self.kind.changed(match, record, how)
            if isinstance(new, list):
                self.reject(number, cells, new)
                continue
            if new is match:
                self.skip("already up to date")
                continue
            if match.id in created:
                created[match.id] = new
            else:
                before.setdefault(match.id, match)
                changed[match.id] = new
            if key is not None:
                existing[key] = new
                self.kind.keep(key, new)
            self.counts["merged" if how == "merge" else "updated"] += 1
        if self.dry_run:
            return
        with self.store.transaction(), self.kind.writing():
            writes = [*created.values(), *changed.values()]
            if writes:
                self.kind.repository().bulk_upsert(writes, key="id", actor=self.actor)
            write_log(
                self.store,
                self.import_id,
                kind=self.kind.name,
                created=created,
                before=before.values(),
                actor=self.actor,
            )
