"""``clean_file``: a messy spreadsheet in; a clean file, a duplicates report and rejects out.

Two passes keep memory flat. The first normalizes every row, writes rejected rows straight
to the rejects output, and spills usable rows and their match keys to a temporary SQLite
file. Duplicates are then found from the keys alone (SQLite groups them on disk), and the
second pass reads the spilled rows back in input order, writing each group once, merged.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Final

from attrs import frozen

from crmkit.errors import ConfigError

from ._engine import Coerce, estimate_rows, infer_regions, normalized
from ._locale import LocaleOptions
from ._mapping import CUSTOM_PREFIX, ColumnMapping, CustomFieldSource, map_columns
from ._report import CleanReport, ProgressCallback, Rejection
from ._rows import RowResult
from ._sources import Table, open_source
from ._synonyms import FIELDS, MULTI_FIELDS
from ._tabular import TableWriter

__all__ = ["clean_file", "prepare"]

_KEEP_REJECTIONS: Final = 1000
_MAX_GROUP_KEY: Final = 50
_KEY_WORDS: Final = {"e": "same e-mail address", "p": "same phone number", "n": "same name at"}
_KEY_SCORES: Final = {"e": 1.0, "p": 1.0, "n": 0.9}
_DERIVED: Final = ("first_name", "last_name")


@frozen
class _Group:
    number: int
    members: tuple[int, ...]
    score: float
    explanation: str


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
        rules: reserved for match rules; rows match on exact keys (e-mail match key, E.164
            phone, name and company) until rule-based matching is wired in.
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
        ConfigError: for a bad mapping, region or locale.
    """
    started = time.perf_counter()
    if rules is not None:
        raise ConfigError("rules", "match rules are not supported by clean_file yet")
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
        spill = _Spill(Path(scratch) / "rows.db")
        reject_writer = None
        if rejects is not None:
            reject_writer = TableWriter(rejects, _reject_headers(table.headers))
            outputs["rejects"] = str(rejects)
        rows_read = skipped = rejected = 0
        filled: set[str] = set()
        try:
            results = normalized(
                table,
                columns,
                options,
                coerce=coerce,
                workers=workers,
                progress=progress,
                total=estimate_rows(table),
            )
            for result in results:
                rows_read += 1
                if result.status == "ok":
                    spill.add(result)
                    filled.update(result.values)
                    continue
                if result.status == "skipped":
                    skipped += 1
                    reasons[result.reason] += 1
                    continue
                rejected += 1
                for problem in result.problems:
                    reasons[_reason_kind(problem.reason)] += 1
                if len(kept) < _KEEP_REJECTIONS:
                    first = result.problems[0]
                    kept.append(Rejection(result.number, first.column, first.value, first.reason))
                if reject_writer is not None:
                    reject_writer.write(_reject_row(result))
        finally:
            if reject_writer is not None:
                reject_writer.close()
        spill.commit()
        groups, common = _find_groups(spill)
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


class _Spill:
    """Usable rows and their match keys, on disk."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE rows (number INTEGER PRIMARY KEY, data TEXT NOT NULL);
            CREATE TABLE keys (key TEXT NOT NULL, number INTEGER NOT NULL);
            """
        )
        self._rows: list[tuple[int, str]] = []
        self._keys: list[tuple[str, int]] = []

    def add(self, result: RowResult) -> None:
        self._rows.append((result.number, json.dumps(result.values, ensure_ascii=False)))
        self._keys.extend((key, result.number) for key in result.keys)
        if len(self._rows) >= 5000:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO rows VALUES (?, ?)", self._rows)
        self.db.executemany("INSERT INTO keys VALUES (?, ?)", self._keys)
        self._rows.clear()
        self._keys.clear()

    def commit(self) -> None:
        self._flush()
        self.db.execute("CREATE INDEX keys_by_key ON keys (key, number)")
        self.db.commit()

    def shared_keys(self) -> Iterator[tuple[str, int, str]]:
        yield from self.db.execute(
            "SELECT key, count(*), group_concat(number) FROM keys"
            " GROUP BY key HAVING count(*) > 1 ORDER BY min(number), key"
        )

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        for number, data in self.db.execute("SELECT number, data FROM rows ORDER BY number"):
            yield number, json.loads(data)

    def get(self, numbers: tuple[int, ...]) -> list[tuple[int, dict[str, str]]]:
        marks = ",".join("?" * len(numbers))
        found = self.db.execute(
            f"SELECT number, data FROM rows WHERE number IN ({marks}) ORDER BY number",  # noqa: S608 - only placeholders
            numbers,
        )
        return [(number, json.loads(data)) for number, data in found]

    def close(self) -> None:
        self.db.close()


def _find_groups(spill: _Spill) -> tuple[list[_Group], tuple[tuple[str, int], ...]]:
    parent: dict[int, int] = {}

    def root(n: int) -> int:
        while parent.get(n, n) != n:
            parent[n] = parent.get(parent[n], parent[n])
            n = parent[n]
        return n

    links: list[tuple[str, tuple[int, ...]]] = []
    common: list[tuple[str, int]] = []
    for key, count, numbers in spill.shared_keys():
        if count > _MAX_GROUP_KEY:
            # a switchboard number or a shared inbox would glue unrelated people together
            common.append((key, count))
            continue
        members = tuple(sorted({int(n) for n in numbers.split(",")}))
        if len(members) < 2:
            continue
        links.append((key, members))
        first = root(members[0])
        for other in members[1:]:
            top = root(other)
            if top != first:
                parent[max(top, first)] = min(top, first)
                first = min(top, first)
    clusters: dict[int, list[int]] = {}
    for number in parent:
        clusters.setdefault(root(number), []).append(number)
    for number in {n for _, members in links for n in members}:
        clusters.setdefault(root(number), [])
        if number not in clusters[root(number)]:
            clusters[root(number)].append(number)
    why: dict[int, list[tuple[str, tuple[int, ...]]]] = {}
    for key, members in links:
        why.setdefault(root(members[0]), []).append((key, members))
    groups = []
    for index, top in enumerate(sorted(clusters), start=1):
        reasons = why.get(top, [])
        score = min(max(_KEY_SCORES[k[0]] for k, _ in reasons), 1.0) if reasons else 1.0
        groups.append(_Group(index, tuple(sorted(clusters[top])), score, _explain(reasons)))
    return groups, tuple(common)


def _explain(reasons: list[tuple[str, tuple[int, ...]]]) -> str:
    by_rows: dict[tuple[int, ...], list[str]] = {}
    for key, members in reasons:
        kind, value = key[0], key[2:]
        if kind == "n":
            name, _, company = value.partition("|")
            what = f"same name ({name}) at the same company ({company})"
        else:
            what = f"{_KEY_WORDS[kind]} ({value})"
        by_rows.setdefault(members, []).append(what)
    return "; ".join(
        f"rows {', '.join(map(str, rows))}: {', '.join(whats)}" for rows, whats in by_rows.items()
    )


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


def _write_clean(spill: _Spill, groups: list[_Group], fields: list[str], out: str | Path) -> int:
    first_of: dict[int, _Group] = {}
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


def _write_duplicates(spill: _Spill, groups: list[_Group], path: str | Path) -> None:
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
