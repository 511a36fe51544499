"""The header words that mean each contact field, in the languages contact files come in.

English, with the headers of the contact exports of Google Contacts, Outlook, HubSpot and
Salesforce; German, French, Spanish, Italian, Turkish, Russian; Persian, Urdu and Arabic;
Hindi in Devanagari and romanised. Each spelling is compared after
:func:`crmkit.importers._synonyms.header_key`, so case, spaces, punctuation, diacritics and
the letter variants of the Arabic script need no spelling of their own. A word that means
different fields in different languages goes where most files mean it: ``Name`` is the full
name (next to a first or a last name column, the other part, see ``_mapping``).
"""

from __future__ import annotations

from typing import Final

__all__ = ["SYNONYMS"]

SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "name": (
        "name", "full name", "contact name", "contact", "person", "display name",
        "customer name", "client name", "lead name", "file as",
        "nom", "nom complet", "vollständiger name", "nombre completo", "nome completo",
        "ad soyad", "adı soyadı", "isim soyisim", "isim", "фио", "полное имя", "контакт",
        "نام", "نام و نام خانوادگی", "نام کامل", "نام مشتری", "نام شخص", "نام مخاطب",
        "پورا نام", "نام و نسب", "مکمل نام", "الاسم", "الاسم الكامل", "اسم", "اسم العميل",
        "नाम", "पूरा नाम", "naam", "pura naam", "poora naam",
    ),
    "prefix": (
        "prefix", "salutation", "honorific", "name prefix", "anrede", "civilité", "titre",
        "tratamiento", "hitap", "обращение", "پیشوند", "لقب", "اللقب", "संबोधन",
    ),
    "first_name": (
        "first name", "firstname", "given name", "forename", "first",
        "vorname", "prénom", "nombre", "nome", "ad", "adı", "имя",
        "نام کوچک", "پہلا نام", "الاسم الأول", "الاسم الاول", "पहला नाम", "pehla naam",
    ),
    "middle_name": (
        "middle name", "middle", "additional name", "second name", "segundo nombre",
        "zweiter vorname", "deuxième prénom", "göbek adı", "отчество",
        "نام میانی", "نام پدر", "درمیانی نام", "الاسم الأوسط", "मध्य नाम",
    ),
    "last_name": (
        "last name", "lastname", "surname", "family name", "last",
        "nachname", "familienname", "nom de famille", "apellido", "apellidos", "cognome",
        "soyad", "soyadı", "soyisim", "фамилия",
        "نام خانوادگی", "فامیلی", "خاندانی نام", "آخری نام", "اسم العائلة", "العائلة",
        "الكنية", "उपनाम", "अंतिम नाम", "upnaam", "kulnaam",
    ),
    "suffix": ("suffix", "name suffix", "namenszusatz", "پسوند"),
    "email": (
        "email", "e-mail", "email address", "e-mail address", "mail", "primary email",
        "work email", "personal email", "other email", "email id", "secondary email",
        "alternate email", "alternative email", "business email", "e-mail id", "emails",
        "e-mail-adresse", "adresse e-mail", "adresse électronique", "courriel", "correo",
        "correo electrónico", "e-posta", "e-posta adresi", "eposta",
        "электронная почта", "эл почта", "почта", "емейл", "имейл",
        "ایمیل", "ای میل", "پست الکترونیک", "پست الکترونیکی", "نشانی ایمیل", "آدرس ایمیل",
        "رایانامه", "ای میل پتہ", "ای میل ایڈریس", "البريد الإلكتروني", "بريد إلكتروني",
        "البريد", "الايميل", "ईमेल", "ई-मेल", "ईमेल पता", "ईमेल आईडी",
    ),
    "mobile": (
        "mobile", "mobile phone", "mobile number", "mobile phone number", "cell",
        "cell phone", "cellphone", "cellular", "mobile no", "whatsapp", "whatsapp number",
        "handy", "handynummer", "mobil", "mobiltelefon", "mobilnummer", "portable",
        "téléphone portable", "téléphone mobile", "móvil", "celular", "teléfono móvil", "cellulare",
        "cep", "cep telefonu", "gsm", "мобильный", "мобильный телефон", "сотовый",
        "موبایل", "تلفن همراه", "شماره همراه", "شماره موبایل", "همراه",
        "موبائل", "موبائل نمبر", "موبائل فون", "جوال", "الجوال", "رقم الجوال", "هاتف محمول",
        "الموبايل", "मोबाइल", "मोबाइल नंबर", "मोबाइल नं",
    ),
    "phone": (
        "phone", "telephone", "tel", "phone number", "telephone number", "work phone",
        "business phone", "office phone", "company main phone", "primary phone",
        "other phone", "alternate phone", "secondary phone", "landline", "phone no",
        "contact number", "contact no", "phones",
        "telefon", "telefonnummer", "téléphone", "teléfono", "telefono", "telefon numarası",
        "iş telefonu", "телефон", "рабочий телефон", "номер телефона",
        "تلفن", "شماره تلفن", "تلفن ثابت", "تلفن محل کار", "شماره تماس",
        "فون", "فون نمبر", "ٹیلیفون", "رابطہ نمبر", "هاتف", "الهاتف", "رقم الهاتف",
        "फ़ोन", "फ़ोन नंबर", "दूरभाष", "संपर्क नंबर", "fon",
    ),
    "home_phone": (
        "home phone", "home telephone", "private phone", "telefon privat",
        "téléphone domicile", "teléfono casa", "ev telefonu", "домашний телефон",
        "تلفن منزل", "گھر کا فون", "هاتف المنزل", "घर का फ़ोन",
    ),
    "company": (
        "company", "company name", "organization", "organisation", "organization name",
        "org", "account", "account name", "employer", "business", "business name", "firm",
        "firma", "firmenname", "unternehmen", "société", "entreprise", "empresa",
        "azienda", "şirket", "şirket adı", "kurum", "компания", "организация",
        "شرکت", "نام شرکت", "سازمان", "کمپنی", "کمپنی کا نام", "ادارہ", "شركة", "الشركة",
        "المؤسسة", "कंपनी", "संस्था", "kampani", "company ka naam",
    ),
    "job_title": (
        "job title", "title", "position", "role", "designation", "job",
        "organization title", "profession", "beruf", "berufsbezeichnung", "position im unternehmen",
        "poste", "fonction", "cargo", "puesto", "unvan", "görev", "должность",
        "عنوان شغلی", "سمت", "شغل", "عہدہ", "پیشہ", "المسمى الوظيفي", "الوظيفة",
        "पद", "पदनाम",
    ),
    "address": (
        "address", "street", "street address", "address line", "address street",
        "mailing street", "mailing address", "postal address", "addr", "business street",
        "adresse", "straße", "strasse", "anschrift", "rue", "dirección", "calle",
        "indirizzo", "adres", "sokak", "адрес", "улица",
        "آدرس", "نشانی", "خیابان", "پتہ", "العنوان", "عنوان", "पता", "pata",
    ),
    "city": (
        "city", "town", "mailing city", "business city", "address city", "locality",
        "stadt", "ort", "ville", "ciudad", "città", "şehir", "il", "город",
        "شهر", "شہر", "مدينة", "المدينة", "शहर", "shahar",
    ),
    "state": (
        "state", "province", "region", "county", "state/province", "state/region",
        "mailing state", "mailing state/province", "business state", "address region",
        "bundesland", "provincia", "estado", "eyalet", "область", "регион",
        "استان", "صوبہ", "المحافظة", "المنطقة", "राज्य",
    ),
    "postal_code": (
        "postal code", "zip", "zip code", "postcode", "post code", "mailing zip",
        "mailing zip/postal code", "mailing postal code", "business postal code",
        "address postal code", "zip/postal code", "plz", "postleitzahl", "code postal",
        "código postal", "cap", "posta kodu", "почтовый индекс", "индекс",
        "کد پستی", "پوسٹل کوڈ", "الرمز البريدي", "पिन कोड", "pin code",
    ),
    "country": (
        "country", "country/region", "mailing country", "business country/region",
        "business country", "address country", "nation",
        "land", "pays", "país", "paese", "ülke", "страна",
        "کشور", "ملک", "الدولة", "البلد", "देश",
    ),
    "website": (
        "website", "web site", "website url", "url", "web", "web page", "homepage", "site",
        "domain", "website value", "webseite", "site web", "sitio web", "web sitesi",
        "сайт", "وب سایت", "وبسایت", "سایت", "ویب سائٹ", "الموقع", "الموقع الإلكتروني",
        "वेबसाइट",
    ),
    "birth_date": (
        "birthday", "birth date", "date of birth", "dob", "birthdate",
        "geburtsdatum", "geburtstag", "date de naissance", "fecha de nacimiento",
        "doğum tarihi", "дата рождения", "день рождения",
        "تاریخ تولد", "تاریخ پیدائش", "تاريخ الميلاد", "जन्म तिथि", "जन्मदिन",
    ),
    "lead_source": (
        "lead source", "source", "lead origin", "original source", "channel",
        "quelle", "herkunft", "origine", "source du prospect", "origen", "fuente",
        "kaynak", "источник",
        "منبع", "منبع سرنخ", "ذریعہ", "مصدر", "المصدر", "स्रोत", "srot",
    ),
    "lifecycle_stage": (
        "lifecycle stage", "stage", "lead status", "status", "phase", "etapa", "aşama",
        "статус", "مرحله", "وضعیت", "مرحلہ", "المرحلة", "الحالة", "स्थिति",
    ),
    "owner": (
        "owner", "contact owner", "account owner", "lead owner", "assigned to",
        "verantwortlich", "besitzer", "propriétaire", "responsable", "propietario",
        "sorumlu", "sahibi", "ответственный", "владелец",
        "مسئول", "مالک", "ذمہ دار", "المسؤول", "المالك", "मालिक", "ज़िम्मेदार", "malik",
    ),
    "tags": (
        "tags", "tag", "labels", "label", "categories", "category", "group membership",
        "schlagwörter", "étiquettes", "etiquetas", "etiketler", "метки", "теги",
        "برچسب", "برچسب ها", "ٹیگ", "ٹیگز", "الوسوم", "टैग",
    ),
    "notes": (
        "notes", "note", "comments", "comment", "description", "remarks", "memo",
        "notizen", "notiz", "bemerkung", "bemerkungen", "kommentar", "remarques",
        "commentaires", "notas", "comentarios", "notlar", "not", "açıklama",
        "примечание", "примечания", "заметки", "комментарий",
        "یادداشت", "توضیحات", "نوٹس", "تبصرہ", "ریمارکس", "ملاحظات", "تعليقات",
        "टिप्पणी", "नोट्स", "विवरण", "tippani",
    ),
}  # fmt: skip
