"""Imported contacts linked to the stored companies their rows name.

A contact row's company column (and its website, and its e-mail's domain) names a
company; when the store has that company, found by its name's match key or its domain, the
contact gets an :class:`~crmkit.contacts.Affiliation` to it, unless it has one already.
The company name stays in the contact's custom values either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from typing import Final

from crmkit.contacts import Affiliation, Company, Contact
from crmkit.errors import ValidationError
from crmkit.storage import Store
from crmkit.values import normalize_domain

from . import _cells

__all__ = ["company_links"]

_FREE_MAIL: Final = frozenset(
    {"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
     "icloud.com", "aol.com", "gmx.de", "web.de", "mail.ru", "yandex.ru", "yahoo.co.in"}
)  # fmt: skip


def _domains(contact: Contact) -> list[str]:
    found: list[str] = []
    website = contact.custom.get("website")
    if isinstance(website, str) and website:
        # a bad website is kept in the contact's custom values as it was typed
        with suppress(ValidationError):
            found.append(normalize_domain(website))
    for entry in contact.emails:
        domain = entry.address.value.rpartition("@")[2].lower()
        if domain not in _FREE_MAIL:
            found.append(domain)
    return found


def company_links(store: Store, contacts: Iterable[Contact]) -> list[Affiliation]:
    """The affiliations that link *contacts* to the stored companies their rows name.

    A company is found by the name in the contact's ``company`` custom value (its match
    key), else by the contact's website or e-mail domain. A contact already linked to that
    company gets no second link; its first link is its primary one.
    """
    people = list(contacts)
    names = {c.id: _cells.company_key(str(c.custom.get("company", ""))) for c in people}
    domains = {c.id: _domains(c) for c in people}
    by_name = store.companies.find_by_keys("company", sorted(set(names.values()) - {""}))
    wanted = sorted({d for found in domains.values() for d in found})
    by_domain = store.companies.find_by_keys("domain", wanted) if wanted else {}
    chosen: dict[str, Company] = {}
    for person in people:
        hits = by_name.get(names[person.id]) or next(
            (by_domain[d] for d in domains[person.id] if d in by_domain), None
        )
        if hits:
            chosen[person.id] = hits[0]
    if not chosen:
        return []
    linked = store.affiliations.find_by_keys("contact", sorted(chosen))
    links = []
    for contact_id, company in chosen.items():
        existing = linked.get(contact_id, [])
        if any(a.company_id == company.id for a in existing):
            continue
        links.append(
            Affiliation(contact_id=contact_id, company_id=company.id, primary=not existing)
        )
    return links
