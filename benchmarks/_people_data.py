"""Generated person lists without e-mail, phone or company, with the truth.

A membership list, a patient index, a government register: each record has a given name,
a surname, a date of birth, a street address, a suburb, a postcode and a state, and
nothing else. Copies of one person carry the slips such lists are known for: typos in
names, nicknames, given name and surname the other way round, day and month of the birth
date swapped, a digit of the year mistyped, street types written short (``St`` for
``Street``), typos in the street and suburb, and missing values. Households share an
address and a surname, and people of common names share them with strangers.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

from _dedupe_data import EN_FIRST, NICK, SYLLABLES, _fast_contact, _syllable_names, _typo, _zipf
from crmkit.contacts import Contact
from crmkit.values import Address

COMMON_LAST = [
    "smith", "jones", "williams", "brown", "wilson", "taylor", "johnson", "white", "martin",
    "anderson", "thompson", "nguyen", "thomas", "walker", "harris", "lee", "ryan", "robinson",
    "kelly", "king", "davis", "wright", "evans", "roberts", "green", "hall", "wood", "jackson",
    "clarke", "patel", "khan", "lewis", "james", "phillips", "mitchell", "young", "turner",
]  # fmt: skip
STATES = ["NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT", "NT"]
STREET_TYPES = [("Street", "St"), ("Road", "Rd"), ("Avenue", "Ave"), ("Crescent", "Cres"),
                ("Place", "Pl"), ("Drive", "Dr"), ("Parade", "Pde")]  # fmt: skip
NOW = datetime(2026, 1, 1, tzinfo=UTC)


class PeopleGenerator:
    """Person records with duplicates; ``records()`` returns them and the truth."""

    def __init__(self, seed: int) -> None:
        rng = self.rng = random.Random(seed)
        self.first = _zipf(EN_FIRST, 0.9)
        self.last = _zipf(COMMON_LAST + _syllable_names(rng, 3000), 0.8)
        self.streets = [n.title() for n in _syllable_names(rng, 600)] + [
            s.title() for s in SYLLABLES
        ]
        self.places = []
        for k, name in enumerate(_syllable_names(rng, 300)):
            self.places.append((name.title(), f"{2000 + k * 7 % 7000:04d}", STATES[k % 8]))

    def _person(self) -> dict[str, Any]:
        rng = self.rng
        suburb, postcode, state = rng.choice(self.places)
        kind = rng.choice(STREET_TYPES)
        return {
            "first": rng.choices(self.first[0], cum_weights=self.first[1])[0],
            "last": rng.choices(self.last[0], cum_weights=self.last[1])[0],
            "dob": date(rng.randint(1935, 2010), rng.randint(1, 12), rng.randint(1, 28)),
            "street": f"{rng.randint(1, 250)} {rng.choice(self.streets)}",
            "kind": kind,
            "suburb": suburb,
            "postcode": postcode,
            "state": state,
        }

    def _relative(self, p: dict[str, Any]) -> dict[str, Any]:
        """Someone of the household: the same surname and address, a name and birth of their own."""
        other = self._person()
        while other["first"] == p["first"]:
            other = self._person()
        return {**p, "first": other["first"], "dob": other["dob"]}

    def _copy(self, p: dict[str, Any], original: bool) -> dict[str, Any]:
        rng = self.rng
        v = dict(p)
        v["kind"] = p["kind"][0]
        if original:
            return v
        r = rng.random()
        if r < 0.1 and v["first"] in NICK:
            v["first"] = rng.choice(NICK[v["first"]])
        elif r < 0.25:
            v["first"] = _typo(rng, v["first"])
        if rng.random() < 0.15:
            v["last"] = _typo(rng, v["last"])
        if rng.random() < 0.03:
            v["first"], v["last"] = v["last"], v["first"]
        dob: date = v["dob"]
        r = rng.random()
        if r < 0.04:
            v["dob"] = None
        elif r < 0.12 and dob.day <= 12 and dob.day != dob.month:
            v["dob"] = date(dob.year, dob.day, dob.month)
        elif r < 0.15:
            v["dob"] = date(dob.year + rng.choice((-1, 1, -10, 10)), dob.month, dob.day)
        elif r < 0.17:
            v["dob"] = date(dob.year, dob.month, max(1, min(28, dob.day + rng.choice((-1, 1)))))
        if rng.random() < 0.4:
            v["kind"] = p["kind"][1]
        if rng.random() < 0.06:
            number, _, name = v["street"].partition(" ")
            v["street"] = f"{number} {_typo(rng, name.lower()).title()}"
        if rng.random() < 0.05:
            v["suburb"] = _typo(rng, v["suburb"].lower()).title()
        for name, share in (("street", 0.08), ("suburb", 0.06), ("postcode", 0.1),
                            ("state", 0.15), ("first", 0.02)):  # fmt: skip
            if rng.random() < share:
                v[name] = None
        if rng.random() < 0.04:  # moved house: a new address altogether
            fresh = self._person()
            for name in ("street", "kind", "suburb", "postcode", "state"):
                v[name] = fresh[name] if name != "kind" else fresh["kind"][0]
        return v

    def _contact(self, v: dict[str, Any], number: int) -> Contact:
        street = f"{v['street']} {v['kind']}" if v["street"] else ""
        address = Address(
            lines=(street,) if street else (),
            city=v["suburb"] or "",
            postal_code=v["postcode"] or "",
            region=v["state"] or "",
            country="AU",
        )
        return _fast_contact(
            id=f"P{number:07d}",
            first_name=(v["first"] or "").title(),
            last_name=(v["last"] or "x").title(),
            birth_date=v["dob"],
            addresses=(address,),
            created_at=NOW,
            updated_at=NOW,
        )

    def records(self, size: int) -> tuple[list[Contact], list[int]]:
        """*size* person records and, for each, the number of the person it stands for."""
        rng = self.rng
        out: list[Contact] = []
        truth: list[int] = []
        person = 0
        while len(out) < size:
            p = self._person()
            people = [p, self._relative(p)] if rng.random() < 0.06 else [p]
            for someone in people:
                copies = rng.choices([1, 2, 3, 4], [0.55, 0.3, 0.1, 0.05])[0]
                for k in range(min(copies, size - len(out))):
                    out.append(self._contact(self._copy(someone, k == 0), len(out)))
                    truth.append(person)
                person += 1
        order = list(range(size))
        rng.shuffle(order)
        return [out[i] for i in order], [truth[i] for i in order]


def generate(size: int, seed: int) -> tuple[list[Contact], list[int]]:
    """Return *size* person records with duplicates, and each one's person number."""
    return PeopleGenerator(seed).records(size)
