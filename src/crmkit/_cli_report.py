"""What ``crmkit clean`` and ``crmkit import`` show, and the exit code a script can trust.

The summary is drawn with rich (the ``cli`` extra); a progress bar shows on a terminal. The
exit code is 0 when the job went through, and 3 when it ran but no row was usable or more
rows were rejected than ``--max-rejects`` allows: the outputs are written either way, so
the rejects file says why.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from crmkit._cli_streams import STDIO
from crmkit._optional import require
from crmkit.errors import ConfigError, CrmkitError, ErrorCode

if TYPE_CHECKING:  # only for the annotations: the commands load the importers themselves
    from crmkit.importers import CleanReport, ColumnMapping, ImportReport

__all__ = [
    "TOO_MANY_REJECTS",
    "MaxRejects",
    "columns",
    "counts",
    "exit_code",
    "max_rejects",
    "named",
    "on_stdout",
    "outcome",
    "progress",
    "summary",
]

#: The exit code of a job that ran but whose rows were not usable enough.
TOO_MANY_REJECTS: Final = 3
#: The skip reason of a row with no cell filled: not a row a user meant.
EMPTY_ROW: Final = "empty row"
_LIMIT: Final = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(%?)\s*")

#: A limit on rejected rows: a number of rows, or a percentage of the rows read.
MaxRejects = tuple[float, bool]
_Report = TypeVar("_Report", "CleanReport", "ImportReport")


def max_rejects(text: str | None) -> MaxRejects | None:
    """The limit ``--max-rejects`` gives: ``10`` rows, or ``2.5%`` of the rows read.

    Raises:
        ConfigError: naming ``max_rejects``, for anything else.
    """
    if text is None:
        return None
    found = _LIMIT.fullmatch(text)
    if found is None or (not found.group(2) and "." in found.group(1)):
        raise ConfigError(
            "max_rejects", f"expected a number of rows (10) or a percentage (2.5%), not {text!r}"
        )
    value, percent = float(found.group(1)), bool(found.group(2))
    if percent and value > 100:
        raise ConfigError("max_rejects", f"a percentage is at most 100%, not {text!r}")
    return value, percent


def outcome(report: CleanReport | ImportReport, limit: MaxRejects | None) -> CrmkitError | None:
    """Why the job's rows are not good enough for a script to go on, or None when they are.

    No usable row (every row rejected or empty, or none at all) is always a reason; more
    rejected rows than *limit* is one when a limit is given.
    """
    empty = report.skipped_reasons.get(EMPTY_ROW, 0)
    usable = report.rows_read - report.rejected - empty
    if usable <= 0:
        return CrmkitError(
            f"no usable row: {report.rejected:,} of {report.rows_read:,} rows rejected"
            f" and {empty:,} empty (header taken from row {report.header_row})",
            code=ErrorCode.TOO_MANY_REJECTS,
        )
    if limit is None:
        return None
    value, percent = limit
    share = 100 * report.rejected / report.rows_read if report.rows_read else 0.0
    if (share if percent else report.rejected) <= value:
        return None
    allowed = f"{value:g}%" if percent else f"{value:g}"
    return CrmkitError(
        f"{report.rejected:,} of {report.rows_read:,} rows rejected ({share:.1f}%),"
        f" more than --max-rejects {allowed} allows",
        code=ErrorCode.TOO_MANY_REJECTS,
    )


def named(report: _Report, given: str) -> _Report:
    """*report* naming stdin as the user did, not by its temporary file."""
    return attrs.evolve(report, source="<stdin>") if given == STDIO else report


def on_stdout(report: CleanReport, out: str) -> CleanReport:
    """*report* naming stdout for the output written to the temporary file *out*."""
    outputs = {role: "<stdout>" if path == out else path for role, path in report.outputs.items()}
    return attrs.evolve(report, outputs=outputs)


def exit_code(report: CleanReport | ImportReport, limit: MaxRejects | None) -> int:
    """0, or 3 with the reason on stderr when the rows are not usable enough."""
    failed = outcome(report, limit)
    if failed is None:
        return 0
    print(f"crmkit: {failed}", file=sys.stderr)
    return TOO_MANY_REJECTS


@contextmanager
def progress(args: argparse.Namespace) -> Iterator[Callable[[Any], None] | None]:
    """Show a progress bar while the block runs (on a terminal only); yield its update hook."""
    if args.quiet or args.json or not sys.stderr.isatty():
        yield None
        return
    rich_progress = require("rich.progress", extra="cli")
    bar = rich_progress.Progress(
        rich_progress.TextColumn("[bold]{task.description}"),
        rich_progress.BarColumn(),
        rich_progress.MofNCompleteColumn(),
        rich_progress.TextColumn("{task.fields[rate]:,.0f} rows/s"),
        rich_progress.TimeRemainingColumn(),
        transient=True,
    )
    task = bar.add_task(args.command, total=None, rate=0.0)

    def update(p: Any) -> None:
        bar.update(task, completed=p.rows_done, total=p.rows_total, rate=p.rows_per_second)

    with bar:
        yield update


def summary(title: str, rows: list[tuple[str, object]], *, stderr: bool = False) -> None:
    """Draw *rows* (label, value) as a table under *title*, on stdout unless *stderr*."""
    console, tables = require("rich.console", extra="cli"), require("rich.table", extra="cli")
    table = tables.Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    for label, value in rows:
        table.add_row(label, str(value))
    console.Console(stderr=stderr, soft_wrap=True).print(table)


def counts(report: CleanReport | ImportReport) -> list[tuple[str, object]]:
    """The rows of a report's summary: the counts, each under it the reasons of its rows."""
    rows: list[tuple[str, object]] = []
    if report.header_row != 1:
        above = report.header_row - 1
        rows.append(("header row", f"{report.header_row} ({above:,} above it left out)"))
    rows += [("rows read", f"{report.rows_read:,}"), ("created", f"{report.created:,}")]
    if report.updated:
        rows.append(("updated", f"{report.updated:,}"))
    rows += [("merged", f"{report.merged:,}"), ("skipped", f"{report.skipped:,}")]
    rows += [(f"  {reason}", f"{count:,}") for reason, count in report.skipped_reasons.items()]
    rows.append(("rejected", f"{report.rejected:,}"))
    rows += [(f"  {reason}", f"{count:,}") for reason, count in report.reasons.items()]
    if report.flagged:
        # usable rows that kept a cell as typed: counted above, listed under "problems"
        rows.append(("kept with problems", f"{report.flagged:,}"))
        rows += [(f"  {reason}", f"{n:,}") for reason, n in report.problem_reasons.items()]
    rows += [("note", note) for note in (d.note for d in report.date_columns) if note]
    rows.append(("rows/second", f"{report.rows_per_second:,.0f}"))
    return rows


def columns(mapping: ColumnMapping) -> list[tuple[str, object]]:
    """The mapping report: each column, the field it feeds and why (or why none)."""
    rows: list[tuple[str, object]] = [("columns", "")]
    for match in mapping.matches:
        if match.field is not None:
            sure = "" if match.score >= 100 else f" {match.score:.0f}%"
            known = f" {match.matched!r}" if match.matched else ""
            rows.append((f"  {match.column}", f"{match.field} ({match.how}{known}{sure})"))
        else:
            near = f", closest {match.closest} {match.score:.0f}%" if match.closest else ""
            rows.append((f"  {match.column}", f"{match.how}{near}"))
    return rows
