"""Hostile REGEX filters and NUL characters get the same answer on every backend."""

from __future__ import annotations

import time

import pytest

from crmkit.contacts import Contact
from crmkit.errors import ErrorCode, ValidationError
from crmkit.storage import Store

HOSTILE = [r"(a+)+$", r"(a|a)*b", r"(.*a){20}"]


@pytest.mark.parametrize("pattern", HOSTILE)
def test_hostile_regex_filters_finish_fast(store: Store, pattern: str) -> None:
    """A catastrophic pattern over 50k-character values is answered at once, alike."""
    store.define_fields("contact", {"note": "text"})
    store.contacts.bulk_upsert(
        [
            Contact.create(name="Ann Lee", custom={"note": "a" * 50_000}),
            Contact.create(name="Bob Ng", custom={"note": "a" * 50_000 + "b"}),
            Contact.create(name="Cy Po", custom={"note": "a" * 49_999 + "!"}),
        ]
    )
    expected = {r"(a+)+$": ["Lee"], r"(a|a)*b": ["Ng"], r"(.*a){20}": ["Lee"]}[pattern]
    where = "REGEX(note, '" + pattern.replace("\\", "\\\\") + "')"
    start = time.perf_counter()
    found = [c.last_name for c in store.contacts.find(where)]
    counted = store.contacts.count(where)
    assert time.perf_counter() - start < 1.0
    assert (expected, 1) == (found, counted)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (r"REGEX(code, '[A-Z]{2}-\\d+')", ["Lee"]),
        (r"REGEX(code, '\\d+')", ["Po"]),  # Persian digits are not \d
        ("REGEX(code, '[۰-۹]+')", ["Ng"]),
        ("REGEX(code, 'a.b')", []),  # . never matches a newline
        ("REGEX(code, '.*')", ["Lee", "Ng", "Po"]),
        ("NOT(REGEX(code, '.*'))", ["Ma", "Ray"]),  # a blank does not match, nor a newline
    ],
)
def test_regex_filters_agree(store: Store, where: str, expected: list[str]) -> None:
    """REGEX selects the same records on memory, SQLite and PostgreSQL."""
    store.define_fields("contact", {"code": "text"})
    store.contacts.bulk_upsert(
        [
            Contact.create(name="Ann Lee", custom={"code": "AB-12"}),
            Contact.create(name="Bob Ng", custom={"code": "۱۲۳"}),
            Contact.create(name="Cy Po", custom={"code": "123"}),
            Contact.create(name="Di Ma"),
            Contact.create(name="Ed Ray", custom={"code": "a\nb"}),
        ]
    )
    assert expected == sorted(c.last_name for c in store.contacts.find(where))


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Contact.create(name="Ann Lee", custom={"note": "a\x00b"}), "note"),
        (lambda: Contact.create(name="Ann\x00 Lee"), "first_name"),
        (lambda: Contact.create(name="Ann Lee", id="c\x00"), "id"),
        (lambda: Contact.create(name="Ann Lee", custom={"k\x00": "v"}), "k\x00"),
    ],
)
def test_nul_is_refused_alike(store: Store, make: object, field: str) -> None:
    """NUL in an id, a value or a name is a ValidationError naming the field, on add and upsert."""
    for write in (store.contacts.add, lambda r: store.contacts.bulk_upsert([r])):
        with pytest.raises(ValidationError) as caught:
            write(make())  # type: ignore[operator]
        assert (ErrorCode.NUL_CHARACTER, field) == (caught.value.code, caught.value.field)
    assert 0 == store.contacts.count()
