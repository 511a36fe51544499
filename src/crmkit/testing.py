"""Hypothesis strategies for crmkit's values and records, for crmkit's tests and yours.

Needs hypothesis, which comes with the ``testing`` extra (``pip install 'crmkit[testing]'``);
importing this module without it raises :class:`crmkit.errors.MissingDependency`::

    from hypothesis import given
    from crmkit.testing import contacts

    @given(contacts())
    def test_my_sync(contact): ...
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ._optional import require
from .activities import Activity, Link, Moved, Priority, Recurrence
from .contacts import Affiliation, Company, Contact, EmailEntry, PhoneEntry
from .values import Address, Money
from .values._email import normalize_email
from .values._phone import normalize_phone

if TYPE_CHECKING:
    from hypothesis import strategies as st
else:
    # imported through require, so that a missing hypothesis names the extra to install
    st = require("hypothesis.strategies", extra="testing")

__all__ = [
    "ZONES",
    "activities",
    "addresses",
    "affiliations",
    "companies",
    "contacts",
    "emails",
    "money",
    "phones",
]

#: IANA zones east and west of UTC, with odd offsets and odd changes of offset: +14 and -11,
#: +5:45, a half-hour summer time (Lord Howe), summer times north and south, and zones that
#: dropped theirs (Sao Paulo, Tehran).
ZONES = (
    "UTC",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tehran",
    "Asia/Karachi",
    "Pacific/Chatham",
    "America/St_Johns",
)

_CURRENCIES = ("EUR", "USD", "GBP", "IRR", "PKR", "INR", "JPY")
# Prefixes under which every 4-digit ending is a valid mobile number (checked exhaustively)
_PHONE_PATTERNS = (
    ("+1201555", 4),
    ("+44740012", 4),
    ("+491512345", 4),
    ("+98912345", 4),
    ("+92301234", 4),
)
_WORDS = st.sampled_from(
    ["John", "Mary", "Ali", "Zahra", "Imran", "Ayesha", "Müller", "O'Neil", "علی", "رضایی",
     "زهرا", "عمران", "خان", "Smith", "Ng", "Dubois"]
)  # fmt: skip
_TIMES = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


def money(currencies: tuple[str, ...] = _CURRENCIES) -> st.SearchStrategy[Money]:
    """Money with two decimal places in one of *currencies*."""
    amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)
    return st.builds(Money, amounts, st.sampled_from(currencies))


def emails() -> st.SearchStrategy[EmailEntry]:
    """E-mail entries with plausible addresses, labels and no primary flag."""
    local = st.from_regex(r"[a-z][a-z0-9]{0,8}(\.[a-z0-9]{1,6})?(\+[a-z]{1,4})?", fullmatch=True)
    domain = st.sampled_from(["example.com", "gmail.com", "Example.org", "mail.co.uk"])
    address = st.builds(lambda a, d: normalize_email(f"{a}@{d}"), local, domain)
    return st.builds(EmailEntry, address=address, label=st.sampled_from(["work", "home"]))


def phones() -> st.SearchStrategy[PhoneEntry]:
    """Phone entries with valid numbers of several regions."""

    def build(pattern: tuple[str, int], digits: int) -> PhoneEntry:
        prefix, length = pattern
        return PhoneEntry(number=normalize_phone(f"{prefix}{digits % 10**length:0{length}d}"))

    return st.builds(build, st.sampled_from(_PHONE_PATTERNS), st.integers(0, 10**7))


def addresses() -> st.SearchStrategy[Address]:
    """Addresses with some parts filled in."""
    text = st.text(st.characters(codec="utf-8", categories=["L", "N"]), max_size=12)
    return st.builds(
        Address,
        lines=st.lists(text, max_size=2).map(tuple),
        city=text,
        country=st.sampled_from(["", "IR", "PK", "US", "DE"]),
    )


def _custom() -> st.SearchStrategy[dict[str, object]]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**6), 10**6),
        st.text(max_size=10),
        st.decimals(allow_nan=False, allow_infinity=False, places=3, max_value=10**6),
        st.dates(),
        money(),
    )
    values = st.one_of(scalars, st.lists(scalars, max_size=3).map(tuple))
    return st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,9}", fullmatch=True), values, max_size=3)


def contacts() -> st.SearchStrategy[Contact]:
    """Valid contacts: names in Latin and Arabic script, e-mails, phones and custom values."""
    return st.builds(
        Contact,
        first_name=_WORDS,
        last_name=st.one_of(st.just(""), _WORDS),
        emails=st.lists(emails(), max_size=2).map(tuple),
        phones=st.lists(phones(), max_size=2).map(tuple),
        addresses=st.lists(addresses(), max_size=1).map(tuple),
        job_title=st.sampled_from(["", "Buyer", "Director"]),
        birth_date=st.one_of(st.none(), st.dates(date(1920, 1, 1), date(2010, 1, 1))),
        tags=st.lists(st.sampled_from(["vip", "lead", "partner"]), max_size=3).map(tuple),
        owner_id=st.one_of(st.none(), st.sampled_from(["u1", "u2"])),
        lead_source=st.sampled_from([None, "website", "referral"]),
        custom=_custom(),
        created_at=_TIMES,
        updated_at=_TIMES,
        version=st.integers(1, 50),
    )


def companies() -> st.SearchStrategy[Company]:
    """Valid companies with domains, phones and custom values."""
    return st.builds(
        Company,
        name=st.builds(
            lambda a, b: f"{a} {b}", _WORDS, st.sampled_from(["Ltd", "GmbH", "", "Inc."])
        ),
        domain=st.sampled_from([None, "example.com", "acme.co.uk"]),
        industry=st.sampled_from([None, "retail", "logistics"]),
        phones=st.lists(phones(), max_size=2).map(tuple),
        emails=st.lists(emails(), max_size=1).map(tuple),
        custom=_custom(),
        created_at=_TIMES,
        updated_at=_TIMES,
    )


def affiliations() -> st.SearchStrategy[Affiliation]:
    """Affiliations between made-up contact and company ids."""
    ids = st.from_regex(r"[0-9A-Z]{26}", fullmatch=True)
    return st.builds(
        Affiliation,
        contact_id=ids,
        company_id=ids,
        role=st.sampled_from(["director", "buyer", "lawyer", "chief accountant"]),
        created_at=_TIMES,
        updated_at=_TIMES,
    )


_RULES = (
    "FREQ=DAILY;COUNT=5",
    "FREQ=WEEKLY;BYDAY=MO,WE",
    "FREQ=WEEKLY;INTERVAL=2;COUNT=10",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12",
    "FREQ=YEARLY",
)


@st.composite
def _activity(draw: st.DrawFn) -> Activity:
    zone = draw(st.sampled_from(ZONES))
    shape = draw(st.sampled_from(["due_at", "due_date", "timed", "all_day", "none"]))
    at = draw(_TIMES)
    day = at.date()
    times: dict[str, Any] = {}
    if shape == "due_at":
        times = {"due_at": at}
    elif shape == "due_date":
        times = {"due_date": day}
    elif shape == "timed":
        minutes = draw(st.integers(0, 600))
        times = {"start_at": at, "end_at": at + timedelta(minutes=minutes)}
    elif shape == "all_day":
        times = {"start_date": day, "end_date": day + timedelta(days=draw(st.integers(0, 3)))}
    recurrence = None
    if shape != "none" and draw(st.booleans()):
        timed = shape in {"due_at", "timed"}
        step = timedelta(days=draw(st.integers(1, 40)))
        first: datetime | date = at if timed else day
        recurrence = Recurrence(
            draw(st.sampled_from(_RULES)),
            exdates=draw(st.lists(st.just(first + step), max_size=1)),
            rdates=draw(st.lists(st.just(first + 2 * step), max_size=1)),
            moved=draw(st.lists(st.just(Moved(original=first, to=first + step / 2)), max_size=1))
            if timed
            else (),
        )
    done = draw(st.booleans())
    return Activity(
        kind=draw(st.sampled_from(["task", "call", "meeting", "email", "note", "demo"])),
        subject=draw(st.sampled_from(["", "Call Ann", "Quarterly review", "پیگیری قرارداد"])),
        body=draw(st.text(max_size=30)),
        owner_id=draw(st.sampled_from([None, "u1", "u2"])),
        links=draw(
            st.lists(
                st.builds(
                    Link,
                    kind=st.sampled_from(["contact", "company", "deal", "ticket"]),
                    id=st.from_regex(r"[0-9A-Z]{4,26}", fullmatch=True),
                ),
                max_size=3,
            )
        ),
        zone=zone
        if shape in {"due_date", "all_day"} or recurrence or draw(st.booleans())
        else None,
        done_at=draw(_TIMES) if done else None,
        outcome=draw(st.sampled_from([None, "reached", "left a voicemail"])) if done else None,
        priority=draw(st.sampled_from(list(Priority))),
        custom=draw(_custom()),
        reminders=draw(st.lists(st.integers(0, 10_080), max_size=3)),
        recurrence=recurrence,
        created_at=draw(_TIMES),
        updated_at=draw(_TIMES),
        version=draw(st.integers(1, 50)),
        **times,
    )


def activities() -> st.SearchStrategy[Activity]:
    """Valid activities of every shape, some recurring, some done.

    Due at an instant or on a date, timed and all-day meetings, ones with no time at all; in
    zones all round the world (:data:`ZONES`).
    """
    return _activity()
