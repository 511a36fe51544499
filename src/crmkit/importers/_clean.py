"""``clean_file``: a messy spreadsheet in; a clean file, a duplicates report and rejects out.

Two passes keep memory flat. The first normalizes every row, writes rejected rows straight
to the rejects output, and spills usable rows and their match keys to a temporary SQLite
file. Duplicates are then found from the keys alone (SQLite groups them on disk), and the
second pass reads the spilled rows back in input order, writing each group once, merged.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from ._collector import fewer_collections
from ._engine import Coerce, estimate_rows, infer_regions, spilled
from ._fuzzy import FUZZY_LIMIT, check_rules, fuzzy_groups
from ._groups import Group, Spill, combine, key_groups
from ._locale import LocaleOptions
from ._mapping import CUSTOM_PREFIX, ColumnMapping, CustomFieldSource, map_columns
from ._report import CleanReport, ProgressCallback, Rejection
from ._rows import RowResult
from ._sources import Table, open_source
from ._synonyms import FIELDS, MULTI_FIELDS
from ._tabular import TableWriter

__all__ = ["clean_file", "prepare"]

_KEEP_REJECTIONS: Final = 1000
_DERIVED: Final = ("first_name", "last_name")


def prepare(
    source: str | Path | Table,
    *,
    mapping: Mapping[str, str | None] | None = None,
    region: str | None = None,
    locale: str | None = None,
    jalali: bool | None = None,
    schema: CustomFieldSource | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> tuple[Table, ColumnMapping, LocaleOptions]:
    """Open a source and work out its column mapping and locale options.

    When no region is given, the regions of the numbers written with a country code in the
    first rows are kept as fallbacks for national numbers.

    Raises:
        SourceError: if the source cannot be read.
        ConfigError: for a bad mapping override, region or locale.
    """
    table = (
        source
        if isinstance(source, Table)
        else open_source(source, sheet=sheet, encoding=encoding, delimiter=delimiter)
    )
    columns = map_columns(table.headers, mapping, schema=schema)
    options = LocaleOptions(region=region, locale=locale, jalali=jalali)
    if options.phone_region is None and table.format != "records":
        options = LocaleOptions(
            locale=locale, jalali=jalali, fallback_regions=infer_regions(table, columns)
        )
    return table, columns, options


def clean_file(
    path: str | Path,
    *,
    out: str | Path,
    duplicates: str | Path | None = None,
    rejects: str | Path | None = None,
    region: str | None = None,
    locale: str | None = None,
    rules: object = None,
    fuzzy: bool | None = None,
    mapping: Mapping[str, str | None] | None = None,
    jalali: bool | None = None,
    schema: CustomFieldSource | None = None,
    coerce: Coerce | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> CleanReport:
    """Clean a contact spreadsheet: normalize, find duplicates, write what is usable.

    Args:
        path: a CSV, XLSX or JSON-lines file.
        out: the clean file (``.csv`` or ``.xlsx``): one row per contact, duplicates merged,
            phones in E.164, e-mails normalized, names split, plus ``source_rows`` naming
            the input rows it came from.
        duplicates: where to write the duplicate groups (group, score, row, the explanation
            in words, and the main values of each row), or None.
        rejects: where to write the rows that could not be used: every original cell, plus
            ``row``, ``column`` and ``reason``; or None.
        region: ISO 3166 region for phone numbers written without a country code.
        locale: babel locale for dates and numbers (``fa_IR`` also means Jalali dates).
        rules: the match rules (a ``MatchRules`` for contacts) for finding duplicates
            beyond the exact keys (e-mail match key, E.164 phone, name and company); the
            default contact rules when None.
        fuzzy: whether to run the match rules: by default only for files of up to 100,000
            usable rows (the rules hold every row's features in memory at once); past that
            the exact keys alone find duplicates, and ``report.fuzzy`` says which ran.
        mapping: header → field overrides (see :func:`map_columns`).
        jalali: read years 1300-1499 as Jalali years (default: when the locale is Persian).
        schema: custom fields that unmapped columns may feed.
        coerce: converts and checks custom field values (a schema's ``coerce``).
        sheet: the XLSX sheet to read.
        encoding: the CSV encoding, when detection should be skipped.
        delimiter: the CSV delimiter, when sniffing should be skipped.
        workers: processes for normalization (by default both cores for large files).
        progress: called with a :class:`Progress` now and then.

    Returns:
        The report; its counts add up to the rows read.

    Raises:
        SourceError: if the input cannot be read or an output cannot be written.
        ConfigError: for a bad mapping, region, locale or match rules.
    """
    with fewer_collections():
        return _clean(
            path,
            out=out,
            duplicates=duplicates,
            rejects=rejects,
            region=region,
            locale=locale,
            rules=rules,
            fuzzy=fuzzy,
            mapping=mapping,
            jalali=jalali,
            schema=schema,
            coerce=coerce,
            sheet=sheet,
            encoding=encoding,
            delimiter=delimiter,
            workers=workers,
            progress=progress,
        )


def _clean(
    path: str | Path,
    *,
    out: str | Path,
    duplicates: str | Path | None,
    rejects: str | Path | None,
    region: str | None,
    locale: str | None,
    rules: object,
    fuzzy: bool | None,
    mapping: Mapping[str, str | None] | None,
    jalali: bool | None,
    schema: CustomFieldSource | None,
    coerce: Coerce | None,
    sheet: str | int | None,
    encoding: str | None,
    delimiter: str | None,
    workers: int | None,
    progress: ProgressCallback | None,
) -> CleanReport:
    started = time.perf_counter()
    match_rules = check_rules(rules)
    table, columns, options = prepare(
        path,
        mapping=mapping,
        region=region,
        locale=locale,
        jalali=jalali,
        schema=schema,
        sheet=sheet,
        encoding=encoding,
        delimiter=delimiter,
    )
    reasons: Counter[str] = Counter()
    kept: list[Rejection] = []
    outputs = {"clean": str(out)}
    with tempfile.TemporaryDirectory(prefix="crmkit-clean-") as scratch:
        spill = Spill(Path(scratch) / "rows.db")
        reject_writer = None
        if rejects is not None:
            reject_writer = TableWriter(rejects, _reject_headers(table.headers))
            outputs["rejects"] = str(rejects)
        rows_read = skipped = rejected = 0
        filled: set[str] = set()
        try:
            chunks = spilled(
                table,
                columns,
                options,
                coerce=coerce,
                workers=workers,
                progress=progress,
                total=estimate_rows(table),
            )
            for chunk in chunks:
                rows_read += chunk.size
                spill.add_many(chunk.usable)
                filled.update(chunk.filled)
                for result in chunk.others:
                    if result.status == "skipped":
                        skipped += 1
                        reasons[result.reason] += 1
                        continue
                    rejected += 1
                    for problem in result.problems:
                        reasons[_reason_kind(problem.reason)] += 1
                    if len(kept) < _KEEP_REJECTIONS:
                        first = result.problems[0]
                        kept.append(
                            Rejection(result.number, first.column, first.value, first.reason)
                        )
                    if reject_writer is not None:
                        reject_writer.write(_reject_row(result))
        finally:
            if reject_writer is not None:
                reject_writer.close()
        spill.commit()
        groups, common = key_groups(spill)
        fuzzy = fuzzy if fuzzy is not None else spill.count() <= FUZZY_LIMIT
        if fuzzy:
            groups = combine(groups, fuzzy_groups(spill.features(), match_rules))
        fields = _output_fields(columns, filled)
        created = _write_clean(spill, groups, fields, out)
        if duplicates is not None:
            _write_duplicates(spill, groups, duplicates)
            outputs["duplicates"] = str(duplicates)
        spill.close()
    merged = sum(len(g.members) - 1 for g in groups)
    return CleanReport(
        source=table.name,
        rows_read=rows_read,
        created=created,
        merged=merged,
        skipped=skipped,
        rejected=rejected,
        duplicate_groups=len(groups),
        reasons=dict(reasons.most_common()),
        rejections=tuple(kept),
        mapping=columns,
        outputs=outputs,
        seconds=time.perf_counter() - started,
        skipped_keys=common,
        fuzzy=fuzzy,
    )


def _reason_kind(reason: str) -> str:
    # counts group by the kind of problem, not by each value's details
    head = reason.split(":", 1)[0]
    return head if head.startswith("invalid") else reason


def _reject_headers(headers: tuple[str, ...]) -> list[str]:
    extra = ["row", "column", "reason"]
    taken = set(headers)
    return [*headers, *(f"crmkit_{name}" if name in taken else name for name in extra)]


def _reject_row(result: RowResult) -> list[str]:
    columns = "; ".join(dict.fromkeys(p.column for p in result.problems))
    return [*result.cells, str(result.number), columns, result.summary]


def _output_fields(columns: ColumnMapping, filled: set[str]) -> list[str]:
    fed = set(columns.fields)
    if "name" in fed:
        fed.update(_DERIVED)
    if fed & {"first_name", "last_name"}:
        fed.add("name")
    wanted = [f for f in FIELDS if f in fed and (f in filled or f in ("name", "email"))]
    custom = sorted(f for f in fed if f.startswith(CUSTOM_PREFIX))
    return [*wanted, *custom]


def _merge(rows: list[tuple[int, dict[str, str]]]) -> dict[str, str]:
    """Fold duplicate rows into one: the first non-empty value; lists are united."""
    merged: dict[str, str] = {}
    for _, values in rows:
        for field, value in values.items():
            if not value:
                continue
            if field in MULTI_FIELDS and field in merged:
                items = dict.fromkeys([*merged[field].split("; "), *value.split("; ")])
                merged[field] = "; ".join(items)
            else:
                merged.setdefault(field, value)
    return merged


def _write_clean(spill: Spill, groups: list[Group], fields: list[str], out: str | Path) -> int:
    first_of: dict[int, Group] = {}
    later: set[int] = set()
    for group in groups:
        first_of[group.members[0]] = group
        later.update(group.members[1:])
    headers = [f.removeprefix(CUSTOM_PREFIX) for f in fields] + ["source_rows"]
    with TableWriter(out, headers) as writer:
        for number, values in spill.rows():
            if number in later:
                continue
            found = first_of.get(number)
            if found is None:
                row, sources = values, str(number)
            else:
                row = _merge(spill.get(found.members))
                sources = "; ".join(map(str, found.members))
            writer.write([*(row.get(f, "") for f in fields), sources])
        return writer.rows


_DUPLICATE_HEADERS: Final = (
    "group", "score", "row", "kept", "name", "email", "phone", "company", "explanation",
)  # fmt: skip


def _write_duplicates(spill: Spill, groups: list[Group], path: str | Path) -> None:
    phone: Callable[[dict[str, str]], str] = lambda v: "; ".join(  # noqa: E731
        x for x in (v.get("mobile"), v.get("phone"), v.get("home_phone")) if x
    )
    with TableWriter(path, _DUPLICATE_HEADERS) as writer:
        for group in groups:
            for index, (number, values) in enumerate(spill.get(group.members)):
                writer.write(
                    [
                        group.number,
                        f"{group.score:.2f}",
                        number,
                        "yes" if index == 0 else "merged",
                        values.get("name", ""),
                        values.get("email", ""),
                        phone(values),
                        values.get("company", ""),
                        group.explanation,
                    ]
                )
