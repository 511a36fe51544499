"""The fields a column can map to, and the header spellings that mean each of them.

Headers are compared in two forms. :func:`plain_key` leaves out case, spaces and
punctuation, so ``E-mail``, ``email`` and ``E Mail`` are one spelling; :func:`header_key`
also folds the letter variants of Arabic-script languages (Arabic yeh and kaf, Urdu heh
and yeh, teh marbuta, hamza seats, tatweel), Turkish dotless i, the zero-width joiners
Persian writes between word parts, and diacritics (Arabic harakat, accents), so
``ای میل`` and ``ايميل`` or ``Téléphone`` and ``telephone`` are one spelling too. The
spellings themselves are in ``_header_words``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from ._header_words import SYNONYMS

__all__ = ["FIELDS", "MULTI_FIELDS", "SYNONYMS", "header_key", "plain_key"]

#: Every field a column can map to, in the order clean output writes them.
FIELDS: Final = (
    "name",
    "prefix",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "email",
    "mobile",
    "phone",
    "home_phone",
    "company",
    "job_title",
    "address",
    "city",
    "state",
    "postal_code",
    "country",
    "website",
    "birth_date",
    "lead_source",
    "lifecycle_stage",
    "owner",
    "tags",
    "notes",
)

#: Fields that several columns may feed (joined or listed), not just one.
MULTI_FIELDS: Final = frozenset(
    {"email", "mobile", "phone", "home_phone", "address", "tags", "notes"}
)

_VARIANTS: Final = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh → Persian yeh
        "ى": "ی",
        "ے": "ی",  # Urdu barree yeh
        "ك": "ک",  # Arabic kaf → keheh
        "ہ": "ه",  # Urdu heh goal
        "ە": "ه",
        "ة": "ه",
        "ۃ": "ه",
        "ھ": "ه",  # Urdu do-chashmi heh
        "ۀ": "ه",
        "ؤ": "و",
        "ئ": "ی",
        "ı": "i",  # Turkish dotless i: "ADI" and "adı" are one word
        "ـ": None,  # tatweel, a stretch of the line between letters
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "\u200c": None,  # zero-width non-joiner: "نام‌خانوادگی" = "نامخانوادگی"
        "\u200d": None,
        "\u200e": None,
        "\u200f": None,
        "\ufeff": None,
    }
)
_NOT_LETTERS: Final = re.compile(r"[\W_]+")


def plain_key(header: str) -> str:
    """Return a header without case, spaces or punctuation (letters kept as written)."""
    return _NOT_LETTERS.sub("", unicodedata.normalize("NFKC", header).casefold())


def header_key(header: str) -> str:
    """Return the comparison form of a header: no case, spaces, punctuation or letter variants."""
    text = unicodedata.normalize("NFKC", header).casefold().translate(_VARIANTS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_LETTERS.sub("", text)
