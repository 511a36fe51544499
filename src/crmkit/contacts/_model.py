"""Contact, Company and Affiliation records: immutable, validated, normalized on construction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar, cast

import attrs
from attrs import field, frozen

from crmkit._ids import new_id
from crmkit._record import aware, check_version, custom_values, optional_text, text, utcnow
from crmkit.errors import ErrorCode, InvalidName, InvalidPhone, ValidationError
from crmkit.values import (
    Address,
    EmailAddress,
    PhoneNumber,
    RawPhone,
    normalize_domain,
    normalize_email,
    normalize_phone,
)

from ._company_key import company_match_key
from ._names import PersonName, name_match_key, parse_name

__all__ = [
    "Affiliation",
    "Company",
    "Contact",
    "EmailEntry",
    "PhoneEntry",
    "amend",
]


def _email(value: object) -> EmailAddress:
    if isinstance(value, EmailAddress):
        return value
    if isinstance(value, str):
        return normalize_email(value)
    raise ValidationError(value, "expected an e-mail address", field="email")


def _phone(value: object) -> PhoneNumber:
    if isinstance(value, PhoneNumber):
        return value
    if isinstance(value, str):
        return normalize_phone(value)
    raise ValidationError(value, "expected a phone number", field="phone")


@frozen(kw_only=True)
class EmailEntry:
    """One of a record's e-mail addresses, with its label and whether it is the primary one."""

    address: EmailAddress = field(converter=_email)
    label: str = "work"
    primary: bool = False


@frozen(kw_only=True)
class PhoneEntry:
    """One of a record's phone numbers, with its label and whether it is the primary one."""

    number: PhoneNumber = field(converter=_phone)
    label: str = "work"
    primary: bool = False


_Entry = TypeVar("_Entry", EmailEntry, PhoneEntry)


def _entries(
    kind: type[_Entry], key: str, name: str, values: Iterable[object]
) -> tuple[_Entry, ...]:
    if isinstance(values, str | bytes):
        values = [values]
    out: list[_Entry] = []
    for value in values:
        if isinstance(value, kind):
            out.append(value)
        elif isinstance(value, Mapping):
            out.append(kind(**cast("Mapping[str, Any]", value)))
        else:
            bare: dict[str, Any] = {key: value}
            out.append(kind(**bare))
    primaries = sum(e.primary for e in out)
    if primaries > 1:
        raise ValidationError(
            [str(getattr(e, key)) for e in out if e.primary],
            "only one entry can be primary",
            field=name,
        )
    if out and not primaries:
        out[0] = attrs.evolve(out[0], primary=True)
    return tuple(out)


def _emails(values: Iterable[object]) -> tuple[EmailEntry, ...]:
    return _entries(EmailEntry, "address", "emails", values)


def _phones(values: Iterable[object]) -> tuple[PhoneEntry, ...]:
    return _entries(PhoneEntry, "number", "phones", values)


def _raw_phones(values: Iterable[object]) -> tuple[RawPhone, ...]:
    if isinstance(values, str | bytes):
        values = [values]
    given: object = values  # callers are not type-checked: check what really came
    if not isinstance(given, Iterable):
        raise ValidationError(
            given, "expected a list of phone numbers as typed", field="invalid_phones"
        )
    out: list[RawPhone] = []
    for value in values:
        if isinstance(value, RawPhone):
            out.append(value)
        elif isinstance(value, Mapping):
            unknown = sorted(set(value) - {"text", "reason", "label"})
            if unknown or "text" not in value:
                reason = f"unknown key(s) {unknown}" if unknown else "no 'text'"
                raise ValidationError(value, reason, field="invalid_phones")
            out.append(RawPhone(**cast("Mapping[str, Any]", value)))
        else:
            out.append(RawPhone(text=cast("str", value)))
    # one number typed twice is kept once, the first time
    seen: dict[str, RawPhone] = {}
    for phone in out:
        seen.setdefault(phone.digits, phone)
    return tuple(seen.values())


def _addresses(values: Iterable[Address | Mapping[str, Any]]) -> tuple[Address, ...]:
    return tuple(v if isinstance(v, Address) else Address(**v) for v in values)


def _tags(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    seen: dict[str, None] = {}
    for tag in values:
        cleaned = text(tag)
        if cleaned:
            seen.setdefault(cleaned, None)
    return tuple(seen)


@frozen(kw_only=True, eq=True)
class Contact:
    """A person in the client base.

    Construction normalizes: names are NFKC with collapsed whitespace, e-mails and phones are
    parsed (strings are accepted and normalized; national phone numbers need
    :meth:`Contact.create` with a region), tags are de-duplicated, timestamps are UTC.
    One e-mail and one phone are primary: the first, unless another is marked.

    *invalid_phones* keeps phone numbers as typed that are not valid numbers
    (:class:`~crmkit.values.RawPhone`: a typo, a test number, a number without its region):
    never shown as E.164, but their digits are a match key, so finding duplicates still
    compares them. A contact is not identified by them alone.

    Raises:
        InvalidName: if the contact has neither a name, an e-mail nor a phone.
        InvalidEmail: for an e-mail that is not an address.
        InvalidPhone: for a phone that is not a number.
        ValidationError: for any other bad value (naive timestamps, a bad version, ...).
    """

    id: str = field(factory=new_id)
    prefix: str = field(default="", converter=text)
    first_name: str = field(default="", converter=text)
    middle_name: str = field(default="", converter=text)
    last_name: str = field(default="", converter=text)
    suffix: str = field(default="", converter=text)
    emails: tuple[EmailEntry, ...] = field(default=(), converter=_emails)
    phones: tuple[PhoneEntry, ...] = field(default=(), converter=_phones)
    invalid_phones: tuple[RawPhone, ...] = field(default=(), converter=_raw_phones)
    addresses: tuple[Address, ...] = field(default=(), converter=_addresses)
    job_title: str = field(default="", converter=text)
    birth_date: date | None = None
    tags: tuple[str, ...] = field(default=(), converter=_tags)
    owner_id: str | None = None
    lead_source: str | None = field(default=None, converter=optional_text)
    lifecycle_stage: str | None = field(default=None, converter=optional_text)
    custom: dict[str, object] = field(factory=dict, converter=custom_values, hash=False)
    created_at: datetime = field(factory=utcnow, converter=aware)
    updated_at: datetime = field(factory=utcnow, converter=aware)
    version: int = field(default=1, validator=check_version)

    def __attrs_post_init__(self) -> None:
        if not (self.first_name or self.last_name or self.emails or self.phones):
            raise InvalidName(
                "",
                "a contact needs a name, an e-mail or a phone",
                field="contact",
                code=ErrorCode.NO_IDENTITY,
            )

    @classmethod
    def create(
        cls,
        *,
        name: str | None = None,
        email: str | Iterable[str] = (),
        phone: str | Iterable[str] = (),
        region: str | None = None,
        keep_invalid: bool = False,
        **fields: Any,
    ) -> Contact:
        """Build a contact from the raw text a person typed.

        Args:
            name: a full name in any common form (``"Doe, John"``, ``"Dr. John A. Doe Jr."``);
                it is split with :func:`parse_name` into the name parts.
            email: one address or several; the first is primary.
            phone: one number or several, read with *region* as the default region.
            region: ISO 3166 region for phone numbers written without a country code.
            keep_invalid: keep a phone that is not a valid number as typed, in
                :attr:`invalid_phones` with the reason, instead of raising.
            **fields: any other :class:`Contact` field.

        Raises:
            InvalidName, InvalidEmail, InvalidPhone: for the first bad value (with
                *keep_invalid*, a phone raises only when it holds fewer than three digits).
            ValidationError: for *keep_invalid* that is not True or False.
        """
        if not isinstance(keep_invalid, bool):
            raise ValidationError(keep_invalid, "expected True or False", field="keep_invalid")
        known = {a.name for a in attrs.fields(cls)}
        unknown = sorted(set(fields) - known)
        if unknown:
            raise ValidationError(unknown, "Contact has no such field(s)", field=unknown[0])
        if name is not None:
            parsed = parse_name(name)
            fields.setdefault("prefix", parsed.prefix)
            fields.setdefault("first_name", parsed.first)
            fields.setdefault("middle_name", parsed.middle)
            fields.setdefault("last_name", parsed.last)
            fields.setdefault("suffix", parsed.suffix)
        emails = [email] if isinstance(email, str) else list(email)
        phones = [phone] if isinstance(phone, str) else list(phone)
        fields["emails"] = [normalize_email(e) for e in emails]
        if keep_invalid:
            valid: list[PhoneNumber] = []
            kept: list[RawPhone] = list(fields.pop("invalid_phones", ()))
            for p in phones:
                try:
                    valid.append(normalize_phone(p, region))
                except InvalidPhone as exc:
                    kept.append(RawPhone(text=p, reason=exc.reason))
            fields["phones"] = valid
            fields["invalid_phones"] = kept
        else:
            fields["phones"] = [normalize_phone(p, region) for p in phones]
        return cls(**fields)

    @property
    def full_name(self) -> str:
        """The name as one line: prefix, first, middle, last and suffix."""
        parts = (self.prefix, self.first_name, self.middle_name, self.last_name, self.suffix)
        return " ".join(p for p in parts if p)

    @property
    def name(self) -> PersonName:
        """The name parts with their match key."""
        return PersonName(
            original=self.full_name,
            prefix=self.prefix,
            first=self.first_name,
            middle=self.middle_name,
            last=self.last_name,
            suffix=self.suffix,
            match_key=name_match_key(f"{self.first_name} {self.last_name}")
            if (self.first_name or self.last_name)
            else "",
        )

    @property
    def primary_email(self) -> EmailAddress | None:
        """The primary e-mail address, or None when the contact has none."""
        return next((e.address for e in self.emails if e.primary), None)

    @property
    def primary_phone(self) -> PhoneNumber | None:
        """The primary phone number, or None when the contact has none."""
        return next((p.number for p in self.phones if p.primary), None)


def _company_name(value: object) -> str:
    cleaned = text(value)
    if not cleaned:
        raise InvalidName(value, "a company needs a name", field="name")
    return cleaned


def _domain(value: object) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValidationError(value, "expected a domain or URL", field="domain")
    return normalize_domain(value)


@frozen(kw_only=True)
class Company:
    """An organization in the client base.

    Raises:
        InvalidName: if the name is blank.
        ValidationError: for a domain that is not a domain, or any other bad value.
    """

    id: str = field(factory=new_id)
    name: str = field(converter=_company_name)
    legal_name: str = field(default="", converter=text)
    domain: str | None = field(default=None, converter=_domain)
    industry: str | None = field(default=None, converter=optional_text)
    emails: tuple[EmailEntry, ...] = field(default=(), converter=_emails)
    phones: tuple[PhoneEntry, ...] = field(default=(), converter=_phones)
    addresses: tuple[Address, ...] = field(default=(), converter=_addresses)
    parent_id: str | None = None
    tags: tuple[str, ...] = field(default=(), converter=_tags)
    owner_id: str | None = None
    custom: dict[str, object] = field(factory=dict, converter=custom_values, hash=False)
    created_at: datetime = field(factory=utcnow, converter=aware)
    updated_at: datetime = field(factory=utcnow, converter=aware)
    version: int = field(default=1, validator=check_version)

    @property
    def match_key(self) -> str:
        """The name without legal forms, case and punctuation (see :func:`company_match_key`)."""
        return company_match_key(self.name)


def _role(value: object) -> str:
    cleaned = text(value)
    return cleaned or "member"


@frozen(kw_only=True)
class Affiliation:
    """A contact's link to a company, with the role the person has there.

    One company card gathers all its people through affiliations; a contact may belong to
    several companies.

    Raises:
        ValidationError: if either id is blank.
    """

    id: str = field(factory=new_id)
    contact_id: str
    company_id: str
    role: str = field(default="member", converter=_role)
    primary: bool = False
    created_at: datetime = field(factory=utcnow, converter=aware)
    updated_at: datetime = field(factory=utcnow, converter=aware)
    version: int = field(default=1, validator=check_version)

    def __attrs_post_init__(self) -> None:
        for name in ("contact_id", "company_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValidationError(value, "expected a record id", field=name)


_Record = TypeVar("_Record", bound=attrs.AttrsInstance)


def amend(record: _Record, *, now: datetime | None = None, **changes: Any) -> _Record:
    """Return a copy of *record* with *changes* applied and ``updated_at`` moved to *now*.

    Works for every crmkit record (contacts, companies, affiliations, deals, ...). The version
    is left alone: a store raises it when it saves the change.

    Raises:
        ValidationError: if a change is invalid, names a field the record does not have, or
            *record* is not a crmkit record with an ``updated_at`` timestamp.
    """
    if not attrs.has(type(record)) or not hasattr(record, "updated_at"):
        raise ValidationError(record, "amend takes a crmkit record", field="record")
    known = {a.name for a in attrs.fields(type(record))}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ValidationError(
            unknown, f"{type(record).__name__} has no such field(s)", field=unknown[0]
        )
    for fixed in ("id", "created_at", "version"):
        if fixed in changes:
            raise ValidationError(changes[fixed], "cannot be changed by amend", field=fixed)
    changes["updated_at"] = now if now is not None else utcnow()
    # attrs' mypy plugin cannot follow evolve() through a TypeVar bound to AttrsInstance
    evolve: Callable[..., _Record] = attrs.evolve
    return evolve(record, **changes)
