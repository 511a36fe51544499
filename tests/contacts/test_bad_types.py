"""Normalizers and constructors refuse values that are not text with crmkit errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crmkit import Contact
from crmkit.contacts import company_match_key, name_match_key, parse_name
from crmkit.errors import InvalidEmail, InvalidName, InvalidPhone, ValidationError
from crmkit.values import normalize_domain, normalize_email, normalize_phone

NORMALIZERS: list[tuple[Callable[[object], object], type[ValidationError]]] = [
    (normalize_phone, InvalidPhone),  # type: ignore[list-item]
    (normalize_email, InvalidEmail),  # type: ignore[list-item]
    (normalize_domain, ValidationError),  # type: ignore[list-item]
    (parse_name, InvalidName),  # type: ignore[list-item]
    (name_match_key, InvalidName),  # type: ignore[list-item]
    (company_match_key, InvalidName),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("normalize", "error"), NORMALIZERS)
@pytest.mark.parametrize("value", [None, 42, b"bytes", ["a"]])
def test_non_text_is_refused(
    normalize: Callable[[object], object], error: type[ValidationError], value: object
) -> None:
    """Each normalizer raises its ValidationError saying it expected text."""
    with pytest.raises(error, match="expected text"):
        normalize(value)


def test_create_refuses_unknown_fields() -> None:
    """Contact.create names the fields a contact does not have."""
    with pytest.raises(ValidationError, match="Contact has no such field") as info:
        Contact.create(name="Ann Lee", shoe_size=42)

    assert "shoe_size" == info.value.field


def test_create_refuses_a_name_that_is_not_text() -> None:
    """A name that is not text is an InvalidName, not a TypeError."""
    with pytest.raises(InvalidName, match="expected text"):
        Contact.create(name=5)  # type: ignore[arg-type]


def test_empty_contact_message_names_what_is_missing() -> None:
    """The error for an empty contact says what a contact needs, not a generated id."""
    with pytest.raises(InvalidName, match="a contact needs a name, an e-mail or a phone") as info:
        Contact()

    assert "" == info.value.value
