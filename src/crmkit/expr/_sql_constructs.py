"""The SQL constructs of the SQL compiler whose spelling differs between dialects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from ._regex import MAX_REGEX_TEXT, SQLITE_FUNCTION

__all__ = ["Begins", "Contains", "DaysBetween", "PlusDays", "RegexMatch"]

_Col = sa.ColumnElement[Any]
_LIKE_ESCAPE = "!"


class PlusDays(FunctionElement[date]):
    """``date + n`` whole days (toward zero), spelled per dialect."""

    type = sa.Date()
    name = "crmkit_plus_days"
    inherit_cache = True


class DaysBetween(FunctionElement[Decimal]):
    """``date - date`` in whole days, spelled per dialect."""

    type = sa.Numeric()
    name = "crmkit_days_between"
    inherit_cache = True


class Contains(FunctionElement[bool]):
    """``needle`` occurs in ``haystack``, case-sensitively."""

    type = sa.Boolean()
    name = "crmkit_contains"
    inherit_cache = True


class Begins(FunctionElement[bool]):
    """``haystack`` starts with ``prefix``, case-sensitively."""

    type = sa.Boolean()
    name = "crmkit_begins"
    inherit_cache = True


class RegexMatch(FunctionElement[bool]):
    """``text`` matches a portable REGEX body as a whole, spelt per dialect."""

    type = sa.Boolean()
    name = "crmkit_regex"
    inherit_cache = True


def _args(element: FunctionElement[Any]) -> list[_Col]:
    return list(element.clauses)


@compiles(PlusDays)
def _plus_days(element: PlusDays, compiler: SQLCompiler, **kw: Any) -> str:
    when, days = _args(element)
    whole = sa.cast(sa.func.trunc(sa.cast(days, sa.Numeric)), sa.Integer)
    return f"({compiler.process(when + whole, **kw)})"


@compiles(PlusDays, "sqlite")
def _plus_days_sqlite(element: PlusDays, compiler: SQLCompiler, **kw: Any) -> str:
    when, days = _args(element)
    modifier = sa.cast(sa.cast(days, sa.Integer), sa.String).concat(" days")
    return compiler.process(sa.func.date(when, modifier), **kw)


@compiles(DaysBetween)
def _days_between(element: DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = _args(element)
    return f"({compiler.process(later - earlier, **kw)})"


@compiles(DaysBetween, "sqlite")
def _days_between_sqlite(element: DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = _args(element)
    days = sa.func.julianday(later) - sa.func.julianday(earlier)
    return compiler.process(sa.cast(days, sa.Integer), **kw)


def _escaped(needle: _Col) -> _Col:
    out = needle
    for ch in (_LIKE_ESCAPE, "%", "_"):
        out = sa.func.replace(out, ch, _LIKE_ESCAPE + ch)
    return out


@compiles(Contains)
def _contains(element: Contains, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, needle = _args(element)
    pattern = sa.literal("%").concat(_escaped(needle)).concat("%")
    return f"({compiler.process(haystack.like(pattern, escape=_LIKE_ESCAPE), **kw)})"


@compiles(Begins)
def _begins(element: Begins, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, prefix = _args(element)
    pattern = _escaped(prefix).concat("%")
    return f"({compiler.process(haystack.like(pattern, escape=_LIKE_ESCAPE), **kw)})"


@compiles(RegexMatch)
def _regex(element: RegexMatch, compiler: SQLCompiler, **kw: Any) -> str:
    raise sa.exc.CompileError(f"REGEX has no SQL form on {compiler.dialect.name}")


@compiles(RegexMatch, "postgresql")
def _regex_postgresql(element: RegexMatch, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL's engine reads the portable syntax as RE2 does; the length check keeps a
    # text past the limit from matching, as SQLite's function does
    text, anchored = _args(element)
    short = sa.func.length(text) <= MAX_REGEX_TEXT
    return f"({compiler.process(sa.and_(short, text.op('~')(anchored)), **kw)})"


@compiles(RegexMatch, "sqlite")
def _regex_sqlite(element: RegexMatch, compiler: SQLCompiler, **kw: Any) -> str:
    text, anchored = _args(element)
    return compiler.process(getattr(sa.func, SQLITE_FUNCTION)(anchored, text), **kw)


# SQLite's LIKE ignores ASCII case, unlike the language, so use plain string functions there.
@compiles(Contains, "sqlite")
def _contains_sqlite(element: Contains, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, needle = _args(element)
    return f"({compiler.process(sa.func.instr(haystack, needle) > 0, **kw)})"


@compiles(Begins, "sqlite")
def _begins_sqlite(element: Begins, compiler: SQLCompiler, **kw: Any) -> str:
    haystack, prefix = _args(element)
    head = sa.func.substr(haystack, 1, sa.func.length(prefix))
    return f"({compiler.process(head == prefix, **kw)})"
