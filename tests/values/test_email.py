"""Tests of e-mail address and domain normalization."""

from __future__ import annotations

import contextlib

import pytest
from email_validator import EmailNotValidError
from hypothesis import assume, given
from hypothesis import strategies as st

from crmkit.errors import InvalidEmail, ValidationError
from crmkit.values._email import EmailAddress, normalize_domain, normalize_email


@st.composite
def addresses(draw: st.DrawFn) -> EmailAddress:
    """Valid addresses, including ones at providers that ignore tags."""
    local = draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,20}", fullmatch=True))
    domain = draw(
        st.sampled_from(
            ["gmail.com", "GoogleMail.com", "outlook.com", "example.co.uk", "bücher.de"]
        )
    )
    try:
        return normalize_email(f"{local}@{domain}")
    except InvalidEmail:
        assume(False)
        raise


@pytest.mark.parametrize(
    "raw",
    [
        "John.Doe@Example.COM",
        "  John.Doe@example.com\t",
        "mailto:John.Doe@example.com",
        "MAILTO:John.Doe@example.com?subject=Hello",
        "<John.Doe@example.com>",
        '"John.Doe@example.com"',
        "John Doe <John.Doe@example.com>",
        "\u200bJohn.Doe@example.com\ufeff",
    ],
)
def test_pasted_noise_is_trimmed(raw: str) -> None:
    """Spaces, mailto:, brackets, quotes and display names are removed; the domain is lower."""
    email = normalize_email(raw)

    assert email.value == "John.Doe@example.com"
    assert str(email) == "John.Doe@example.com"
    assert email.match_key == "john.doe@example.com"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("John.Doe+news@Gmail.com", "johndoe@gmail.com"),
        ("j.o.h.n.doe@googlemail.com", "JohnDoe@gmail.com"),
        ("john.doe+crm@outlook.com", "john.doe@outlook.com"),
        ("jane+a@hotmail.com", "jane+b@hotmail.com"),
        ("jane+a@icloud.com", "jane@icloud.com"),
        ("jane+a@proton.me", "jane@proton.me"),
        ("jane+a@fastmail.com", "jane@fastmail.com"),
        ("x@XN--BCHER-KVA.de", "X@Bücher.de"),
    ],
)
def test_same_mailbox_same_key(one: str, other: str) -> None:
    """Addresses that reach one mailbox share a match key."""
    assert normalize_email(one).match_key == normalize_email(other).match_key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("john.doe+x@example.com", "john.doe@example.com"),
        ("john.doe@outlook.com", "johndoe@outlook.com"),
        ("john@outlook.com", "john@hotmail.com"),
        ("jane-news@yahoo.com", "jane@yahoo.com"),
    ],
)
def test_different_mailboxes_different_keys(one: str, other: str) -> None:
    """Tags and dots only fold where the provider ignores them."""
    assert normalize_email(one).match_key != normalize_email(other).match_key


def test_idn_domain_is_unicode() -> None:
    """An IDNA-encoded domain is shown in its Unicode form."""
    assert normalize_email("anna@XN--BCHER-KVA.DE").value == "anna@bücher.de"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("  <> ", "empty"),
        ("john.doe", "@-sign"),
        ("john doe@example.com", "invalid characters"),
        ("john@localhost", "should have a period"),
        ("john@@example.com", "@"),
    ],
)
def test_invalid_addresses(raw: str, reason: str) -> None:
    """Bad addresses raise InvalidEmail with the reason."""
    with pytest.raises(InvalidEmail, match=reason) as caught:
        normalize_email(raw)

    assert caught.value.value == raw


def test_validator_error_is_the_cause() -> None:
    """email-validator's error is kept as the cause."""
    with pytest.raises(InvalidEmail, match="@-sign") as caught:
        normalize_email("nobody")

    assert isinstance(caught.value.__cause__, EmailNotValidError)


@given(addresses())
def test_normalizing_again_gives_the_same_address(email: EmailAddress) -> None:
    """normalize_email(e.value) == e."""
    assert email == normalize_email(email.value)


@given(addresses())
def test_key_ignores_case(email: EmailAddress) -> None:
    """Upper- and lower-casing the address does not change its key."""
    assert email.match_key == normalize_email(email.value.upper()).match_key
    assert email.match_key == normalize_email(email.value.lower()).match_key


@given(st.emails())
def test_generated_addresses_normalize_idempotently(raw: str) -> None:
    """Any address that normalizes, normalizes again to itself."""
    try:
        email = normalize_email(raw)
    except InvalidEmail:
        return

    assert email == normalize_email(email.value)


@given(st.text())
def test_only_validation_errors(raw: str) -> None:
    """Arbitrary text either normalizes or raises InvalidEmail."""
    with contextlib.suppress(InvalidEmail):
        normalize_email(raw)


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://www.Example.com/about", "example.com"),
        ("http://Example.com:8080/x?y=1", "example.com"),
        ("www.example.com/contact", "example.com"),
        ("example.com.", "example.com"),
        ("John@Sub.Example.co.uk", "sub.example.co.uk"),
        ("https://xn--bcher-kva.de", "bücher.de"),
        ("BÜCHER.de", "bücher.de"),
        (" <https://user:pw@www.acme.io/> ", "acme.io"),
    ],
)
def test_domains(raw: str, domain: str) -> None:
    """URLs, addresses and host names give their lowercased domain without www."""
    assert domain == normalize_domain(raw)


@pytest.mark.parametrize(
    "raw", ["", "localhost", "https://", "not a domain", "192.168.1.1", "http://[::1]/"]
)
def test_not_domains(raw: str) -> None:
    """Text that names no domain raises ValidationError."""
    with pytest.raises(ValidationError, match="not a domain"):
        normalize_domain(raw)


@given(st.text())
def test_domain_only_validation_errors(raw: str) -> None:
    """Arbitrary text either gives a domain or raises ValidationError."""
    try:
        domain = normalize_domain(raw)
    except ValidationError:
        return

    assert domain == normalize_domain(domain)
