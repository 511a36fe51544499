"""The ``crmkit`` command line: clean, import, dedupe, export, undo-import and agenda.

Every error ends in one line on stderr, ``crmkit: <what went wrong>``, and a non-zero exit
code: 2 for what a user can cause (a missing file, a bad option, an unreadable spreadsheet,
a database that cannot be opened), 1 for a failure while working, 3 for a clean or import
that ran but had no usable row or more rejects than ``--max-rejects`` allows. Never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any, Final

from crmkit._cli_options import options_from_flags
from crmkit._cli_parser import build_parser, first_line
from crmkit._cli_report import (
    columns,
    counts,
    exit_code,
    max_rejects,
    named,
    on_stdout,
    progress,
    summary,
)
from crmkit._cli_store import dry_store, open_cli_store
from crmkit._cli_streams import STDIO, spooled_input, stdout_output
from crmkit._optional import require
from crmkit.errors import ConfigError, CrmkitError

__all__ = ["main"]

# the commands whose summary (and progress bar) rich draws: rich comes with the cli extra
_DRAWN: Final = frozenset({"clean", "import"})

# the library names an argument by its parameter (an option by its path in the options);
# a command-line user knows the flag
_OPTIONS: Final = {
    "out": "-o/--output",
    "path": "-o/--output",
    "duplicates": "--duplicates",
    "rejects": "--rejects",
    "read.region": "--region",
    "read.locale": "--locale",
    "read.mapping": "--map",
    "read.sheet": "--sheet",
    "read.encoding": "--encoding",
    "read.delimiter": "--delimiter",
    "workers": "--workers",
    "read.header_row": "--skip-lines",
    "skip_lines": "--skip-lines",
    "max_rejects": "--max-rejects",
    "options": "--options",
    "kind": "--kind",
    "pipelines": "--pipeline",
    "locale": "--locale",
    "columns": "--columns",
    "where": "--where",
    "key": "--key",
    "days": "--days",
}


def _message(exc: BaseException) -> str:
    """What to tell the user about *exc*, in one line."""
    if isinstance(exc, ConfigError):
        option = _OPTIONS.get(exc.path.split("[", 1)[0])
        if option is not None:
            return f"{option}: {first_line(exc.reason)}"
    if isinstance(exc, OSError):
        return first_line(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc))
    # a database driver's error (through SQLAlchemy) carries the driver's own message,
    # without the statement and the link SQLAlchemy adds on further lines
    original = getattr(exc, "orig", None)
    if isinstance(original, BaseException) and str(original).strip():
        return f"database error: {first_line(str(original))}"
    if isinstance(exc, CrmkitError):
        return first_line(str(exc))
    return f"failed: {type(exc).__name__}: {first_line(str(exc))}"


def _clean(args: argparse.Namespace) -> int:
    from .importers import (  # noqa: PLC0415 - loaded only by the command that needs it
        CleanOptions,
        clean_file,
    )

    options = options_from_flags(args, CleanOptions)
    limit = max_rejects(args.max_rejects)
    to_stdout = args.output == STDIO
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="crmkit-cli-")))
        source = stack.enter_context(spooled_input(args.input, folder))
        out = stack.enter_context(stdout_output(args.output, folder))
        with progress(args) as update:
            report = clean_file(
                source,
                out=out,
                duplicates=args.duplicates,
                rejects=args.rejects,
                options=options,
                progress=update,
                escape_formulas=not args.raw_cells,
            )
    report = named(report, args.input)
    if to_stdout:
        report = on_stdout(report, out)
    if args.json:
        print(
            json.dumps(report.to_dict(), ensure_ascii=False),
            file=sys.stderr if to_stdout else sys.stdout,
        )
    elif not args.quiet:
        rows = counts(report)
        rows.insert(-1, ("duplicate groups", f"{report.duplicate_groups:,}"))
        if report.review_groups:
            # shared phones or mailboxes with clearly different names: not merged
            where = " (see the duplicates file)" if "duplicates" in report.outputs else ""
            rows.insert(-1, ("for review", f"{report.review_groups:,}{where}"))
        if report.values_not_kept:
            where = " (see the duplicates file)" if "duplicates" in report.outputs else ""
            rows.insert(-1, ("values not kept", f"{report.values_not_kept:,}{where}"))
        rows += [(role, path) for role, path in report.outputs.items()]
        rows += columns(report.mapping)
        summary(f"crmkit clean {args.input}", rows, stderr=to_stdout)
    return exit_code(report, limit)


def _import(args: argparse.Namespace) -> int:
    from ._cli_files import (  # noqa: PLC0415 - loaded only by the command that needs it
        object_fields_file,
        pipeline_file,
    )
    from .importers import (  # noqa: PLC0415 - loaded only by the command that needs it
        CleanOptions,
        import_file,
    )

    options = options_from_flags(args, CleanOptions)
    limit = max_rejects(args.max_rejects)
    pipelines = [pipeline_file(Path(name)) for name in args.pipeline]
    fields = object_fields_file(Path(args.object_fields), args.kind) if args.object_fields else None
    store = dry_store(args.db) if args.dry_run else open_cli_store(args.db, create=True)
    with (
        closing(store),
        tempfile.TemporaryDirectory(prefix="crmkit-cli-") as folder,
        spooled_input(args.input, Path(folder)) as source,
        progress(args) as update,
    ):
        if pipelines:
            store.use_pipelines(pipelines)
        if fields is not None:
            store.register_object_type(args.kind, fields)
        report = import_file(
            source,
            store,
            key=args.key,
            on_duplicate=args.on_duplicate,
            dry_run=args.dry_run,
            actor=args.actor,
            options=options,
            progress=update,
            rejects=args.rejects,
            escape_formulas=not args.raw_cells,
            keep_unmapped=args.keep_columns,
            kind=args.kind,
            pipelines=pipelines or None,
            pipeline_mode=args.pipeline_mode,
            zone=args.zone,
        )
    report = named(report, args.input)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    elif not args.quiet:
        rows = counts(report)
        rows.append(("import id", report.import_id + (" (dry run)" if report.dry_run else "")))
        if args.rejects:
            rows.append(("rejects", args.rejects))
        rows += columns(report.mapping)
        summary(f"crmkit import {args.input}", rows)
    return exit_code(report, limit)


def _export(args: argparse.Namespace) -> int:
    from .importers import export  # noqa: PLC0415 - loaded only by the command that needs it

    store = open_cli_store(args.db)
    try:
        kwargs: dict[str, Any] = {
            "locale": args.locale,
            "where": args.where,
            "escape_formulas": not args.raw_cells,
        }
        if args.columns:
            kwargs["columns"] = [c.strip() for c in args.columns.split(",") if c.strip()]
        written = export(store, args.output, **kwargs)
    finally:
        store.close()
    if args.json:
        print(json.dumps({"output": args.output, "contacts": written}))
    elif not args.quiet:
        print(f"wrote {written:,} contacts to {args.output}")
    return 0


def _undo(args: argparse.Namespace) -> int:
    from ._cli_files import pipeline_file  # noqa: PLC0415 - loaded only by the command that needs it
    from .importers import undo_import  # noqa: PLC0415 - loaded only by the command that needs it

    pipelines = [pipeline_file(Path(name)) for name in args.pipeline]
    store = open_cli_store(args.db)
    try:
        if pipelines:
            store.use_pipelines(pipelines)
        touched = undo_import(store, args.import_id)
    finally:
        store.close()
    if args.json:
        print(json.dumps({"import_id": args.import_id, "records": touched}))
    elif not args.quiet:
        print(f"undid import {args.import_id}: {touched:,} records deleted or restored")
    return 0


def _dedupe(args: argparse.Namespace) -> int:
    from .dedupe import find_duplicates  # noqa: PLC0415 - loaded only by the command that needs it

    store = open_cli_store(args.db)
    try:
        contacts = list(store.contacts.find_all())
        groups = find_duplicates(contacts)
    finally:
        store.close()
    if args.output:
        from .importers._tabular import TableWriter  # noqa: PLC0415 - loaded only by the command that needs it

        with TableWriter(args.output, ["group", "score", "kind", "id", "explanation"]) as out:
            for number, group in enumerate(groups, start=1):
                for record_id in group.ids:
                    out.write(
                        [number, f"{group.score:.2f}", group.kind, record_id, str(group.explain())]
                    )
    if args.json:
        print(json.dumps({"groups": len(groups), "contacts": len(contacts)}))
    elif not args.quiet:
        print(f"{len(groups):,} duplicate groups among {len(contacts):,} contacts")
    return 0


def _agenda(args: argparse.Namespace) -> int:
    from ._cli_agenda import run_agenda  # noqa: PLC0415 - loaded only by the command that needs it

    return run_agenda(args)


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "clean": _clean,
    "import": _import,
    "dedupe": _dedupe,
    "export": _export,
    "undo-import": _undo,
    "agenda": _agenda,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``crmkit`` command line and return its exit code.

    Args:
        argv: the arguments (without the program name); ``sys.argv[1:]`` when None.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return int(stop.code or 0)
    try:
        if args.command in _DRAWN and not (args.quiet or args.json):
            require("rich", extra="cli")  # before the work, not when its summary is drawn
        return _COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("crmkit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard: one line, never a traceback
        print(f"crmkit: {_message(exc)}", file=sys.stderr)
        user_caused = isinstance(exc, CrmkitError | OSError) or hasattr(exc, "orig")
        return 2 if user_caused else 1
