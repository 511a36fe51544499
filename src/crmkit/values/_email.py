"""E-mail addresses and domains, normalized with email-validator (never over the network)."""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

from attrs import frozen
from email_validator import EmailNotValidError, validate_email

from crmkit.errors import InvalidEmail, ValidationError

__all__ = ["EmailAddress", "normalize_domain", "normalize_email"]


@frozen
class _Provider:
    """How a mail provider delivers variants of one mailbox."""

    domain: str  # the provider's main domain, shared by all its aliases in the key
    tag_separator: str = "+"
    ignores_dots: bool = False


_GMAIL: Final = _Provider("gmail.com", ignores_dots=True)
# Providers documented to deliver ``name+anything@`` to ``name@`` (and, for Gmail, to
# ignore dots in the name). Only well-known rules: a wrong entry merges different people,
# which costs more than a missed duplicate. Yahoo is left out on purpose: its disposable
# ``base-keyword@`` addresses use a base name that is not the account's own name, so
# dropping the keyword does not lead back to the owner. Outlook's regional domains
# (outlook.de, hotmail.co.uk, ...) are separate namespaces and keep their own domain.
_PROVIDERS: Final[dict[str, _Provider]] = {
    "gmail.com": _GMAIL,
    "googlemail.com": _GMAIL,
    "outlook.com": _Provider("outlook.com"),
    "hotmail.com": _Provider("hotmail.com"),
    "live.com": _Provider("live.com"),
    "fastmail.com": _Provider("fastmail.com"),
    "fastmail.fm": _Provider("fastmail.fm"),
    "protonmail.com": _Provider("protonmail.com"),
    "protonmail.ch": _Provider("protonmail.ch"),
    "proton.me": _Provider("proton.me"),
    "pm.me": _Provider("pm.me"),
    "icloud.com": _Provider("icloud.com"),
    "me.com": _Provider("me.com"),
    "mac.com": _Provider("mac.com"),
}

# Invisible characters that ride along when an address is copied from a web page or a
# right-to-left document, and the wrapping people paste with it.
_INVISIBLE: Final = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
_WRAPPING: Final = " \t\r\n\u00a0" + _INVISIBLE + "<>\"'"


@frozen
class EmailAddress:
    """A syntactically valid e-mail address.

    ``str()`` gives :attr:`value`.

    Attributes:
        value: the address to show and to send to: the local part as written (Unicode NFC)
            and the domain lowercased, in its Unicode form.
        match_key: the key under which two addresses reach the same mailbox: case-folded,
            and for providers that ignore them, without ``+tags`` (and, for Gmail, without
            dots in the name, ``googlemail.com`` read as ``gmail.com``).
    """

    value: str
    match_key: str

    def __str__(self) -> str:
        return self.value


def normalize_email(raw: str) -> EmailAddress:
    """Validate an e-mail address and compute its match key, without any network access.

    Surrounding spaces, invisible characters, quotes and angle brackets are trimmed, as are
    a ``mailto:`` prefix with its ``?subject=...`` query and a display name
    (``John Doe <john@example.com>``).

    Args:
        raw: the address as typed or pasted.

    Returns:
        The normalized address; ``normalize_email(e.value) == e``.

    Raises:
        InvalidEmail: when what remains is not a valid address; the reason is
            email-validator's explanation.
    """
    if not isinstance(raw, str):
        raise InvalidEmail(raw, "expected text")
    text = raw.strip(_WRAPPING)
    if "<" in text:
        # a display name: ``John Doe <john@example.com>``
        text = text.rpartition("<")[2].strip(_WRAPPING)
    if text[:7].lower() == "mailto:":
        text = text[7:].partition("?")[0].strip(_WRAPPING)
    if not text:
        raise InvalidEmail(raw, "empty")
    try:
        valid = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(raw, str(exc)) from exc
    return EmailAddress(valid.normalized, _match_key(valid.local_part, valid.domain))


def _trusted_email(value: str) -> EmailAddress:
    """Rebuild an address that :func:`normalize_email` produced earlier (read from a store).

    Skips validation, which costs more than the rest of loading a contact.
    """
    local, _, domain = value.rpartition("@")
    return EmailAddress(value, _match_key(local, domain))


def _match_key(local: str, domain: str) -> str:
    local = local.casefold()
    provider = _PROVIDERS.get(domain)
    if provider is None:
        return f"{local}@{domain}"
    name = local.partition(provider.tag_separator)[0] or local
    if provider.ignores_dots:
        name = name.replace(".", "") or name
    return f"{name}@{provider.domain}"


def normalize_domain(url_or_email: str) -> str:
    """The internet domain named by a URL, an e-mail address or a bare host name.

    ``https://www.Example.com/about`` gives ``example.com`` and ``John@Sub.Example.co.uk``
    gives ``sub.example.co.uk``: lowercased, without ``www.``, a port, a path or a trailing
    dot, and in its Unicode form (``xn--bcher-kva.de`` gives ``bücher.de``).

    Args:
        url_or_email: a URL (with or without a scheme), an e-mail address or a host name.

    Returns:
        The domain.

    Raises:
        ValidationError: when the text names no valid, globally reachable domain (a single
            word such as ``localhost``, an IP address, an empty string).
    """
    if not isinstance(url_or_email, str):
        raise ValidationError(url_or_email, "expected text", field="domain")
    text = url_or_email.strip(_WRAPPING)
    if "@" in text and "/" not in text:
        host = text.rpartition("@")[2]
    else:
        if "//" not in text:
            text = "//" + text
        try:
            host = urlsplit(text).hostname or ""
        except ValueError as exc:
            raise ValidationError(url_or_email, "not a domain") from exc
    host = host.rstrip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    if not host:
        raise ValidationError(url_or_email, "not a domain")
    try:
        # the address form runs email-validator's domain rules (IDNA, lengths, labels)
        valid = validate_email(f"postmaster@{host}", check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(url_or_email, f"not a domain: {exc}") from exc
    return valid.domain
