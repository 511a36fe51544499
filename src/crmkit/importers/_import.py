"""``import_file`` and ``undo_import``: rows into a store, in batches, re-runnable and undoable.

Each batch is one transaction: the batch's contacts are matched against the store through
its indexed key lookup (and so against the earlier batches of the same file), then written
with the store's bulk path, together with an undo log record naming what was created and
what each updated contact looked like before. Importing the same file again matches every
row to the contact it made the first time and changes nothing; an import that stopped part
way is finished by running it again.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from crmkit._ids import new_id
from crmkit.activities._zones import zone_name
from crmkit.contacts import Contact
from crmkit.errors import ConfigError
from crmkit.fields import Schema
from crmkit.storage import Store

from ._carry import keep_unmapped as keep_columns
from ._collector import fewer_collections
from ._contact_job import KEYS, ContactJob
from ._deal_rows import PipelineMode
from ._engine import prepare, with_contacts
from ._mapping import CustomFieldSource
from ._object_import import PipelinesGiven, import_objects, object_kind
from ._options import CleanOptions, OnDuplicate, checked
from ._rejects import RejectsSpool
from ._report import ImportReport, ProgressCallback
from ._rows import RowResult
from ._schema_fields import Coerce, custom_fields_of
from ._tabular import check_outputs
from ._undo import register_log, undo_import

__all__ = ["import_file", "undo_import"]


def import_file(
    path: str | Path,
    store: Store,
    *,
    options: CleanOptions | None = None,
    key: str = "email",
    on_duplicate: OnDuplicate = "merge",
    dry_run: bool = False,
    actor: str | None = None,
    batch_size: int = 2000,
    schema: CustomFieldSource | Schema | None = None,
    coerce: Coerce | None = None,
    rejects: str | Path | None = None,
    progress: ProgressCallback | None = None,
    escape_formulas: bool = True,
    keep_unmapped: bool = False,
    kind: str = "contact",
    pipelines: PipelinesGiven | None = None,
    pipeline_mode: PipelineMode = "enforce",
    match_field: str | None = None,
    zone: str = "UTC",
) -> ImportReport:
    """Import a spreadsheet of contacts, companies, deals or custom objects into *store*.

    Each usable row is matched by *key* against the store (and the rows before it) and then
    created, merged into the match, used to update it, or skipped. Rows that cannot be used
    are counted with their reasons; nothing is dropped silently.

    Args:
        path: a CSV, XLSX, JSON-lines or vCard (.vcf) file.
        store: where the contacts go.
        options: how to read the file (``options.read``: encoding, delimiter, sheet,
            header overrides, region, locale) and how to match its rows (worker processes,
            and the match rules that pair a row no key matched with a stored contact, found
            through the store's e-mail and phone indexes and scored; ``fuzzy=False`` matches
            by the key alone); the defaults when None.
        key: ``email`` (e-mail match key) or ``phone`` (E.164) to match rows to contacts.
        on_duplicate: what a row matching a contact does: ``merge`` (fill the contact's
            blanks, add its new e-mails, phones and tags), ``update`` (overwrite the fields
            the row fills), ``skip``, or ``create`` (a new contact anyway).
        dry_run: work everything out and report it, but write nothing.
        actor: who is importing, for the store's history.
        batch_size: rows per transaction.
        schema: the custom fields columns may feed: a :class:`crmkit.fields.Schema` (a
            column feeds the field its header names by name, label or translated label,
            read as the field's type in ``options.read.locale``; a date field's day and
            month order is decided from its whole column), or any
            :class:`CustomFieldSource`.
        coerce: reads custom values as their types, raising a ``ValidationError`` naming
            each bad field; a schema's own reading when None. Typed values are written as
            text (ISO 8601 dates, plain decimals, ``12.50 EUR``).
        rejects: where to write the rows that could not be used (``.csv`` or ``.xlsx``),
            as :func:`clean_file` writes them: every original cell, plus ``row``,
            ``column`` and ``reason``; written when the import ends, also for a dry run.
        progress: called with a :class:`Progress` now and then.
        escape_formulas: in a CSV rejects file, put a ``'`` before a cell a spreadsheet
            would run as a formula (see :func:`clean_file`); False writes cells as they are.
        keep_unmapped: keep each column that feeds no field as a text custom field named
            from its header (``Lead score`` → ``lead_score``), declared in the store;
            by default such columns are listed in the report's mapping, not imported.
        kind: what the rows are: ``contact``, ``company``, ``deal``, ``activity`` (calls,
            meetings, tasks, e-mails and notes, linked to stored contacts and companies) or
            a registered custom object type (see ``docs/importing.md``; *key*, *schema* and
            *coerce* are for contacts, *pipelines* and *pipeline_mode* for deals,
            *match_field* for custom objects, *zone* for activities).
        pipelines: the pipelines the store enforces (a deal import needs them).
        pipeline_mode: ``enforce`` holds each deal to its pipeline's moves and its stage's
            requirements; ``load`` stores the history as it stands, unchecked.
        match_field: the custom object field that tells records apart.
        zone: for ``kind="activity"``, the IANA zone the file's dates and times are in
            (UTC by default): a time of day is a wall time there, a date an all-day date
            there; a cell with its own offset (``…+03:30``, ``…Z``) keeps it.

    Returns:
        The report, with the ``import_id`` that :func:`undo_import` takes.

    Raises:
        ConfigError: for options that are not a :class:`CleanOptions`, an unknown *key*,
            *on_duplicate*, *kind* (``importers.unknown_kind``) or *pipeline_mode*, a deal
            import without pipelines, a bad mapping override, a *keep_unmapped* that is not
            a bool (or given for a kind other than contacts), or a *rejects* file that is
            not .csv or .xlsx or is the input.
        SourceError: if the input cannot be read or the rejects file cannot be written.
    """
    _check_arguments(store, on_duplicate, batch_size, keep_unmapped, kind)
    settings = checked(options, CleanOptions)
    check_outputs(path, {"rejects": rejects})
    if kind != "contact":
        import_id = new_id()
        who = actor or f"import:{import_id}"
        records = object_kind(
            store,
            kind,
            settings.read,
            pipelines=pipelines,
            pipeline_mode=pipeline_mode,
            match_field=match_field,
            actor=who,
            zone=zone_name(zone, field="zone") or "UTC",
        )
        return import_objects(
            path,
            store,
            records,
            read=settings.read,
            on_duplicate=on_duplicate,
            dry_run=dry_run,
            actor=who,
            import_id=import_id,
            batch_size=batch_size,
            rejects=rejects,
            escape_formulas=escape_formulas,
            progress=progress,
        )
    if key not in KEYS:
        raise ConfigError("key", f"unknown key {key!r} (expected one of: email, phone)")
    match_rules = settings.match_rules
    started = time.perf_counter()
    schema, coerce = custom_fields_of(schema, coerce, settings.read.locale)
    source = prepare(path, settings.read, schema=schema)
    if keep_unmapped:
        source = keep_columns(source, store, declare=not dry_run)
    import_id = new_id()
    if not dry_run:
        register_log(store)
    job = ContactJob(
        store,
        key=key,
        on_duplicate=on_duplicate,
        dry_run=dry_run,
        actor=actor or f"import:{import_id}",
        import_id=import_id,
        rules=match_rules if settings.fuzzy is not False else None,
        mapping=source.columns,
    )
    batch: list[tuple[RowResult, Contact]] = []
    with fewer_collections(), tempfile.TemporaryDirectory(prefix="crmkit-import-") as scratch:
        if rejects is not None:
            job.spool = RejectsSpool(Path(scratch), source.table.headers)
        results = with_contacts(
            source, settings, coerce=coerce, progress=progress, keep_cells=rejects is not None
        )
        for result, contact in results:
            job.rows_read += 1
            if contact is not None:
                if result.problems:
                    job.flagged.take(result.number, result.problems)
                batch.append((result, contact))
                if len(batch) >= batch_size:
                    job.flush(batch)
                    batch = []
            elif result.status == "skipped":
                job.skip(result.reason)
            else:
                job.reject(result)
        job.flush(batch)
        if job.spool is not None and rejects is not None:
            job.spool.write(rejects, escape_formulas=escape_formulas).publish()
            job.spool.close()
    return ImportReport(
        import_id=import_id,
        source=source.table.name,
        rows_read=job.rows_read,
        created=job.counts["created"],
        updated=job.counts["updated"],
        merged=job.counts["merged"],
        skipped=job.counts["skipped"],
        rejected=job.counts["rejected"],
        reasons=dict(job.reasons.most_common()),
        skipped_reasons=dict(job.skip_reasons.most_common()),
        header_row=source.table.header_row,
        rejections=tuple(job.rejections),
        flagged=job.flagged.rows,
        problems=tuple(job.flagged.kept),
        problem_reasons=dict(job.flagged.reasons.most_common()),
        date_columns=source.dates,
        mapping=source.columns,
        dry_run=dry_run,
        seconds=time.perf_counter() - started,
        linked=job.counts["linked"],
    )


def _check_arguments(
    store: Store, on_duplicate: str, batch_size: int, keep_unmapped: bool, kind: str
) -> None:
    """Refuse the arguments of :func:`import_file` that no import can run with."""
    given: object = store  # callers are not type-checked: check what really came
    if given is None or not hasattr(given, "contacts"):
        raise ConfigError("store", f"expected a crmkit Store, got {type(store).__name__}")
    if on_duplicate not in ("merge", "skip", "update", "create"):
        raise ConfigError(
            "on_duplicate",
            f"unknown choice {on_duplicate!r} (expected merge, skip, update or create)",
        )
    if batch_size < 1:
        raise ConfigError("batch_size", "must be at least 1")
    keep: object = keep_unmapped
    if not isinstance(keep, bool):
        raise ConfigError("keep_unmapped", f"expected true or false, not {keep_unmapped!r}")
    if kind != "contact" and keep_unmapped:
        raise ConfigError(
            "keep_unmapped", f"keeps columns as contact custom fields, not for {kind!r}"
        )
