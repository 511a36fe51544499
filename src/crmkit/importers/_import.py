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
from collections import Counter
from pathlib import Path
from typing import Final, Literal

from crmkit._ids import new_id
from crmkit.contacts import Contact
from crmkit.dedupe import MatchRules, match_against
from crmkit.errors import ConfigError
from crmkit.storage import Store

from ._carry import keep_unmapped as keep_columns
from ._collector import fewer_collections
from ._contact_merge import merged_contact, updated_contact
from ._deal_rows import PipelineMode
from ._engine import Coerce, prepare, with_contacts
from ._links import company_links
from ._mapping import CustomFieldSource
from ._object_import import PipelinesGiven, import_objects, object_kind
from ._options import CleanOptions, checked
from ._rejects import RejectsSpool
from ._report import ImportReport, ProblemTally, ProgressCallback, Rejection, reason_kind
from ._rows import RowResult
from ._tabular import check_outputs
from ._undo import register_log, undo_import, write_log

__all__ = ["import_file", "undo_import"]

OnDuplicate = Literal["merge", "skip", "update", "create"]

_KEYS: Final = {"email": "e:", "phone": "p:"}
_PREFIXES: Final = frozenset(_KEYS.values())
_KIND_OF: Final = {prefix: kind for kind, prefix in _KEYS.items()}
_KEEP_REJECTIONS: Final = 1000


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
    schema: CustomFieldSource | None = None,
    coerce: Coerce | None = None,
    rejects: str | Path | None = None,
    progress: ProgressCallback | None = None,
    escape_formulas: bool = True,
    keep_unmapped: bool = False,
    kind: str = "contact",
    pipelines: PipelinesGiven | None = None,
    pipeline_mode: PipelineMode = "enforce",
    match_field: str | None = None,
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
        schema: custom fields that unmapped columns may feed.
        coerce: converts and checks custom field values.
        rejects: where to write the rows that could not be used (``.csv`` or ``.xlsx``),
            as :func:`clean_file` writes them: every original cell, plus ``row``,
            ``column`` and ``reason``; written when the import ends, also for a dry run.
        progress: called with a :class:`Progress` now and then.
        escape_formulas: in a CSV rejects file, put a ``'`` before a cell a spreadsheet
            would run as a formula (see :func:`clean_file`); False writes cells as they are.
        keep_unmapped: keep each column that feeds no field as a text custom field named
            from its header (``Lead score`` → ``lead_score``), declared in the store;
            by default such columns are listed in the report's mapping, not imported.
        kind: what the rows are: ``contact``, ``company``, ``deal`` or a registered custom
            object type (see ``docs/importing.md``; *key*, *schema* and *coerce* are for
            contacts, *pipelines* and *pipeline_mode* for deals, *match_field* for custom
            objects).
        pipelines: the pipelines the store enforces (a deal import needs them).
        pipeline_mode: ``enforce`` holds each deal to its pipeline's moves and its stage's
            requirements; ``load`` stores the history as it stands, unchecked.
        match_field: the custom object field that tells records apart.

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
    if key not in _KEYS:
        raise ConfigError("key", f"unknown key {key!r} (expected one of: email, phone)")
    match_rules = settings.match_rules
    started = time.perf_counter()
    source = prepare(path, settings.read, schema=schema)
    if keep_unmapped:
        source = keep_columns(source, store, declare=not dry_run)
    import_id = new_id()
    if not dry_run:
        register_log(store)
    job = _Job(
        store,
        key=key,
        on_duplicate=on_duplicate,
        dry_run=dry_run,
        actor=actor or f"import:{import_id}",
        import_id=import_id,
        rules=match_rules if settings.fuzzy is not False else None,
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


class _Job:
    def __init__(
        self,
        store: Store,
        *,
        key: str,
        on_duplicate: OnDuplicate,
        dry_run: bool,
        actor: str,
        import_id: str,
        rules: MatchRules | None,
    ) -> None:
        self.store = store
        self.rules = rules
        self.key = key
        self.prefix = _KEYS[key]
        self.on_duplicate = on_duplicate
        self.dry_run = dry_run
        self.actor = actor
        self.import_id = import_id
        self.rows_read = 0
        self.counts: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.skip_reasons: Counter[str] = Counter()
        self.rejections: list[Rejection] = []
        self.spool: RejectsSpool | None = None
        self.flagged = ProblemTally()

    def skip(self, reason: str) -> None:
        self.counts["skipped"] += 1
        self.skip_reasons[reason] += 1

    def reject(self, result: RowResult) -> None:
        self.counts["rejected"] += 1
        # one reason a row, so that the counts add up to the rows rejected
        self.reasons[reason_kind(result.problems[0].reason)] += 1
        if len(self.rejections) < _KEEP_REJECTIONS:
            first = result.problems[0]
            self.rejections.append(
                Rejection(result.number, first.column, first.value, first.reason, first.code)
            )
        if self.spool is not None:
            self.spool.add(result)

    def _ruled(
        self,
        rows: list[tuple[RowResult, Contact]],
        firsts: list[str | None],
        existing: dict[str, Contact],
        hits: set[str],
    ) -> dict[str, Contact]:
        """The stored contact the match rules pair with each row that no key matched.

        The rules score the stored contacts sharing an e-mail or a phone with the row; the
        batch's own lookup already found every such key, so a row none of whose keys is
        stored has no candidate and is not looked up again.
        """
        if self.rules is None:
            return {}
        unmatched = [
            contact
            for (result, contact), k in zip(rows, firsts, strict=True)
            if (k is None or k not in existing) and any(key in hits for key in result.keys)
        ]
        if not unmatched:
            return {}
        found: dict[str, Contact] = {}
        for matches in match_against(unmatched, self.store, self.rules):
            best = matches.best
            if best is not None and isinstance(best.record, Contact):
                found[matches.record.id] = best.record
        return found

    def _match_key(self, keys: tuple[str, ...]) -> str | None:
        """The row's key of the chosen type, else its first key of the other type."""
        other: str | None = None
        for k in keys:
            if k.startswith(self.prefix):
                return k
            if other is None and k[:2] in _PREFIXES:
                other = k
        return other

    def flush(self, rows: list[tuple[RowResult, Contact]]) -> None:
        if not rows:
            return
        # the batch's keys, in one lookup per key type: a row without the chosen key is
        # matched by the other one (so that re-running an import never creates it twice),
        # and the match rules take their candidates from the same lookups. The chosen type
        # goes first; a row it matched needs none of its other keys, so they are not looked
        # up (nor their contacts loaded a second time).
        firsts = [self._match_key(result.keys) for result, _ in rows]
        existing: dict[str, Contact] = {}
        for prefix in (self.prefix, *(p for p in _PREFIXES if p != self.prefix)):
            wanted = {
                k[2:]
                for (r, _), first in zip(rows, firsts, strict=True)
                if first not in existing
                for k in r.keys
                if k.startswith(prefix)
            }
            if wanted:
                kind = _KIND_OF[prefix]
                for key, found in self.store.contacts.find_by_keys(kind, sorted(wanted)).items():
                    if found:
                        existing[prefix + key] = found[0]
        hits = set(existing)
        ruled = self._ruled(rows, firsts, existing, hits)
        before: dict[str, Contact] = {}
        created: dict[str, Contact] = {}
        changed: dict[str, Contact] = {}
        for (_, contact), k in zip(rows, firsts, strict=True):
            match = existing.get(k) if k is not None else None
            if match is None and contact.id in ruled:
                stored = ruled[contact.id]
                match = changed.get(stored.id, stored)
            if match is None or self.on_duplicate == "create":
                created[contact.id] = contact
                if k is not None:
                    existing[k] = contact
                self.counts["created"] += 1
                continue
            if self.on_duplicate == "skip":
                self.skip("duplicate of an existing contact")
                continue
            new = (
                merged_contact(match, contact)
                if self.on_duplicate == "merge"
                else updated_contact(match, contact)
            )
            if new is match:
                self.skip("already up to date")
                continue
            if match.id in created:
                created[match.id] = new
            else:
                before.setdefault(match.id, match)
                changed[match.id] = new
            if k is not None:
                existing[k] = new
            self.counts["merged" if self.on_duplicate == "merge" else "updated"] += 1
        if self.dry_run:
            return

        with self.store.transaction():
            # new and changed contacts go through the bulk path together: one statement per
            # table for the whole batch rather than one round of statements per contact
            writes = [*created.values(), *changed.values()]
            if writes:
                self.store.contacts.bulk_upsert(writes, key="id", actor=self.actor)
            links = company_links(self.store, writes)
            if links:
                self.store.affiliations.bulk_upsert(links, key="id", actor=self.actor)
            self.counts["linked"] += len(links)
            write_log(
                self.store,
                self.import_id,
                kind="contact",
                created=created,
                before=before.values(),
                linked=[link.id for link in links],
                actor=self.actor,
            )
