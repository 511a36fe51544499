"""People and companies: the records of the client base, and the normalization of names.

Phones, e-mails, money and addresses are values (:mod:`crmkit.values`); finding and merging
duplicates is :mod:`crmkit.dedupe`.
"""

from ._company_key import company_match_key
from ._fields import AFFILIATION_FIELDS, COMPANY_FIELDS, CONTACT_FIELDS, RECORD_FIELDS
from ._model import Affiliation, Company, Contact, EmailEntry, PhoneEntry, amend
from ._names import PersonName, name_match_key, parse_name

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
