"""Splitting formula text into tokens."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, NoReturn

from crmkit.errors import ErrorCode

from ._location import error_at

__all__ = ["KEYWORDS", "MAX_NUMBER_CHARS", "MAX_SOURCE", "NAME", "Token", "tokenize"]

MAX_SOURCE = 10_000
"""Longest formula accepted, in characters (a permission filter included)."""
MAX_NUMBER_CHARS = 40
"""Longest number literal accepted, in characters."""
_MAX_EXPONENT = 100
_SYNTAX = ErrorCode.EXPR_SYNTAX

KEYWORDS = frozenset({"TRUE", "FALSE", "NULL", "AND", "OR", "NOT"})
NAME = re.compile(r"[^\W\d]\w*")

# Whitespace and comments are a prefix of every token rather than tokens of their own: a
# formula makes about half as many matches that way, and lexing is most of a cold compile.
_GAP = r"(?:\s+|/\*.*?\*/)*"
_TOKEN = re.compile(
    _GAP
    + r"""
    (?:(?P<name>[^\W\d]\w*)
    |(?P<op>==|!=|<>|<=|>=|&&|\|\||[-+*/^&=<>!(),.])
    |(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    |(?P<braced>\{(?:[^}\\]|\\.)*\}))
    """,
    re.DOTALL | re.VERBOSE,
)
_BLANK = re.compile(_GAP, re.DOTALL)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r", "}": "}"}


Token = tuple[str, Any, int]
"""One token: its kind (num, str, braced, name, op, eof), its value and its offset."""


def _unescape(source: str, body: str, pos: int, allowed: str) -> str:
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1]
            if nxt not in allowed:
                raise error_at(source, pos + i, f"unknown escape '\\{nxt}'", code=_SYNTAX)
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _number(source: str, text: str, pos: int) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise error_at(
            source,
            pos,
            f"number literal longer than {MAX_NUMBER_CHARS} characters",
            code=ErrorCode.EXPR_TOO_LARGE,
        )
    value = Decimal(text)
    if abs(value.adjusted()) > _MAX_EXPONENT and value:
        raise error_at(
            source, pos, f"number literal beyond 10^{_MAX_EXPONENT}", code=ErrorCode.EXPR_TOO_LARGE
        )
    return value


def tokenize(source: str) -> list[Token]:
    """Return the tokens of *source*, ending with an ``eof`` token.

    Raises:
        FormulaError: on text that is not a token, an unterminated string or comment, an
            unknown escape, or a formula or number beyond the limits.
    """
    if not isinstance(source, str):
        raise error_at(
            "",
            0,
            f"a formula must be text, not {type(source).__name__}",
            code=ErrorCode.EXPR_NOT_TEXT,
        )
    if len(source) > MAX_SOURCE:
        raise error_at(
            source[:80],
            0,
            f"formula longer than {MAX_SOURCE} characters",
            code=ErrorCode.EXPR_TOO_LARGE,
        )
    tokens: list[Token] = []
    append = tokens.append
    pos = 0
    for m in _TOKEN.finditer(source):
        if m.start() != pos:
            _fail(source, pos)
        pos = m.end()
        kind: Any = m.lastgroup  # a token always matches one named group
        start = m.start(kind)
        if kind in {"name", "op"}:
            text = source[start:pos]
            if text == "/" and source.startswith("/*", start):
                raise error_at(source, start, "unterminated comment", code=_SYNTAX)
            append((kind, text, start))
        elif kind == "num":
            append(("num", _number(source, source[start:pos], start), start))
        elif kind == "str":
            body = source[start + 1 : pos - 1]
            append(("str", _unescape(source, body, start + 1, "\\'\"ntr"), start))
        else:
            name = _unescape(source, source[start + 1 : pos - 1], start + 1, "\\}").strip()
            if not name:
                raise error_at(source, start, "empty {field name}", code=_SYNTAX)
            append(("braced", name, start))
    if pos != len(source) and _skip(source, pos) != len(source):
        _fail(source, pos)
    append(("eof", None, len(source)))
    return tokens


def _skip(source: str, pos: int) -> int:
    """Return the offset of the first character at or after *pos* that is not blank."""
    blank = _BLANK.match(source, pos)
    return pos if blank is None else blank.end()


def _fail(source: str, pos: int) -> NoReturn:
    # the text from *pos* did not lex: point at the first character that is not blank
    pos = min(_skip(source, pos), len(source) - 1)
    ch = source[pos]
    if ch in "'\"":
        raise error_at(source, pos, "unterminated text literal", code=_SYNTAX)
    if ch == "{":
        raise error_at(source, pos, "unterminated {field name}", code=_SYNTAX)
    raise error_at(source, pos, f"unexpected character {ch!r}", code=_SYNTAX)
