"""Turning an offset in a formula into a located :class:`~crmkit.errors.FormulaError`."""

from __future__ import annotations

from crmkit.errors import FormulaError

__all__ = ["error_at", "line_column"]


def line_column(source: str, pos: int) -> tuple[int, int]:
    """Return the 1-based line and column of offset *pos* in *source*.

    Lines are split as :meth:`str.splitlines` splits them, which is how the error message
    picks the excerpt line; an offset past the last line break points after the last line.
    """
    lines = source.splitlines(keepends=True)
    start = 0
    for number, line in enumerate(lines, 1):
        content = len(line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"))
        if pos < start + len(line) or number == len(lines):
            return number, min(pos - start, content) + 1
        start += len(line)
    return 1, 1


def error_at(
    source: str,
    pos: int,
    reason: str,
    *,
    code: str,
    function: str | None = None,
    record_id: object = None,
) -> FormulaError:
    """Build a FormulaError of *code* pointing at offset *pos* of *source*."""
    line, column = line_column(source, pos)
    return FormulaError(
        reason,
        source=source,
        line=line,
        column=column,
        function=function,
        record_id=record_id,
        code=code,
    )
