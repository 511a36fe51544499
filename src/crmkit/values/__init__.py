"""Values every record is made of: money, postal addresses, phone numbers, e-mail addresses, dates.

Each is an immutable attrs class, validated and normalized on construction; the ``normalize_*``
functions parse what people type (``normalize_phone("(212) 555-0100", region="US")``).
"""

from ._address import Address
from ._dates import DateOrder, date_order, locale_day_first, read_date
from ._email import EmailAddress, normalize_domain, normalize_email
from ._money import Money
from ._phone import (
    PhoneKind,
    PhoneNumber,
    excel_float_cut,
    normalize_phone,
    phone_from_excel_float,
)
from ._raw_phone import RawPhone, phone_digits

__all__ = [
    "Address",
    "DateOrder",
    "EmailAddress",
    "Money",
    "PhoneKind",
    "PhoneNumber",
    "RawPhone",
    "date_order",
    "excel_float_cut",
    "locale_day_first",
    "normalize_domain",
    "normalize_email",
    "normalize_phone",
    "phone_digits",
    "phone_from_excel_float",
    "read_date",
]
