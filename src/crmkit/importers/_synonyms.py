"""The fields a column can map to, and the header spellings that mean each of them.

Headers are compared after :func:`header_key`: case, spaces, punctuation and the letter
variants of Arabic-script languages (Arabic yeh and kaf, Urdu heh) do not matter, so
``E-mail``, ``email`` and ``E Mail`` are one spelling, as are ``ای میل`` and ``ایمیل``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["FIELDS", "MULTI_FIELDS", "SYNONYMS", "header_key"]

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

SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "name": (
        "name", "full name", "contact name", "contact", "person", "display name",
        "customer name", "client name", "lead name",
        "نام و نام خانوادگی", "نام کامل", "نام و نام‌خانوادگی", "نام مشتری", "نام شخص",
        "پورا نام", "نام و نسب", "مکمل نام",
        "الاسم", "الاسم الكامل", "اسم",
        "nombre completo", "nom complet", "vollständiger name", "nome completo",
    ),
    "prefix": ("prefix", "salutation", "honorific", "anrede", "civilité", "پیشوند", "لقب"),
    "first_name": (
        "first name", "firstname", "given name", "forename", "first",
        "نام کوچک", "پہلا نام", "الاسم الأول",
        "vorname", "prénom", "nombre", "nome",
    ),
    "middle_name": ("middle name", "middle", "نام میانی", "درمیانی نام", "segundo nombre"),
    "last_name": (
        "last name", "lastname", "surname", "family name", "last",
        "نام خانوادگی", "فامیلی", "خاندانی نام", "اسم العائلة",
        "nachname", "familienname", "nom de famille", "apellido", "apellidos", "cognome",
    ),
    "suffix": ("suffix", "name suffix", "پسوند"),
    "email": (
        "email", "e-mail", "email address", "e-mail address", "mail", "primary email",
        "work email", "personal email", "other email", "email id",
        "ایمیل", "ای میل", "پست الکترونیک", "پست الکترونیکی", "نشانی ایمیل", "آدرس ایمیل",
        "ای میل پتہ", "ای میل ایڈریس", "البريد الإلكتروني", "بريد إلكتروني",
        "correo", "correo electrónico", "courriel", "adresse e-mail", "e-mail-adresse",
    ),
    "mobile": (
        "mobile", "mobile phone", "mobile number", "cell", "cell phone", "cellphone",
        "cellular", "mobile no", "whatsapp",
        "موبایل", "تلفن همراه", "شماره همراه", "شماره موبایل", "همراه",
        "موبائل", "موبائل نمبر", "موبائل فون", "جوال", "الجوال", "هاتف محمول",
        "handy", "handynummer", "móvil", "celular", "portable", "cellulare",
    ),
    "phone": (
        "phone", "telephone", "tel", "phone number", "telephone number", "work phone",
        "business phone", "office phone", "landline", "phone no", "contact number",
        "تلفن", "شماره تلفن", "تلفن ثابت", "تلفن محل کار", "شماره تماس",
        "فون", "فون نمبر", "ٹیلیفون", "رابطہ نمبر", "هاتف", "رقم الهاتف",
        "telefon", "telefonnummer", "teléfono", "téléphone", "telefono",
    ),
    "home_phone": ("home phone", "home telephone", "private phone", "تلفن منزل", "گھر کا فون"),
    "company": (
        "company", "company name", "organization", "organisation", "organization name",
        "org", "account", "account name", "employer", "business", "business name", "firm",
        "شرکت", "نام شرکت", "سازمان", "کمپنی", "کمپنی کا نام", "ادارہ", "شركة", "الشركة",
        "firma", "unternehmen", "empresa", "société", "entreprise", "azienda",
    ),
    "job_title": (
        "job title", "title", "position", "role", "designation", "occupation", "job",
        "عنوان شغلی", "سمت", "شغل", "عہدہ", "پیشہ", "المسمى الوظيفي", "الوظيفة",
        "beruf", "berufsbezeichnung", "cargo", "puesto", "poste", "fonction",
    ),
    "address": (
        "address", "street", "street address", "address line", "mailing street",
        "mailing address", "postal address", "addr",
        "آدرس", "نشانی", "خیابان", "پتہ", "العنوان",
        "adresse", "straße", "strasse", "dirección", "indirizzo",
    ),
    "city": (
        "city", "town", "mailing city", "locality",
        "شهر", "شہر", "مدينة", "المدينة", "stadt", "ort", "ciudad", "ville", "città",
    ),
    "state": (
        "state", "province", "region", "county", "state/province", "mailing state",
        "استان", "صوبہ", "المحافظة", "bundesland", "provincia", "estado",
    ),
    "postal_code": (
        "postal code", "zip", "zip code", "postcode", "post code", "mailing zip",
        "کد پستی", "پوسٹل کوڈ", "الرمز البريدي", "plz", "postleitzahl", "código postal",
        "code postal", "cap",
    ),
    "country": (
        "country", "country/region", "mailing country", "nation",
        "کشور", "ملک", "الدولة", "land", "país", "pays", "paese",
    ),
    "website": (
        "website", "web site", "url", "web", "homepage", "site", "domain",
        "وب سایت", "وبسایت", "سایت", "ویب سائٹ", "الموقع", "webseite", "sitio web",
    ),
    "birth_date": (
        "birthday", "birth date", "date of birth", "dob", "birthdate",
        "تاریخ تولد", "تاریخ پیدائش", "تاريخ الميلاد", "geburtsdatum", "fecha de nacimiento",
        "date de naissance",
    ),
    "lead_source": (
        "lead source", "source", "lead origin", "original source", "channel",
        "منبع", "منبع سرنخ", "ذریعہ", "مصدر", "quelle", "origen", "fuente",
    ),
    "lifecycle_stage": (
        "lifecycle stage", "stage", "lead status", "status", "مرحله", "وضعیت", "مرحلہ",
    ),
    "owner": ("owner", "contact owner", "account owner", "assigned to", "مسئول", "مالک"),
    "tags": ("tags", "tag", "labels", "label", "برچسب", "برچسب ها", "ٹیگ", "ٹیگز"),
    "notes": (
        "notes", "note", "comments", "comment", "description", "remarks", "memo",
        "یادداشت", "توضیحات", "نوٹس", "تبصرہ", "ملاحظات", "notizen", "notas", "remarques",
    ),
}  # fmt: skip

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


def header_key(header: str) -> str:
    """Return the comparison form of a header: no case, spaces, punctuation or letter variants."""
    text = unicodedata.normalize("NFKC", header).casefold().translate(_VARIANTS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_LETTERS.sub("", text)
