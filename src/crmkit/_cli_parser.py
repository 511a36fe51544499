"""The ``crmkit`` command line's arguments: every command, flag and help text.

:func:`build_parser` gives the parser ``crmkit.cli.main`` runs; a usage error ends in one
line on stderr and exit code 2, as every other error of the command line does.
"""

from __future__ import annotations

import argparse
import importlib.metadata
from typing import Any, NoReturn

from crmkit._cli_options import reading_flags

__all__ = ["DEFAULT_DB", "build_parser", "first_line"]

DEFAULT_DB = "sqlite:///crm.db"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"crmkit: {first_line(message)}\n")


def first_line(text: str) -> str:
    """The first line of *text* that is not blank, stripped; ``failed`` when none is."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "failed"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def _raw_cells(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--raw-cells",
        action="store_true",
        help="write CSV cells beginning with = + - @ as they are, for programs rather than"
        " spreadsheets (by default they get a ' so a spreadsheet shows them as text)",
    )


def _agenda(commands: Any) -> None:
    agenda = commands.add_parser(
        "agenda",
        help="print a person's overdue, today's and upcoming activities",
        description="Print a person's day: overdue work, today's, and the next days' grouped"
        " by day in their zone.",
    )
    agenda.add_argument("--db", default=DEFAULT_DB, help=f"database URL (default {DEFAULT_DB})")
    agenda.add_argument("--owner", required=True, metavar="NAME", help="whose agenda (owner id)")
    agenda.add_argument("--tz", default="UTC", metavar="ZONE", help="their IANA zone (default UTC)")
    agenda.add_argument(
        "--days", type=int, default=7, metavar="N", help="days after today to show (default 7)"
    )
    agenda.add_argument("--now", metavar="INSTANT", help="the agenda at this ISO 8601 instant")
    agenda.add_argument(
        "--ics", metavar="FILE", help="also write their open activities as iCalendar (ics extra)"
    )
    _common(agenda)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="crmkit",
        description="Clean, import and export contact spreadsheets; print agendas.",
    )
    parser.add_argument(
        "--version", action="version", version=f"crmkit {importlib.metadata.version('crmkit')}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    clean = commands.add_parser(
        "clean",
        help="normalize a spreadsheet, merge duplicates, write clean and rejected rows",
        description="Normalize phones, e-mails and names, merge duplicate rows, and write "
        "a clean file, a duplicates report and the rows that could not be used.",
    )
    clean.add_argument("input", help="CSV, XLSX, JSON-lines or vCard (.vcf) file; - reads stdin")
    clean.add_argument(
        "-o",
        "--output",
        required=True,
        help="clean file (.csv, .xlsx or .vcf); - writes CSV to stdout",
    )
    clean.add_argument("--duplicates", help="duplicate groups report (.csv or .xlsx)")
    clean.add_argument("--rejects", help="rows that could not be used, with the reason")
    _raw_cells(clean)
    reading_flags(clean)
    _common(clean)

    imp = commands.add_parser(
        "import",
        help="import a spreadsheet into a database",
        description="Import contacts; rows matching a stored contact by the key are merged.",
    )
    imp.add_argument("input", help="CSV, XLSX, JSON-lines or vCard (.vcf) file; - reads stdin")
    imp.add_argument("--db", default=DEFAULT_DB, help=f"database URL (default {DEFAULT_DB})")
    imp.add_argument("--key", default="email", choices=["email", "phone"], help="match key")
    imp.add_argument(
        "--on-duplicate",
        default="merge",
        choices=["merge", "skip", "update", "create"],
        help="what a row matching a stored contact does",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="report, but write nothing (not even a new database)"
    )
    imp.add_argument(
        "--keep-columns",
        action="store_true",
        help="keep the columns that feed no field as text custom fields named from the header",
    )
    imp.add_argument("--actor", help="who is importing (for the history)")
    imp.add_argument(
        "--rejects", help="write the rows that could not be used, with the reason (.csv/.xlsx)"
    )
    imp.add_argument(
        "--kind",
        default="contact",
        help="contact, company, deal, activity (calls, notes, meetings, tasks) or a custom"
        " object type",
    )
    imp.add_argument(
        "--zone",
        default="UTC",
        help="activities: the IANA zone the file's dates and times are in (default UTC)",
    )
    imp.add_argument(
        "--pipeline", action="append", default=[], help="a pipeline file (.yaml/.json) for deals"
    )
    imp.add_argument(
        "--pipeline-mode",
        default="enforce",
        choices=["enforce", "load"],
        help="deals: check each stage by the pipeline, or load history as it stands",
    )
    imp.add_argument(
        "--object-fields",
        metavar="FILE",
        help="the --kind object type's fields (.json/.yaml: types by name, or a schema)",
    )
    _raw_cells(imp)
    reading_flags(imp)
    _common(imp)

    dedupe = commands.add_parser(
        "dedupe",
        help="list duplicate contacts in a database",
        description="Find groups of stored contacts that are one person.",
    )
    dedupe.add_argument("--db", default=DEFAULT_DB, help=f"database URL (default {DEFAULT_DB})")
    dedupe.add_argument("-o", "--output", help="write the groups to this .csv or .xlsx")
    _common(dedupe)

    export = commands.add_parser(
        "export",
        help="export contacts to CSV, XLSX or vCard",
        description="Export stored contacts.",
    )
    export.add_argument("--db", default=DEFAULT_DB, help=f"database URL (default {DEFAULT_DB})")
    export.add_argument("-o", "--output", required=True, help="output file (.csv, .xlsx or .vcf)")
    export.add_argument("--columns", help="comma-separated columns (default: the main fields)")
    export.add_argument("--locale", help="format dates and phones for this locale")
    export.add_argument("--where", help="filter in the expression language")
    _raw_cells(export)
    _common(export)

    undo = commands.add_parser(
        "undo-import",
        help="undo an import by its id",
        description="Delete what an import created and restore what it changed.",
    )
    undo.add_argument("import_id", metavar="ID", help="the import id the import printed")
    undo.add_argument("--db", default=DEFAULT_DB, help=f"database URL (default {DEFAULT_DB})")
    undo.add_argument(
        "--pipeline", action="append", default=[], help="the pipeline files of a deal import"
    )
    _common(undo)

    _agenda(commands)
    return parser
