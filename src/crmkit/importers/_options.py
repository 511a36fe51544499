"""The settings of a clean or an import, as two frozen options objects.

:class:`ReadOptions` says how to read a source (encoding, delimiter, sheet, header row, header
overrides, phone region, locale, Jalali dates); :class:`CleanOptions` holds them and says
how to clean and match the rows (match rules, the rule stage and its limit, worker
processes). ``clean_file``, ``import_file``, ``preview`` and the command line all take the
same objects. Each value is checked when the object is made, and a bad one raises
:class:`~crmkit.errors.ConfigError` naming it as it sits in the options' dict form
(``read.encoding``, ``workers``), which is also the form ``crmkit.to_dict`` writes and
``crmkit.from_dict`` reads.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import Any, Final, Literal, TypeVar

import attrs
from attrs import field, frozen

from crmkit._converter import converter
from crmkit.dedupe import MatchRules
from crmkit.errors import ConfigError

from ._fuzzy import FUZZY_LIMIT, check_rules
from ._locale import LocaleOptions, _check_locale, _check_region
from ._mapping import _target
from ._object_fields import OBJECT_FIELDS

__all__ = ["CleanOptions", "OnDuplicate", "ReadOptions"]

#: What an import does with a row that matches a stored record: fill its blanks (merge),
#: leave it (skip), replace what the row fills (update), or create another (create).
OnDuplicate = Literal["merge", "skip", "update", "create"]

_T = TypeVar("_T")
_QUOTES: Final = frozenset("\"'\r\n")


def _text(path: str, value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ConfigError(path, f"expected text, not {value!r}")
    return value


def _encoding(value: str | None) -> str | None:
    name = _text("read.encoding", value)
    if name is not None:
        try:
            codecs.lookup(name)
        except LookupError as exc:
            raise ConfigError("read.encoding", f"unknown encoding {name!r}") from exc
    return name


def _delimiter(value: str | None) -> str | None:
    sep = _text("read.delimiter", value)
    if sep is not None and (len(sep) != 1 or sep in _QUOTES):
        # the csv module takes one character, and a quote or line break cannot separate
        raise ConfigError("read.delimiter", f"expected one character such as ';', not {sep!r}")
    return sep


def _sheet(value: str | int | None) -> str | int | None:
    given: object = value  # callers are not type-checked: check what really came
    if given is None or isinstance(given, str):
        return value or None
    if isinstance(given, int) and not isinstance(given, bool) and given >= 0:
        return given
    raise ConfigError("read.sheet", f"expected a sheet name or a 0-based index, not {value!r}")


def _header_row(value: int | None) -> int | None:
    given: object = value  # callers are not type-checked: check what really came
    if given is None:
        return None
    if not isinstance(given, int) or isinstance(given, bool) or given < 1:
        raise ConfigError("read.header_row", f"expected a row number of at least 1, not {value!r}")
    return value


def _mapping(value: Mapping[str, str | None] | None) -> dict[str, str | None]:
    given: object = value  # callers are not type-checked: check what really came
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        raise ConfigError("read.mapping", f"expected header -> field pairs, not {value!r}")
    out: dict[str, str | None] = {}
    for header, target in given.items():
        path = f"read.mapping[{header!r}]"
        if not isinstance(header, str) or not isinstance(target, str | None):
            raise ConfigError(path, f"expected a field name or None, not {target!r}")
        try:
            _target(target, header)
        except ConfigError as exc:
            # a company or deal import takes its own fields (checked again when it maps)
            if target not in OBJECT_FIELDS:
                raise ConfigError(path, exc.reason) from exc
        out[header] = target
    return out


def _region(value: str | None) -> str | None:
    try:
        return _check_region(value)
    except ConfigError as exc:
        raise ConfigError("read.region", exc.reason) from exc


def _locale(value: str | None) -> str | None:
    try:
        return _check_locale(value)
    except ConfigError as exc:
        raise ConfigError("read.locale", exc.reason) from exc


def _flag(path: str, value: bool | None) -> bool | None:
    given: object = value  # callers are not type-checked: check what really came
    if given is not None and not isinstance(given, bool):
        raise ConfigError(path, f"expected true, false or none, not {value!r}")
    return value


def _jalali(value: bool | None) -> bool | None:
    return _flag("read.jalali", value)


def _fuzzy(value: bool | None) -> bool | None:
    return _flag("fuzzy", value)


def _count(path: str, value: int, least: int) -> int:
    given: object = value  # callers are not type-checked: check what really came
    if not isinstance(given, int) or isinstance(given, bool):
        raise ConfigError(path, f"expected a whole number, not {value!r}")
    if value < least:
        raise ConfigError(path, f"must be at least {least}, not {value}")
    return value


def _fuzzy_limit(value: int) -> int:
    return _count("fuzzy_limit", value, 0)


def _workers(value: int) -> int:
    return _count("workers", value, 1)


def _rules(value: MatchRules | None) -> MatchRules | None:
    return None if value is None else check_rules(value)


def _read(value: ReadOptions) -> ReadOptions:
    given: object = value  # callers are not type-checked: check what really came
    if not isinstance(given, ReadOptions):
        raise ConfigError("read", f"expected ReadOptions, not {type(value).__name__}")
    return value


@frozen(kw_only=True)
class ReadOptions:
    """How to read a source: its text, its sheet, its headers and its locale.

    Attributes:
        encoding: the text encoding of a CSV or JSON-lines file (any name Python's codecs
            know); detected when None (byte order marks, then UTF-8, then detection).
        delimiter: the CSV delimiter, one character; sniffed among comma, semicolon, tab
            and pipe when None.
        sheet: the XLSX sheet, by name or 0-based index; the first when None.
        header_row: the CSV line or sheet row holding the column names (1 for the first);
            when None, found among the first rows (a title and blank rows above the
            header are left out, see :func:`open_source`).
        mapping: header → field overrides (see :func:`map_columns`); a field of None
            ignores the column. A company or deal field (``amount``, ``stage``) is taken
            too, for imports of those kinds; a contact import refuses it.
        region: ISO 3166 region for phone numbers written without a country code (kept
            in capitals); when None, the locale's territory, each row's hints and then the
            regions of the numbers written with a country code in the first rows.
        locale: babel locale for dates and numbers (``en_US``, ``de_DE``; ``fa_IR`` also
            means Jalali dates).
        jalali: read years 1300-1499 as Jalali years; by default only for Persian locales.

    Raises:
        ConfigError: for a bad value, its path like ``read.encoding`` or
            ``read.mapping['Tel']``.
    """

    encoding: str | None = field(default=None, converter=_encoding)
    delimiter: str | None = field(default=None, converter=_delimiter)
    sheet: str | int | None = field(default=None, converter=_sheet)
    header_row: int | None = field(default=None, converter=_header_row)
    mapping: dict[str, str | None] = field(factory=dict, converter=_mapping)
    region: str | None = field(default=None, converter=_region)
    locale: str | None = field(default=None, converter=_locale)
    jalali: bool | None = field(default=None, converter=_jalali)

    @property
    def locale_options(self) -> LocaleOptions:
        """The :class:`LocaleOptions` these options give (before any region is guessed)."""
        return LocaleOptions(region=self.region, locale=self.locale, jalali=self.jalali)


@frozen(kw_only=True)
class CleanOptions:
    """How to read, clean and match the rows of a source; ``clean_file`` and ``import_file``.

    Attributes:
        read: how to read the source.
        rules: the match rules (a contact :class:`~crmkit.dedupe.MatchRules`) that find
            duplicates beyond the exact keys; the default contact rules when None.
        fuzzy: whether the match rules run: True always, False never (the exact keys, or
            an import's key, alone), None by default: ``clean_file`` runs them for files
            of up to *fuzzy_limit* usable rows, ``import_file`` always.
        fuzzy_limit: usable rows up to which ``clean_file`` runs the rules by default (they
            hold some 250 bytes a row in memory at once).
        workers: processes that normalize rows. 1, the default, works in this process;
            more start a process pool of that size, which pays on large files only (see
            ``docs/importing.md``).

    Raises:
        ConfigError: for a bad value, its path like ``workers`` or ``rules.kind``.
    """

    read: ReadOptions = field(factory=ReadOptions, converter=_read)
    rules: MatchRules | None = field(default=None, converter=_rules)
    fuzzy: bool | None = field(default=None, converter=_fuzzy)
    fuzzy_limit: int = field(default=FUZZY_LIMIT, converter=_fuzzy_limit)
    workers: int = field(default=1, converter=_workers)

    @property
    def match_rules(self) -> MatchRules:
        """The rules to match with: *rules*, else the default contact rules."""
        return check_rules(self.rules)


def checked(options: object, cls: type[_T]) -> _T:
    """*options* when it is a *cls*, else the defaults for None.

    Raises:
        ConfigError: naming ``options``, for anything else (a dict, a ReadOptions where
            CleanOptions are expected).
    """
    if options is None:
        return cls()
    if not isinstance(options, cls):
        raise ConfigError("options", f"expected {cls.__name__}, not {type(options).__name__}")
    return options


def _fields(data: object, cls: type[Any], path: str) -> dict[str, Any]:
    """The keyword arguments *data* gives for *cls*; unknown keys are errors."""
    if not isinstance(data, Mapping):
        raise ConfigError(path, f"expected an object, not {type(data).__name__}")
    known = [a.name for a in attrs.fields(cls)]
    for key in data:
        if key not in known:
            where = f"{path}.{key}" if path else str(key)
            raise ConfigError(where, f"unknown option (expected one of: {', '.join(known)})")
    return dict(data)


def _read_in(data: object, _: object = None) -> ReadOptions:
    return ReadOptions(**_fields(data, ReadOptions, "read"))


def _clean_in(data: object, _: object = None) -> CleanOptions:
    values = _fields(data, CleanOptions, "")
    if "read" in values:
        values["read"] = _read_in(values["read"])
    if values.get("rules") is not None:
        try:
            values["rules"] = MatchRules.from_dict(values["rules"])
        except ConfigError as exc:
            raise ConfigError(f"rules.{exc.path}" if exc.path else "rules", exc.reason) from exc
    return CleanOptions(**values)


def _clean_out(options: CleanOptions) -> dict[str, Any]:
    return {
        "read": converter.unstructure(options.read),
        "rules": None if options.rules is None else options.rules.to_dict(),
        "fuzzy": options.fuzzy,
        "fuzzy_limit": options.fuzzy_limit,
        "workers": options.workers,
    }


# Made by hand, so that a bad value in a dict is the ConfigError the constructor raises,
# with its path, rather than cattrs' wrapping of it.
converter.register_structure_hook(ReadOptions, _read_in)
converter.register_structure_hook(CleanOptions, _clean_in)
converter.register_unstructure_hook(CleanOptions, _clean_out)
