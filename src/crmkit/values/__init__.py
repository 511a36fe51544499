"""Values every record is made of: money, postal addresses, phone numbers and e-mail addresses.

Each is an immutable attrs class, validated and normalized on construction; the ``normalize_*``
functions parse what people type (``normalize_phone("(212) 555-0100", region="US")``).
"""

from ._address import Address
from ._email import EmailAddress, normalize_domain, normalize_email
from ._money import Money
from ._phone import PhoneKind, PhoneNumber, normalize_phone, phone_from_excel_float

__all__ = [
    "Address",
    "EmailAddress",
    "Money",
    "PhoneKind",
    "PhoneNumber",
    "normalize_domain",
    "normalize_email",
    "normalize_phone",
    "phone_from_excel_float",
]
