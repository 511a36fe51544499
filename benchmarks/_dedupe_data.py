"""A generator of realistic CRM contact duplicates, with the truth (which records are one).

People are drawn from English, German, Persian (Latin letters) and Persian/Arabic-script name
pools with skewed frequencies, so common names collide as they do in real client bases.
Each person gets one to six records; the copies carry the slips people make: typos,
nicknames, first and last name swapped, missing fields, e-mails in other case or with
plus-tags, phones written for other regions, company names with or without their legal
form, Arabic-script names with Arabic instead of Persian letter variants (ي/ی, ك/ک).

With *shared* (the default), people also share what real client bases share without being
one person: a company's switchboard number, a role mailbox (``info@``, ``sales@``...) of
their company, and a household's landline, city and sometimes e-mail with a family member
of another first name. These draws come from a second random stream, so ``shared=False``
gives exactly the records of the generator before it learned them.
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import attrs

from crmkit.contacts import Contact, EmailEntry, PhoneEntry
from crmkit.values import Address, EmailAddress, PhoneNumber

EN_FIRST = [
    "james",
    "john",
    "robert",
    "michael",
    "william",
    "david",
    "richard",
    "joseph",
    "thomas",
    "charles",
    "christopher",
    "daniel",
    "matthew",
    "anthony",
    "mark",
    "donald",
    "steven",
    "paul",
    "andrew",
    "joshua",
    "kenneth",
    "kevin",
    "brian",
    "george",
    "timothy",
    "ronald",
    "edward",
    "jason",
    "jeffrey",
    "ryan",
    "jacob",
    "gary",
    "nicholas",
    "eric",
    "jonathan",
    "stephen",
    "larry",
    "justin",
    "scott",
    "brandon",
    "benjamin",
    "samuel",
    "gregory",
    "alexander",
    "frank",
    "patrick",
    "raymond",
    "jack",
    "dennis",
    "jerry",
    "tyler",
    "aaron",
    "jose",
    "adam",
    "nathan",
    "henry",
    "douglas",
    "zachary",
    "peter",
    "kyle",
    "walter",
    "ethan",
    "jeremy",
    "harold",
    "keith",
    "christian",
    "roger",
    "noah",
    "gerald",
    "carl",
    "terry",
    "sean",
    "austin",
    "arthur",
    "lawrence",
    "jesse",
    "dylan",
    "bryan",
    "joe",
    "jordan",
    "billy",
    "bruce",
    "albert",
    "willie",
    "gabriel",
    "logan",
    "alan",
    "juan",
    "wayne",
    "roy",
    "ralph",
    "randy",
    "eugene",
    "vincent",
    "russell",
    "elijah",
    "louis",
    "bobby",
    "philip",
    "johnny",
    "mary",
    "patricia",
    "jennifer",
    "linda",
    "elizabeth",
    "barbara",
    "susan",
    "jessica",
    "sarah",
    "karen",
    "lisa",
    "nancy",
    "betty",
    "margaret",
    "sandra",
    "ashley",
    "kimberly",
    "emily",
    "donna",
    "michelle",
    "carol",
    "amanda",
    "dorothy",
    "melissa",
    "deborah",
    "stephanie",
    "rebecca",
    "sharon",
    "laura",
    "cynthia",
    "kathleen",
    "amy",
    "angela",
    "shirley",
    "anna",
    "brenda",
    "pamela",
    "emma",
    "nicole",
    "helen",
    "samantha",
    "katherine",
    "christine",
    "debra",
    "rachel",
    "carolyn",
    "janet",
    "catherine",
    "maria",
    "heather",
    "diane",
    "ruth",
    "julie",
    "olivia",
    "joyce",
    "virginia",
    "victoria",
    "kelly",
    "lauren",
    "christina",
    "joan",
    "evelyn",
    "judith",
    "megan",
    "andrea",
    "cheryl",
    "hannah",
    "jacqueline",
    "martha",
    "gloria",
    "teresa",
    "ann",
    "sara",
    "madison",
    "frances",
    "kathryn",
    "janice",
    "jean",
    "abigail",
    "alice",
    "judy",
    "sophia",
    "grace",
    "denise",
    "amber",
    "doris",
    "marilyn",
    "danielle",
    "beverly",
    "isabella",
    "theresa",
    "diana",
    "natalie",
    "brittany",
    "charlotte",
    "marie",
    "kayla",
    "alexis",
    "lori",
]
DE_FIRST = [
    "lukas",
    "leon",
    "finn",
    "jonas",
    "paul",
    "felix",
    "luis",
    "max",
    "elias",
    "noah",
    "ben",
    "henry",
    "emil",
    "anton",
    "jakob",
    "julian",
    "moritz",
    "niklas",
    "tim",
    "jan",
    "tobias",
    "florian",
    "stefan",
    "thomas",
    "andreas",
    "michael",
    "markus",
    "christian",
    "sebastian",
    "matthias",
    "daniel",
    "wolfgang",
    "klaus",
    "jurgen",
    "dieter",
    "uwe",
    "frank",
    "anna",
    "lena",
    "lea",
    "hannah",
    "emma",
    "mia",
    "sophie",
    "marie",
    "laura",
    "julia",
    "lisa",
    "katharina",
    "sabine",
    "claudia",
    "petra",
    "monika",
    "ursula",
    "susanne",
    "andrea",
]
FA_FIRST = [
    "mohammad",
    "ali",
    "reza",
    "hossein",
    "mehdi",
    "hassan",
    "amir",
    "ahmad",
    "saeed",
    "hamid",
    "javad",
    "majid",
    "mostafa",
    "mahmoud",
    "ebrahim",
    "abbas",
    "morteza",
    "masoud",
    "behzad",
    "farhad",
    "babak",
    "kaveh",
    "arash",
    "dariush",
    "omid",
    "navid",
    "pouya",
    "sina",
    "kian",
    "arman",
    "yusuf",
    "ismail",
    "jafar",
    "rashid",
    "karim",
    "nasser",
    "zahra",
    "fatemeh",
    "maryam",
    "zeinab",
    "sara",
    "leila",
    "narges",
    "mina",
    "shirin",
    "parisa",
    "nazanin",
    "fereshteh",
    "mahsa",
    "elham",
    "roya",
    "azadeh",
    "somayeh",
    "hoda",
    "neda",
    "laleh",
    "ayesha",
    "khadijeh",
]
FA_LAST = [
    "ahmadi",
    "mohammadi",
    "hosseini",
    "rezaei",
    "mousavi",
    "karimi",
    "jafari",
    "rahimi",
    "hashemi",
    "sadeghi",
    "ghorbani",
    "heidari",
    "ebrahimi",
    "kazemi",
    "moradi",
    "mohammadzadeh",
    "hosseinzadeh",
    "azizi",
    "rostami",
    "akbari",
    "sharifi",
    "bagheri",
    "amini",
    "salehi",
    "najafi",
    "abbasi",
    "mahmoudi",
    "zamani",
    "yazdani",
    "tehrani",
    "shirazi",
    "esfahani",
    "tabrizi",
    "kermani",
    "rahmani",
    "habibi",
    "nouri",
    "jalali",
    "soltani",
    "asadi",
    "alavi",
    "ansari",
    "farahani",
    "golzar",
    "khorasani",
]
AR_FIRST = [
    "محمد",
    "علی",
    "رضا",
    "حسین",
    "مهدی",
    "حسن",
    "امیر",
    "احمد",
    "سعید",
    "حمید",
    "جواد",
    "مجید",
    "مصطفی",
    "محمود",
    "ابراهیم",
    "عباس",
    "مرتضی",
    "مسعود",
    "کاوه",
    "آرش",
    "زهرا",
    "فاطمه",
    "مریم",
    "زینب",
    "سارا",
    "لیلا",
    "نرگس",
    "مینا",
    "شیرین",
    "پریسا",
    "نازنین",
    "فرشته",
    "مهسا",
    "الهام",
    "رویا",
    "آزاده",
    "سمیه",
    "هدی",
    "ندا",
    "یاسمین",
    "کیان",
    "کامران",
]
AR_LAST = [
    "احمدی",
    "محمدی",
    "حسینی",
    "رضایی",
    "موسوی",
    "کریمی",
    "جعفری",
    "رحیمی",
    "هاشمی",
    "صادقی",
    "قربانی",
    "حیدری",
    "ابراهیمی",
    "کاظمی",
    "مرادی",
    "عزیزی",
    "رستمی",
    "اکبری",
    "شریفی",
    "باقری",
    "امینی",
    "صالحی",
    "نجفی",
    "عباسی",
    "محمودی",
    "زمانی",
    "یزدانی",
    "تهرانی",
    "شیرازی",
    "کرمانی",
    "رحمانی",
    "حبیبی",
    "نوری",
    "جلالی",
    "سلطانی",
    "اسدی",
    "علوی",
    "انصاری",
    "فراهانی",
    "کیانی",
]
NICK = {
    "robert": ["bob", "rob", "bobby"], "william": ["bill", "will", "billy"],
    "elizabeth": ["liz", "beth", "betty"], "richard": ["rick", "dick", "rich"],
    "james": ["jim", "jimmy"], "michael": ["mike", "mick"], "thomas": ["tom", "tommy"],
    "margaret": ["maggie", "peggy", "meg"], "katherine": ["kate", "kathy"],
    "christopher": ["chris"], "daniel": ["dan", "danny"], "david": ["dave"],
    "joseph": ["joe"], "anthony": ["tony"], "jennifer": ["jen", "jenny"],
    "edward": ["ed", "ted"], "samuel": ["sam"], "patricia": ["pat", "trish"],
    "alexander": ["alex"], "nicholas": ["nick"], "matthew": ["matt"], "steven": ["steve"],
    "mohammad": ["muhammad", "mohammed", "mohamed"], "hossein": ["hussein", "hosein"],
    "yusuf": ["yousef"], "ahmad": ["ahmed"], "mostafa": ["mustafa"], "fatemeh": ["fatima"],
    "hassan": ["hasan"], "ebrahim": ["ibrahim"], "ismail": ["esmaeil"],
}  # fmt: skip
AR_VARIANTS = str.maketrans({"ی": "ي", "ک": "ك"})
CITIES = {
    "en": ["New York", "London", "Chicago", "Houston", "Boston", "Seattle", "Denver",
           "Manchester", "Leeds", "Austin", "Dallas", "Atlanta", "Miami", "Phoenix", "Toronto"],
    "de": ["Berlin", "Hamburg", "München", "Köln", "Frankfurt", "Stuttgart", "Leipzig"],
    "fa": ["Tehran", "Mashhad", "Isfahan", "Shiraz", "Tabriz", "Karaj", "Qom", "Karachi"],
    "ar": ["تهران", "مشهد", "اصفهان", "شیراز", "تبریز", "کرج", "قم"],
}  # fmt: skip
LEGAL = ["", " Inc.", " LLC", " Ltd", " GmbH", " Co.", " Corp.", " Limited", " AG", " S.A."]
MAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me"]
REGIONS = {"en": ("1", "US"), "de": ("49", "DE"), "fa": ("98", "IR"), "ar": ("98", "IR")}
NOW = datetime(2026, 1, 1, tzinfo=UTC)
SYLLABLES = [
    "an",
    "ber",
    "cal",
    "dor",
    "el",
    "fen",
    "gar",
    "hol",
    "in",
    "jor",
    "kel",
    "lin",
    "mor",
    "nor",
    "ol",
    "par",
    "quin",
    "ros",
    "sel",
    "tor",
    "ul",
    "van",
    "wil",
    "yor",
    "zel",
    "ton",
    "son",
    "ley",
    "man",
    "field",
    "wood",
    "ford",
    "ham",
    "by",
    "well",
]


def _syllable_names(rng: random.Random, count: int) -> list[str]:
    parts = SYLLABLES
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen.setdefault("".join(rng.choice(parts) for _ in range(rng.randint(2, 3))), None)
    return list(seen)


def _zipf(items: list[str], s: float = 1.0) -> tuple[list[str], list[float]]:
    """Items with cumulative Zipf weights (rank k drawn in proportion to 1/k**s)."""
    total, cumulative = 0.0, []
    for k in range(len(items)):
        total += 1.0 / (k + 1) ** s
        cumulative.append(total)
    return items, cumulative


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    k = rng.randrange(1, len(text))
    kind = rng.random()
    letters = "ابپتجحخدرزسشصطعفقکگلمنوهی" if not text.isascii() else string.ascii_lowercase
    if kind < 0.35:
        return text[:k] + text[k + 1 :]
    if kind < 0.7:
        return text[:k] + rng.choice(letters) + text[k + 1 :]
    if kind < 0.85 and k < len(text) - 1:
        return text[:k] + text[k + 1] + text[k] + text[k + 2 :]
    return text[:k] + rng.choice(letters) + text[k:]


def _case(rng: random.Random, text: str) -> str:
    r = rng.random()
    if not text.isascii():
        return text
    if r < 0.7:
        return text.title()
    return text.upper() if r < 0.85 else text.lower()


class Person:
    """The truth about one person: the values every copy derives from."""

    __slots__ = ("city", "company", "culture", "dob", "email", "extra", "first", "last", "phone")
    city: Address | None
    company: str | None
    culture: str
    dob: date | None
    email: str | None
    first: str
    last: str
    phone: PhoneNumber | None
    extra: dict[str, Any]  # what generators built on this one add

    def __init__(self, **values: Any) -> None:
        self.extra = {}
        for k, v in values.items():
            setattr(self, k, v)


def _phone(cc: str, region: str, digits: str) -> PhoneNumber:
    return PhoneNumber(e164=f"+{cc}{digits}", region=region, kind="mobile")


def _fast_contact(**values: Any) -> Contact:
    """Build an already-normalized Contact without re-running its converters."""
    contact = object.__new__(Contact)
    for a in attrs.fields(Contact):
        if a.name in values:
            value = values[a.name]
        elif a.default is attrs.NOTHING:
            raise TypeError(a.name)
        elif isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
            value = a.default.factory()  # type: ignore[union-attr]
        else:
            value = a.default
        object.__setattr__(contact, a.name, value)
    return contact


class Generator:
    """Generates *size* contact records and, for each, the id of the person it stands for."""

    def __init__(self, seed: int, *, shared: bool = True) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        # shared channels draw from a stream of their own: without them, the records are
        # the very ones of the generator before it had them
        self.share = random.Random(seed * 7919 + 1) if shared else None
        self.switchboards: dict[str, PhoneNumber] = {}
        self.en_last = _zipf(_syllable_names(rng, 12000), 0.9)
        self.de_last = _zipf(_syllable_names(rng, 3000), 0.9)
        self.first = {"en": _zipf(EN_FIRST), "de": _zipf(DE_FIRST), "fa": _zipf(FA_FIRST),
                      "ar": _zipf(AR_FIRST)}  # fmt: skip
        fa_more = [a + b for a in FA_LAST[:30] for b in ("", "pour", "nia", "far")]
        self.fa_last = _zipf(FA_LAST + fa_more, 0.8)
        ar_more = [a + b for a in AR_LAST for b in ("پور", "نیا", "فر")]
        self.ar_last = _zipf(AR_LAST + ar_more, 0.8)
        self.companies = _zipf([n.title() for n in _syllable_names(rng, 40000)], 0.7)
        self.addresses = {c: [Address(city=x) for x in xs] for c, xs in CITIES.items()}
        self.counter = 0
        self.phones: set[str] = set()

    def _pick(self, pool: tuple[list[str], list[float]]) -> str:
        return self.rng.choices(pool[0], cum_weights=pool[1])[0]

    def _new_digits(self, rng: random.Random) -> str:
        while True:
            digits = "".join(rng.choice(string.digits[1:]) for _ in range(10))
            if digits not in self.phones:
                self.phones.add(digits)
                return digits

    def _shared_channels(self, p: Person) -> None:
        """Give *p* their company's switchboard number or role mailbox, now and then."""
        share = self.share
        if share is None or p.company is None:
            return
        if share.random() < 0.12:
            board = self.switchboards.get(p.company)
            if board is None:
                cc, region = REGIONS[p.culture]
                board = _phone(cc, region, self._new_digits(share))
                self.switchboards[p.company] = board
            p.phone = board
        if share.random() < 0.06:
            role = share.choice(["info", "sales", "office", "contact", "hello"])
            p.email = f"{role}@{p.company.lower()}.example"

    def relative(self, p: Person) -> Person | None:
        """Now and then, a family member of *p*: same last name, landline and city."""
        share = self.share
        if share is None or p.phone is None or share.random() >= 0.05:
            return None
        pool = self.first[p.culture]
        first = p.first
        while first == p.first:
            first = share.choices(pool[0], cum_weights=pool[1])[0]
        self.counter += 1
        latin = first if first.isascii() else f"user{self.counter % 97}"
        email = p.email if share.random() < 0.3 else f"{latin}{self.counter}@{share.choice(MAIL)}"
        return Person(
            culture=p.culture, first=first, last=p.last, email=email, phone=p.phone,
            company=None, city=p.city, dob=None,
        )  # fmt: skip

    def person(self) -> Person:
        """A new person with the values their records derive from."""
        rng = self.rng
        culture = rng.choices(["en", "de", "fa", "ar"], [0.55, 0.1, 0.15, 0.2])[0]
        first = self._pick(self.first[culture])
        last = self._pick({"en": self.en_last, "de": self.de_last, "fa": self.fa_last,
                           "ar": self.ar_last}[culture])  # fmt: skip
        self.counter += 1
        latin_first = first if first.isascii() else f"user{self.counter % 97}"
        latin_last = last if last.isascii() else "x"
        local = rng.choice([f"{latin_first}.{latin_last}", f"{latin_first[0]}{latin_last}",
                            f"{latin_first}{latin_last}"])  # fmt: skip
        email = f"{local}{self.counter}@{rng.choice(MAIL)}" if rng.random() < 0.88 else None
        cc, region = REGIONS[culture]
        while True:
            digits = "".join(rng.choice(string.digits[1:]) for _ in range(10))
            if digits not in self.phones:
                self.phones.add(digits)
                break
        phone = _phone(cc, region, digits) if rng.random() < 0.8 else None
        company = self._pick(self.companies) if rng.random() < 0.6 else None
        city = rng.choice(self.addresses[culture][: rng.randint(1, len(self.addresses[culture]))])
        has_dob = rng.random() < 0.35
        dob = (
            date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))
            if has_dob
            else None
        )
        kept = city if rng.random() < 0.9 else None
        return Person(
            culture=culture, first=first, last=last, email=email, phone=phone,
            company=company, city=kept, dob=dob,
        )  # fmt: skip

    def copy(self, p: Person, original: bool) -> dict[str, Any]:
        """One record of person *p*; the first (*original*) is clean, the others carry slips."""
        rng = self.rng
        first, last = p.first, p.last
        email, phone, company, city, dob = p.email, p.phone, p.company, p.city, p.dob
        if not original:
            r = rng.random()
            if r < 0.12 and first in NICK:
                first = rng.choice(NICK[first])
            elif r < 0.22:
                first = _typo(rng, first)
            if rng.random() < 0.1:
                last = _typo(rng, last)
            if rng.random() < 0.05:
                first, last = last, first
            if p.culture == "ar" and rng.random() < 0.5:
                first, last = first.translate(AR_VARIANTS), last.translate(AR_VARIANTS)
            r = rng.random()
            if email is not None:
                if r < 0.15:
                    email = None
                elif r < 0.23:
                    self.counter += 1
                    initial = first[:1] if first.isascii() else "u"
                    email = f"{initial}{self.counter}@{rng.choice(MAIL)}"
                elif r < 0.45:
                    name, _, domain = email.partition("@")
                    if domain == "gmail.com":
                        email = f"{name}+{rng.choice(['crm', 'news', 'x'])}@{domain}"
                    else:
                        email = email.upper()
            r = rng.random()
            if phone is not None and r < 0.25:
                phone = None
            elif phone is not None and r < 0.32:
                cc, region = REGIONS[p.culture]
                phone = _phone(
                    cc, region, "".join(rng.choice(string.digits[1:]) for _ in range(10))
                )
            if company is not None and rng.random() < 0.3:
                company = None
            if city is not None and rng.random() < 0.15:
                city = None
            if dob is not None:
                r = rng.random()
                if r < 0.25:
                    dob = None
                elif r < 0.3 and dob.day <= 12:
                    dob = date(dob.year, dob.day, dob.month)
        if company is not None:
            company = company + rng.choice(LEGAL)
        return {
            "first_name": _case(rng, first),
            "last_name": _case(rng, last),
            "email": email,
            "phone": phone,
            "company": company,
            "city": city,
            "birth_date": dob,
        }

    def records(self, size: int, *, fast: bool = True) -> tuple[list[Contact], list[int]]:
        """Return *size* contacts and, for each, the number of the person it stands for."""
        rng = self.rng
        contacts: list[Contact] = []
        truth: list[int] = []
        person = 0
        while len(contacts) < size:
            p = self.person()
            family = self.relative(p)  # the household's own phone, not a switchboard
            self._shared_channels(p)
            for someone in (p, family):
                if someone is None:
                    continue
                copies = rng.choices([1, 2, 3, 4, 5, 6], [0.6, 0.25, 0.09, 0.04, 0.015, 0.005])
                for k in range(min(copies[0], size - len(contacts))):
                    record = self._contact(self.copy(someone, k == 0), len(contacts), fast)
                    contacts.append(record)
                    truth.append(person)
                person += 1
        order = list(range(size))
        rng.shuffle(order)
        return [contacts[i] for i in order], [truth[i] for i in order]

    def _contact(self, v: dict[str, Any], number: int, fast: bool) -> Contact:
        cid = f"C{number:09d}"
        emails: tuple[EmailEntry, ...] = ()
        if v["email"] is not None:
            name, _, domain = v["email"].partition("@")
            domain = domain.lower()
            value = f"{name}@{domain}"
            local = name.casefold()
            if domain == "gmail.com":
                local = local.partition("+")[0].replace(".", "")
            key = f"{local}@{domain}"
            emails = (EmailEntry(address=EmailAddress(value, key), primary=True),)
        phones = (PhoneEntry(number=v["phone"], primary=True),) if v["phone"] is not None else ()
        addresses = (v["city"],) if v["city"] is not None else ()
        custom = {"company": v["company"]} if v["company"] is not None else {}
        values = {
            "id": cid, "first_name": v["first_name"], "last_name": v["last_name"],
            "emails": emails, "phones": phones, "addresses": addresses,
            "birth_date": v["birth_date"], "custom": custom, "created_at": NOW,
            "updated_at": NOW,
        }  # fmt: skip
        if not (v["first_name"] or v["last_name"] or emails or phones):
            values["first_name"] = "x"
        return _fast_contact(**values) if fast else Contact(**values)


def generate(
    size: int, seed: int, *, fast: bool = True, shared: bool = True
) -> tuple[list[Contact], list[int]]:
    """Return *size* contacts with duplicates, and each one's person number (the truth).

    With *shared*, some people share a switchboard, a role mailbox or a household's phone
    with others (see :class:`Generator`).
    """
    return Generator(seed, shared=shared).records(size, fast=fast)


def true_pairs(truth: list[int]) -> Iterator[tuple[int, int]]:
    """Every pair of rows (low, high) that stand for one person."""
    rows: dict[int, list[int]] = {}
    for row, person in enumerate(truth):
        rows.setdefault(person, []).append(row)
    for members in rows.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                yield min(members[x], members[y]), max(members[x], members[y])
