"""Using a schema on records: coercion, validation, computing formulas, layout, references."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from fields_example import make_deal_schema
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ConfigError, InvalidRecord, NotFound, ValidationError
from crmkit.fields import (
    FieldDef,
    FormulaOptions,
    MoneyOptions,
    ReferenceOptions,
    Schema,
)
from crmkit.values import Money


def _deal(**values: object) -> dict[str, object]:
    base: dict[str, object] = {"amount": Money.of(20000, "EUR"), "rate": Decimal(5)}
    base.update(values)
    return base


def test_commission_is_computed(deal_schema: Schema) -> None:
    """The commission is amount times rate percent above 10,000, zero below."""
    big = deal_schema.compute(_deal())
    small = deal_schema.compute(_deal(amount=Money.of(5000, "EUR")))

    assert Money.of(1000, "EUR") == big.values["commission"]
    assert Money.of(0, "EUR") == small.values["commission"]


def _money_schema(*formulas: tuple[str, str, bool]) -> Schema:
    fields = [
        FieldDef(name="amount", type="money", options=MoneyOptions(currency="EUR")),
        FieldDef(name="fee", type="money", options=MoneyOptions(currency="EUR")),
        FieldDef(name="stage", type="text"),
    ]
    for name, source, blanks in formulas:
        options = FormulaOptions(expression=source, blanks_as_zero=blanks)
        fields.append(FieldDef(name=name, type="formula", options=options))
    return Schema("deal", fields)


@given(st.none() | st.decimals(-(10**6), 10**6, places=2), st.decimals(0, 10**4, places=2))
def test_formulas_read_money_fields_in_their_currency(amount: Decimal | None, fee: Decimal) -> None:
    """A blank money field is zero in its currency for BLANKVALUE and blanks_as_zero."""
    schema = _money_schema(
        ("net", "amount - fee", True),
        ("shown", "BLANKVALUE(amount, 0)", False),
        ("won", "IF(stage = 'won', amount, 0)", False),
    )
    record = {"amount": None if amount is None else Money(amount, "EUR"), "fee": Money(fee, "EUR")}
    base = Decimal(0) if amount is None else amount

    values = schema.compute(record).values

    assert Money(base - fee, "EUR") == values["net"]
    assert Money(base, "EUR") == values["shown"]
    assert Money(0, "EUR") == values["won"]


def test_formulas_refuse_money_fields_of_two_currencies() -> None:
    """A formula adding money fields of two currencies is a ConfigError naming both."""
    fields = [
        FieldDef(name="amount", type="money", options=MoneyOptions(currency="EUR")),
        FieldDef(name="fee", type="money", options=MoneyOptions(currency="USD")),
        FieldDef(name="net", type="formula", options=FormulaOptions(expression="amount - fee")),
    ]

    with pytest.raises(ConfigError, match="money in EUR and money in USD") as info:
        Schema("deal", fields)

    assert "config.invalid" == info.value.code


@given(st.integers(0, 10**9), st.integers(0, 100))
def test_computing_twice_gives_the_same_values(amount: int, rate: int) -> None:
    """Computing a record twice gives equal values."""
    schema = Schema(
        "deal",
        [
            FieldDef(name="amount", type="number"),
            FieldDef(name="rate", type="percent"),
            FieldDef(
                name="c", type="formula", options=FormulaOptions(expression="amount * rate / 100")
            ),
            FieldDef(name="d", type="formula", options=FormulaOptions(expression="c / rate")),
        ],
    )
    record = {"amount": Decimal(amount), "rate": Decimal(rate)}
    first = schema.compute(record)

    assert first == schema.compute(record)
    assert Decimal(amount) * rate / 100 == first.values["c"]
    if rate:
        # d = (amount * rate / 100) / rate, which is amount / 100 up to Decimal rounding
        assert abs(Decimal(amount) / 100 - first.values["d"]) <= Decimal("1e-18") * amount  # type: ignore[operator]
        assert first.ok
    else:
        assert {"d"} == set(first.errors)
        assert "division by zero" in str(first.errors["d"])


def test_evaluation_error_is_reported_per_field() -> None:
    """Division by zero fails its field and its dependents; other formulas still compute."""
    schema = Schema(
        "deal",
        [
            FieldDef(name="qty", type="number"),
            FieldDef(name="unit", type="formula", options=FormulaOptions(expression="100 / qty")),
            FieldDef(name="double", type="formula", options=FormulaOptions(expression="unit * 2")),
            FieldDef(name="other", type="formula", options=FormulaOptions(expression="qty + 1")),
        ],
    )

    results = [schema.compute({"qty": Decimal(q)}) for q in (0, 4)]

    assert {"unit", "double"} == set(results[0].errors)
    assert "depends on unit" in str(results[0].errors["double"])
    assert Decimal(1) == results[0].values["other"]
    assert results[1].ok
    assert Decimal(50) == results[1].values["double"]


@pytest.mark.parametrize(
    ("service", "required"),
    [
        ("shipping", {"carrier"}),
        ("consulting", {"hours"}),
        ("distribution", {"territory"}),
        (None, set()),
    ],
)
def test_service_type_shows_its_section(
    deal_schema: Schema, service: str | None, required: set[str]
) -> None:
    """Each service type shows (and requires) its own section's fields, and only those."""
    record = _deal(service=service)

    issues = deal_schema.validate(record)
    form = deal_schema.layout(record)

    assert required == {i.field for i in issues if i.code == "fields.required"}
    shown = {s.name for s in form.sections} - {"deal", ""}
    assert ({service} if service else set()) == shown


@given(st.sampled_from(["shipping", "consulting", "distribution", None]))
def test_hidden_fields_are_never_required(service: str | None) -> None:
    """No required issue names a field the layout does not show."""
    schema = make_deal_schema()
    record = _deal(service=service, amount=None)

    visible = set(schema.layout(record).field_names)
    required = {i.field for i in schema.validate(record) if i.code == "fields.required"}

    assert required <= visible


def test_dependent_picklist(deal_schema: Schema) -> None:
    """A city must belong to the chosen country; the form offers only that country's cities."""
    wrong = deal_schema.validate(_deal(country="IR", city="Lahore"))
    right = deal_schema.validate(_deal(country="PK", city="Lahore"))
    form = deal_schema.layout(_deal(country="IR"))

    assert [("city", "fields.choice")] == [(i.field, i.code) for i in wrong]
    assert [] == right
    assert ("Tehran", "Shiraz") == tuple(c.value for c in form.field("city").choices)  # type: ignore[union-attr]


def test_rules_and_prior_values(deal_schema: Schema) -> None:
    """Rules attach their message to their field; ISCHANGED/PRIORVALUE read the previous record."""
    issues = deal_schema.validate(
        _deal(rate=Decimal(25), service="shipping", carrier="DHL"),
        previous=_deal(service="consulting", hours=Decimal(3)),
    )

    assert {("rate", "rate_cap"), ("service", "no_reopen")} == {(i.field, i.rule) for i in issues}


def test_type_issues(deal_schema: Schema) -> None:
    """Values of the wrong type or currency are issues, all reported at once."""
    issues = deal_schema.validate({"amount": Money.of(1, "USD"), "rate": 5.5, "service": "boats"})

    assert {("amount", "fields.type"), ("rate", "fields.type"), ("service", "fields.choice")} <= {
        (i.field, i.code) for i in issues
    }


def test_unique_in_batch() -> None:
    """A unique value repeated in a batch is an issue of the later record."""
    schema = Schema("contact", [FieldDef(name="code", type="text", unique=True)])

    results = schema.validate_batch([{"code": "A1"}, {"code": "b2"}, {"code": "a1 "}])

    assert [[], [], ["fields.unique"]] == [[i.code for i in r] for r in results]
    assert 2 == results[2][0].index


def test_check_gives_values_and_issues(deal_schema: Schema) -> None:
    """Check computes and validates in one pass."""
    checked = deal_schema.check(_deal(rate=Decimal(30)))

    assert Money.of(6000, "EUR") == checked.computed.values["commission"]
    assert ["rate_cap"] == [i.rule for i in checked.issues]


def test_coerce_locale_values(deal_schema: Schema) -> None:
    """Spreadsheet text becomes typed values: German amounts, labels, translated labels."""
    values = deal_schema.coerce(
        {
            "amount": "1.234,50 €",
            "rate": "5,5 %",
            "service": "ارسال",
            "city": "tehran",
            "carrier": "",
        },
        locale="de_DE",
    )

    assert {
        "amount": Money.of("1234.50", "EUR"),
        "rate": Decimal("5.5"),
        "service": "shipping",
        "city": "Tehran",
        "carrier": None,
    } == values


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("بله", True),
        ("خیر", False),
        ("ہاں", True),
        ("نہیں", False),
        ("Yes", True),
        ("0", False),
        ("۱", True),
        ("oui", True),
    ],
)
def test_coerce_booleans(raw: str, expected: bool) -> None:
    """Yes and no in several languages become True and False."""
    schema = Schema("contact", [FieldDef(name="vip", type="bool")])

    assert {"vip": expected} == schema.coerce({"vip": raw})


def test_coerce_dates_and_numbers() -> None:
    """Dates and numbers are read as the locale writes them, Solar Hijri dates included."""
    schema = Schema("contact", [FieldDef(name="d", type="date"), FieldDef(name="n", type="number")])

    assert {"d": date(2026, 11, 22), "n": Decimal("1234.5")} == schema.coerce(
        {"d": "1405/09/01", "n": "۱٬۲۳۴٫۵"}, locale="fa_IR"
    )
    assert {"d": date(2026, 11, 22), "n": Decimal("1234.5")} == schema.coerce(
        {"d": "11/22/26", "n": "1,234.5"}
    )


def test_coerce_collects_every_bad_field(deal_schema: Schema) -> None:
    """Coerce raises InvalidRecord holding one ValidationError per bad field."""
    with pytest.raises(InvalidRecord, match=r"4 problem\(s\)") as info:
        deal_schema.coerce({"rate": "lots", "service": "boats", "nope": 1, "commission": 5})

    assert {"rate", "service", "nope", "commission"} == {e.field for e in info.value.errors}
    assert "no such field" in str(info.value)


def test_coerce_bad_arguments(deal_schema: Schema) -> None:
    """Coerce refuses a non-mapping and an unknown locale."""
    with pytest.raises(ValidationError, match="expected a mapping"):
        deal_schema.coerce(["x"])  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="unknown locale"):
        deal_schema.coerce({}, locale="xx_NOPE")


@pytest.mark.parametrize("record", [None, 42, "amount=5", ["amount"]])
@pytest.mark.parametrize("method", ["validate", "check", "compute", "layout", "apply_defaults"])
def test_record_must_be_a_mapping_or_record(
    deal_schema: Schema, method: str, record: object
) -> None:
    """validate, check, compute, layout and apply_defaults refuse None and other non-records."""
    call = getattr(deal_schema, method)
    kind = type(record).__name__

    with pytest.raises(
        ValidationError, match=f"expected a mapping or a crmkit record, not {kind}"
    ) as info:
        call(record)

    assert "record" == info.value.field


@pytest.mark.parametrize("records", [None, 42, "abc", {"amount": 1}])
def test_validate_batch_needs_an_iterable_of_records(deal_schema: Schema, records: object) -> None:
    """validate_batch refuses None, a number, text and a single mapping."""
    with pytest.raises(ValidationError, match="expected an iterable of records"):
        deal_schema.validate_batch(records)  # type: ignore[arg-type]


def test_validate_batch_refuses_a_bad_record_inside(deal_schema: Schema) -> None:
    """A None among the records of a batch is a ValidationError, not an empty record."""
    with pytest.raises(
        ValidationError, match="expected a mapping or a crmkit record, not NoneType"
    ):
        deal_schema.validate_batch([_deal(), None])


@pytest.mark.parametrize("method", ["validate", "compute", "layout", "apply_defaults"])
def test_naive_now_is_refused(deal_schema: Schema, method: str) -> None:
    """A naive datetime as `now` is a ValidationError, not a per-field formula error."""
    with pytest.raises(ValidationError, match="now must be timezone-aware"):
        getattr(deal_schema, method)(_deal(), now=datetime(2026, 1, 1))
    with pytest.raises(ValidationError, match="now must be timezone-aware"):
        deal_schema.validate_batch([_deal()], now=datetime(2026, 1, 1))


@pytest.mark.parametrize("name", ["nope", 42, None, ["amount"]])
def test_dependents_of_an_unknown_field(deal_schema: Schema, name: object) -> None:
    """dependents() of a name the schema lacks raises NotFound naming it."""
    with pytest.raises(NotFound, match=f"no deal field with id {name!r}".replace("[", r"\[")):
        deal_schema.dependents(name)  # type: ignore[arg-type]


def test_layout_flags_and_labels(deal_schema: Schema) -> None:
    """The layout marks formulas read-only, required fields required, and translates labels."""
    form = deal_schema.layout(_deal(service="shipping"), locale="fa_IR")

    assert form.field("commission").read_only  # type: ignore[union-attr]
    assert form.field("carrier").required  # type: ignore[union-attr]
    assert "ارسال" == form.field("service").choices[0].label_for("fa")  # type: ignore[union-attr]


def test_reference_reads_through_lookup() -> None:
    """A formula reads company.payment_terms through the lookup; without one it fails clearly."""
    company = Schema("company", [FieldDef(name="payment_terms", type="number")])
    schema = Schema(
        "deal",
        [
            FieldDef(name="company", type="reference", options=ReferenceOptions(target="company")),
            FieldDef(
                name="due_in",
                type="formula",
                options=FormulaOptions(expression="company.payment_terms + 5"),
            ),
        ],
        related={"company": company},
    )
    companies = {"c1": {"payment_terms": Decimal(30)}}

    found = schema.compute({"company": "c1"}, lookup=lambda kind, rid: companies.get(rid))
    missing = schema.compute({"company": "c1"})

    assert Decimal(35) == found.values["due_in"]
    assert "needs a lookup" in str(missing.errors["due_in"])


def test_defaults() -> None:
    """apply_defaults fills blank fields from values and expressions."""
    schema = Schema(
        "deal",
        [
            FieldDef(
                name="amount",
                type="money",
                options=MoneyOptions(currency="EUR"),
                default=Money.of(0, "EUR"),
            ),
            FieldDef(name="close", type="date", default_expr="TODAY() + 30"),
        ],
    )

    values = schema.apply_defaults({}, now=date(2026, 1, 1))

    assert {"amount": Money.of(0, "EUR"), "close": date(2026, 1, 31)} == values
