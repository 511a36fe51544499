"""Speed of crmkit's contact normalization against the libraries it wraps.

Generates messy contacts (phones of US, GB, DE, IR, PK, IN and AE in many written forms,
e-mails with noise, Latin and Arabic-script names) and times, on the same inputs:

- crmkit: ``normalize_phone`` + ``normalize_email`` (the ratio's numerator), and
  ``parse_name`` on its own (the libraries do no name work, so names stay out of the ratio);
- the libraries alone: ``phonenumbers.parse`` + ``is_valid_number`` + ``format_number``
  (E.164) and ``email_validator.validate_email`` without deliverability checks.

Goal: crmkit phone + e-mail time <= 1.25 x the libraries' time.

Run: ``.venv/bin/python benchmarks/normalize.py [--quick] [--seed N]``.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from crmkit.contacts._names import parse_name
from crmkit.errors import ValidationError
from crmkit.values._email import normalize_email
from crmkit.values._phone import normalize_phone

GOAL = 1.25
REGIONS = ["US", "GB", "DE", "IR", "PK", "IN", "AE"]
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

LATIN_FIRST = ["John", "Mary", "Jean-Luc", "Anna", "Muhammad", "Ali", "Priya", "Hans", "Sara"]
LATIN_LAST = ["Doe", "McDonald", "O'Neil", "van Gogh", "Khan", "Sharma", "Müller", "Smith"]
ARABIC_FIRST = ["محمد", "علي", "علی", "فاطمه", "محمد رضا", "زهرا", "عبد الله", "مريم"]
ARABIC_LAST = ["احمدی", "رضايي", "کریمی", "حسینی", "خان", "الهاشمي", "نوری‌زاده"]
DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.co.uk", "example.com",
           "acme.co.uk", "firma.de", "company.ir", "bücher.de", "mail.pk", "biz.ae"]  # fmt: skip


def _templates(rng: random.Random) -> dict[str, list[phonenumbers.PhoneNumber]]:
    """Valid numbers per region: the library's examples with their last digits varied."""
    out: dict[str, list[phonenumbers.PhoneNumber]] = {}
    for region in REGIONS:
        found: list[phonenumbers.PhoneNumber] = []
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            example = phonenumbers.example_number_for_type(region, kind)
            assert example is not None
            digits = str(example.national_number)
            while len(found) < 40 * (kind + 1):
                tail = "".join(rng.choice("0123456789") for _ in range(4))
                candidate = phonenumbers.parse(f"+{example.country_code}{digits[:-4]}{tail}")
                if phonenumbers.is_valid_number(candidate):
                    found.append(candidate)
        out[region] = found
    return out


def _messy_phone(rng: random.Random, region: str, number: phonenumbers.PhoneNumber) -> str:
    style = rng.random()
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    intl = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if style < 0.25:
        text = national
    elif style < 0.40:
        text = national.replace(" ", "-").replace("(", "").replace(")", "")
    elif style < 0.55:
        text = intl
    elif style < 0.65:
        text = "00" + intl[1:].replace(" ", ".")
    elif style < 0.72:
        text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    elif style < 0.80 and region in ("GB", "DE"):
        cc, _, rest = intl.partition(" ")
        text = f"{cc} (0){rest}"
    elif style < 0.85 and region in ("US", "GB", "DE"):
        text = f"{national} {rng.choice(['x', 'ext. ', 'ext '])}{rng.randint(1, 9999)}"
    elif style < 0.95 and region in ("IR", "AE", "PK"):
        text = national.translate(PERSIAN if region == "IR" else ARABIC_INDIC)
    elif style < 0.97:
        text = national[: max(3, len(national) - 4)]  # a truncated, invalid number
    else:
        text = f"tel:{intl.replace(' ', '-')}"
    return f" {text} " if rng.random() < 0.1 else text


def _messy_email(rng: random.Random) -> str:
    first = rng.choice(["john", "mary", "ali", "sara", "priya", "hans", "reza", "fatima"])
    last = rng.choice(["doe", "khan", "ahmadi", "smith", "muller", "sharma"])
    local = rng.choice([f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}", first])
    local += str(rng.randint(1, 999)) if rng.random() < 0.5 else ""
    if rng.random() < 0.2:
        local += "+" + rng.choice(["news", "crm", "x"])
    text = f"{local}@{rng.choice(DOMAINS)}"
    style = rng.random()
    if style < 0.3:
        text = text.title() if style < 0.15 else text.upper()
    elif style < 0.4:
        text = f"  {text} "
    elif style < 0.45:
        text = f"mailto:{text}"
    elif style < 0.48:
        text = f"<{text}>"
    elif style < 0.50:
        text = text.replace("@", " @ ")  # invalid
    return text


def _messy_name(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return f"{rng.choice(ARABIC_FIRST)} {rng.choice(ARABIC_LAST)}"
    first, last = rng.choice(LATIN_FIRST), rng.choice(LATIN_LAST)
    style = rng.random()
    if style < 0.2:
        return f"{last}, {first}"
    if style < 0.3:
        return f"{first} {last}".upper()
    if style < 0.4:
        return f"{first} {last}".lower()
    if style < 0.5:
        return f"Dr. {first} {rng.choice('ABCDE')}. {last} Jr."
    return f"  {first}   {last} "


Row = tuple[str, str | None, str, str]


def generate(size: int, seed: int) -> list[Row]:
    """*size* contacts as (phone, region, e-mail, name)."""
    rng = random.Random(seed)
    templates = _templates(rng)
    contacts: list[Row] = []
    for _ in range(size):
        region = rng.choice(REGIONS)
        phone = _messy_phone(rng, region, rng.choice(templates[region]))
        contacts.append((phone, region, _messy_email(rng), _messy_name(rng)))
    return contacts


def _crmkit_phones(contacts: list[Row]) -> None:
    for phone, region, _, _ in contacts:
        try:  # noqa: SIM105 - cheaper than contextlib.suppress in a timed loop
            normalize_phone(phone, region)
        except ValidationError:
            pass


def _crmkit_emails(contacts: list[Row]) -> None:
    for _, _, email, _ in contacts:
        try:  # noqa: SIM105 - cheaper than contextlib.suppress in a timed loop
            normalize_email(email)
        except ValidationError:
            pass


def _crmkit_names(contacts: list[Row]) -> None:
    for *_, name in contacts:
        parse_name(name)


def _library_phones(contacts: list[Row]) -> None:
    parse, valid, fmt, e164 = (
        phonenumbers.parse,
        phonenumbers.is_valid_number,
        phonenumbers.format_number,
        phonenumbers.PhoneNumberFormat.E164,
    )
    for phone, region, _, _ in contacts:
        try:
            number = parse(phone, region)
            if valid(number):
                fmt(number, e164)
        except phonenumbers.NumberParseException:
            pass


def _library_emails(contacts: list[Row]) -> None:
    for _, _, email, _ in contacts:
        try:  # noqa: SIM105 - cheaper than contextlib.suppress in a timed loop
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            pass


RUNS: dict[str, Callable[[list[Row]], None]] = {
    "library phones": _library_phones,
    "library emails": _library_emails,
    "crmkit phones": _crmkit_phones,
    "crmkit emails": _crmkit_emails,
    "crmkit names": _crmkit_names,
}


def measure(contacts: list[Row], repeat: int) -> dict[str, float]:
    """Best time in seconds of each run over *contacts*, runs interleaved."""
    for run in RUNS.values():
        run(contacts[:2000])  # warm caches (regex compilation, metadata loading)
    best = dict.fromkeys(RUNS, float("inf"))
    # interleaved, so that a busy machine slows every run alike
    for _ in range(repeat):
        for label, run in RUNS.items():
            start = time.perf_counter()
            run(contacts)
            best[label] = min(best[label], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description="crmkit normalization vs the libraries alone")
    parser.add_argument("--quick", action="store_true", help="5,000 contacts instead of 200,000")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated contacts")
    parser.add_argument("--repeat", type=int, default=0, help="timed runs, the best is kept")
    args = parser.parse_args()
    size = 5_000 if args.quick else 200_000
    repeat = args.repeat or (5 if args.quick else 2)
    best = measure(generate(size, args.seed), repeat)

    def line(label: str, seconds: float) -> None:
        per = seconds / size * 1e6
        print(f"  {label:<34} {size / seconds:>10,.0f} contacts/s  {per:6.1f} us each")

    libraries = best["library phones"] + best["library emails"]
    ours = best["crmkit phones"] + best["crmkit emails"]
    print(f"contacts: {size:,} (seed {args.seed}, best of {repeat} runs)")
    line("phonenumbers parse+valid+E164", best["library phones"])
    line("email-validator validate_email", best["library emails"])
    line("libraries, phone + e-mail", libraries)
    line("crmkit normalize_phone", best["crmkit phones"])
    line("crmkit normalize_email", best["crmkit emails"])
    line("crmkit, phone + e-mail", ours)
    line("crmkit parse_name (not in ratio)", best["crmkit names"])
    line("crmkit, phone + e-mail + name", ours + best["crmkit names"])
    ratio = ours / libraries
    verdict = "met" if ratio <= GOAL else "MISSED"
    print(f"ratio crmkit / libraries, phone + e-mail only: {ratio:.3f} (goal <= {GOAL}: {verdict})")
    phone_ratio = best["crmkit phones"] / best["library phones"]
    email_ratio = best["crmkit emails"] / best["library emails"]
    print(f"  phones alone: {phone_ratio:.3f}, e-mails alone: {email_ratio:.3f}")


if __name__ == "__main__":
    main()
