"""crmkit: typed CRM domain primitives.

Contacts and companies with normalized phones, e-mails and names; money; conversion of every
model to and from plain data. Each area lives in its own subpackage (``crmkit.contacts``,
``crmkit.expr``, ``crmkit.fields``, ``crmkit.storage``, ``crmkit.importers``,
``crmkit.pipeline``, ``crmkit.permissions``, ``crmkit.calendars``); the names used most are
re-exported here.
"""

# The records first: the converter and duplicate detection import them from crmkit.contacts.
from .contacts import Affiliation, Company, Contact, amend

# isort: split
from ._converter import from_dict, to_dict
from .errors import CrmkitError
from .values import Address, Money

__all__ = [
    "Address",
    "Affiliation",
    "Company",
    "Contact",
    "CrmkitError",
    "Money",
    "amend",
    "from_dict",
    "to_dict",
]
