"""Built-in fields: a schema's formulas read the record's own fields, typed once."""

from __future__ import annotations

import pytest

from crmkit.contacts import CONTACT_FIELDS, Contact
from crmkit.errors import ConfigError
from crmkit.fields import BuiltinFields, FieldDef, FormulaOptions, Schema


def test_formulas_read_built_in_fields_through_their_getters() -> None:
    """A contact formula reads first_name and the primary e-mail of a Contact record."""
    greeting = FieldDef(
        name="greeting",
        type="formula",
        options=FormulaOptions(expression='first_name & " <" & email & ">"'),
    )
    schema = Schema("contact", [greeting], builtin=CONTACT_FIELDS)
    ada = Contact.create(name="Ada King", email="ada@example.com")

    result = schema.compute(CONTACT_FIELDS.view(ada))

    assert "Ada <ada@example.com>" == result.values["greeting"]


def test_a_schema_without_built_in_fields_does_not_know_them() -> None:
    """Without builtin=, a contact schema's formula on first_name does not compile."""
    formula = FieldDef(
        name="x", type="formula", options=FormulaOptions(expression="first_name & ''")
    )

    with pytest.raises(ConfigError, match="unknown field 'first_name'") as caught:
        Schema("contact", [formula])

    assert "fields[0].options.expression" == caught.value.path


def test_bad_built_in_type() -> None:
    """An unknown type name among built-in fields is a ConfigError naming the field."""
    with pytest.raises(ConfigError, match="unknown type 'colour'") as caught:
        BuiltinFields("thing", {"shade": "colour"})

    assert "builtin['thing']['shade']" == caught.value.path


def test_with_fields_keeps_built_in_types() -> None:
    """Added fields come under the built-in ones: a built-in name keeps its own type."""
    merged = CONTACT_FIELDS.with_fields({"email": "number", "tier": "text"})

    assert ("text", "text") == (merged["email"], merged["tier"])
    assert merged.getters == CONTACT_FIELDS.getters
