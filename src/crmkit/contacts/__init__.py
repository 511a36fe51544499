"""People and companies: records, normalization of their phones, e-mails and names."""

from ._company_key import company_match_key
from ._email import EmailAddress, normalize_domain, normalize_email
from ._model import Affiliation, Company, Contact, EmailEntry, PhoneEntry, amend, utcnow
from ._names import PersonName, name_match_key, parse_name
from ._phone import PhoneKind, PhoneNumber, normalize_phone, phone_from_excel_float

__all__ = [
    "Affiliation",
    "Company",
    "Contact",
    "EmailAddress",
    "EmailEntry",
    "PersonName",
    "PhoneEntry",
    "PhoneKind",
    "PhoneNumber",
    "amend",
    "company_match_key",
    "name_match_key",
    "normalize_domain",
    "normalize_email",
    "normalize_phone",
    "parse_name",
    "phone_from_excel_float",
    "utcnow",
]
