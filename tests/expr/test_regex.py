"""REGEX: linear-time matching, one portable syntax, and the features it refuses."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmkit.errors import ErrorCode, FormulaError
from crmkit.expr import compile

FIELDS = {"t": "text"}
HOSTILE = [r"(a+)+$", r"(a|a)*b", r"(.*a){20}", r"(a*)*(b+)+c", r"((a+)+)+$"]
SUBJECTS = ["a" * 50_000, "a" * 50_000 + "b", "a" * 49_999 + "!"]


def _regex(pattern: str) -> str:
    return "REGEX(t, '" + pattern.replace("\\", "\\\\").replace("'", "\\'") + "')"


@pytest.mark.parametrize("pattern", HOSTILE)
def test_hostile_patterns_finish_fast(pattern: str) -> None:
    """Patterns that make a backtracking engine run for ever match 50k characters at once."""
    expr = compile(_regex(pattern), FIELDS)
    start = time.perf_counter()
    for subject in SUBJECTS:
        expr.evaluate({"t": subject})
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"^[A-Z]+-\d+$", "AB-12", True),
        (r"\d+", "۱۲", False),  # \d is ASCII, as in SQL
        (r"\w+", "منبع", False),
        ("[آ-ی]+", "منبع", True),
        ("a.c", "a\nc", False),  # . never matches a newline
        (r"a\.c", "abc", False),
        (r"\s*x\s*", " \tx\n", True),
        (r"(?:ab)+", "ababab", True),
        (r"a{2,3}", "aaaa", False),
        (r"a+?", "aaa", True),
        (r"[^,]+,[^,]+", "a,b", True),
        ("سلام|درود", "درود", True),
        ("a|", "", True),
        (r"\[x\]", "[x]", True),
    ],
)
def test_portable_syntax(pattern: str, text: str, expected: bool) -> None:
    """Supported syntax matches the whole text, with ASCII classes and no newline in '.'."""
    assert expected == compile(_regex(pattern), FIELDS).evaluate({"t": text})


@pytest.mark.parametrize(
    ("pattern", "code"),
    [
        (r"(a)\1", ErrorCode.EXPR_BAD_PATTERN),  # backreference
        (r"(?=a)a", ErrorCode.EXPR_BAD_PATTERN),  # lookahead
        (r"(?<!a)b", ErrorCode.EXPR_BAD_PATTERN),  # lookbehind
        (r"(?i)a", ErrorCode.EXPR_BAD_PATTERN),  # flags
        (r"(?P<n>a)", ErrorCode.EXPR_BAD_PATTERN),  # named group
        (r"\bword\b", ErrorCode.EXPR_BAD_PATTERN),  # word boundary
        (r"a^b", ErrorCode.EXPR_BAD_PATTERN),  # an anchor inside
        (r"a$|b", ErrorCode.EXPR_BAD_PATTERN),
        (r"a*+", ErrorCode.EXPR_BAD_PATTERN),  # possessive
        (r"a**", ErrorCode.EXPR_BAD_PATTERN),
        (r"[[:alpha:]]", ErrorCode.EXPR_BAD_PATTERN),
        (r"\p{L}", ErrorCode.EXPR_BAD_PATTERN),
        ("x{", ErrorCode.EXPR_BAD_PATTERN),
        ("(a", ErrorCode.EXPR_BAD_PATTERN),
        ("[z-a]", ErrorCode.EXPR_BAD_PATTERN),
        ("a{101}", ErrorCode.EXPR_TOO_LARGE),
        ("((a{50}){50}){50}", ErrorCode.EXPR_TOO_LARGE),
        ("a" * 501, ErrorCode.EXPR_TOO_LARGE),
    ],
)
def test_refused_patterns(pattern: str, code: str) -> None:
    """Features the engines read differently, or past the limits, are refused when compiled."""
    with pytest.raises(FormulaError) as caught:
        compile(_regex(pattern), FIELDS)
    assert code == caught.value.code


def test_over_long_text_is_a_formula_error() -> None:
    """A text past the limit is a FormulaError naming REGEX, not a long match."""
    expr = compile(_regex("a+"), FIELDS)
    with pytest.raises(FormulaError) as caught:
        expr.evaluate({"t": "a" * 1_000_001})
    assert (ErrorCode.EXPR_TOO_LARGE, "REGEX") == (caught.value.code, caught.value.function)


_PIECES = st.sampled_from(["a", "b", "ب", ".", r"\d", r"\w", "[ab]", "[^a]", "[0-9]", "(a|b)"])
_QUANT = st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,2}"])
_PATTERNS = st.lists(st.tuples(_PIECES, _QUANT), min_size=1, max_size=5).map(
    lambda parts: "".join(p + q for p, q in parts)
)


@settings(max_examples=200)
@given(pattern=_PATTERNS, text=st.text(alphabet="ab1ب\n_ ", max_size=8))
def test_agrees_with_python_re_on_ascii_classes(pattern: str, text: str) -> None:
    """On the portable syntax, REGEX gives what Python's re gives with ASCII classes."""
    expected = re.fullmatch(pattern, text, flags=re.ASCII) is not None
    assert expected == compile(_regex(pattern), FIELDS).evaluate({"t": text})
