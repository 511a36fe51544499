"""The error tree: messages carry their data and say where."""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from crmkit import errors
from crmkit.errors import (
    ConfigError,
    ConflictError,
    CrmkitError,
    ErrorCode,
    FieldIssue,
    FormulaError,
    InvalidEmail,
    InvalidMoney,
    InvalidName,
    InvalidPhone,
    InvalidRecord,
    MissingDependency,
    NotFound,
    PermissionDenied,
    SourceError,
    StorageError,
    TransitionDenied,
    ValidationError,
)
from crmkit.importers import CleanOptions, ReadOptions, import_file
from crmkit.storage import MemoryStore


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


# One instance of every error class, each with every attribute it has set, and a code
# other than its class's default where the class takes one.
_EXAMPLES: dict[str, Callable[[], CrmkitError]] = {
    "CrmkitError": lambda: CrmkitError("something", code=ErrorCode.CONFIG),
    "ValidationError": lambda: ValidationError(
        "x", "bad", field="age", row=3, column="Age", code=ErrorCode.INVALID_DATE
    ),
    "InvalidPhone": lambda: InvalidPhone(
        "0300", "national number with no region given", code=ErrorCode.PHONE_NEEDS_REGION
    ).at(row=4, column="Mobile"),
    "InvalidEmail": lambda: InvalidEmail("nope@", "no domain", field="email"),
    "InvalidMoney": lambda: InvalidMoney("1 EUR + 1 USD", "different currencies"),
    "InvalidName": lambda: InvalidName("", "empty", field="name"),
    "InvalidRecord": lambda: InvalidRecord([InvalidName("", "empty")], record="contact c1"),
    "FieldIssue": lambda: FieldIssue(
        120, "at most 100", issue="fields.rule", field="score", rule="cap", record_id="c1", index=2
    ),
    "ConfigError": lambda: ConfigError(
        "stages[1].id", "used twice", code=ErrorCode.CONFIG_DUPLICATE
    ),
    "FormulaError": lambda: FormulaError(
        "unknown field 'amout'",
        source="amout > 1",
        line=1,
        column=1,
        function="IF",
        record_id="d1",
        code=ErrorCode.EXPR_UNKNOWN_FIELD,
    ),
    "NotFound": lambda: NotFound("contact", "c9"),
    "ConflictError": lambda: ConflictError(
        "changed meanwhile", record_id="c1", key="version", code=ErrorCode.STALE_VERSION
    ),
    "PermissionDenied": lambda: PermissionDenied("no role may delete", user="ali", action="delete"),
    "TransitionDenied": lambda: TransitionDenied(
        "quote", "won", ["amount is required"], code=ErrorCode.HISTORY, target_pipeline="p2"
    ),
    "SourceError": lambda: SourceError("in.csv", "empty", code=ErrorCode.SOURCE_EMPTY),
    "StorageError": lambda: StorageError("sqlite:///x.db", "unable to open database file"),
    "MissingDependency": lambda: MissingDependency("openpyxl", "xlsx"),
}

_CLASSES = sorted(
    name
    for name in errors.__all__
    if isinstance(getattr(errors, name), type) and issubclass(getattr(errors, name), CrmkitError)
)


def _data(value: object) -> object:
    """*value* with each error in it as its type, message and data, for comparing."""
    if isinstance(value, CrmkitError):
        return (type(value), str(value), _data(vars(value)))
    if isinstance(value, dict):
        return {key: _data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_data(item) for item in value]
    return value


@pytest.mark.parametrize("name", _CLASSES)
def test_every_error_pickles_intact(name: str) -> None:
    """Each error class unpickles with its type, message, code and data attributes."""
    error = _EXAMPLES[name]()
    back = pickle.loads(pickle.dumps(error))  # noqa: S301 - bytes this test just made

    assert type(error) is type(back)
    assert str(error) == str(back)
    assert error.code == back.code
    assert _data(vars(error)) == _data(vars(back))


def test_examples_cover_exactly_the_error_classes() -> None:
    """The pickling examples name every error class of crmkit.errors and nothing else."""
    assert sorted(_EXAMPLES) == _CLASSES


def test_a_code_given_is_kept_and_the_default_stays() -> None:
    """An instance carries the code it was given; without one, its class's default."""
    assert ErrorCode.CONFIG_DUPLICATE == ConfigError("a", "b", code="config.duplicate").code
    assert ErrorCode.CONFIG == ConfigError("a", "b").code
    assert ErrorCode.INVALID_PHONE == InvalidPhone("1", "too short").code


def _refuse_custom(values: dict[str, str]) -> dict[str, str]:
    """A custom-field check that finds its own configuration broken."""
    raise ConfigError("fields.colour", "no such field", code=ErrorCode.CONFIG_MISSING)


def test_config_error_from_an_import_worker_comes_back_as_itself(tmp_path: Path) -> None:
    """A ConfigError raised in an import's worker process reaches the caller as that error."""
    source = tmp_path / "in.csv"
    source.write_text("Name,Colour\nAnn Lee,red\nRaj Patel,blue\n", encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        import_file(
            source,
            MemoryStore(),
            options=CleanOptions(read=ReadOptions(mapping={"Colour": "custom:colour"}), workers=2),
            coerce=_refuse_custom,
        )

    assert ("fields.colour", "no such field") == (caught.value.path, caught.value.reason)
    assert ErrorCode.CONFIG_MISSING == caught.value.code


_TABLE_ROW = re.compile(r"^\| `([a-z_.]+)` \| (`\w+`|\(import problem\)) \|", re.M)
_DOCS = Path(__file__).resolve().parent.parent / "docs" / "errors.md"


def _documented() -> dict[str, str]:
    return dict(_TABLE_ROW.findall(_DOCS.read_text(encoding="utf-8")))


def test_docs_list_exactly_the_codes_defined() -> None:
    """docs/errors.md has one table row for each ErrorCode, and no other."""
    rows = _TABLE_ROW.findall(_DOCS.read_text(encoding="utf-8"))

    assert sorted(c.value for c in ErrorCode) == sorted(code for code, _ in rows)


@pytest.mark.parametrize("name", _CLASSES)
def test_docs_name_each_class_default(name: str) -> None:
    """Each error class's default code is in docs/errors.md, under that class."""
    default = getattr(errors, name).code

    assert f"`{name}`" == _documented()[default]
