"""The fields an activity column (a call log's, a notes export's) maps to, and their spellings.

Headers are compared after :func:`~crmkit.importers._synonyms.header_key`, as for the other
kinds; the type cell's words (``Call``, ``تماس``, ``کال``, ``Anruf``) are read the same way.
"""

from __future__ import annotations

from typing import Final

from crmkit.activities import ActivityKind

from ._object_fields import COMPANY_SYNONYMS
from ._synonyms import header_key

__all__ = ["ACTIVITY_SYNONYMS", "activity_kind_of"]

_GENERIC: Final = frozenset(("name", "نام", "الاسم", "nom", "nombre", "ad", "название", "नाम"))

#: Activity fields by the header spellings that mean them.
ACTIVITY_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "kind": (
        "type", "kind", "activity type", "call type", "نوع", "نوع فعالیت", "قسم", "typ",
        "art", "tipo", "tür", "тип", "प्रकार",
    ),
    "subject": (
        "subject", "title", "summary", "topic", "activity", "موضوع", "عنوان", "betreff",
        "sujet", "objet", "asunto", "konu", "тема", "विषय",
    ),
    "body": (
        "notes", "note", "body", "description", "details", "comments", "content", "text",
        "یادداشت", "توضیحات", "متن", "نوٹس", "تفصیل", "ملاحظات", "notizen", "beschreibung",
        "remarques", "notas", "descripción", "notlar", "açıklama", "заметки", "описание",
        "टिप्पणी", "विवरण",
    ),
    "date": (
        "date", "due", "due date", "start", "start date", "start time", "date time",
        "datetime", "time", "call date", "call time", "when", "scheduled", "تاریخ", "زمان",
        "تاريخ", "وقت", "تاریخ و زمان", "datum", "zeit", "fecha", "tarih", "дата", "दिनांक",
        "तारीख",
    ),
    "duration": (
        "duration", "duration (min)", "duration minutes", "minutes", "length", "مدت",
        "مدت زمان", "دورانیہ", "المدة", "dauer", "durée", "duración", "süre",
        "длительность", "अवधि",
    ),
    "owner": (
        "owner", "assigned to", "assignee", "user", "agent", "caller", "rep", "sales rep",
        "مسئول", "کاربر", "ذمہ دار", "المسؤول", "verantwortlich", "bearbeiter",
        "responsable", "propietario", "sorumlu", "ответственный", "जिम्मेदार",
    ),
    "outcome": (
        "outcome", "result", "status", "disposition", "call result", "نتیجه", "نتیجہ",
        "النتيجة", "ergebnis", "résultat", "resultado", "sonuç", "результат", "परिणाम",
    ),
    "email": (
        "email", "e-mail", "email address", "contact email", "ایمیل", "ای میل",
        "البريد الإلكتروني", "courriel", "correo", "correo electrónico", "e-posta",
        "электронная почта", "ईमेल",
    ),
    "phone": (
        "phone", "telephone", "tel", "phone number", "number", "mobile", "caller id",
        "تلفن", "شماره", "شماره تلفن", "موبایل", "فون", "فون نمبر", "موبائل", "الهاتف",
        "telefon", "téléphone", "teléfono", "телефон", "फ़ोन",
    ),
    "contact": (
        "contact", "contact name", "person", "name", "with", "مخاطب", "نام", "رابطہ",
        "نام رابطہ", "جهة الاتصال", "kontakt", "contacto", "kişi", "контакт", "संपर्क",
    ),
    # a company's name, not the generic "name" (a person's, here)
    "company": tuple(w for w in COMPANY_SYNONYMS["name"] if w not in _GENERIC),
}  # fmt: skip

_KINDS: Final = {
    ActivityKind.CALL: (
        "call", "phone call", "call log", "inbound call", "outbound call", "incoming",
        "outgoing", "missed", "تماس", "تماس تلفنی", "کال", "فون کال", "مكالمة", "اتصال",
        "anruf", "appel", "llamada", "arama", "звонок", "कॉल",
    ),
    ActivityKind.NOTE: (
        "note", "notes", "comment", "یادداشت", "نوٹ", "ملاحظة", "notiz", "nota", "not",
        "заметка", "नोट",
    ),
    ActivityKind.MEETING: (
        "meeting", "appointment", "visit", "event", "جلسه", "ملاقات", "میٹنگ", "اجتماع",
        "termin", "besprechung", "réunion", "rendez-vous", "reunión", "cita", "toplantı",
        "встреча", "बैठक",
    ),
    ActivityKind.TASK: (
        "task", "to do", "todo", "follow up", "follow-up", "کار", "وظیفه", "کام", "مهمة",
        "aufgabe", "tâche", "tarea", "görev", "задача", "कार्य",
    ),
    ActivityKind.EMAIL: (
        "email", "e-mail", "mail", "ایمیل", "ای میل", "بريد", "courriel", "correo",
        "e-posta", "письмо", "ईमेल",
    ),
}  # fmt: skip
_BY_WORD: Final = {header_key(w): k for k, words in _KINDS.items() for w in words}


def activity_kind_of(text: str) -> ActivityKind | None:
    """The activity kind a type cell names (``Outbound call``, ``تماس``), or None."""
    return _BY_WORD.get(header_key(text))
