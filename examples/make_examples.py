"""Write the bundled example spreadsheets (run once; the outputs are committed).

``examples/contacts.csv`` (UTF-8, comma): a few hundred contacts as a real export looks —
duplicates in several forms (e-mail case and plus-tags, phone formats, nicknames, swapped
names, company legal forms), bad phones and e-mails, empty rows, Latin, Persian and Urdu names
and Persian digits. ``examples/contacts_fa.csv``: a semicolon-delimited cp1256 companion file
with Persian headers, as Persian Windows software exports it.

    python examples/make_examples.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261122

LATIN = [
    ("John", "Smith"),
    ("Mary", "Johnson"),
    ("Robert", "Williams"),
    ("Elizabeth", "Brown"),
    ("William", "Jones"),
    ("Patricia", "Garcia"),
    ("James", "Miller"),
    ("Jennifer", "Davis"),
    ("Michael", "Wilson"),
    ("Linda", "Anderson"),
    ("David", "Taylor"),
    ("Susan", "Thomas"),
    ("Richard", "Moore"),
    ("Karen", "Martin"),
    ("Joseph", "Jackson"),
    ("Nancy", "White"),
    ("Thomas", "Harris"),
    ("Sarah", "Clark"),
    ("Charles", "Lewis"),
    ("Margaret", "Walker"),
    ("Daniel", "Hall"),
    ("Emily", "Young"),
    ("Matthew", "King"),
    ("Laura", "Wright"),
    ("Anthony", "Lopez"),
    ("Anna", "Schmidt"),
    ("Hans", "Müller"),
    ("Sophie", "Dubois"),
    ("Liam", "O'Neil"),
    ("Ian", "McDonald"),
]
PERSIAN = [
    ("علی", "رضایی"),
    ("محمد", "احمدی"),
    ("زهرا", "حسینی"),
    ("فاطمه", "کریمی"),
    ("رضا", "محمدی"),
    ("مریم", "موسوی"),
    ("حسین", "جعفری"),
    ("سارا", "کاظمی"),
    ("مهدی", "رحیمی"),
    ("نرگس", "صادقی"),
    ("امیر", "قاسمی"),
    ("لیلا", "نوری"),
]
URDU = [
    ("عمران", "خان"),
    ("عائشہ", "ملک"),
    ("بلال", "احمد"),
    ("فاطمہ", "شیخ"),
    ("حسن", "رضا"),
    ("زینب", "بٹ"),
    ("عثمان", "چوہدری"),
    ("سعدیہ", "قریشی"),
]
PK_LATIN = [("Imran", "Khan"), ("Ayesha", "Malik"), ("Bilal", "Ahmed"), ("Usman", "Chaudhry")]
NICKNAMES = {
    "Robert": "Bob",
    "William": "Bill",
    "Elizabeth": "Liz",
    "James": "Jim",
    "Michael": "Mike",
    "Richard": "Dick",
    "Joseph": "Joe",
    "Thomas": "Tom",
    "Daniel": "Dan",
    "Matthew": "Matt",
    "Anthony": "Tony",
    "Margaret": "Peggy",
}
COMPANIES = [
    ("Acme Ltd", ["ACME Limited", "Acme Ltd.", "acme"]),
    ("Globex Corporation", ["Globex Corp.", "GLOBEX"]),
    ("Initech LLC", ["Initech", "Initech, L.L.C."]),
    ("Müller GmbH", ["Mueller GmbH", "Müller"]),
    ("Karachi Textiles (Pvt.) Ltd.", ["Karachi Textiles Private Limited"]),
    ("شرکت پارس سهامی خاص", ["پارس", "شرکت پارس"]),
    ("Lahore Traders", ["Lahore Traders Pvt Ltd"]),
    ("Northwind Traders Inc.", ["Northwind Traders", "Northwind"]),
]
CITIES = {
    "US": ["New York", "Chicago", "Austin"],
    "GB": ["London", "Leeds"],
    "DE": ["Berlin", "München"],
    "IR": ["تهران", "اصفهان", "شیراز"],
    "PK": ["Karachi", "Lahore", "کراچی"],
}
SOURCES = ["website", "landing page", "email", "social network", "phone", "referral", ""]
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
HEADER = [
    "Full Name",
    "E-mail",
    "Mobile",
    "Phone 2",
    "Company",
    "Job Title",
    "City",
    "Lead Source",
    "Notes",
]


def _phone(rng: random.Random, region: str) -> tuple[str, list[str]]:
    """Return a canonical E.164 number and several ways people write it."""
    if region == "US":
        area, mid, last = (
            rng.choice(["212", "312", "512"]),
            rng.randint(200, 999),
            rng.randint(0, 9999),
        )
        e164 = f"+1{area}{mid}{last:04d}"
        forms = [
            f"({area}) {mid}-{last:04d}",
            f"{area}.{mid}.{last:04d}",
            f"+1 {area} {mid} {last:04d}",
            f"001{area}{mid}{last:04d}",
            f"tel:+1-{area}-{mid}-{last:04d}",
        ]
    elif region == "GB":
        rest = rng.randint(100000, 999999)
        e164 = f"+447400{rest}"
        forms = [f"07400 {rest}", f"+44 (0)7400 {rest}", f"+44 7400 {rest}", f"0044 7400 {rest}"]
    elif region == "DE":
        rest = rng.randint(10000000, 99999999)
        e164 = f"+49151{rest}"
        forms = [f"0151 {rest}", f"+49 151 {rest}", f"+49 (0)151-{rest}"]
    elif region == "IR":
        rest = rng.randint(1000000, 9999999)
        e164 = f"+98912{rest}"
        forms = [
            f"0912{rest}",
            f"0912 {str(rest)[:3]} {str(rest)[3:]}".translate(PERSIAN_DIGITS),
            f"+98 912 {rest}",
            f"0098912{rest}",
        ]
    else:  # PK
        rest = rng.randint(1000000, 9999999)
        e164 = f"+92300{rest}"
        forms = [f"0300-{rest}", f"+92 300 {rest}", f"0300 {rest}", f"92300{rest}"]
    return e164, forms


def _email(first: str, last: str, rng: random.Random) -> str:
    ascii_first = first.encode("ascii", "ignore").decode().lower() or f"user{rng.randint(1, 999)}"
    ascii_last = last.encode("ascii", "ignore").decode().lower().replace("'", "")
    domain = rng.choice(["gmail.com", "example.com", "outlook.com", "company.co.uk", "yahoo.com"])
    local = f"{ascii_first}.{ascii_last}" if ascii_last else f"{ascii_first}{rng.randint(10, 99)}"
    return f"{local}@{domain}"


def _contacts(rng: random.Random) -> list[list[str]]:
    people: list[tuple[str, str, str]] = []
    people += [(f, lname, rng.choice(["US", "GB", "DE"])) for f, lname in LATIN]
    people += [(f, lname, "IR") for f, lname in PERSIAN]
    people += [(f, lname, "PK") for f, lname in URDU + PK_LATIN]
    rows: list[list[str]] = []
    for index in range(170):
        first, last, region = people[index % len(people)]
        if index >= len(people):
            last = rng.choice([p[1] for p in people if p[2] == region])
        _, forms = _phone(rng, region)
        company, variants = rng.choice(COMPANIES)
        email = _email(first, last, rng)
        base = [
            f"{first} {last}",
            email,
            rng.choice(forms),
            "",
            company,
            rng.choice(["Director", "Buyer", "Chief Accountant", "Lawyer", "Sales Manager", ""]),
            rng.choice(CITIES[region]),
            rng.choice(SOURCES),
            "",
        ]
        rows.append(base)
        if rng.random() < 0.35:  # a duplicate in another form
            dup = list(base)
            local, _, domain = email.partition("@")
            choice = rng.randrange(5)
            if choice == 0:
                dup[1] = (
                    f"{local.upper()}+crm@{domain.upper()}"
                    if domain == "gmail.com"
                    else email.upper()
                )
            elif choice == 1:
                dup[0] = f"{last}, {first}"
                dup[1] = ""
            elif choice == 2:
                dup[0] = f"{NICKNAMES.get(first, first)} {last}"
            elif choice == 3:
                dup[0] = (
                    dup[0].upper()
                    if region not in ("IR", "PK")
                    else dup[0].replace("ی", "ي").replace("ک", "ك")
                )
            else:
                dup[1] = f"  {email}  "
            dup[2] = rng.choice(forms)
            dup[4] = rng.choice(variants)
            dup[8] = "imported twice"
            rows.append(dup)
    bad = [
        [
            "Peter Parker",
            "peter.parker@",
            "12",
            "",
            "Daily Bugle",
            "",
            "New York",
            "",
            "bad e-mail and phone",
        ],
        [
            "Bruce Wayne",
            "bruce@wayne",
            "not a phone",
            "",
            "Wayne Enterprises",
            "",
            "",
            "",
            "bad phone",
        ],
        ["", "", "", "", "", "", "", "", ""],
        ["", "", "", "", "Orphan Company Ltd", "", "", "", "no person at all"],
        [
            "Clark Kent",
            "clark..kent@dailyplanet.com",
            "+1 212 555",
            "",
            "",
            "",
            "",
            "",
            "bad e-mail",
        ],
        [
            "Diana Prince",
            "diana@themyscira.gr",
            "9.23001234567E+11",
            "",
            "",
            "",
            "",
            "",
            "Excel float phone",
        ],
        ["سارا کاظمی", "sara@@example.com", "۰۹۱۲", "", "", "", "", "", "bad e-mail and phone"],
        [
            "Tony Stark",
            "tony@stark.com",
            "1234567890123456789",
            "",
            "Stark Industries",
            "",
            "",
            "",
            "too long",
        ],
    ]
    rows += bad
    rng.shuffle(rows)
    return rows


def main() -> None:
    """Write both example files."""
    rng = random.Random(SEED)
    with (HERE / "contacts.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(_contacts(rng))
    fa_header = ["نام و نام خانوادگی", "ایمیل", "تلفن همراه", "شرکت", "شهر"]
    # cp1256 has no Persian yeh, so Windows software writes the Arabic one (a letter variant the
    # name match keys unify).
    with (HERE / "contacts_fa.csv").open("w", encoding="cp1256", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow([h.replace("ی", "ي") for h in fa_header])
        for first, last in PERSIAN:
            _, forms = _phone(rng, "IR")
            row = [
                f"{first} {last}",
                f"user{rng.randint(100, 999)}@example.ir",
                forms[0],
                "شرکت پارس",
                rng.choice(CITIES["IR"][:2]),
            ]
            writer.writerow([cell.replace("ی", "ي") for cell in row])


if __name__ == "__main__":
    main()
