"""The error tree: messages carry their data and say where."""

from __future__ import annotations

import pytest

from crmkit.errors import (
    ConfigError,
    CrmkitError,
    FormulaError,
    InvalidPhone,
    InvalidRecord,
    NotFound,
    TransitionDenied,
    ValidationError,
)


def test_validation_error_says_where() -> None:
    """A located validation error ends with its row and column."""
    error = InvalidPhone("12", "too short").at(row=4, column="Mobile")

    assert "invalid phone '12': too short @ row 4, column 'Mobile'" == str(error)
    assert (4, "Mobile", "12") == (error.row, error.column, error.value)
    assert isinstance(error, ValueError)


def test_formula_error_draws_a_caret() -> None:
    """A formula error shows the line of the problem with a caret under the column."""
    error = FormulaError("unknown field 'amout'", source="IF(amout > 1, 1, 0)", line=1, column=4)

    assert str(error).endswith("  IF(amout > 1, 1, 0)\n     ^")


@pytest.mark.parametrize("source", ["1 +\n", "", "\n\n"])
def test_formula_error_past_the_last_line(source: str) -> None:
    """A position after a trailing newline still gives a message, not an IndexError."""
    error = FormulaError("unexpected end", source=source, line=source.count("\n") + 1, column=1)

    assert "unexpected end at line" in str(error)


def test_collected_errors_list_each_problem() -> None:
    """InvalidRecord keeps every problem and names them all."""
    problems = [InvalidPhone("1", "too short"), ValidationError("x", "bad", field="age")]
    error = InvalidRecord(problems, record="contact c1")

    assert problems == error.errors
    assert "2 problem(s)" in str(error)
    assert "age" in str(error)


def test_other_errors_carry_their_data() -> None:
    """ConfigError, NotFound and TransitionDenied keep what they name."""
    config = ConfigError("pipelines[0].stages[3].probability", "must be between 0 and 1")
    missing = NotFound("contact", "c9")
    denied = TransitionDenied("quote", "won", ["amount is required"])

    assert "pipelines[0].stages[3].probability: must be between 0 and 1" == str(config)
    assert "no contact with id 'c9'" == str(missing)
    assert "cannot move from 'quote' to 'won': amount is required" == str(denied)
    assert all(isinstance(e, CrmkitError) for e in (config, missing, denied))
