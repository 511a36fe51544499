"""From a normalized row to a :class:`Contact`, without validating anything twice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final

from crmkit.contacts import Contact, EmailEntry, PhoneEntry, amend
from crmkit.errors import ErrorCode, InvalidPhone, ValidationError
from crmkit.values import Address, EmailAddress, PhoneNumber, RawPhone

from ._mapping import CUSTOM_PREFIX
from ._problems import PROBLEMS, Problem
from ._rows import RowResult
from ._schema_fields import Coerce

__all__ = ["row_to_contact", "typed_custom", "with_contact"]

_CUSTOM_FIELDS: Final = ("company", "website", "notes", "owner", PROBLEMS)
# fields whose cells kept as typed reach the contact as read (the rest go to "problems")
_READ_ANYWAY: Final = frozenset({"email", "mobile", "phone", "home_phone", "name"})
# problems of a value that was read all the same, only worth a look
_READ_BUT_DOUBTFUL: Final = frozenset({ErrorCode.DATE_ORDER_CONFLICT, ErrorCode.PHONE_MAYBE_CUT})
_PHONE_LABELS: Final = {"mobile": "mobile", "phone": "work", "home_phone": "home"}


def row_to_contact(
    values: Mapping[str, str],
    *,
    emails: Sequence[EmailAddress] | None = None,
    phones: Sequence[tuple[str, PhoneNumber]] | None = None,
    invalid_phones: Sequence[RawPhone] = (),
) -> Contact:
    """Build a :class:`Contact` from the clean values of a row (see :func:`normalize_row`).

    Company, website, notes and owner go to custom fields of those names, as do the row's
    own custom fields and ``problems``, the cells the row kept as typed, with their reasons
    (values quoted there are left out of their fields when they are read again).

    Args:
        values: the row's clean values.
        emails: the row's e-mail addresses already validated (a :class:`RowResult`'s
            ``emails``); when None they are read again from ``values["email"]``.
        phones: the row's phone numbers already validated, each with its field (a
            :class:`RowResult`'s ``phones``); when None they are read again from the
            phone fields of *values*.
        invalid_phones: the row's phone cells that are not valid numbers, kept as typed
            (see :func:`with_contact`): the contact's ``invalid_phones``.

    Raises:
        ValidationError: if the values do not make a valid contact (or are not a mapping
            of text).
    """
    given: object = values  # callers are not type-checked: check what really came
    if not isinstance(given, Mapping):
        raise ValidationError(given, "expected a mapping of field values", field="values")
    bad = [k for k, v in given.items() if not isinstance(k, str) or not isinstance(v, str)]
    if bad:
        raise ValidationError(given[bad[0]], "expected text", field=str(bad[0]))
    email_entries: list[object]
    # a row with problems kept some cells as typed, listed under "problems" with their
    # reasons: reading its values again leaves those out of their fields
    typed = values.get(PROBLEMS, "")

    def read(value: str) -> bool:
        return bool(value) and not (typed and f'"{value}":' in typed)

    if emails is None:
        email_entries = [e for e in values.get("email", "").split("; ") if read(e)]
    else:
        # already validated: building the entries directly skips validating them again
        email_entries = [
            EmailEntry(address=e, primary=index == 0) for index, e in enumerate(emails)
        ]
    phone_entries: list[object] = []
    if phones is None:
        for field, label in _PHONE_LABELS.items():
            phone_entries.extend(
                {"number": p, "label": label} for p in values.get(field, "").split("; ") if read(p)
            )
    else:
        phone_entries = [
            PhoneEntry(number=number, label=_PHONE_LABELS[field], primary=index == 0)
            for index, (field, number) in enumerate(phones)
        ]
    custom: dict[str, object] = {f: values[f] for f in _CUSTOM_FIELDS if values.get(f)}
    custom.update(
        {k[len(CUSTOM_PREFIX) :]: v for k, v in values.items() if k.startswith(CUSTOM_PREFIX)}
    )
    lines = values["address"].split(", ") if values.get("address") else []
    address = Address(
        lines=lines,  # type: ignore[arg-type]  # attrs types the tuple converter loosely
        city=values.get("city", ""),
        region=values.get("state", ""),
        postal_code=values.get("postal_code", ""),
        country=values.get("country", ""),
    )
    birth_text = values.get("birth_date")
    birth_text = birth_text if birth_text and read(birth_text) else None
    try:
        birth = date.fromisoformat(birth_text) if birth_text else None
    except ValueError as exc:
        raise ValidationError(
            birth_text,
            "not an ISO date (expected e.g. 2024-08-02)",
            field="birth_date",
            code=ErrorCode.INVALID_DATE,
        ) from exc
    return Contact(
        prefix=values.get("prefix", ""),
        first_name=values.get("first_name", ""),
        middle_name=values.get("middle_name", ""),
        last_name=values.get("last_name", ""),
        suffix=values.get("suffix", ""),
        emails=email_entries,
        phones=phone_entries,
        invalid_phones=invalid_phones,
        addresses=() if address.is_blank() else (address,),
        job_title=values.get("job_title", ""),
        birth_date=birth,
        tags=[t for t in values.get("tags", "").split("; ") if t],
        lead_source=values.get("lead_source") or None,
        lifecycle_stage=values.get("lifecycle_stage") or None,
        custom=custom,
    )


def with_contact(result: RowResult) -> tuple[RowResult, Contact | None]:
    """Build the contact of a usable row; a row that makes no valid contact is rejected.

    Returns:
        The result and its contact, or the result turned ``rejected`` (with the reason) and
        None.
    """
    if result.status != "ok":
        return result, None
    values = result.values
    if result.problems:
        # a cell kept as typed is no value of its field: the contact keeps it in words,
        # under "problems", with the reason it could not be read
        unread = {p.field for p in result.problems if p.code not in _READ_BUT_DOUBTFUL}
        unread -= _READ_ANYWAY
        values = {k: v for k, v in values.items() if k not in unread}
    try:
        contact = row_to_contact(
            values, emails=result.emails, phones=result.phones, invalid_phones=_raw(result)
        )
    except ValidationError as exc:
        problem = Problem(exc.field or "<row>", str(exc.value), exc.reason, exc.code)
        rejected = RowResult(
            result.number, "rejected", result.values, problems=(problem,), cells=result.cells
        )
        return rejected, None
    return result, contact


def _raw(result: RowResult) -> list[RawPhone]:
    """The row's phone cells that are no valid number, kept as typed with the reason.

    Their digits still find the same person's other records (see ``docs/dedupe.md``).
    """
    kept: list[RawPhone] = []
    for p in result.problems:
        if p.field in _PHONE_LABELS and p.code not in _READ_BUT_DOUBTFUL:
            try:
                reason = p.reason.removeprefix("invalid phone: ")
                kept.append(RawPhone(text=p.value, reason=reason, label=_PHONE_LABELS[p.field]))
            except InvalidPhone:
                continue  # fewer than three digits: nothing to match on
    return kept


def typed_custom(
    coerce: Coerce, result: RowResult, contact: Contact | None
) -> tuple[RowResult, Contact | None]:
    """*contact* with the custom values *coerce* read kept as their types, not as text.

    The values read are those of the row's custom fields without a problem; they were
    written as text by :func:`coerce_custom`, in forms that read back as the same values.
    """
    if contact is None:
        return result, contact
    taken = {p.field for p in result.problems}
    texts = {
        k[len(CUSTOM_PREFIX) :]: v
        for k, v in result.values.items()
        if k.startswith(CUSTOM_PREFIX) and k not in taken and v
    }
    if not texts:
        return result, contact
    try:
        typed = coerce(texts)
    except ValidationError:  # pragma: no cover - the same values were read once already
        return result, contact
    return result, amend(contact, custom={**contact.custom, **typed})
