"""The default match rules for contacts and companies."""

from __future__ import annotations

from typing import Any

from ._keys import BlockingKey, Thresholds
from ._match_field import Comparator, MatchField

__all__ = ["company_defaults", "contact_defaults"]


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
                label="e-mail address",
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
                field="city", comparator=Comparator.EXACT, agree=2.0, disagree=-2.5,
                label="city",
            ),
            MatchField(
                field="birth_date", comparator=Comparator.DATE, agree=7.0, disagree=-8.0,
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
            # a typo in one name, with the birth date to confirm it (measured on generated
            # data: 1% more candidate pairs, recall 0.884 -> 0.889 at the same precision; the
            # first initial in place of the first name found a few more but grew with the square
            # of the data, to a fifth of all pairs at 1,000,000)
            BlockingKey(
                name="last_name+birth_date", fields=("last_name", "birth_date"),
                transforms=("phonetic", "exact"), max_block=15,
            ),
            BlockingKey(
                name="first_name+birth_date", fields=("first_name", "birth_date"),
                max_block=15,
            ),
            BlockingKey(
                name="name+birth_date", fields=("name", "birth_date"),
                transforms=("sorted_words", "exact"),
            ),
            # The loose keys below stop at 15 records a block: a bigger block is a common
            # name in one company or city, which name agreement alone cannot make a match
            # (measured on generated data: 30 -> 15 halved these keys' pairs, lost 0.1% recall).
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
