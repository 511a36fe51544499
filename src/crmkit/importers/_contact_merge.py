"""How an imported contact row changes the stored contact it matches: merged in, or updating it."""

from __future__ import annotations

from typing import Any, Final

import attrs

from crmkit.contacts import Contact, amend

__all__ = ["merged_contact", "updated_contact", "values_not_kept"]

_TEXT_FIELDS: Final = ("prefix", "first_name", "middle_name", "last_name", "suffix", "job_title")
_VALUE_FIELDS: Final = ("birth_date", "lead_source", "lifecycle_stage")


def merged_contact(old: Contact, new: Contact) -> Contact:
    """*old* with its blanks filled from *new*, and *new*'s extra e-mails, phones and tags."""
    changes: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        if not getattr(old, name) and getattr(new, name):
            changes[name] = getattr(new, name)
    for name in _VALUE_FIELDS:
        if getattr(old, name) is None and getattr(new, name) is not None:
            changes[name] = getattr(new, name)
    known = {e.address.match_key for e in old.emails}
    extra_emails = [
        attrs.evolve(e, primary=False) for e in new.emails if e.address.match_key not in known
    ]
    if extra_emails:
        changes["emails"] = (*old.emails, *extra_emails)
    numbers = {p.number.e164 for p in old.phones}
    extra_phones = [
        attrs.evolve(p, primary=False) for p in new.phones if p.number.e164 not in numbers
    ]
    if extra_phones:
        changes["phones"] = (*old.phones, *extra_phones)
    if not old.addresses and new.addresses:
        changes["addresses"] = new.addresses
    tags = tuple(dict.fromkeys((*old.tags, *new.tags)))
    if tags != old.tags:
        changes["tags"] = tags
    custom = {**new.custom, **old.custom}
    if custom != old.custom:
        changes["custom"] = custom
    return amend(old, **changes) if changes else old


def values_not_kept(old: Contact, new: Contact) -> list[tuple[str, str, str]]:
    """What :func:`merged_contact` leaves out of *new*: (field, its value, the value kept).

    A merge keeps the stored value where both have one; these are the row's values that
    differ from it (a custom field is named ``custom:<name>``), for the report to list.
    """
    lost: list[tuple[str, str, str]] = []
    for name in (*_TEXT_FIELDS, *_VALUE_FIELDS):
        kept, given = getattr(old, name), getattr(new, name)
        if kept not in ("", None) and given not in ("", None) and given != kept:
            lost.append((name, str(given), str(kept)))
    if old.addresses and new.addresses:
        lost.extend(
            ("address", str(a), str(old.addresses[0]))
            for a in new.addresses
            if a not in old.addresses
        )
    for name, given in new.custom.items():
        kept = old.custom.get(name)
        if kept not in ("", None) and given not in ("", None) and given != kept:
            lost.append((f"custom:{name}", str(given), str(kept)))
    return lost


def updated_contact(old: Contact, new: Contact) -> Contact:
    """*old* with every field the row fills replaced by the row's value."""
    changes: dict[str, Any] = {}
    for field in attrs.fields(Contact):
        if field.name in ("id", "created_at", "updated_at", "version"):
            continue
        value = getattr(new, field.name)
        if field.name == "custom":
            value = {**old.custom, **new.custom}
        if value not in ("", None, ()) and value != getattr(old, field.name):
            changes[field.name] = value
    return amend(old, **changes) if changes else old
