"""``clean_file``: a messy spreadsheet in; a clean file, a duplicates report and rejects out.

Two passes keep memory flat. The first normalizes every row, spools rejected rows, and
spills usable rows and their match keys to a temporary SQLite file. Duplicates are then
found from the keys alone (SQLite groups them on disk), each group is folded into one row
(the values it does not keep go to the duplicates report), and the second pass reads the
spilled rows back in input order, writing each group once. Every output is written under a
temporary name and renamed into place only when all of them are complete.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Final

from crmkit.dedupe._compact import CompactContacts, fuzzy_groups
from crmkit.dedupe._fold import fold
from crmkit.dedupe._row_groups import REVIEW, FuzzyGroup, Group, RowGroups
from crmkit.fields import Schema

from ._collector import fewer_collections
from ._engine import Spilled, prepare, spilled
from ._mapping import CUSTOM_PREFIX, ColumnMapping, CustomFieldSource
from ._options import CleanOptions, checked
from ._problems import PROBLEMS
from ._rejects import RejectsSpool
from ._report import CleanReport, ProblemTally, ProgressCallback, Rejection, reason_kind
from ._schema_fields import Coerce, custom_fields_of
from ._spill import Spill
from ._split import join_carried, split_columns, split_values, widths
from ._synonyms import FIELDS
from ._tabular import TableWriter, check_outputs

__all__ = ["clean_file"]

_KEEP_REJECTIONS: Final = 1000
_DERIVED: Final = ("first_name", "last_name")


def clean_file(
    path: str | Path,
    *,
    out: str | Path,
    duplicates: str | Path | None = None,
    rejects: str | Path | None = None,
    options: CleanOptions | None = None,
    schema: CustomFieldSource | Schema | None = None,
    coerce: Coerce | None = None,
    progress: ProgressCallback | None = None,
    escape_formulas: bool = True,
) -> CleanReport:
    """Clean a contact spreadsheet: normalize, find duplicates, write what is usable.

    Args:
        path: a CSV, XLSX, JSON-lines or vCard (.vcf) file.
        out: the clean file (``.csv`` or ``.xlsx``): one row per contact, duplicates merged,
            phones in E.164, e-mails normalized, names split, each e-mail and phone in a
            column of its own (``email``, ``email_2``, ``mobile``, ``mobile_2``...), plus
            ``source_rows`` naming the input rows it came from; the input's columns that
            feed no field come after the clean ones, unchanged and in input order (the
            values of merged rows joined). A cell that could not be read stays in its
            column as typed, and a ``problems`` column says which and why
            (``Mobile "312.668.3066": invalid phone: ...``). :func:`import_file` reads it
            back as the same contacts. A ``.vcf`` out writes one vCard per row (the
            ``vcard`` extra).
        duplicates: where to write the duplicate groups (group, score, row, the main values
            of each row, the values of the row the merged row does not keep as
            ``field=value`` pairs under ``not kept``, and the explanation in words), or
            None.
        rejects: where to write the rows that could not be used (broken, or naming nobody:
            no valid name, e-mail or phone): every original cell
            (cells past the last header under ``extra_1``, ``extra_2``...), plus ``row``,
            ``column`` and ``reason``; or None.
        options: how to read the file (``options.read``: encoding, delimiter, sheet,
            header overrides, region, locale) and how to find duplicates (match rules,
            whether they run, worker processes); the defaults when None. The match rules
            find duplicates beyond the exact keys (e-mail match key, E.164 phone, name and
            company); by default they run for files of up to ``options.fuzzy_limit``
            (1,000,000) usable rows, and ``report.fuzzy`` says whether they ran.
        schema: the custom fields columns may feed: a :class:`crmkit.fields.Schema` (a
            column feeds the field its header names by name, label or translated label,
            read as the field's type in ``options.read.locale``; a date field's day and
            month order is decided from its whole column), or any
            :class:`CustomFieldSource`.
        coerce: reads custom values as their types, raising a ``ValidationError`` naming
            each bad field; a schema's own reading when None. Typed values are written as
            text (ISO 8601 dates, plain decimals, ``12.50 EUR``).
        progress: called with a :class:`Progress` now and then.
        escape_formulas: in CSV outputs, put a ``'`` before a cell that a spreadsheet would
            run as a formula (one beginning with ``=``, ``+``, ``-``, ``@``, tab or CR);
            crmkit's readers take it off again. False writes cells as they are, for
            programs that read the files themselves.

    Returns:
        The report; its counts add up to the rows read.

    Raises:
        SourceError: if the input cannot be read or an output cannot be written (then no
            output is left half written).
        ConfigError: for options that are not a :class:`CleanOptions`, a bad mapping
            override, an output that is not .csv, .xlsx or .vcf, or an output that is the input
            or another output (checked before anything is read or written; the error
            names the option).
    """
    settings = checked(options, CleanOptions)
    check_outputs(path, {"out": out, "duplicates": duplicates, "rejects": rejects})
    fields, reader = custom_fields_of(schema, coerce, settings.read.locale)
    with fewer_collections():
        return _clean(
            path,
            out=out,
            duplicates=duplicates,
            rejects=rejects,
            options=settings,
            schema=fields,
            coerce=reader,
            progress=progress,
            escape_formulas=escape_formulas,
        )


def _clean(
    path: str | Path,
    *,
    out: str | Path,
    duplicates: str | Path | None,
    rejects: str | Path | None,
    options: CleanOptions,
    schema: CustomFieldSource | None,
    coerce: Coerce | None,
    progress: ProgressCallback | None,
    escape_formulas: bool,
) -> CleanReport:
    started = time.perf_counter()
    match_rules = options.match_rules
    source = prepare(path, options.read, schema=schema)
    tally = _Tally()
    outputs = {"clean": str(out)}
    written: list[TableWriter] = []
    with tempfile.TemporaryDirectory(prefix="crmkit-clean-") as scratch:
        spill = Spill(Path(scratch) / "rows.db")
        spool = RejectsSpool(Path(scratch), source.table.headers) if rejects is not None else None
        try:
            chunks = spilled(source, options, coerce=coerce, progress=progress)
            # the values the rules compare are kept while the rows are read (and, with
            # workers, while the pool still normalizes them, so that this work shares the
            # cores instead of running alone afterwards)
            stage = CompactContacts() if options.fuzzy is not False else None
            for chunk in chunks:
                spill.add_many(chunk.usable)
                tally.take(chunk, spool)
                if stage is not None:
                    stage.add((number, feats) for number, _, _, feats in chunk.usable)
                    if options.fuzzy is None and len(stage) > options.fuzzy_limit:
                        stage = None  # past the limit the exact keys alone find duplicates
            spill.commit()
            fuzzy = stage is not None
            # the rules run first and their columns go before the exact-key groups are
            # built: the two never hold memory at once
            found = list(fuzzy_groups(stage, match_rules, spill.features)) if stage else []
            stage = None
            groups, common = _groups(spill, found)
            dupes = None
            if duplicates is not None:
                dupes = TableWriter(
                    duplicates,
                    _DUPLICATE_HEADERS,
                    option="duplicates",
                    escape_formulas=escape_formulas,
                )
                written.append(dupes)
                outputs["duplicates"] = str(duplicates)
            not_kept = _fold_groups(spill, groups, dupes, tally.counts)
            fields = _output_fields(source.columns, tally.filled)
            clean = _write_clean(spill, fields, tally.counts, out, escape_formulas)
            written.append(clean)
            if spool is not None and rejects is not None:
                written.append(spool.write(rejects, escape_formulas=escape_formulas))
                outputs["rejects"] = str(rejects)
            for writer in written:
                writer.finish()
        except BaseException:
            for writer in written:
                writer.discard()
            raise
        finally:
            spill.close()
            if spool is not None:
                spool.close()
    for writer in written:
        writer.publish()
    merging = [g for g in groups if g.status != REVIEW]
    merged = sum(len(g.members) - 1 for g in merging)
    return CleanReport(
        source=source.table.name,
        rows_read=tally.rows_read,
        created=clean.rows,
        merged=merged,
        skipped=tally.skipped,
        rejected=tally.rejected,
        duplicate_groups=len(merging),
        review_groups=len(groups) - len(merging),
        reasons=dict(tally.reasons.most_common()),
        skipped_reasons=dict(tally.skip_reasons.most_common()),
        header_row=source.table.header_row,
        rejections=tuple(tally.kept),
        flagged=tally.flagged.rows,
        problems=tuple(tally.flagged.kept),
        problem_reasons=dict(tally.flagged.reasons.most_common()),
        date_columns=source.dates,
        mapping=source.columns,
        outputs=outputs,
        seconds=time.perf_counter() - started,
        skipped_keys=common,
        fuzzy=fuzzy,
        values_not_kept=not_kept,
    )


def _groups(
    spill: Spill, found: list[FuzzyGroup]
) -> tuple[list[Group], tuple[tuple[str, int], ...]]:
    """The merge and review groups of the spilled rows, and the keys too common to use.

    *found* (the rules' groups) is emptied once it is joined to the exact keys' groups.
    """
    linked = RowGroups()
    linked.add_keys(spill.shared_keys())
    linked.add_found(found)
    found.clear()
    return linked.groups(), tuple(linked.common)


class _Tally:
    """What the first pass counted: rows by outcome, reasons, and the clean file's shape."""

    def __init__(self) -> None:
        self.rows_read = self.skipped = self.rejected = 0
        self.reasons: Counter[str] = Counter()
        self.skip_reasons: Counter[str] = Counter()
        self.kept: list[Rejection] = []
        self.filled: set[str] = set()
        self.counts: dict[str, int] = {}
        self.flagged = ProblemTally()

    def take(self, chunk: Spilled, spool: RejectsSpool | None) -> None:
        self.rows_read += chunk.size
        self.filled.update(chunk.filled)
        for number, problems in chunk.flagged:
            self.flagged.take(number, problems)
        for field, count in chunk.widths.items():
            self.counts[field] = max(self.counts.get(field, 0), count)
        for result in chunk.others:
            if result.status == "skipped":
                self.skipped += 1
                self.skip_reasons[result.reason] += 1
                continue
            self.rejected += 1
            # one reason a row, so that the counts add up to the rows rejected
            self.reasons[reason_kind(result.problems[0].reason)] += 1
            if len(self.kept) < _KEEP_REJECTIONS:
                first = result.problems[0]
                self.kept.append(
                    Rejection(result.number, first.column, first.value, first.reason, first.code)
                )
            if spool is not None:
                spool.add(result)


def _output_fields(columns: ColumnMapping, filled: set[str]) -> list[str]:
    fed = set(columns.fields)
    if "name" in fed:
        fed.update(_DERIVED)
    if fed & {"first_name", "last_name"}:
        fed.add("name")
    wanted = [f for f in FIELDS if f in fed and (f in filled or f in ("name", "email"))]
    custom = sorted(f for f in fed if f.startswith(CUSTOM_PREFIX))
    # the cells kept as typed, with why, when any row has one; then the columns no field
    # takes, unchanged and in input order
    problems = [PROBLEMS] if PROBLEMS in filled else []
    return [*wanted, *custom, *problems, *(rule.field for rule in columns.carried)]


_DUPLICATE_HEADERS: Final = (
    "group", "status", "score", "row", "kept", "name", "email", "phone", "company", "not kept",
    "explanation",
)  # fmt: skip


def _phones(values: dict[str, str]) -> str:
    return "; ".join(x for x in (values.get(f) for f in ("mobile", "phone", "home_phone")) if x)


def _fold_groups(
    spill: Spill, groups: list[Group], dupes: TableWriter | None, counts: dict[str, int]
) -> int:
    """Fold each group into one row (stored in the spill); report every row of each group.

    Returns:
        How many values of merged rows the folded rows do not keep (each one is listed in
        the duplicates report).
    """
    not_kept = 0
    for group in groups:
        if group.status == REVIEW:
            # rows that share a phone or a mailbox but not a name: each stays a contact
            if dupes is not None:
                members, _ = spill.members(group.members)
                _report_rows(dupes, group, members, [[] for _ in members])
            continue
        members, email_keys = spill.members(group.members)
        carried = join_carried(members)
        values, lost = fold(members, email_keys, prefix=CUSTOM_PREFIX)
        values.update(carried)
        widths(values, counts)
        spill.add_merged(group, json.dumps(values, ensure_ascii=False))
        not_kept += sum(map(len, lost))
        if dupes is not None:
            _report_rows(dupes, group, members, lost)
    return not_kept


def _report_rows(
    dupes: TableWriter,
    group: Group,
    members: list[tuple[int, dict[str, str]]],
    lost: list[list[str]],
) -> None:
    review = group.status == REVIEW
    for index, ((number, row), dropped) in enumerate(zip(members, lost, strict=True)):
        dupes.write(
            [
                group.number,
                group.status,
                "" if group.score is None else f"{group.score:.2f}",
                number,
                "yes" if index == 0 or review else "merged",
                row.get("name", ""),
                row.get("email", ""),
                _phones(row),
                row.get("company", ""),
                "; ".join(dropped),
                group.explanation,
            ]
        )


def _write_clean(
    spill: Spill,
    fields: list[str],
    counts: dict[str, int],
    out: str | Path,
    escape_formulas: bool,
) -> TableWriter:
    columns = split_columns(fields, counts)
    headers = [c[0] for c in columns] + ["source_rows"]
    writer = TableWriter(out, headers, option="out", escape_formulas=escape_formulas)
    try:
        for values, sources in spill.output_rows():
            writer.write([*split_values(values, columns), sources])
        writer.finish()
    except BaseException:
        writer.discard()
        raise
    return writer
