"""People and companies: the records of the client base, and the normalization of names.

Phones, e-mails, money and addresses are values (:mod:`crmkit.values`); finding and merging
duplicates is :mod:`crmkit.dedupe`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmkit._lazy import lazy_names

from ._company_key import company_match_key
from ._model import Affiliation, Company, Contact, EmailEntry, PhoneEntry, amend
from ._names import PersonName, name_match_key, parse_name

if TYPE_CHECKING:
    from ._fields import AFFILIATION_FIELDS, COMPANY_FIELDS, CONTACT_FIELDS, RECORD_FIELDS

__all__ = [
    "AFFILIATION_FIELDS",
    "COMPANY_FIELDS",
    "CONTACT_FIELDS",
    "RECORD_FIELDS",
    "Affiliation",
    "Company",
    "Contact",
    "EmailEntry",
    "PersonName",
    "PhoneEntry",
    "amend",
    "company_match_key",
    "name_match_key",
    "parse_name",
]

# The built-in field tables are made with the expression language and custom fields, which
# cost more to import than the records; they are imported when one is first asked for (by
# a store, a filter or a rule), so making and normalizing records never pays for them.
__getattr__, __dir__ = lazy_names(
    __name__,
    "._fields",
    {"AFFILIATION_FIELDS", "COMPANY_FIELDS", "CONTACT_FIELDS", "RECORD_FIELDS"},
    globals(),
)
