"""Type checking: unknown names, argument types and counts, branch types."""

from __future__ import annotations

import pytest

from crmkit.errors import ConfigError, FormulaError
from crmkit.expr import FieldType, Function, Reference, compile

FIELDS = {
    "amount": "number",
    "price": "money",
    "rate": "percent",
    "name": "text",
    "stage": "picklist",
    "tags": "multipicklist",
    "active": "bool",
    "close_date": "date",
    "created": "datetime",
    "company": Reference({"industry": "text", "owner": {"email": "text"}}),
}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("amout > 1", "unknown field 'amout'; did you mean `amount`\\?"),
        ("Amount > 1", "did you mean `amount`"),
        ("company.industy", "unknown field 'company.industy'; did you mean `industry`"),
        ("company.owner.emial", "did you mean `email`"),
        ("company", "'company' is a related record; use one of its fields"),
        ("amount.x", "'amount' is number, not a related record"),
        ("IFF(active, 1, 2)", "unknown function 'IFF'; did you mean `IF`\\?"),
        ("IF(active, 1)", "IF: expects 3 arguments, got 2"),
        ("LEFT(name)", "LEFT: expects 2 to 2 arguments|LEFT: expects 2 arguments"),
        ("LEN(amount)", "LEN argument 1 expects picklist or text, not number"),
        ("IF(active, 1, 'x')", "IF: mismatched types: number and text"),
        ("IF(amount, 1, 2)", "IF condition expects bool, not number"),
        ("name + 1", "cannot apply '\\+' to text and number; use & to join text"),
        ("price * price", "cannot apply '\\*' to money and money"),
        ("1 / price", "cannot apply '/' to number and money"),
        ("price ^ 2", "cannot apply '\\^' to money and number"),
        ("amount = 'x'", "cannot compare number with text"),
        ("active < TRUE", "cannot compare bool with bool"),
        ("tags = 'a'", "cannot compare multipicklist with text"),
        ("close_date = created", "cannot compare date with datetime"),
        ("amount & 'x'", "'&' joins text, not number; use TEXT\\(\\)"),
        ("-name", "'-' needs a number or money, not text"),
        ("NULL", "always blank"),
        ("CASE(stage, 'a', 1, 2, 3, 4)", "CASE: cannot compare picklist with number"),
        ("CASE(stage, 'a', 1, 'b', 2)", "CASE: expects a value, pairs of match and result"),
        ("ISCHANGED(amount + 1)", "ISCHANGED: expects a field"),
        ("REGEX(name, name)", "REGEX: the pattern must be a text literal"),
        ("REGEX(name, '(')", "REGEX: bad pattern"),
        ("INCLUDES(stage, 'a')", "INCLUDES expects multipicklist, not picklist"),
        ("TODAY(1)", "TODAY: expects 0 arguments, got 1"),
        ("NOT(active, active)", "NOT: expects 1 argument, got 2"),
        ("MAX(amount, name)", "MAX: mismatched types: number and text"),
        ("TEXT(tags)", "TEXT expects"),
        ("IN(stage)", "IN: expects at least 2 arguments, got 1"),
        ("IN(amount, 1, 'x')", "IN: cannot compare number with text"),
        ("IN(active, 1)", "IN: cannot compare bool with number"),
        ("IN(tags, 'a')", "IN: cannot compare multipicklist; use INCLUDES"),
        ("IN(close_date, created)", "IN: cannot compare date with datetime"),
    ],
)
def test_type_errors(source: str, message: str) -> None:
    """Each mistake raises FormulaError with a located, specific message."""
    with pytest.raises(FormulaError, match=message) as info:
        compile(source, FIELDS)

    assert info.value.line == 1
    assert info.value.column is not None


def test_error_points_at_the_offending_node() -> None:
    """The caret sits under the misspelt name."""
    with pytest.raises(FormulaError, match="unknown field 'amout'") as info:
        compile("amount + amout", FIELDS)

    assert info.value.column == 10
    assert str(info.value).endswith("  amount + amout\n           ^")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("amount * 2", FieldType.NUMBER),
        ("rate * 2", FieldType.NUMBER),
        ("price * 2", FieldType.MONEY),
        ("2 * price", FieldType.MONEY),
        ("price / 2", FieldType.MONEY),
        ("price / price", FieldType.NUMBER),
        ("price - price", FieldType.MONEY),
        ("close_date + 3", FieldType.DATE),
        ("close_date - close_date", FieldType.NUMBER),
        ("created - 1", FieldType.DATETIME),
        ("name & stage", FieldType.TEXT),
        ("IF(active, stage, name)", FieldType.TEXT),
        ("IF(active, amount, rate)", FieldType.NUMBER),
        ("IF(active, NULL, close_date)", FieldType.DATE),
        ("price > 100", FieldType.BOOL),
        ("NULL + 1", FieldType.NUMBER),
        ("PRIORVALUE(stage)", FieldType.PICKLIST),
        ("company.owner.email", FieldType.TEXT),
        ("ABS(price)", FieldType.MONEY),
        ("IN(price, 1, amount, price)", FieldType.BOOL),
    ],
)
def test_result_types(source: str, expected: FieldType) -> None:
    """The result type follows the operator and function rules."""
    assert expected == compile(source, FIELDS).result_type


def test_references_list_every_field_path() -> None:
    """References holds each dotted path the formula reads, once."""
    expr = compile("IF(company.industry = 'x', amount, amount + 1)", FIELDS)

    assert frozenset({"company.industry", "amount"}) == expr.references


def test_bad_field_types_are_config_errors() -> None:
    """An unknown type name in fields names the field."""
    with pytest.raises(ConfigError, match=r"fields\['a'\]: unknown type 'nummber'"):
        compile("a", {"a": "nummber"})
    with pytest.raises(ConfigError, match="expected a type name or a Reference"):
        compile("a", {"a": 3})
    with pytest.raises(ConfigError, match="expected a mapping"):
        compile("a", ["a"])  # type: ignore[arg-type]


def test_host_functions_are_checked() -> None:
    """A host function's arity and parameter types are enforced."""
    double = Function("DOUBLE", ["number"], "number", lambda x: x * 2)

    assert compile("double(amount)", FIELDS, functions=[double]).result_type == FieldType.NUMBER
    with pytest.raises(FormulaError, match="DOUBLE argument 1 expects number or percent"):
        compile("DOUBLE(name)", FIELDS, functions=[double])
    with pytest.raises(FormulaError, match="DOUBLE: expects 1 argument, got 2"):
        compile("DOUBLE(1, 2)", FIELDS, functions=[double])


def test_host_function_registration_errors() -> None:
    """Bad names, unknown types, clashes with built-ins and duplicates are refused."""
    with pytest.raises(ConfigError, match="must be an identifier"):
        Function("my fn", ["number"], "number", abs)
    with pytest.raises(ConfigError, match="unknown type 'integer'"):
        Function("F", ["integer"], "number", abs)
    with pytest.raises(ConfigError, match="IF is a built-in function"):
        compile("1", FIELDS, functions=[Function("if", [], "number", lambda: 1)])
    twice = Function("F", [], "number", lambda: 1)
    with pytest.raises(ConfigError, match="F is registered twice"):
        compile("1", FIELDS, functions=[twice, twice])
    with pytest.raises(ConfigError, match="expected Function objects"):
        compile("1", FIELDS, functions=[abs])  # type: ignore[list-item]


def test_compile_is_cached() -> None:
    """Compiling the same formula with the same fields returns the same Expression."""
    first = compile("amount * 2", dict(FIELDS))

    assert first is compile("amount * 2", dict(FIELDS))
    assert first is not compile("amount * 2", FIELDS, blanks_as_zero=True)
