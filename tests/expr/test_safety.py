"""Known escapes of Python expression evaluators stay closed, and limits hold."""

from __future__ import annotations

import builtins
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest

from crmkit.errors import FormulaError
from crmkit.expr import compile


class _Host:
    """An object with tempting attributes and methods."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def format(self, *args: object) -> str:
        self.calls.append("format")
        return "called"

    def __reduce__(self) -> tuple[object, ...]:
        self.calls.append("reduce")
        return (print, ("pwned",))


def _gen() -> Iterator[int]:
    yield 1


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x.gi_frame", "'x' is text, not a related record"),
        ("x.__class__", "'x' is text, not a related record"),
        ("__import__('os')", "unknown function '__IMPORT__'"),
        ("x.format('{0.__globals__}')", "expected an operator|unknown"),
        ("'{0.__class__}'.format(x)", "expected an operator"),
        ("x.__reduce__()", "expected an operator|is text"),
        ("[x for x in y]", "unexpected character"),
        ("lambda: 1", "unexpected character"),
        ("x; 1", "unexpected character"),
        ("x['a']", "unexpected character"),
        ("getattr(x, '__class__')", "unknown function 'GETATTR'"),
        ("EVAL('1')", "unknown function 'EVAL'"),
        ("'ab' * 100000000", "cannot apply '\\*' to text and number"),
    ],
)
def test_python_escapes_do_not_compile(source: str, message: str) -> None:
    """Attribute access, calls on objects, imports and comprehensions are not the language."""
    with pytest.raises(FormulaError, match=message):
        compile(source, {"x": "text", "y": "text"})


def test_host_objects_in_records_are_never_touched() -> None:
    """Objects put in a record are not called, formatted or pickled; they are refused."""
    host = _Host()
    fields = {"x": "text", "rel": {"gi_frame": "text", "format": "text"}}

    with pytest.raises(FormulaError, match="holds a _Host, not text"):
        compile("x & 'a'", fields).evaluate({"x": host})
    with pytest.raises(FormulaError, match="cannot read fields from a generator"):
        compile("rel.gi_frame", fields).evaluate({"rel": _gen()})
    with pytest.raises(FormulaError, match="cannot read fields from a _Host"):
        compile("rel.format", fields).evaluate({"rel": host})
    assert host.calls == []


def test_text_that_looks_like_code_is_data() -> None:
    """Format fields and dunder names in text values are returned as plain text."""
    expr = compile("x & '{0.__class__.__mro__}'", {"x": "text"})

    assert expr.evaluate({"x": "__import__('os')"}) == "__import__('os'){0.__class__.__mro__}"


def test_huge_powers_are_refused_quickly() -> None:
    """10^10000000 fails fast with a clear error instead of running out of memory."""
    start = time.perf_counter()
    with pytest.raises(FormulaError, match="exponent beyond"):
        compile("10 ^ 10000000", {}).evaluate({})
    with pytest.raises(FormulaError, match="beyond 10\\^100"):
        compile("1e1000000 * 2", {})

    assert time.perf_counter() - start < 1


def test_growth_by_repeated_multiplication_overflows_cleanly() -> None:
    """Numbers growing past the Decimal range raise FormulaError, not OverflowError."""
    source = "n" + " * n" * 40
    with pytest.raises(FormulaError, match="number too large"):
        compile(source, {"n": "number"}).evaluate({"n": Decimal("1e99999")})


def test_text_growth_is_capped() -> None:
    """SUBSTITUTE cannot be used to build huge strings."""
    source = "SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(x, 'a', x), 'a', x), 'a', x)"

    with pytest.raises(FormulaError, match="SUBSTITUTE: result longer than 100000 characters"):
        compile(source, {"x": "text"}).evaluate({"x": "a" * 100})


def test_formulas_are_never_executed_as_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compiling and evaluating work with eval and exec removed from builtins."""

    def forbidden(*args: object) -> None:
        raise AssertionError("eval/exec used")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    expr = compile("IF(n > 1, n * 2, 0) + LEN('abc')", {"n": "number"}, blanks_as_zero=True)

    assert Decimal(7) == expr.evaluate({"n": 2})


@pytest.mark.parametrize(
    "source",
    [
        "^".join(["1"] * 5_000),
        "(" * 5_000 + "1" + ")" * 4_999,
        "NOT(" * 2_000 + "TRUE" + ")" * 2_000,
        "!" * 9_000 + "TRUE",
        "-" * 9_000 + "1",
        "1" + "+1" * 4_999,
        "^".join(["1"] * 100_000),
        "NOT(" * 10_000 + "TRUE" + ")" * 10_000,
    ],
)
def test_deep_formulas_are_formula_errors(source: str) -> None:
    """Deep or long formulas raise FormulaError (too large), never RecursionError."""
    with pytest.raises(FormulaError) as caught:
        compile(source, {})
    assert "expr.too_large" == caught.value.code
