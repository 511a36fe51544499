"""A kind's one schema in a store: the fields every consumer accepts, and writes enforcing it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.contacts import COMPANY_FIELDS, CONTACT_FIELDS, Contact, amend
from crmkit.dedupe import BlockingKey, Comparator, MatchField, MatchRules, merge_in_store
from crmkit.errors import ConfigError, FieldIssue, InvalidRecord, ValidationError
from crmkit.expr import FieldType
from crmkit.fields import FieldDef, FormulaOptions, Schema, ValidationRule
from crmkit.importers import import_file
from crmkit.permissions import Grant, Policy, Role, Scope
from crmkit.pipeline import DEAL_FIELDS, Pipeline
from crmkit.storage import CustomRecord, MemoryStore, Store

KINDS = ["contact", "company", "affiliation", "deal", "project"]
TYPES = ["number", "money", "percent", "text", "bool", "date", "datetime", "picklist"]


def _rules(kind: str, condition: str, custom: dict[str, str]) -> MatchRules:
    return MatchRules(
        kind=kind,
        fields=(MatchField(field="email", comparator=Comparator.EMAIL, condition=condition),),
        blocking=(BlockingKey(name="email", fields=("email",)),),
        custom_fields=custom,
    )


def _policy(kind: str, condition: str, schema: Schema) -> Policy:
    grant = Grant(object_type=kind, actions=("read",), scope=Scope.ALL, condition=condition)
    return Policy(roles=(Role(name="rep", grants=(grant,)),), schemas={kind: schema})


def _pipeline(guard: str) -> Pipeline:
    return Pipeline.from_dict(
        {
            "id": "sales",
            "fields": {"tier": "text"},
            "stages": [
                {"id": "new"},
                {"id": "won", "kind": "won", "guards": [{"expression": guard, "message": "x"}]},
            ],
        }
    )


def _kind_store(store: Store, kind: str) -> None:
    if kind == "project":
        store.register_object_type("project", {"tier": "text"})
    elif kind == "deal":
        store.use_pipelines([_pipeline("TRUE")])
    else:
        store.define_fields(kind, {"tier": "text"})


@pytest.mark.parametrize("kind", KINDS)
def test_every_filter_field_is_a_condition_field(store: Store, kind: str) -> None:
    """Each field a store filter accepts, permission conditions (and rules, guards) accept."""
    _kind_store(store, kind)
    schema = store.schema(kind)
    repository = store.repository(kind)
    accepted = []
    for name in schema.field_types():
        condition = f"ISBLANK({name})"
        repository.count(condition)
        _policy(kind, condition, schema)
        if kind in ("contact", "company"):
            _rules(kind, condition, {"tier": "text"})
        if kind == "deal":
            _pipeline(condition)
        accepted.append(name)

    assert "tier" in accepted
    assert set(schema.field_types()) == set(accepted)


@pytest.mark.parametrize(
    ("kind", "builtin"), [("contact", CONTACT_FIELDS), ("company", COMPANY_FIELDS)]
)
def test_rule_conditions_and_filters_share_one_field_list(kind: str, builtin: object) -> None:
    """A match-rule condition on tags is accepted, as the store filter on tags is."""
    store = MemoryStore()
    store.define_fields(kind, {"tier": "text"})

    _rules(kind, "ISBLANK(tags)", {"tier": "text"})

    assert 0 == store.repository(kind).count("ISBLANK(tags)")
    assert {**dict(builtin), "tier": FieldType.TEXT} == store.schema(kind).field_types()  # type: ignore[call-overload]


def test_deal_schema_is_the_pipeline_deal_fields() -> None:
    """The deal kind's schema is the pipeline layer's deal fields plus the custom ones."""
    store = MemoryStore()
    store.use_pipelines([_pipeline("TRUE")])

    assert {**dict(DEAL_FIELDS), "tier": FieldType.TEXT} == store.schema("deal").field_types()


@given(st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.sampled_from(TYPES)))
def test_declared_fields_are_accepted_everywhere(custom: dict[str, str]) -> None:
    """Whatever custom fields are declared, a filter and a rule condition accept the same."""
    store = MemoryStore()
    store.define_fields("contact", custom)
    names = set(store.schema("contact").field_types())

    for name in names:
        # braces quote any field name, a keyword such as "or" included
        _rules("contact", f"ISBLANK({{{name}}})", custom)
        store.contacts.count(f"ISBLANK({{{name}}})")

    assert set(CONTACT_FIELDS) | set(custom) == names


def _contact_schema() -> Schema:
    return Schema(
        "contact",
        [
            FieldDef(name="score", type="number"),
            FieldDef(name="level", type="text", required_when="score > 50"),
            FieldDef(
                name="double",
                type="formula",
                options=FormulaOptions(expression="score * 2", blanks_as_zero=True),
            ),
            FieldDef(
                name="reachable",
                type="formula",
                options=FormulaOptions(expression="NOT(ISBLANK(phone))"),
            ),
        ],
        rules=[ValidationRule(name="cap", error_when="score > 100", message="at most 100")],
        builtin=CONTACT_FIELDS,
    )


def test_formulas_are_stored_and_kept_fresh(store: Store) -> None:
    """Add, update and bulk upsert store formula values; a filter reads them in the store."""
    store.define_fields("contact", _contact_schema())

    ada = store.contacts.add(Contact.create(name="Ada King", custom={"score": Decimal(3)}))
    changed = store.contacts.update(amend(ada, custom={"score": Decimal(20)}))
    store.contacts.bulk_upsert(
        Contact.create(name=f"P {i}", phone="+12125550100", custom={"score": Decimal(i)})
        for i in range(5)
    )

    assert (Decimal(6), False) == (ada.custom["double"], ada.custom["reachable"])
    assert Decimal(40) == changed.custom["double"]
    assert Decimal(40) == store.contacts.get(ada.id).custom["double"]
    assert 4 == store.contacts.count("double >= 4")
    assert 5 == store.contacts.count("reachable")


def test_required_condition_is_enforced(store: Store) -> None:
    """A write breaking a required condition raises FieldIssue with the schema's code."""
    store.define_fields("contact", _contact_schema())
    record = Contact.create(name="Bo Ray", custom={"score": Decimal(60)})

    with pytest.raises(FieldIssue) as caught:
        store.contacts.add(record)

    assert ("fields.issue", "fields.required", "level") == (
        caught.value.code,
        caught.value.issue,
        caught.value.field,
    )
    assert "level is required" in str(caught.value)
    assert 0 == store.contacts.count()


def test_update_is_validated(store: Store) -> None:
    """An update that breaks a validation rule is refused and the stored record stays."""
    store.define_fields("contact", _contact_schema())
    ada = store.contacts.add(Contact.create(name="Ada King", custom={"score": Decimal(3)}))

    with pytest.raises(FieldIssue) as caught:
        store.contacts.update(amend(ada, custom={"score": Decimal(101), "level": "top"}))

    assert ("fields.rule", "cap", "at most 100") == (
        caught.value.issue,
        caught.value.rule,
        caught.value.reason,
    )
    assert Decimal(3) == store.contacts.get(ada.id).custom["score"]


def test_bulk_upsert_reports_every_problem(store: Store) -> None:
    """A batch with two bad records raises one InvalidRecord naming both, storing nothing."""
    store.define_fields("contact", _contact_schema())
    records = [
        Contact.create(name="Ok One", custom={"score": Decimal(1)}),
        Contact.create(name="Bad Two", custom={"score": Decimal(200), "level": "x"}),
        Contact.create(name="Bad Three", custom={"score": Decimal(70)}),
    ]

    with pytest.raises(InvalidRecord) as caught:
        store.contacts.bulk_upsert(records)

    problems = [(e.index, e.issue) for e in caught.value.errors if isinstance(e, FieldIssue)]
    assert [(1, "fields.rule"), (2, "fields.required")] == problems
    assert 0 == store.contacts.count()


def test_custom_object_schema(store: Store) -> None:
    """A custom object type registered with a schema computes and filters its formulas."""
    schema = Schema(
        "project",
        [
            FieldDef(name="hours", type="number"),
            FieldDef(name="days", type="formula", options=FormulaOptions(expression="hours / 8")),
        ],
    )
    projects = store.register_object_type("project", schema)

    projects.add(CustomRecord(object_type="project", custom={"hours": Decimal(40)}))

    assert 1 == projects.count("days = 5")


def test_bad_schemas_are_refused() -> None:
    """A schema of another type, a built-in name, or a type clash is a ConfigError."""
    store = MemoryStore()
    store.define_fields("contact", _contact_schema())
    clash = Schema("contact", [FieldDef(name="email", type="text")])

    with pytest.raises(ConfigError, match="cannot describe 'company'") as other:
        store.define_fields("company", _contact_schema())
    with pytest.raises(ConfigError, match="built-in contact field") as builtin:
        store.define_fields("contact", clash)
    with pytest.raises(ConfigError, match="schema already") as taken:
        store.define_fields("contact", {"score": "text"})

    assert "config.invalid" == other.value.code == builtin.value.code == taken.value.code
    assert "fields['contact']['score']" == taken.value.path


def test_import_and_merge_compute_formulas(tmp_path: Path) -> None:
    """Records written by import_file and merge_in_store carry fresh formula values."""
    store = MemoryStore()
    store.define_fields("contact", _contact_schema())
    source = tmp_path / "in.csv"
    source.write_text("Name,Email,Mobile\nAnn Lee,ann@alpha.example,+44 7400 123456\n")

    import_file(source, store)
    (ann,) = store.contacts.find()
    bob = store.contacts.add(Contact(first_name="Bob", last_name="Lee", emails=["b@x.com"]))
    other = store.contacts.add(Contact(first_name="Rob", last_name="Lee", phones=["+12125550100"]))
    merged = merge_in_store(store, [bob.id, other.id]).record

    assert ann.custom["reachable"] is True
    assert bob.custom["reachable"] is False
    assert store.contacts.get(merged.id).custom["reachable"] is True


def test_schema_of_an_unknown_kind() -> None:
    """Asking for the schema of a kind the store does not know is a ValidationError."""
    with pytest.raises(ValidationError, match="no such record kind") as caught:
        MemoryStore().schema("ticket")

    assert "validation.invalid" == caught.value.code


def test_formula_values_given_by_hand_are_replaced() -> None:
    """A formula value written by hand is replaced by the computed one."""
    store = MemoryStore()
    store.define_fields("contact", _contact_schema())
    record = Contact.create(name="Ada King", custom={"score": Decimal(2), "double": Decimal(99)})

    stored = store.contacts.add(record)

    assert Decimal(4) == stored.custom["double"]
    assert attrs.evolve(record, custom=stored.custom) == stored
