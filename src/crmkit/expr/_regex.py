r"""REGEX patterns: one portable syntax, matched in linear time on every backend.

A pattern is read once, when its formula is checked, and rewritten into a form that
Python (through RE2), SQLite (through the same RE2 matcher, as a SQL function) and
PostgreSQL's own engine all read alike: ``.`` never matches a newline, ``\d``, ``\w`` and
``\s`` are ASCII classes spelt out, every group is non-capturing and every punctuation
literal is escaped. Features the engines read differently, or that need backtracking
(backreferences, lookaround, word boundaries, flags, anchors inside the pattern,
possessive repetition), are refused with ``expr.bad_pattern``.

RE2 matches without backtracking, so a match costs time linear in the text whatever the
pattern; repetition counts are bounded so that the pattern itself stays small.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

import re2

from crmkit.errors import ErrorCode

from ._runtime import Fault

__all__ = [
    "MAX_PATTERN",
    "MAX_REGEX_TEXT",
    "SQLITE_FUNCTION",
    "PatternError",
    "Regex",
    "portable_pattern",
    "regex_matches",
    "register_sqlite_functions",
]

MAX_PATTERN = 500
"""Longest REGEX pattern accepted, in characters."""
MAX_REGEX_TEXT = 1_000_000
"""Longest text REGEX reads, in characters; a longer one is a FormulaError in evaluation."""
SQLITE_FUNCTION = "crmkit_regex"
"""The SQL function a SQLite connection gets for REGEX: ``crmkit_regex(pattern, text)``."""
_MAX_REPEAT = 100  # the largest count in {n,m}
_MAX_SIZE = 1_000  # pattern atoms once every repetition count is multiplied out
_ESCAPE_ALWAYS = frozenset("\\.^$|?*+()[]{}-&~#/!\"'%,:;<=>@`")
_CONTROL = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_DIGIT = "0-9"
_WORD = "0-9A-Za-z_"
_SPACE = " \t\n\r\f\v"
_SHORTHANDS = {"d": _DIGIT, "w": _WORD, "s": _SPACE}


class PatternError(Exception):
    """A pattern outside the portable syntax; ``too_large`` for one past the size limits."""

    def __init__(self, reason: str, *, too_large: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large


def _char(ch: str) -> str:
    return "\\" + ch if ch in _ESCAPE_ALWAYS else ch


class _Translator:
    """Reads a pattern left to right, with a stack for groups (no recursion)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.i = 0
        self.out: list[str] = []
        # per open group: [size so far, size of the last atom or None if not repeatable]
        self.levels: list[list[int | None]] = [[0, None]]

    def atom(self, text: str, size: int = 1) -> None:
        self.out.append(text)
        level = self.levels[-1]
        level[0] = (level[0] or 0) + size
        level[1] = size

    def repeat(self, text: str, factor: int) -> None:
        level = self.levels[-1]
        last = level[1]
        if last is None:
            raise PatternError(f"nothing to repeat before {text!r}")
        size = (level[0] or 0) + last * (factor - 1)
        if size > _MAX_SIZE:
            raise PatternError("pattern too large once its repetitions are counted", too_large=True)
        level[0], level[1] = size, None
        self.out.append(text)
        nxt = self.pattern[self.i : self.i + 1]
        if nxt == "?":  # lazy and greedy repetition give the same whole-text answer
            self.i += 1
        elif nxt == "+":
            raise PatternError("possessive repetition is not supported")

    def translate(self) -> str:
        pattern = self.pattern
        if "\x00" in pattern:
            raise PatternError("a pattern cannot hold the character NUL")
        end = len(pattern)
        if pattern.startswith("^"):
            self.i = 1  # the whole text is matched anyway
        if pattern.endswith("$") and not _escaped_at(pattern, end - 1) and end > self.i:
            end -= 1
        while self.i < end:
            ch = pattern[self.i]
            self.i += 1
            if ch == "\\":
                self.escape(end)
            elif ch == "[":
                self.atom(self.bracket(end))
            elif ch == "(":
                self.group(end)
            elif ch == ")":
                self.close()
            elif ch == "|":
                self.levels[-1][1] = None
                self.out.append("|")
            elif ch in "*+?":
                self.repeat(ch, 2 if ch == "+" else 1)
            elif ch == "{":
                self.braces(end)
            elif ch == ".":
                self.atom("[^\n]")
            elif ch in "^$":
                raise PatternError(f"{ch!r} may only start or end the pattern")
            else:
                self.atom(_char(ch))
        if len(self.levels) > 1:
            raise PatternError("missing ')'")
        return "".join(self.out)

    def escape(self, end: int) -> None:
        if self.i >= end:
            raise PatternError("a pattern cannot end with '\\'")
        ch = self.pattern[self.i]
        self.i += 1
        if ch in _SHORTHANDS:
            self.atom(f"[{_class_text(_SHORTHANDS[ch])}]")
        elif ch.lower() in _SHORTHANDS:
            self.atom(f"[^{_class_text(_SHORTHANDS[ch.lower()])}]")
        elif ch in _CONTROL:
            self.atom(_CONTROL[ch])
        elif ch.isascii() and ch.isalnum():
            raise PatternError(f"'\\{ch}' is not supported (backreferences, anchors, classes)")
        else:
            self.atom(_char(ch))

    def bracket(self, end: int) -> str:
        pattern = self.pattern
        negate = pattern.startswith("^", self.i)
        if negate:
            self.i += 1
        members: list[str] = []
        first = True
        while True:
            if self.i >= end:
                raise PatternError("missing ']'")
            ch = pattern[self.i]
            self.i += 1
            if ch == "]" and not first:
                break
            first = False
            if ch == "[" and pattern.startswith((":", ".", "="), self.i):
                raise PatternError("POSIX classes like [:alpha:] are not supported")
            if ch == "\\":
                if self.i >= end:
                    raise PatternError("missing ']'")
                ch = pattern[self.i]
                self.i += 1
                if ch in _SHORTHANDS:
                    members.append(_class_text(_SHORTHANDS[ch]))
                    continue
                if ch in _CONTROL:
                    ch = _CONTROL[ch]
                elif ch.isascii() and ch.isalnum():
                    raise PatternError(f"'\\{ch}' is not supported in a class")
            if pattern.startswith("-", self.i) and self.i + 1 < end and pattern[self.i + 1] != "]":
                high = pattern[self.i + 1]
                self.i += 2
                if high == "\\":
                    if self.i >= end:
                        raise PatternError("missing ']'")
                    high = _CONTROL.get(pattern[self.i], pattern[self.i])
                    if (
                        pattern[self.i].isascii()
                        and pattern[self.i].isalnum()
                        and high not in _SPACE
                    ):
                        raise PatternError("a range must end at a character")
                    self.i += 1
                if ord(high) < ord(ch):
                    raise PatternError(f"bad range {ch}-{high}")
                members.append(f"{_class_char(ch)}-{_class_char(high)}")
            else:
                members.append(_class_char(ch))
        return ("[^" if negate else "[") + "".join(members) + "]"

    def group(self, end: int) -> None:
        if self.pattern.startswith("?", self.i):
            if not self.pattern.startswith("?:", self.i):
                raise PatternError("only (...) and (?:...) groups are supported (no lookaround)")
            self.i += 2
        self.levels.append([0, None])
        self.out.append("(?:")
        if len(self.levels) > 50:
            raise PatternError("groups nested deeper than 50 levels", too_large=True)
        del end

    def close(self) -> None:
        if len(self.levels) == 1:
            raise PatternError("unbalanced ')'")
        size = self.levels.pop()[0] or 0
        self.out.append(")")
        level = self.levels[-1]
        level[0] = (level[0] or 0) + size
        level[1] = size

    def braces(self, end: int) -> None:
        close = self.pattern.find("}", self.i, end)
        body = self.pattern[self.i : close] if close >= 0 else ""
        low, comma, high = body.partition(",")
        if close < 0 or not low.isdigit() or not (high.isdigit() or high == ""):
            raise PatternError("'{' must start a count like {2}, {2,} or {2,5}; write \\{")
        self.i = close + 1
        low_n = int(low)
        high_n = int(high) if high else (low_n if not comma else low_n + 1)
        if max(low_n, high_n) > _MAX_REPEAT:
            raise PatternError(f"a count above {_MAX_REPEAT}", too_large=True)
        if high and high_n < low_n:
            raise PatternError(f"bad count {{{body}}}")
        text = f"{{{low_n}}}" if not comma else f"{{{low_n},{high}}}"
        self.repeat(text, max(high_n, 1))


def _escaped_at(pattern: str, index: int) -> bool:
    slashes = 0
    while index - slashes - 1 >= 0 and pattern[index - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def _class_char(ch: str) -> str:
    return "\\" + ch if ch in _ESCAPE_ALWAYS else ch


def _class_text(members: str) -> str:
    if members in (_DIGIT, _WORD):
        return members
    return "".join(_class_char(ch) for ch in members)


@lru_cache(maxsize=1024)
def portable_pattern(pattern: str) -> str:
    """Return *pattern* rewritten in the syntax every engine reads alike (no anchors).

    Raises:
        PatternError: for a feature outside that syntax, or a pattern past the limits.
    """
    if len(pattern) > MAX_PATTERN:
        raise PatternError(f"pattern longer than {MAX_PATTERN} characters", too_large=True)
    body = _Translator(pattern).translate()
    try:
        _compiled(body)
    except re2.error as exc:
        raise PatternError(f"bad pattern: {exc}") from None
    return body


@lru_cache(maxsize=1024)
def _compiled(body: str) -> re2._Regexp[str]:
    options = re2.Options()
    options.max_mem = 8 << 20
    return re2.compile(body, options)


class Regex:
    """A checked REGEX pattern: its portable body and a linear-time matcher."""

    __slots__ = ("_fullmatch", "body")

    def __init__(self, pattern: str) -> None:
        self.body = portable_pattern(pattern)
        self._fullmatch = _compiled(self.body).fullmatch

    @property
    def anchored(self) -> str:
        """The body anchored at both ends, for engines that search (PostgreSQL's ``~``)."""
        return f"^(?:{self.body})$"

    def matches(self, text: str) -> bool:
        """Tell whether the whole of *text* matches.

        Raises:
            Fault: for a text longer than :data:`MAX_REGEX_TEXT`.
        """
        if len(text) > MAX_REGEX_TEXT:
            reason = f"REGEX text longer than {MAX_REGEX_TEXT:,} characters"
            raise Fault(reason, code=ErrorCode.EXPR_TOO_LARGE)
        return self._fullmatch(text) is not None


def regex_matches(pattern: object, text: object) -> bool | None:
    """The SQLite function behind REGEX: does all of *text* match *pattern* (portable)?

    Blank in, blank out; so is a text past :data:`MAX_REGEX_TEXT` (SQL cannot raise for one
    row) and a pattern RE2 does not read.
    """
    if not isinstance(pattern, str) or not isinstance(text, str) or len(text) > MAX_REGEX_TEXT:
        return None
    try:
        matcher = _compiled(pattern)
    except re2.error:
        return None
    return matcher.fullmatch(text) is not None


def register_sqlite_functions(dbapi_connection: sqlite3.Connection) -> None:
    """Give a SQLite connection the function that ``to_sql`` compiles REGEX to.

    :class:`crmkit.storage.SqlStore` does this for its own connections; call it from a
    ``connect`` event to run REGEX filters on an engine of your own.
    """
    dbapi_connection.create_function(SQLITE_FUNCTION, 2, regex_matches, deterministic=True)
