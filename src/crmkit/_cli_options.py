"""The command line's reading and cleaning flags, and ``--options FILE``, as one CleanOptions.

``--max-rejects`` is among them; it is checked once the job has run (``_cli_report``).

The flags a user gives win over the file's values; a bad value in the file is reported as
``--options: FILE: read.encoding: ...``, a bad flag under its own name (``--encoding: ...``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from crmkit._converter import from_dict
from crmkit._optional import require
from crmkit.errors import ConfigError, CrmkitError

if TYPE_CHECKING:  # only for the annotations: the commands load the importers themselves
    from crmkit.importers import CleanOptions

__all__ = ["mapping_flags", "options_from_flags", "reading_flags"]

_READ_FLAGS = ("region", "locale", "sheet", "encoding", "delimiter")


def reading_flags(parser: argparse.ArgumentParser) -> None:
    """Add the flags that say how to read and clean a file (clean and import take them)."""
    parser.add_argument("--region", help="phone region for numbers without a country code (PK)")
    parser.add_argument("--locale", help="locale for dates and numbers (fa_IR, de_DE, en_US)")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help='map a column by hand ("Tel=phone"; "Notes=" ignores it); repeatable',
    )
    parser.add_argument("--sheet", help="XLSX sheet to read (default: the first)")
    parser.add_argument("--encoding", help="CSV encoding (default: detected)")
    parser.add_argument("--delimiter", help="CSV delimiter (default: sniffed)")
    parser.add_argument(
        "--skip-lines",
        type=int,
        metavar="N",
        help="the header is on the line (CSV) or row (XLSX) after the first N"
        " (default: found among the first 30 rows, under any title)",
    )
    parser.add_argument(
        "--max-rejects",
        metavar="N|P%",
        help="exit with code 3 when more than N rows (or P%% of the rows) are rejected;"
        " with no usable row it always does",
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="processes that normalize rows (default 1: this process; 2 pays on big files)",
    )
    parser.add_argument(
        "--options",
        metavar="FILE",
        help="read the options from a JSON or YAML file (the flags above override it)",
    )


def mapping_flags(items: Sequence[str]) -> dict[str, str | None]:
    """The header -> field overrides of the ``--map "Header=field"`` flags.

    Raises:
        CrmkitError: for an item without ``=`` or without a header.
    """
    out: dict[str, str | None] = {}
    for item in items:
        header, sep, field = item.partition("=")
        if not sep or not header.strip():
            raise CrmkitError(f'--map takes "Header=field", not {item!r}')
        out[header.strip()] = field.strip() or None
    return out


def options_from_flags(args: argparse.Namespace, options_type: type[CleanOptions]) -> CleanOptions:
    """The clean options the flags give, over those of the ``--options`` file, if any.

    Raises:
        ConfigError: for a bad flag (its path names the option) or a bad file (path
            ``options``).
    """
    base = options_type() if args.options is None else _from_file(args.options, options_type)
    read = {name: getattr(args, name) for name in _READ_FLAGS if getattr(args, name) is not None}
    if args.skip_lines is not None:
        if args.skip_lines < 0:
            raise ConfigError(
                "skip_lines", f"expected a number of lines of at least 0, not {args.skip_lines}"
            )
        read["header_row"] = args.skip_lines + 1
    if args.map:
        read["mapping"] = {**base.read.mapping, **mapping_flags(args.map)}
    rest = {"workers": args.workers} if args.workers is not None else {}
    if not read and not rest:
        return base
    return attrs.evolve(base, read=attrs.evolve(base.read, **read), **rest)


def _not_valid(path: str, kind: str, exc: Exception) -> ConfigError:
    first = str(exc).strip().splitlines()[0]
    return ConfigError("options", f"{path}: not valid {kind}: {first}")


def _from_file(path: str, options_type: type[CleanOptions]) -> CleanOptions:
    """The options written in the JSON or YAML file at *path*."""
    text = Path(path).read_text(encoding="utf-8")
    yaml_file = Path(path).suffix.lower() in (".yaml", ".yml")
    if yaml_file:
        yaml = require("yaml", extra="yaml")  # PyYAML is an extra: only a YAML file needs it
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise _not_valid(path, "YAML", exc) from exc
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _not_valid(path, "JSON", exc) from exc
    try:
        return from_dict({} if data is None else data, options_type)
    except ConfigError as exc:
        raise ConfigError("options", f"{path}: {exc}") from exc
