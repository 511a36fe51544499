"""The default match rules for contacts and companies."""

from __future__ import annotations

from typing import Any

from ._keys import BlockingKey, Thresholds
from ._match_field import Comparator, MatchField

__all__ = ["company_defaults", "contact_defaults"]

#: The share of records that must have each field of an address or birth-date key.
_ADDRESSES = 0.1


def contact_defaults() -> dict[str, Any]:
    """Return the default contact rules, as ``MatchRules`` arguments.

    The points were set on one generated data set and checked on another (see
    ``benchmarks/dedupe.py``); the thresholds were fixed before either.
    """
    return dict(  # noqa: C408 - keyword arguments read as the MatchRules call they feed
        kind="contact",
        prior=-11.0,
        fields=(
            MatchField(
                field="email", comparator=Comparator.EMAIL, agree=14.0, disagree=-3.0,
                label="e-mail address", frequency=True,
            ),
            MatchField(
                field="phone", comparator=Comparator.PHONE, agree=12.0, disagree=-3.0,
                label="phone number",
            ),
            MatchField(
                field="first_name", comparator=Comparator.FIRST_NAME, agree=4.0,
                disagree=-5.0, floor=0.75, label="first name", frequency=True,
            ),
            MatchField(
                field="last_name", comparator=Comparator.NAME, agree=7.0, disagree=-6.0,
                floor=0.75, label="last name", frequency=True,
            ),
            MatchField(
                field="company", comparator=Comparator.EXACT, agree=4.0, disagree=-1.0,
                label="company", frequency=True,
            ),
            MatchField(
                field="street", comparator=Comparator.LEVENSHTEIN, agree=6.0, disagree=-1.5,
                floor=0.7, label="street",
            ),
            MatchField(
                field="postal_code", comparator=Comparator.EXACT, agree=3.0, disagree=-1.0,
                label="postcode",
            ),
            MatchField(
                field="city", comparator=Comparator.NAME, agree=2.0, disagree=-1.5,
                floor=0.8, label="city",
            ),
            MatchField(
                field="region", comparator=Comparator.EXACT, agree=0.5, disagree=-0.5,
                label="state or region",
            ),
            MatchField(
                field="birth_date", comparator=Comparator.DATE, agree=10.0, disagree=-8.0,
                label="date of birth",
            ),
        ),
        blocking=(
            BlockingKey(name="email", fields=("email",)),
            # the last digits: a number kept as typed meets the same number written with
            # (or without) its country code
            BlockingKey(name="phone", fields=("phone",), transforms=("last_digits",)),
            BlockingKey(
                name="name+company", fields=("name", "company"),
                transforms=("sorted_words", "exact"),
            ),
            # a typo in one name, with the birth date (day and month in either order) to
            # confirm it
            BlockingKey(
                name="last_name+birth_date", fields=("last_name", "birth_date"),
                transforms=("phonetic", "day_month"), max_block=15,
            ),
            BlockingKey(
                name="first_name+birth_date", fields=("first_name", "birth_date"),
                transforms=("exact", "day_month"), max_block=15,
            ),
            BlockingKey(
                name="name+birth_date", fields=("name", "birth_date"),
                transforms=("sorted_words", "exact"),
            ),
            # The loose keys below stop at 15 records a block: a bigger block is a common
            # name in one company or place, which name agreement alone cannot make a match.
            BlockingKey(
                name="last_name+company", fields=("last_name", "company"),
                transforms=("phonetic", "exact"), max_block=15,
            ),
            BlockingKey(
                name="first_name+company", fields=("first_name", "company"), max_block=15,
            ),
            BlockingKey(
                # name + city, loosely: also catches a typo in either name
                name="first_name+last_name+city", fields=("first_name", "last_name", "city"),
                transforms=("first_letter", "phonetic", "exact"), max_block=15,
            ),
            # The address and the birth date find what an e-mail or a phone would. Each
            # key runs only on a list whose records mostly have its fields (a pass over a
            # million records for a field one in twenty has finds next to nothing); the
            # postcode keys also stand in for e-mail and phone: on a contact list that
            # mostly has those, they proposed a tenth more pairs for no duplicate found
            # (crm benchmark data, 200,000, seed 2: 32,000 pairs, F1 +0.0002).
            BlockingKey(
                name="first_name+last_name+postal_code",
                fields=("first_name", "last_name", "postal_code"),
                transforms=("first_letter", "phonetic", "exact"), max_block=15,
                min_coverage=_ADDRESSES, instead_of=("email", "phone"),
            ),
            BlockingKey(
                # both names mistyped, or the other way round: the home and the birth date
                name="street+postal_code", fields=("street", "postal_code"), max_block=15,
                min_coverage=_ADDRESSES,
            ),
            BlockingKey(
                # a home without its postcode
                name="last_name+street", fields=("last_name", "street"),
                transforms=("phonetic", "exact"), max_block=15, min_coverage=_ADDRESSES,
            ),
            BlockingKey(
                name="first_name+birth_date+postal_code",
                fields=("first_name", "birth_date", "postal_code"),
                transforms=("first_letter", "day_month", "exact"), max_block=15,
                min_coverage=_ADDRESSES, instead_of=("email", "phone"),
            ),
        ),
        thresholds=Thresholds(match=0.9, possible=0.5),
    )  # fmt: skip


def company_defaults() -> dict[str, Any]:
    """Return the default company rules, as ``MatchRules`` arguments."""
    return dict(  # noqa: C408 - keyword arguments read as the MatchRules call they feed
        kind="company",
        prior=-7.0,
        fields=(
            MatchField(
                field="domain", comparator=Comparator.EXACT, agree=11.0, disagree=-4.0,
                label="web domain",
            ),
            MatchField(
                field="company_key", comparator=Comparator.NAME, agree=8.0, disagree=-6.0,
                floor=0.8, label="company name",
            ),
            MatchField(
                field="phone", comparator=Comparator.PHONE, agree=9.0, disagree=-1.0,
                label="phone number",
            ),
            MatchField(
                field="city", comparator=Comparator.EXACT, agree=1.0, disagree=-1.0,
                label="city",
            ),
        ),
        blocking=(
            BlockingKey(name="domain", fields=("domain",)),
            BlockingKey(name="company_key", fields=("company_key",)),
            BlockingKey(name="phone", fields=("phone",)),
        ),
        thresholds=Thresholds(match=0.9, possible=0.5),
    )  # fmt: skip
