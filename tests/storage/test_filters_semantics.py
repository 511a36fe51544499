"""Store filters mean the same on every backend: TRUE/FALSE only, division by zero is blank."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crmkit.contacts import Contact
from crmkit.errors import FormulaError
from crmkit.expr import compile
from crmkit.storage import MemoryStore, Store


def _fill(store: Store) -> dict[str, str]:
    """Store three contacts with (score, weight) = (6, 3), (6, 0), (blank, 2); name -> id."""
    store.define_fields("contact", {"score": "number", "weight": "number", "note": "text"})
    rows = {
        "Ann Even": {"score": Decimal(6), "weight": Decimal(3), "note": "x"},
        "Bob Zero": {"score": Decimal(6), "weight": Decimal(0)},
        "Cy Blank": {"weight": Decimal(2)},
    }
    ids = {}
    for name, custom in rows.items():
        ids[name] = store.contacts.add(Contact.create(name=name, custom=custom)).id
    return ids


@pytest.mark.parametrize(
    ("where", "result_type"),
    [
        ("1 + 1", "number"),
        ("first_name", "text"),
        ("note", "text"),
        ("score / weight", "number"),
        ("DATE(2024, 1, 1)", "date"),
    ],
)
def test_a_filter_that_is_not_true_or_false_is_refused(
    store: Store, where: str, result_type: str
) -> None:
    """count/find with a non-boolean filter raise FormulaError naming the result type."""
    _fill(store)
    message = f"a filter must be TRUE or FALSE, not {result_type}"

    with pytest.raises(FormulaError, match=message):
        store.contacts.count(where)
    with pytest.raises(FormulaError, match=message):
        store.contacts.find(where)


def test_a_compiled_expression_that_is_not_true_or_false_is_refused(store: Store) -> None:
    """An Expression object with a number value is refused like its text."""
    _fill(store)
    expression = compile("score * 2", {"score": "number"})

    with pytest.raises(FormulaError, match="a filter must be TRUE or FALSE, not number"):
        store.contacts.count(expression)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        # 6 / 3 = 2 matches; 6 / 0 is blank, and a comparison with blank is false
        ("score / weight > 1", {"Ann Even"}),
        # NOT of that false comparison is true for the zero divisor and the blank score
        ("NOT(score / weight > 1)", {"Bob Zero", "Cy Blank"}),
        ("ISBLANK(score / weight)", {"Bob Zero", "Cy Blank"}),
        ("BLANKVALUE(score / weight, 0) = 0", {"Bob Zero", "Cy Blank"}),
        ("score / 0 > 0", set()),
        ("weight / weight = 1", {"Ann Even", "Cy Blank"}),
    ],
)
def test_division_by_zero_in_a_filter_is_blank_on_every_backend(
    store: Store, where: str, expected: set[str]
) -> None:
    """A zero divisor makes the quotient blank in the filter, on memory and SQL alike."""
    ids = _fill(store)
    by_id = {record_id: name for name, record_id in ids.items()}

    found = {by_id[c.id] for c in store.contacts.find(where)}

    assert expected == found
    assert len(expected) == store.contacts.count(where)


def test_an_expression_compiled_to_raise_is_filtered_as_blank(store: Store) -> None:
    """An Expression compiled with the default division rule still filters with blanks."""
    _fill(store)
    expression = compile("score / weight > 1", {"score": "number", "weight": "number"})

    assert 1 == store.contacts.count(expression)
    with pytest.raises(FormulaError, match="division by zero"):
        expression.evaluate({"score": 1, "weight": 0})


def test_other_evaluation_errors_are_not_hidden() -> None:
    """Only division by zero turns blank: a bad VALUE() still fails on the memory store."""
    store = MemoryStore()
    _fill(store)

    with pytest.raises(FormulaError, match="VALUE"):
        store.contacts.count("VALUE(note & 'y') > 0")
