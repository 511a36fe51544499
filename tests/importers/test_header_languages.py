"""Headers in many languages and scripts, with their letter variants, and the mapping report."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crmkit.errors import ConfigError, ErrorCode
from crmkit.importers import map_columns
from crmkit.importers._header_match import guess, phone_field_for
from crmkit.importers._header_words import SYNONYMS
from crmkit.importers._synonyms import FIELDS, header_key

ZWNJ = "\u200c"
TATWEEL = "\u0640"
FATHA = "\u064e"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # Urdu
        ("نام", "name"),
        ("پورا نام", "name"),
        ("ای میل", "email"),
        ("موبائل نمبر", "mobile"),
        ("فون نمبر", "phone"),
        ("کمپنی کا نام", "company"),
        ("پتہ", "address"),
        ("شہر", "city"),
        ("تبصرہ", "notes"),
        ("ذریعہ", "lead_source"),
        ("ذمہ دار", "owner"),
        # Persian, with the Arabic yeh and kaf a cp1256 file gives, and ZWNJ
        ("نام کامل", "name"),
        ("نام" + ZWNJ + "خانوادگی", "last_name"),
        ("شماره موبايل", "mobile"),
        ("تلفن", "phone"),
        ("شركت", "company"),
        ("آدرس", "address"),
        ("یادداشت", "notes"),
        ("منبع", "lead_source"),
        ("مسئول", "owner"),
        # Arabic, with teh marbuta, hamza seats, harakat and tatweel
        ("الاسم الكامل", "name"),
        ("الاسم الاول", "first_name"),
        ("اسم العائلة", "last_name"),
        ("البريد الالكتروني", "email"),
        ("البر" + TATWEEL + "يد الإلكتروني", "email"),
        ("ال" + FATHA + "هاتف", "phone"),
        ("الجوال", "mobile"),
        ("الشركه", "company"),
        ("العنوان", "address"),
        ("المدينه", "city"),
        ("ملاحظات", "notes"),
        ("المصدر", "lead_source"),
        ("المالك", "owner"),
        # Hindi, in Devanagari and romanised
        ("नाम", "name"),
        ("पहला नाम", "first_name"),
        ("ईमेल", "email"),
        ("मोबाइल नंबर", "mobile"),
        ("फ़ोन नंबर", "phone"),
        ("कंपनी", "company"),
        ("पता", "address"),
        ("शहर", "city"),
        ("टिप्पणी", "notes"),
        ("स्रोत", "lead_source"),
        ("मालिक", "owner"),
        ("Pura Naam", "name"),
        ("Pehla Naam", "first_name"),
        # Russian
        ("ФИО", "name"),
        ("Имя", "first_name"),
        ("Фамилия", "last_name"),
        ("Электронная почта", "email"),
        ("Мобильный телефон", "mobile"),
        ("Компания", "company"),
        ("Город", "city"),
        ("Примечания", "notes"),
        ("Ответственный", "owner"),
        # Turkish
        ("Ad Soyad", "name"),
        ("Soyadı", "last_name"),
        ("E-posta", "email"),
        ("Cep Telefonu", "mobile"),
        ("Şirket", "company"),
        ("Şehir", "city"),
        ("Notlar", "notes"),
        ("Kaynak", "lead_source"),
        # German, French, Spanish
        ("Vorname", "first_name"),
        ("Handynummer", "mobile"),
        ("Unternehmen", "company"),
        ("Prénom", "first_name"),
        ("Nom de famille", "last_name"),
        ("Courriel", "email"),
        ("Téléphone portable", "mobile"),
        ("Societe", "company"),
        ("Correo electrónico", "email"),
        ("Teléfono móvil", "mobile"),
        ("Dirección", "address"),
        ("Ciudad", "city"),
        ("Propietario", "owner"),
    ],
)
def test_headers_in_many_languages_map(header: str, field: str) -> None:
    """The usual header words of each language map to their field."""
    mapping = map_columns([header])

    assert [field] == [rule.field for rule in mapping.rules]


def test_every_known_spelling_maps_to_its_own_field() -> None:
    """No spelling of the table is taken by another field once folded."""
    wrong = [
        (spelling, field, found.field if found else None)
        for field, spellings in SYNONYMS.items()
        for spelling in spellings
        if (found := guess(spelling)) is None or found.field != field
    ]

    assert [] == wrong
    assert set(FIELDS) >= set(SYNONYMS)


_NOISE = st.sampled_from([ZWNJ, TATWEEL, "\u200d", "\u064b", "\u0651", " ", "-", "_", "."])


@given(st.sampled_from([s for f in ("name", "email", "mobile", "company") for s in SYNONYMS[f]]),
       st.lists(st.tuples(st.integers(0, 40), _NOISE), max_size=3), st.booleans())  # fmt: skip
def test_joiners_tatweel_harakat_and_case_do_not_matter(
    spelling: str, noise: list[tuple[int, str]], upper: bool
) -> None:
    """A header with joiners, tatweel, harakat, punctuation or another case is the same key."""
    header = spelling.upper() if upper else spelling
    for at, mark in noise:
        cut = min(at, len(header))
        header = header[:cut] + mark + header[cut:]

    assert header_key(spelling) == header_key(header)


def test_arabic_and_urdu_letter_variants_fold_together() -> None:
    """Arabic yeh/kaf, Urdu heh/yeh and teh marbuta give the Persian key."""
    assert header_key("ایمیل کاری") == header_key("ايميل كاري")
    assert header_key("شرکه") == header_key("شركة")
    assert header_key("کمپنی") == header_key("كمپني")
    assert header_key("ہاتف") == header_key("هاتف")


def test_report_says_how_each_header_matched() -> None:
    """Exact, folded, fuzzy, override, custom and carried each say so, with the spelling."""

    class Fields:
        def custom_field_for(self, header: str) -> str | None:
            return "score" if header == "Lead score" else None

    headers = ["ایمیل", "شركت", "Emial", "Tel", "Lead score", "کچھ اور", "Notes"]
    mapping = map_columns(headers, {"Tel": "mobile", "Notes": None}, schema=Fields())
    report = {m.column: m for m in mapping.matches}

    assert headers == [m.column for m in mapping.matches]
    assert ("email", "synonym", "ایمیل") == (
        report["ایمیل"].field, report["ایمیل"].how, report["ایمیل"].matched,
    )  # fmt: skip
    assert ("company", "folded") == (report["شركت"].field, report["شركت"].how)
    assert "letter variants" in report["شركت"].reason
    assert ("email", "fuzzy") == (report["Emial"].field, report["Emial"].how)
    assert 50 < report["Emial"].score < 100
    assert ("mobile", "override") == (report["Tel"].field, report["Tel"].how)
    assert ("custom:score", "custom") == (report["Lead score"].field, report["Lead score"].how)
    assert (None, "carried") == (report["کچھ اور"].field, report["کچھ اور"].how)
    assert "no field matches" in report["کچھ اور"].reason
    assert (None, "ignored") == (report["Notes"].field, report["Notes"].how)


def test_a_carried_column_names_the_closest_field() -> None:
    """An unmapped header says which field it came nearest to, and how near."""
    (match,) = map_columns(["Emailaddres of the person"]).matches

    assert "carried" == match.how
    assert "email" == match.closest
    assert 50 <= match.score < 100


def test_repeated_single_field_is_carried_with_the_reason() -> None:
    """A second company column is carried, saying which column feeds the field."""
    mapping = map_columns(["Company", "Account Name"])

    assert ["Account Name"] == [r.column for r in mapping.carried]
    assert "company already comes from column 'Company'" in mapping.matches[1].reason


@pytest.mark.parametrize(
    ("headers", "fields"),
    [
        (["نام", "نام خانوادگی"], ["first_name", "last_name"]),
        (["Vorname", "Name"], ["first_name", "last_name"]),
        (["Prénom", "Nom"], ["first_name", "last_name"]),
        (["Title", "First Name", "Job Title"], ["prefix", "first_name", "job_title"]),
        (["First Name", "Title"], ["first_name", "job_title"]),
    ],
)
def test_headers_read_beside_each_other(headers: list[str], fields: list[str]) -> None:
    """A name beside one part is the other; Outlook's Title beside Job Title is the prefix."""
    mapping = map_columns(headers)

    assert fields == [rule.field for rule in mapping.rules]


@pytest.mark.parametrize(
    ("kind", "field"),
    [("Mobile", "mobile"), ("* Mobile", "mobile"), ("Home", "home_phone"), ("Work", "phone"),
     ("Home Fax", "phone"), ("", "phone"), ("موبایل", "mobile")],
)  # fmt: skip
def test_phone_kinds(kind: str, field: str) -> None:
    """A Phone N - Type cell sends the number to the mobile, home or default field."""
    assert field == phone_field_for(kind, "phone")


def test_an_override_to_an_unknown_field_names_the_column() -> None:
    """Bad input: an override naming no field is a ConfigError with its code and path."""
    with pytest.raises(ConfigError) as caught:
        map_columns(["نام"], {"نام": "fax number"})

    assert ErrorCode.CONFIG == caught.value.code
    assert "mapping['نام']" == caught.value.path
    assert "unknown field 'fax number'" in str(caught.value)


def test_a_clean_files_name_beside_first_name_stays_the_full_name() -> None:
    """Crmkit's own columns name, first_name (no surnames in the file) keep their fields."""
    mapping = map_columns(["name", "first_name", "email"])

    assert ["name", "first_name", "email"] == [rule.field for rule in mapping.rules]
