"""Building schemas: build-time checks, config round trip, renaming and removing fields."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ConfigError, NotFound
from crmkit.expr import FieldType
from crmkit.fields import (
    Choice,
    FieldDef,
    FormulaOptions,
    MoneyOptions,
    NumberOptions,
    PicklistOptions,
    ReferenceOptions,
    Schema,
    Section,
    TextOptions,
    ValidationRule,
)
from crmkit.values import Money

_names = st.sampled_from(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"])


@st.composite
def field_defs(draw: st.DrawFn, name: str) -> FieldDef:
    """A field definition of a random kind with random options and flags."""
    kind = draw(
        st.sampled_from(
            [
                "text",
                "number",
                "money",
                "bool",
                "date",
                "picklist",
                "multipicklist",
                "email",
                "percent",
            ]
        )
    )
    options: object = None
    default: object = None
    if kind == "text":
        options = TextOptions(max_length=draw(st.one_of(st.none(), st.integers(1, 500))))
        default = draw(st.one_of(st.none(), st.just("x")))
    elif kind == "number":
        options = NumberOptions(precision=draw(st.integers(4, 20)), scale=draw(st.integers(0, 3)))
        default = draw(
            st.one_of(st.none(), st.just(Decimal("1.5")) if options.scale else st.just(Decimal(2)))
        )
    elif kind == "money":
        options = MoneyOptions(currency=draw(st.sampled_from(["EUR", "IRR", "PKR"])))
        default = draw(st.one_of(st.none(), st.just(Money.of("10.25", options.currency))))
    elif kind in ("picklist", "multipicklist"):
        values = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, unique=True))
        labels = draw(st.booleans())
        options = PicklistOptions(
            choices=tuple(Choice(value=v, label=v.upper() if labels else "") for v in values),
            restricted=draw(st.booleans()),
        )
        default = values[0] if kind == "picklist" else (values[0],)
    elif kind == "date":
        default = draw(st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1))))
    elif kind == "bool":
        default = draw(st.one_of(st.none(), st.booleans()))
    return FieldDef(
        name=name,
        type=kind,
        options=options,  # type: ignore[arg-type]
        label=draw(st.sampled_from(["", "Label", "برچسب"])),
        translations=draw(st.sampled_from([{}, {"fa": "فارسی", "ur": "اردو"}])),
        help_text=draw(st.sampled_from(["", "help"])),
        default=draw(st.sampled_from([None, default])),
        required=draw(st.booleans()),
        visible_when=draw(st.sampled_from([None, "TRUE", "1 > 0"])),
        unique=draw(st.booleans()),
    )


@st.composite
def schemas(draw: st.DrawFn) -> Schema:
    """A schema of a few random fields, a formula, a section and a rule."""
    names = draw(st.lists(_names, min_size=1, max_size=5, unique=True))
    fields = [draw(field_defs(n)) for n in names]
    fields.append(
        FieldDef(name="total", type="formula", options=FormulaOptions(expression="1 + 2"))
    )
    sections = [Section(name="main", fields=tuple(names[: draw(st.integers(0, len(names)))]))]
    rules = [ValidationRule(name="r", error_when="total > 5", message="too big", field="total")]
    return Schema(draw(st.sampled_from(["deal", "project"])), fields, sections, rules)


@given(schemas())
def test_dict_round_trip(schema: Schema) -> None:
    """Converting a schema to a dict (through JSON) and back gives an equal schema."""
    raw = json.loads(json.dumps(schema.to_dict()))

    assert schema == Schema.from_dict(raw)


def test_examples_round_trip(deal_schema: Schema) -> None:
    """The example schema survives a round trip and keeps its defaults out of the dict."""
    raw = deal_schema.to_dict()

    assert deal_schema == Schema.from_dict(raw)
    assert {"name": "rate", "type": "percent"} == raw["fields"][1]


def test_formula_order_follows_dependencies() -> None:
    """Formulas are computed after the formulas they read, whatever their listed order."""
    schema = Schema(
        "deal",
        [
            FieldDef(name="total", type="formula", options=FormulaOptions(expression="net + tax")),
            FieldDef(name="tax", type="formula", options=FormulaOptions(expression="net * 0.1")),
            FieldDef(name="net", type="formula", options=FormulaOptions(expression="10")),
        ],
    )

    assert ("net", "tax", "total") == schema.formula_order


def test_cycle_names_the_whole_cycle() -> None:
    """A formula cycle is refused with every member named in order."""
    fields = [
        FieldDef(name=n, type="formula", options=FormulaOptions(expression=e))
        for n, e in [("commission", "rate * 2"), ("rate", "tier + 1"), ("tier", "commission")]
    ]

    with pytest.raises(
        ConfigError, match=r"formula cycle: commission -> rate -> tier -> commission"
    ):
        Schema("deal", fields)


def test_self_reference_is_a_cycle() -> None:
    """A formula reading itself is a cycle of one."""
    field = FieldDef(name="x", type="formula", options=FormulaOptions(expression="x + 1"))

    with pytest.raises(
        ConfigError, match=r"fields\[0\]\.options\.expression: formula cycle: x -> x"
    ):
        Schema("deal", [field])


def test_field_types_give_expression_types(deal_schema: Schema) -> None:
    """field_types maps each field to its expression type, formulas to their result."""
    types = deal_schema.field_types()

    assert FieldType.MONEY == types["amount"]
    assert FieldType.MONEY == types["commission"]
    assert FieldType.PICKLIST == types["city"]


@pytest.mark.parametrize(
    ("config", "path", "reason"),
    [
        ([], "<root>", "expected an object"),
        ({"fields": []}, "object_type", "required field missing"),
        ({"object_type": "deal"}, "fields", "required field missing"),
        ({"object_type": "deal", "fields": [], "extra": 1}, "<root>", "unknown field"),
        ({"object_type": "deal", "fields": [{"name": "a"}]}, r"fields\[0\]\.type", "required"),
        (
            {"object_type": "deal", "fields": [{"name": "a", "type": "blob"}]},
            r"fields\[0\]\.type",
            "unknown field type 'blob'",
        ),
        (
            {"object_type": "deal", "fields": [{"name": "a", "type": "money"}]},
            r"fields\[0\]\.options",
            "MoneyOptions",
        ),
        (
            {
                "object_type": "deal",
                "fields": [{"name": "a", "type": "money", "options": {"currency": "XXY"}}],
            },
            r"fields\[0\]\.options\.currency",
            "ISO 4217",
        ),
        (
            {
                "object_type": "deal",
                "fields": [{"name": "a", "type": "text", "options": {"max_length": "9"}}],
            },
            r"fields\[0\]\.options\.max_length",
            "expected an integer",
        ),
        (
            {"object_type": "deal", "fields": [{"name": "a", "type": "bool", "options": {}}]},
            r"fields\[0\]\.options",
            "take no options",
        ),
        (
            {
                "object_type": "deal",
                "fields": [{"name": "a", "type": "picklist", "options": {"choices": ["x", 3]}}],
            },
            r"fields\[0\]\.options\.choices\[1\]",
            "expected a choice",
        ),
        (
            {"object_type": "deal", "fields": [{"name": "a", "type": "number", "required": "yes"}]},
            r"fields\[0\]\.required",
            "true or false",
        ),
        (
            {
                "object_type": "deal",
                "fields": [{"name": "a", "type": "date", "default": "22/11/2026"}],
            },
            r"fields\[0\]\.default",
            "ISO 8601",
        ),
        (
            {
                "object_type": "deal",
                "fields": [
                    {"name": "a", "type": "formula", "options": {"expression": "amont * 2"}}
                ],
            },
            r"fields\[0\]\.options\.expression",
            "amont",
        ),
        (
            {
                "object_type": "deal",
                "fields": [{"name": "a", "type": "number", "visible_when": "a + 1"}],
            },
            r"fields\[0\]\.visible_when",
            "TRUE or FALSE",
        ),
        (
            {
                "object_type": "deal",
                "fields": [{"name": "a", "type": "number"}, {"name": "a", "type": "text"}],
            },
            r"fields\[1\]\.name",
            "duplicate field",
        ),
        (
            {"object_type": "deal", "fields": [], "sections": [{"name": "s", "fields": ["nope"]}]},
            r"sections\[0\]\.fields\[0\]",
            "no field named 'nope'",
        ),
        (
            {"object_type": "deal", "fields": [], "rules": [{"name": "r", "error_when": "TRUE"}]},
            r"rules\[0\]\.message",
            "required field missing",
        ),
        (
            {
                "object_type": "deal",
                "fields": [{"name": "a", "type": "number", "default": "1.234"}],
                "rules": [],
            },
            r"fields\[0\]\.default",
            "decimal place",
        ),
    ],
)
def test_bad_config_names_the_path(config: object, path: str, reason: str) -> None:
    """A bad configuration raises ConfigError naming where the bad value is."""
    with pytest.raises(ConfigError, match=rf"^{path}: .*{reason}"):
        Schema.from_dict(config)


def test_dependent_picklist_keys_must_be_controller_values() -> None:
    """A dependency on a value the controlling picklist does not have is refused."""
    fields = [
        FieldDef(name="country", type="picklist", options=PicklistOptions(choices=("IR",))),
        FieldDef(
            name="city",
            type="picklist",
            options=PicklistOptions(
                choices=("Lahore",), controlled_by="country", dependencies={"PK": ("Lahore",)}
            ),
        ),
    ]

    with pytest.raises(
        ConfigError, match=r"fields\[1\]\.options\.dependencies: 'PK' is not a value of 'country'"
    ):
        Schema("deal", fields)


def test_bad_field_def_arguments() -> None:
    """FieldDef refuses a bad name, kind, or options of another kind."""
    with pytest.raises(ConfigError, match=r"^name: a name must be"):
        FieldDef(name="2x", type="text")
    with pytest.raises(ConfigError, match=r"^type: unknown field type 'txt'"):
        FieldDef(name="x", type="txt")
    with pytest.raises(ConfigError, match=r"^options: money fields need MoneyOptions"):
        FieldDef(name="x", type="money", options=TextOptions())
    with pytest.raises(ConfigError, match=r"^unique: a formula field is computed"):
        FieldDef(name="x", type="formula", options=FormulaOptions(expression="1"), unique=True)


def test_bad_schema_arguments() -> None:
    """Schema refuses a bad object type and items that are not definitions."""
    with pytest.raises(ConfigError, match=r"^object_type: expected an object type name"):
        Schema("bad type", [])
    with pytest.raises(ConfigError, match=r"^fields\[0\]: expected a FieldDef"):
        Schema("deal", [{"name": "x"}])
    with pytest.raises(ConfigError, match=r"^max_depth: expected an integer"):
        Schema("deal", [], max_depth=-1)


def test_remove_field_lists_dependents(deal_schema: Schema) -> None:
    """Removing a used field is refused with every dependent listed."""
    with pytest.raises(
        ConfigError,
        match=r"cannot remove 'rate': used by fields\.commission\.formula, "
        r"rules\.rate_cap\.error_when, rules\.rate_cap\.field",
    ):
        deal_schema.remove_field("rate")


def test_remove_unused_field(deal_schema: Schema) -> None:
    """An unused field is removed, from the fields and from its section."""
    smaller = deal_schema.remove_field("tracking")

    assert "tracking" not in [f.name for f in smaller.fields]
    assert ("carrier",) == smaller.sections[1].fields


def test_remove_controlling_field_is_refused(deal_schema: Schema) -> None:
    """A picklist's controlling field cannot be removed while the picklist depends on it."""
    with pytest.raises(ConfigError, match=r"fields\.city\.controlled_by"):
        deal_schema.remove_field("country")


def test_rename_without_rewrite_is_refused(deal_schema: Schema) -> None:
    """Renaming a used field without rewrite lists the dependents."""
    with pytest.raises(
        ConfigError,
        match=r"cannot rename 'service': used by "
        r".*sections\.shipping\.visible_when.*pass rewrite=True",
    ):
        deal_schema.rename_field("service", "kind")


def test_rename_with_rewrite_updates_dependents(deal_schema: Schema) -> None:
    """With rewrite, formulas, conditions, rules, sections and dependencies follow the rename."""
    renamed = deal_schema.rename_field("service", "kind", rewrite=True).rename_field(
        "country", "land", rewrite=True
    )

    assert "kind = 'shipping'" == renamed.sections[1].visible_when
    assert "kind" in renamed.sections[0].fields
    assert "service" not in renamed.rules[1].error_when
    assert "land" == renamed.field("city").options.controlled_by  # type: ignore[union-attr]
    assert renamed.field_types()["kind"] == FieldType.PICKLIST


def test_rename_to_taken_name_is_refused(deal_schema: Schema) -> None:
    """A field cannot be renamed to a name another field has."""
    with pytest.raises(ConfigError, match=r"'hours' is taken"):
        deal_schema.rename_field("tracking", "hours")


def test_unknown_field_lookups(deal_schema: Schema) -> None:
    """Asking for a field the schema lacks raises NotFound."""
    with pytest.raises(NotFound, match="no deal field with id 'nope'"):
        deal_schema.field("nope")
    with pytest.raises(NotFound, match="no deal field"):
        deal_schema.remove_field("nope")


def test_add_field_into_section(deal_schema: Schema) -> None:
    """add_field appends the field and puts it at the end of the named section."""
    bigger = deal_schema.add_field(FieldDef(name="vessel", type="text"), section="shipping")

    assert ("carrier", "tracking", "vessel") == bigger.sections[1].fields
    with pytest.raises(ConfigError, match=r"^section: no section named 'nope'"):
        deal_schema.add_field(FieldDef(name="x", type="text"), section="nope")


def test_reference_depth_is_capped() -> None:
    """A formula reading further than max_depth references is refused with the limit."""
    company = Schema(
        "company",
        [
            FieldDef(name="payment_terms", type="text"),
            FieldDef(name="parent", type="reference", options=ReferenceOptions(target="company")),
        ],
    )
    fields = [
        FieldDef(name="company", type="reference", options=ReferenceOptions(target="company")),
        FieldDef(
            name="terms",
            type="formula",
            options=FormulaOptions(expression="company.parent.parent.payment_terms"),
        ),
    ]

    with pytest.raises(ConfigError, match=r"reads a record 3 references away; the limit is 2"):
        Schema("deal", fields, related={"company": company})
    assert Schema("deal", fields, related={"company": company}, max_depth=3).formula_order == (
        "terms",
    )
