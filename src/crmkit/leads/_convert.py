"""Lead conversion: a contact becomes a deal, with its company, in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from attrs import frozen

from crmkit.contacts import Affiliation, Company, Contact, amend
from crmkit.errors import ValidationError
from crmkit.pipeline import Deal, Pipeline

if TYPE_CHECKING:
    from crmkit.storage import Store

__all__ = ["LeadConversion", "convert_lead"]


@frozen
class LeadConversion:
    """What converting a lead stored.

    Attributes:
        contact: the contact, as stored (its lifecycle stage is ``"opportunity"``).
        company: the company created or linked, or None.
        deal: the new deal, as stored.
        created_company: whether the company was created by the conversion.
    """

    contact: Contact
    company: Company | None
    deal: Deal
    created_company: bool


def convert_lead(
    contact: Contact,
    *,
    store: Store,
    pipeline: Pipeline,
    company: Company | str | None = None,
    deal: Mapping[str, Any] | None = None,
    actor: str | None = None,
) -> LeadConversion:
    """Turn a lead into a deal: create or link the company, create the deal, in one go.

    Everything is written in one store transaction: either the company, the affiliation,
    the deal and the contact's new lifecycle stage are all stored, or none is.

    Args:
        contact: the lead, already stored.
        store: where to write; it must know *pipeline* (:meth:`Store.use_pipelines`).
        pipeline: the pipeline the deal starts in (its first stage unless *deal* names
            ``stage``).
        company: an existing company to link, a name for a new company, or None.
        deal: fields of the new deal (``title``, ``amount``, ``stage``...); the title
            defaults to the company's or the contact's name, ``lead_source`` and
            ``owner_id`` to the contact's.
        actor: who converts the lead, for the histories.

    Raises:
        ValidationError: for a bad deal field or company name.
        TransitionDenied: if the deal may not start in its stage, or the store does not
            know the pipeline.
        NotFound: if the contact or the company is not stored.
    """
    fields = dict(deal or {})
    with store.transaction():
        stored = store.contacts.get(contact.id)
        created = False
        linked: Company | None = None
        if isinstance(company, str):
            linked = store.companies.add(Company(name=company), actor=actor)
            created = True
        elif isinstance(company, Company):
            linked = store.companies.get(company.id)
        elif company is not None:
            raise ValidationError(company, "expected a Company, a name or None", field="company")
        if linked is not None:
            _affiliate(store, stored, linked, actor)
        fields.setdefault("title", linked.name if linked else stored.full_name or "Deal")
        fields.setdefault("lead_source", stored.lead_source)
        fields.setdefault("owner_id", stored.owner_id)
        fields.setdefault("company_id", linked.id if linked else None)
        fields.setdefault("contacts", [{"contact_id": stored.id, "role": "lead"}])
        new = pipeline.new_deal(actor=actor, **fields)
        saved = store.deals.add(new, actor=actor)
        converted = store.contacts.update(amend(stored, lifecycle_stage="opportunity"), actor=actor)
    return LeadConversion(converted, linked, saved, created)


def _affiliate(store: Store, contact: Contact, company: Company, actor: str | None) -> None:
    existing = store.affiliations.find_by_keys("contact", [contact.id]).get(contact.id, [])
    if any(a.company_id == company.id for a in existing):
        return
    store.affiliations.add(
        Affiliation(contact_id=contact.id, company_id=company.id, role="lead"), actor=actor
    )
