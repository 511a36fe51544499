"""What a clean or an import did: counts that add up to the rows read, reasons, progress."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Final

from attrs import field, frozen

from ._date_columns import DateColumn
from ._mapping import ColumnMapping
from ._problems import Problem

__all__ = [
    "CleanReport",
    "ImportReport",
    "ProblemTally",
    "Progress",
    "ProgressCallback",
    "Rejection",
    "reason_kind",
]

_KEEP: Final = 1000


@frozen
class Rejection:
    """A row that could not be used, or a cell of a usable row kept as typed: where and why.

    Attributes:
        row: where the row is in the input: the line where it starts in a CSV or JSON-lines
            file (the header is line 1), the sheet row of a workbook, the position of a dict.
        column: the input column at fault (several joined with ``"; "``), or ``"<row>"``.
        value: the offending cell's text.
        reason: why, in words.
        code: the stable code of the cause, for a program to branch on (see
            :class:`~crmkit.errors.ErrorCode`).
    """

    row: int
    column: str
    value: str
    reason: str
    code: str


@frozen
class Progress:
    """How far a long job is.

    Attributes:
        rows_done: rows handled so far.
        rows_total: rows expected in all (an estimate for CSV), or None when unknown.
        rows_per_second: the rate so far.
        eta_seconds: seconds left at that rate, or None when the total is unknown.
    """

    rows_done: int
    rows_total: int | None
    rows_per_second: float
    eta_seconds: float | None


#: Called now and then during a long job.
ProgressCallback = Callable[[Progress], None]


def reason_kind(reason: str) -> str:
    """The kind of a problem's reason, which counts group by (not each value's details)."""
    head = reason.split(":", 1)[0]
    return head if head.startswith(("invalid", "not kept")) else reason


class ProblemTally:
    """The cells that usable rows kept as typed: rows, the first cells, counts by reason."""

    def __init__(self) -> None:
        self.rows = 0
        self.kept: list[Rejection] = []
        self.reasons: Counter[str] = Counter()

    def take(self, number: int, problems: Sequence[Problem], *, counted: bool = False) -> None:
        """Count the problems of usable row *number* (*counted*: its row is already)."""
        if not counted:
            self.rows += 1
        for problem in problems:
            self.reasons[reason_kind(problem.reason)] += 1
            if len(self.kept) < _KEEP:
                self.kept.append(
                    Rejection(number, problem.column, problem.value, problem.reason, problem.code)
                )


def _summary(report: CleanReport | ImportReport) -> dict[str, Any]:
    return {
        "source": report.source,
        "rows_read": report.rows_read,
        "created": report.created,
        "updated": report.updated,
        "merged": report.merged,
        "skipped": report.skipped,
        "rejected": report.rejected,
        "reasons": dict(report.reasons),
        "skipped_reasons": dict(report.skipped_reasons),
        "header_row": report.header_row,
        "seconds": round(report.seconds, 3),
        "rows_per_second": round(report.rows_per_second, 1),
        "flagged": report.flagged,
        "problem_reasons": dict(report.problem_reasons),
        "date_columns": {d.column: d.order for d in report.date_columns},
        "notes": [d.note for d in report.date_columns if d.note],
        "ignored_columns": [column for column, _ in report.mapping.ignored],
        "carried_columns": [rule.column for rule in report.mapping.carried],
        "mapping": {rule.column: rule.field for rule in report.mapping.rules},
        "columns": [match.to_dict() for match in report.mapping.matches],
    }


@frozen(kw_only=True)
class CleanReport:
    """The outcome of :func:`clean_file`.

    ``created + updated + merged + skipped + rejected == rows_read`` always holds: each clean
    output row counts as created, each row folded into another as merged (``updated`` is
    always 0 when cleaning).

    Attributes:
        source: the input's name.
        rows_read: data rows read.
        created: rows written to the clean output.
        merged: rows folded into another row as its duplicate.
        skipped: rows left out on purpose (empty rows), see *skipped_reasons*.
        rejected: rows written to the rejects output, see *reasons* and *rejections*.
        duplicate_groups: groups of rows found to be one contact.
        review_groups: groups of rows that share a phone, a mailbox or a name at a company
            but whose names clearly differ: not merged, listed in the duplicates report
            (status ``review``) for a person to look at.
        reasons: how many rejected rows had each kind of problem (first problem of the
            row): the counts add up to *rejected*.
        skipped_reasons: how many rows were skipped for each reason: they add up to
            *skipped*.
        header_row: the line or sheet row the headers were read from (rows above it are
            a title or blank, neither read nor counted).
        rejections: the first rejections (up to 1,000), for showing.
        flagged: usable rows with a cell kept as typed (a phone valid in several regions,
            a date that is none): counted as created or merged, listed in the clean file's
            ``problems`` column.
        problems: the first cells kept as typed (up to 1,000), with row, column, value,
            reason and code.
        problem_reasons: how many cells were kept as typed for each reason.
        date_columns: how each date column was read (the day or the month first) and why;
            a column no value decides follows the locale, and its ``note`` says so.
        mapping: the column mapping used.
        outputs: the files written, by role (``clean``, ``duplicates``, ``rejects``).
        seconds: wall time.
        skipped_keys: match keys shared by so many rows that they were not used to
            match (a switchboard phone, ``info@`` of a company), with their row counts.
        fuzzy: whether the match rules ran after the exact keys (see ``clean_file``).
        values_not_kept: values of merged rows that the merged row does not keep (a second
            job title, another city); each is listed in the duplicates report.
    """

    source: str
    rows_read: int
    created: int
    merged: int
    skipped: int
    rejected: int
    duplicate_groups: int
    review_groups: int = 0
    reasons: dict[str, int] = field(factory=dict)
    skipped_reasons: dict[str, int] = field(factory=dict)
    header_row: int = 1
    rejections: tuple[Rejection, ...] = ()
    flagged: int = 0
    problems: tuple[Rejection, ...] = ()
    problem_reasons: dict[str, int] = field(factory=dict)
    date_columns: tuple[DateColumn, ...] = ()
    mapping: ColumnMapping
    outputs: dict[str, str] = field(factory=dict)
    seconds: float = 0.0
    skipped_keys: tuple[tuple[str, int], ...] = ()
    updated: int = 0
    fuzzy: bool = False
    values_not_kept: int = 0

    @property
    def rows_per_second(self) -> float:
        """Rows read per second of wall time."""
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    @property
    def accounted(self) -> bool:
        """Whether every row read is counted once: created, updated, merged, skipped or rejected."""
        counted = self.created + self.updated + self.merged + self.skipped + self.rejected
        return counted == self.rows_read

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-safe data (what ``crmkit clean --json`` prints)."""
        data = _summary(self)
        data["duplicate_groups"] = self.duplicate_groups
        data["review_groups"] = self.review_groups
        data["outputs"] = dict(self.outputs)
        data["skipped_keys"] = [list(pair) for pair in self.skipped_keys]
        data["fuzzy"] = self.fuzzy
        data["values_not_kept"] = self.values_not_kept
        return data


@frozen(kw_only=True)
class ImportReport:
    """The outcome of :func:`import_file`.

    ``created + updated + merged + skipped + rejected == rows_read`` always holds.

    Attributes:
        import_id: the id to pass to :func:`undo_import`.
        source: the input's name.
        rows_read: data rows read.
        created: new contacts added.
        updated: existing contacts overwritten from a row (``on_duplicate="update"``).
        merged: rows merged into an existing contact or into an earlier row of the file.
        skipped: rows left out on purpose (empty, unchanged, duplicates with
            ``on_duplicate="skip"``), see *skipped_reasons*.
        rejected: rows that could not be used, see *reasons* and *rejections*.
        reasons: how many rejected rows had each kind of problem (first problem of the
            row): the counts add up to *rejected*.
        skipped_reasons: how many rows were skipped for each reason: they add up to
            *skipped*.
        header_row: the line or sheet row the headers were read from.
        rejections: the first rejections (up to 1,000), for showing.
        flagged: stored rows with a cell kept as typed (a phone valid in several regions,
            a date that is none); the contact keeps those cells, with their reasons, in its
            ``problems`` custom field. Rows whose values a merge did not keep (the stored
            contact has another, code ``importers.value_not_kept``) are flagged too, each
            value listed in *problems* with its row and column.
        problems: the first cells kept as typed (up to 1,000), with row, column, value,
            reason and code.
        problem_reasons: how many cells were kept as typed for each reason.
        date_columns: how each date column was read (the day or the month first) and why;
            a column no value decides follows the locale, and its ``note`` says so.
        mapping: the column mapping used.
        dry_run: True when nothing was written.
        seconds: wall time.
        linked: links made between imported contacts and the stored companies their rows
            name (see ``docs/importing.md``).
    """

    import_id: str
    source: str
    rows_read: int
    created: int
    updated: int
    merged: int
    skipped: int
    rejected: int
    reasons: dict[str, int] = field(factory=dict)
    skipped_reasons: dict[str, int] = field(factory=dict)
    header_row: int = 1
    rejections: tuple[Rejection, ...] = ()
    flagged: int = 0
    problems: tuple[Rejection, ...] = ()
    problem_reasons: dict[str, int] = field(factory=dict)
    date_columns: tuple[DateColumn, ...] = ()
    mapping: ColumnMapping
    dry_run: bool = False
    seconds: float = 0.0
    linked: int = 0

    @property
    def rows_per_second(self) -> float:
        """Rows read per second of wall time."""
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    @property
    def accounted(self) -> bool:
        """Whether every row read is counted once: created, updated, merged, skipped or rejected."""
        counted = self.created + self.updated + self.merged + self.skipped + self.rejected
        return counted == self.rows_read

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-safe data (what ``crmkit import --json`` prints)."""
        data = _summary(self)
        data["import_id"] = self.import_id
        data["dry_run"] = self.dry_run
        data["linked"] = self.linked
        return data
