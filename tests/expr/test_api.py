"""The public surface: exports, rename_field, repr."""

from __future__ import annotations

import pytest

import crmkit.expr
from crmkit.errors import FormulaError
from crmkit.expr import FieldType, Reference, compile, references, rename_field


def test_public_names() -> None:
    """The package exports its entry points and type vocabulary."""
    assert {"compile", "Expression", "FieldType", "Function", "Reference", "rename_field"} <= set(
        crmkit.expr.__all__
    )


def test_rename_field_rewrites_references() -> None:
    """Every reference to the old name is renamed; other names and text are untouched."""
    source = "IF(amount > 10, amount * 2, {amount x}) & 'amount'"

    assert (
        rename_field(source, "amount", "total")
        == "IF(total > 10, total * 2, {amount x}) & 'amount'"
    )


def test_rename_field_handles_related_paths_and_braces() -> None:
    """Renaming a reference field rewrites its dotted uses; new names get braces if needed."""
    assert rename_field("company.industry = 'x'", "company", "account") == "account.industry = 'x'"
    assert rename_field("src <> ''", "src", "Lead Source") == "{Lead Source} <> ''"
    assert (
        rename_field("company.industry", "company.industry", "company.sector") == "company.sector"
    )


def test_renamed_source_still_compiles() -> None:
    """The rewritten source compiles against the renamed schema and gives the same value."""
    old = compile("amount * rate", {"amount": "number", "rate": "percent"})
    new = compile(
        rename_field(old.source, "rate", "Rate %"), {"amount": "number", "Rate %": "percent"}
    )

    assert old.evaluate({"amount": 3, "rate": 2}) == new.evaluate({"amount": 3, "Rate %": 2})


def test_rename_field_errors() -> None:
    """Empty paths and unparsable formulas raise FormulaError."""
    with pytest.raises(FormulaError, match="old must be a field path"):
        rename_field("a", "", "b")
    with pytest.raises(FormulaError, match="expected a value"):
        rename_field("a +", "a", "b")


def test_reference_types_are_hashable_and_readable() -> None:
    """Reference normalizes and sorts its fields; nested mappings become References."""
    ref = Reference({"b": "TEXT", "a": {"x": FieldType.NUMBER}})

    assert ref.get("b") == FieldType.TEXT
    assert Reference({"x": "number"}) == ref.get("a")
    assert ref.get("zz") is None
    assert hash(ref) == hash(Reference({"a": {"x": "number"}, "b": "text"}))


def test_repr_names_source_and_type() -> None:
    """Repr shows the source and result type."""
    assert repr(compile("1 + 1", {})) == "Expression('1 + 1', result_type='number')"


def test_references_lists_paths_without_types() -> None:
    """references() gives every field path of a formula that has no schema yet."""
    source = "IF(ISBLANK({Lead Source}), company.industry, TEXT(amount * rate)) & UPPER(name)"

    assert frozenset({"Lead Source", "company.industry", "amount", "rate", "name"}) == (
        references(source)
    )
    assert frozenset() == references("1 + 2")


def test_references_agrees_with_compiled_references() -> None:
    """For a formula that compiles, references() equals Expression.references."""
    fields = {"a": "number", "b": "number", "c": {"d": "text"}}
    source = "IF(c.d = 'x', a, b) + PRIORVALUE(a)"

    assert compile(source, fields).references == references(source)


def test_references_errors() -> None:
    """A formula that does not parse, or is not text, raises FormulaError."""
    with pytest.raises(FormulaError, match="expected a value"):
        references("a +")
    with pytest.raises(FormulaError, match="a formula must be text, not int"):
        references(3)  # type: ignore[arg-type]
