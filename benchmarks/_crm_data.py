"""Generated CRM contacts whose phones include invalid numbers and whose e-mails collide.

Built on :mod:`_dedupe_data` (its people, names, slips and shared channels), with what that
generator leaves out and real client bases carry:

- **invalid phones**: a person's own number may be one the numbering plan does not know (a
  test number, a new range: 6% of people), and any copy may write the number without its
  country code and trunk prefix, so that it reads in no region (12% of copies). Both are
  kept as typed (:class:`~crmkit.values.RawPhone`), never as E.164.
- **e-mail collisions**: 10% of people with an e-mail use initial + surname at a big
  provider (``jsmith@gmail.com``), with no number to tell them apart, so people of one
  surname and initial share an address.
- **a postal address**: a street line (number and street, written ``Street`` or ``St``,
  now and then with a typo), a postcode and the region; copies leave it out (12%), leave
  out the postcode (10%), or carry the address the person moved to (4%). A household
  shares it.

``truth[k]`` is the person of record ``k``; records of one person are duplicates. The
draws of this module come from their own random stream, so the base records are those of
:mod:`_dedupe_data` with the same seed, plus these.
"""

from __future__ import annotations

import random
import string
from typing import Any

from _dedupe_data import MAIL, Generator, Person, _typo
from crmkit.contacts import Contact
from crmkit.values import Address, PhoneNumber, RawPhone

STREETS = [
    "High", "Station", "Main", "Park", "Church", "Victoria", "Green", "Manor", "Kings",
    "Queens", "Mill", "Oak", "Elm", "Maple", "Cedar", "Hill", "Lake", "River", "Bridge",
    "Market", "School", "North", "South", "West", "East", "Forest", "Spring", "Garden",
    "Water", "Chapel", "Windsor", "York", "Albert", "George", "Grove", "Meadow", "Orchard",
    "Ferry", "Castle", "Abbey",
]  # fmt: skip
KINDS = [("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Lane", "Ln"), ("Drive", "Dr")]
REGION_OF = {"en": "NY", "de": "BE", "fa": "TE", "ar": "TE"}


class CrmGenerator(Generator):
    """The :class:`Generator` people, with invalid phones, colliding e-mails and addresses."""

    def __init__(self, seed: int, *, shared: bool = True) -> None:
        super().__init__(seed, shared=shared)
        self.more = random.Random(seed * 104729 + 7)
        self.postcodes: dict[str, list[str]] = {}

    def _postcode(self, city: str) -> str:
        codes = self.postcodes.get(city)
        if codes is None:
            codes = [f"{self.more.randint(10000, 99999)}" for _ in range(40)]
            self.postcodes[city] = codes
        return self.more.choice(codes)

    def _address(self, culture: str, city: Address | None) -> dict[str, str]:
        more = self.more
        name, kind = more.choice(STREETS), more.choice(KINDS)
        return {
            "number": str(more.randint(1, 400)),
            "street": name,
            "kind": kind[0],
            "city": city.city if city is not None else "",
            "postcode": self._postcode(city.city) if city is not None else "",
            "region": REGION_OF[culture],
        }

    def person(self) -> Person:
        """A person of the base generator, with a home, and now and then an odd phone."""
        p = super().person()
        more = self.more
        p.extra["home"] = self._address(p.culture, p.city)
        p.extra["raw"] = None
        if p.phone is not None and more.random() < 0.06:
            # a number no region knows (a test number, a range newer than the plan data)
            digits = "555" + "".join(more.choice(string.digits) for _ in range(7))
            p.extra["raw"] = RawPhone(text=f"{digits[:3]} {digits[3:6]} {digits[6:]}")
            p.phone = None
        if p.email is not None and p.first.isascii() and more.random() < 0.1:
            p.email = f"{p.first[0]}{p.last}@{more.choice(MAIL[:3])}"
        return p

    def relative(self, p: Person) -> Person | None:
        """A family member of *p*, at the same home."""
        family = super().relative(p)
        if family is not None:
            family.extra = p.extra
        return family

    def copy(self, p: Person, original: bool) -> dict[str, Any]:
        """One record of *p*: the base slips, and those of phones and addresses."""
        values = super().copy(p, original)
        more = self.more
        own: RawPhone | None = p.extra["raw"]
        home: dict[str, str] | None = dict(p.extra["home"])
        raw = own
        phone: PhoneNumber | None = values["phone"]
        if not original:
            r = more.random()
            if r < 0.12:
                home = None
            elif r < 0.16:
                home = self._address(p.culture, p.city)  # moved house
            if home is not None:
                if more.random() < 0.3:
                    home["kind"] = next(short for full, short in KINDS if full == home["kind"])
                if more.random() < 0.05:
                    home["street"] = _typo(more, home["street"].lower()).title()
                if more.random() < 0.1:
                    home["postcode"] = ""
            if phone is not None and phone == p.phone and more.random() < 0.12:
                # written as dialled at home, no country code: it reads in no region
                national = phone.e164[1 + len(_code(phone)) :]
                raw, phone = RawPhone(text=f"0{national[:3]} {national[3:6]} {national[6:]}"), None
            if raw is not None and raw is own and more.random() < 0.25:
                raw = None
        elif raw is not None and more.random() < 0.5:
            raw = RawPhone(text=raw.text.replace(" ", "-"))
        values["phone"] = phone
        values["raw"] = raw
        values["home"] = home
        return values

    def _contact(self, v: dict[str, Any], number: int, fast: bool) -> Contact:
        contact = super()._contact(v, number, fast)
        home = v["home"]
        changes: dict[str, Any] = {}
        if home is not None:
            line = f"{home['number']} {home['street']} {home['kind']}"
            city = v["city"].city if v["city"] is not None else ""
            changes["addresses"] = (
                Address(
                    lines=(line,), city=city, postal_code=home["postcode"], region=home["region"]
                ),
            )
        if v["raw"] is not None:
            changes["invalid_phones"] = (v["raw"],)
            if not contact.phones:
                changes["phones"] = ()
        for name, value in changes.items():
            object.__setattr__(contact, name, value)
        return contact


def _code(phone: PhoneNumber) -> str:
    for size in (1, 2, 3):
        if phone.e164[1 : 1 + size] in ("1", "49", "98"):
            return phone.e164[1 : 1 + size]
    return phone.e164[1:2]


def generate(size: int, seed: int, *, shared: bool = True) -> tuple[list[Contact], list[int]]:
    """Return *size* contacts with duplicates, and each one's person number (the truth)."""
    return CrmGenerator(seed, shared=shared).records(size)
