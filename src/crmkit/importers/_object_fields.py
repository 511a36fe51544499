"""The fields a company or deal column can map to, and the header spellings that mean each.

Headers are compared after :func:`~crmkit.importers._synonyms.header_key`, as contact
headers are. Exports of other CRMs put the record kind in front of every header
(``Deal - Title``, ``Organization - Name``): a header that names no field is tried again
without such a leading word. A custom object's columns map to the fields of its schema, by
name, label or translated label.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from crmkit.errors import ConfigError
from crmkit.fields import Schema

from ._header_match import How
from ._mapping import CUSTOM_PREFIX, ColumnMapping, ColumnRule, HeaderMatch
from ._synonyms import header_key

__all__ = [
    "COMPANY_SYNONYMS",
    "DEAL_SYNONYMS",
    "OBJECT_FIELDS",
    "map_object_columns",
    "schema_synonyms",
]

_OWNER: Final = (
    "owner", "assigned to", "assignee", "responsible", "sales rep", "salesperson", "user",
    "مسئول", "مالک", "ذمہ دار", "المسؤول", "verantwortlich", "besitzer", "inhaber",
    "propriétaire", "responsable", "propietario", "sahibi", "sorumlu", "ответственный",
    "владелец", "मालिक", "स्वामी", "जिम्मेदार",
)  # fmt: skip
_NOTES: Final = (
    "notes", "note", "description", "comments", "remarks",
    "یادداشت", "توضیحات", "نوٹس", "تبصرہ", "ملاحظات", "notizen", "beschreibung",
    "remarques", "notas", "descripción", "notlar", "açıklama", "заметки", "описание",
    "टिप्पणी", "विवरण",
)  # fmt: skip
_SOURCE_ID: Final = (
    "id", "record id", "external id", "source id", "شناسه", "شناخت", "المعرف", "kennung",
    "identifiant", "identificador", "kimlik", "идентификатор", "आईडी",
)  # fmt: skip
_COMPANY_NAME: Final = (
    "company", "company name", "organization", "organisation", "organization name",
    "organisation name", "account", "account name", "business name", "org name",
    "شرکت", "نام شرکت", "سازمان", "کمپنی", "کمپنی کا نام", "ادارہ",
    "شركة", "الشركة", "اسم الشركة", "firma", "firmenname", "unternehmen",
    "société", "entreprise", "nom de l'entreprise", "empresa", "nombre de la empresa",
    "compañía", "şirket", "şirket adı", "firma adı", "компания", "название компании",
    "организация", "कंपनी", "कंपनी का नाम", "संगठन",
)  # fmt: skip

#: Company fields by the header spellings that mean them.
COMPANY_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "name": (*_COMPANY_NAME, "name", "نام", "الاسم", "nom", "nombre", "ad", "название", "नाम"),
    "legal_name": (
        "legal name", "registered name", "نام ثبتی", "قانونی نام", "الاسم القانوني",
        "rechtlicher name", "raison sociale", "razón social", "ticari unvan",
        "юридическое название", "कानूनी नाम",
    ),
    "domain": (
        "domain", "website", "web site", "url", "homepage", "company domain name", "web",
        "وب سایت", "وبسایت", "دامنه", "ویب سائٹ", "الموقع", "الموقع الإلكتروني", "النطاق",
        "webseite", "internetseite", "site web", "site internet", "domaine", "sitio web",
        "dominio", "página web", "web sitesi", "alan adı", "сайт", "веб-сайт", "домен",
        "वेबसाइट", "डोमेन",
    ),
    "industry": (
        "industry", "sector", "vertical", "صنعت", "القطاع", "الصناعة", "branche", "secteur",
        "secteur d'activité", "industria", "sektör", "endüstri", "отрасль", "उद्योग",
    ),
    "email": (
        "email", "e-mail", "email address", "ایمیل", "ای میل", "البريد الإلكتروني",
        "courriel", "correo", "correo electrónico", "e-posta", "электронная почта", "ईमेल",
    ),
    "phone": (
        "phone", "telephone", "tel", "phone number", "تلفن", "شماره تلفن", "فون", "فون نمبر",
        "هاتف", "الهاتف", "telefon", "téléphone", "teléfono", "телефон", "फ़ोन", "फोन",
    ),
    "address": (
        "address", "street", "street address", "آدرس", "نشانی", "پتہ", "العنوان", "adresse",
        "straße", "strasse", "rue", "dirección", "calle", "adres", "адрес", "पता",
    ),
    "city": (
        "city", "town", "شهر", "شہر", "المدينة", "stadt", "ort", "ville", "ciudad", "şehir",
        "город", "शहर",
    ),
    "state": (
        "state", "province", "region", "استان", "صوبہ", "المحافظة", "bundesland", "région",
        "provincia", "estado", "il", "регион", "область", "राज्य",
    ),
    "postal_code": (
        "postal code", "zip", "zip code", "postcode", "کد پستی", "پوسٹل کوڈ", "الرمز البريدي",
        "plz", "postleitzahl", "code postal", "código postal", "posta kodu",
        "почтовый индекс", "индекс", "पिन कोड",
    ),
    "country": (
        "country", "کشور", "ملک", "الدولة", "البلد", "land", "pays", "país", "ülke", "страна",
        "देश",
    ),
    "owner": ("company owner", "account owner", *_OWNER),
    "tags": (
        "tags", "tag", "labels", "label", "برچسب", "ٹیگ", "الوسوم", "schlagwörter",
        "étiquettes", "etiquetas", "etiketler", "метки", "теги", "टैग",
    ),
    "notes": _NOTES,
    "source_id": ("company id", "organization id", *_SOURCE_ID),
}  # fmt: skip

#: Deal fields by the header spellings that mean them.
DEAL_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "title": (
        "title", "deal", "deal name", "deal title", "name", "opportunity", "opportunity name",
        "subject", "عنوان", "عنوان معامله", "معامله", "نام معامله", "سودا", "ڈیل",
        "ڈیل کا نام", "الصفقة", "اسم الصفقة", "عنوان الصفقة", "titel", "geschäft",
        "verkaufschance", "titre", "affaire", "nom de l'affaire", "opportunité", "título",
        "negocio", "nombre del negocio", "oportunidad", "başlık", "fırsat", "anlaşma adı",
        "название", "сделка", "название сделки", "शीर्षक", "सौदा", "डील का नाम",
    ),
    "stage": (
        "stage", "deal stage", "pipeline stage", "sales stage", "مرحله", "مرحلہ", "المرحلة",
        "phase", "stufe", "verkaufsphase", "étape", "etapa", "fase", "aşama", "этап",
        "стадия", "चरण",
    ),
    "pipeline": (
        "pipeline", "sales pipeline", "funnel", "قیف فروش", "پایپ لاین", "پائپ لائن",
        "مسار المبيعات", "vertriebspipeline", "entonnoir", "embudo", "satış hunisi",
        "воронка", "воронка продаж", "पाइपलाइन",
    ),
    "amount": (
        "amount", "value", "deal value", "deal amount", "price", "revenue", "مبلغ", "ارزش",
        "رقم", "قیمت", "المبلغ", "القيمة", "betrag", "wert", "montant", "valeur", "importe",
        "monto", "valor", "tutar", "değer", "сумма", "стоимость", "राशि", "मूल्य",
    ),
    "currency": (
        "currency", "deal currency", "currency code", "واحد پول", "ارز", "کرنسی", "العملة",
        "währung", "devise", "monnaie", "moneda", "divisa", "para birimi", "валюта", "मुद्रा",
    ),
    "close_date": (
        "close date", "expected close date", "closing date", "expected close", "close",
        "تاریخ بسته شدن", "تاریخ بستن", "اختتامی تاریخ", "تاريخ الإغلاق", "abschlussdatum",
        "erwartetes abschlussdatum", "date de clôture", "date de clôture prévue",
        "fecha de cierre", "fecha de cierre prevista", "kapanış tarihi", "дата закрытия",
        "समापन तिथि",
    ),
    "owner": ("deal owner", *_OWNER),
    "company": ("associated company", *_COMPANY_NAME),
    "contact": (
        "contact", "contact person", "person", "associated contact", "contact email",
        "مخاطب", "شخص تماس", "رابطہ شخص", "جهة الاتصال", "kontakt", "ansprechpartner",
        "kontaktperson", "personne", "contacto", "persona de contacto", "kişi", "ilgili kişi",
        "контакт", "контактное лицо", "संपर्क", "संपर्क व्यक्ति",
    ),
    "lead_source": (
        "source", "lead source", "deal source", "origin", "channel", "منبع", "ذریعہ", "المصدر",
        "quelle", "herkunft", "origine", "origen", "fuente", "kaynak", "источник", "स्रोत",
    ),
    "status": (
        "status", "deal status", "وضعیت", "وضعیت معامله", "حیثیت", "الحالة", "zustand",
        "statut", "estado", "durum", "статус", "स्थिति",
    ),
    "lost_reason": (
        "lost reason", "reason lost", "closed lost reason", "loss reason",
        "دلیل از دست رفتن", "ناکامی کی وجہ", "سبب الخسارة", "verlustgrund",
        "raison de la perte", "motif de perte", "motivo de pérdida", "kayıp nedeni",
        "причина проигрыша", "हार का कारण",
    ),
    "notes": _NOTES,
    "source_id": ("deal id", "opportunity id", *_SOURCE_ID),
}  # fmt: skip

#: Every company and deal field a column can map to.
OBJECT_FIELDS: Final = frozenset({*COMPANY_SYNONYMS, *DEAL_SYNONYMS})

# Words exports put before every header of a kind ("Deal - Title", "Organization - Name").
_KIND_WORDS: Final = tuple(
    header_key(w) for w in ("deal", "opportunity", "organization", "organisation", "company")
)


def _keys(synonyms: Mapping[str, Iterable[str]]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for name, spellings in synonyms.items():
        for spelling in (name, *spellings):
            keys.setdefault(header_key(spelling), name)
    return keys


def schema_synonyms(schema: Schema, money: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """The custom fields of *schema* (and *money*) by the spellings that mean them.

    A field is spelled by its name, its label and its translated labels.
    """
    found = {
        f.name: (f.name.replace("_", " "), f.label, *f.translations.values()) for f in schema.fields
    }
    found.update({name: (name.replace("_", " "),) for name in money})
    return found


def map_object_columns(
    headers: Sequence[str],
    synonyms: Mapping[str, tuple[str, ...]],
    *,
    custom: Mapping[str, tuple[str, ...]] | None = None,
    overrides: Mapping[str, str | None] | None = None,
) -> ColumnMapping:
    """Work out which field of a record kind each column feeds.

    Args:
        headers: the input's column names, in order.
        synonyms: the kind's own fields by the spellings that mean them.
        custom: the kind's custom fields by their spellings; they map to ``custom:<name>``.
        overrides: header → field name (a field of the kind, ``custom:<name>``, or None to
            ignore the column); these win over anything guessed.

    Returns:
        The mapping; one field takes the first column that maps to it, the later ones are
        listed as ignored with the reason, as are the headers that mean no field.

    Raises:
        ConfigError: if an override names a header not in *headers* or an unknown field.
    """
    own = _keys(synonyms)
    extra = {k: CUSTOM_PREFIX + name for k, name in _keys(custom or {}).items() if k not in own}
    known = {**extra, **own}
    given = dict(overrides or {})
    for header, target in given.items():
        if header not in headers:
            reason = f"no such column (columns: {', '.join(headers)})"
            raise ConfigError(f"mapping[{header!r}]", reason)
        if target is not None and target not in synonyms and not target.startswith(CUSTOM_PREFIX):
            fields = ", ".join(synonyms)
            reason = f"unknown field {target!r} (known: {fields}, or custom:<name>)"
            raise ConfigError(f"mapping[{header!r}]", reason)
    rules: list[ColumnRule] = []
    ignored: list[tuple[str, str]] = []
    taken: dict[str, str] = {}
    for index, header in enumerate(headers):
        how: How
        if header in given:
            field = given[header]
            if field is None:
                ignored.append((header, "ignored by the mapping"))
                continue
            how = "override"
        else:
            field = _guess(header_key(header), known)
            if field is None:
                ignored.append((header, "no field matches this header"))
                continue
            how = "custom" if field.startswith(CUSTOM_PREFIX) else "synonym"
        if field in taken:
            ignored.append((header, f"{field} already comes from column {taken[field]!r}"))
            continue
        taken[field] = header
        rules.append(ColumnRule(header, index, field, how))
    return ColumnMapping(
        tuple(rules), tuple(ignored), tuple(headers), matches=_report(headers, rules, ignored)
    )


def _report(
    headers: Sequence[str], rules: Sequence[ColumnRule], ignored: Sequence[tuple[str, str]]
) -> tuple[HeaderMatch, ...]:
    """The mapping report of a record kind's columns: what each feeds, or why nothing."""
    fed = {rule.index: rule for rule in rules}
    why = dict(ignored)
    lines = []
    for index, header in enumerate(headers):
        rule = fed.get(index)
        if rule is not None:
            reason = "named by the mapping" if rule.how == "override" else "a known header"
            lines.append(HeaderMatch(header, index, rule.field, rule.how, 100.0, header, reason))
        else:
            reason = why.get(header, "no field matches this header")
            lines.append(HeaderMatch(header, index, None, "ignored", 0.0, "", reason))
    return tuple(lines)


def _guess(key: str, known: Mapping[str, str]) -> str | None:
    if not key:
        return None
    if key in known:
        return known[key]
    for word in _KIND_WORDS:
        if key.startswith(word) and key[len(word) :] in known:
            return known[key[len(word) :]]
    return None
