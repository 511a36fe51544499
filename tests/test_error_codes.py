"""Each cause of an error outside the expression language has a code of its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from crmkit.activities import (
    Activity,
    ActivityTypes,
    Delay,
    DelayUnit,
    complete,
    due_after,
    from_ics,
    occurrences,
)
from crmkit.contacts import Contact
from crmkit.errors import (
    ConfigError,
    ConflictError,
    CrmkitError,
    ErrorCode,
    NotFound,
    PermissionDenied,
    SourceError,
    ValidationError,
)
from crmkit.importers import open_source
from crmkit.permissions import Policy, SecuredStore
from crmkit.pipeline import Pipeline
from crmkit.storage import MemoryStore
from crmkit.values import normalize_phone

_STAGES = [{"id": "a", "probability": 0.1}, {"id": "b", "probability": 0.5}]
_POLICY = {
    "version": 1,
    "schemas": {"contact": {"job_title": "text"}},
    "roles": [
        {
            "name": "rep",
            "label": "Rep",
            "grants": [{"object": "contact", "actions": ["read"], "scope": "all"}],
            "fields": [{"object": "contact", "field": "job_title", "access": "hidden"}],
        }
    ],
    "users": [{"id": "ali", "name": "Ali", "roles": ["rep"]}],
}


def _pipeline(**changes: Any) -> Callable[[], object]:
    return lambda: Pipeline.from_dict({"id": "s", "stages": _STAGES, **changes})


def _secured() -> SecuredStore:
    return SecuredStore(MemoryStore(), Policy.from_dict(_POLICY), "ali")


def _stored() -> tuple[MemoryStore, Contact]:
    store = MemoryStore()
    return store, store.contacts.add(Contact(first_name="Ann", last_name="Lee"))


def _stale() -> None:
    store, ann = _stored()
    store.contacts.update(ann)
    store.contacts.update(ann)


def _taken() -> None:
    store, ann = _stored()
    store.contacts.add(ann)


def _not_deleted() -> None:
    store, ann = _stored()
    store.contacts.restore(ann.id)


_AT = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)


def _daily(**changes: Any) -> Activity:
    return Activity(due_at=_AT, zone="UTC", recurrence="FREQ=DAILY", **changes)


def _file(tmp: Path, name: str, content: bytes) -> Path:
    path = tmp / name
    path.write_bytes(content)
    return path


_CASES: list[tuple[str, Callable[[Path], object], type[CrmkitError], str, str]] = [
    (
        "activity_unknown_zone",
        lambda _: Activity(zone="Europe/Atlantis"),
        ValidationError,
        ErrorCode.UNKNOWN_ZONE,
        "invalid value for 'zone' 'Europe/Atlantis': not a zone of the IANA database",
    ),
    (
        "activity_no_zone",
        lambda _: Activity(due_date=date(2024, 3, 5)),
        ValidationError,
        ErrorCode.NO_ZONE,
        "a date is a day somewhere: give the activity a zone",
    ),
    (
        "activity_bad_rrule",
        lambda _: Activity(due_at=_AT, zone="UTC", recurrence="FREQ=HOURLY;BYDAY=XX"),
        ValidationError,
        ErrorCode.BAD_RRULE,
        "invalid value for 'recurrence.rule'",
    ),
    (
        "activity_unbounded",
        lambda _: occurrences(_daily()),
        ValidationError,
        ErrorCode.UNBOUNDED,
        "the rule never ends: give the window an end",
    ),
    (
        "activity_end_before_start",
        lambda _: Activity(start_at=_AT, end_at=datetime(2024, 3, 5, tzinfo=UTC)),
        ValidationError,
        ErrorCode.END_BEFORE_START,
        "ends before it starts",
    ),
    (
        "activity_conflicting_times",
        lambda _: Activity(due_at=_AT, due_date=date(2024, 3, 5), zone="UTC"),
        ValidationError,
        ErrorCode.CONFLICTING_TIMES,
        "an activity is due at an instant or on a date",
    ),
    (
        "activity_already_done",
        lambda _: complete(Activity(done_at=_AT), _AT),
        ValidationError,
        ErrorCode.ALREADY_DONE,
        "already done at",
    ),
    (
        "activity_unknown_type",
        lambda _: ActivityTypes.from_dict(
            {"types": [{"id": "x", "chaining": "suggest", "next_types": ["y"]}]}
        ),
        ConfigError,
        ErrorCode.UNKNOWN_ACTIVITY_TYPE,
        "types[0].next_types[0]: no activity type 'y'",
    ),
    (
        "activity_no_working_day",
        lambda _: due_after(
            Delay(amount=1, unit=DelayUnit.BUSINESS_DAYS),
            today=date(2024, 3, 5),
            is_working_day=lambda d: False,
        ),
        ConfigError,
        ErrorCode.NO_WORKING_DAY,
        "no working day in the ten years",
    ),
    (
        "activity_invalid_ics",
        lambda _: from_ics(b"not a calendar"),
        SourceError,
        ErrorCode.INVALID_ICS,
        "cannot read the calendar: not iCalendar",
    ),
    (
        "config_unknown_key",
        lambda _: _pipeline(colour="red")(),
        ConfigError,
        ErrorCode.CONFIG_UNKNOWN_KEY,
        "<root>: unknown field(s): colour",
    ),
    (
        "config_missing",
        lambda _: Pipeline.from_dict({"id": "s", "stages": [{"probability": 0.1}]}),
        ConfigError,
        ErrorCode.CONFIG_MISSING,
        "stages[0].id: required field missing",
    ),
    (
        "config_duplicate",
        lambda _: _pipeline(stages=[_STAGES[0], _STAGES[0]])(),
        ConfigError,
        ErrorCode.CONFIG_DUPLICATE,
        "stages[1].id: stage id 'a' is used twice",
    ),
    (
        "config_invalid",
        lambda _: _pipeline(stages=[{"id": "a", "probability": "x"}])(),
        ConfigError,
        ErrorCode.CONFIG,
        "stages[0].probability: not a number: 'x'",
    ),
    (
        "phone_needs_region",
        lambda _: normalize_phone("2015550123"),
        CrmkitError,
        ErrorCode.PHONE_NEEDS_REGION,
        "national number with no region given",
    ),
    (
        "phone_unknown_country",
        lambda _: normalize_phone("+99 123 4567"),
        CrmkitError,
        ErrorCode.PHONE_UNKNOWN_COUNTRY,
        "unknown country calling code",
    ),
    (
        "phone_invalid",
        lambda _: normalize_phone("12", "GB"),
        CrmkitError,
        ErrorCode.INVALID_PHONE,
        "too short",
    ),
    (
        "no_identity",
        lambda _: Contact.create(),
        CrmkitError,
        ErrorCode.NO_IDENTITY,
        "a contact needs a name, an e-mail or a phone",
    ),
    ("stale_version", lambda _: _stale(), ConflictError, ErrorCode.STALE_VERSION, "meanwhile"),
    ("duplicate_key", lambda _: _taken(), ConflictError, ErrorCode.DUPLICATE_KEY, "already exists"),
    ("not_deleted", lambda _: _not_deleted(), ConflictError, ErrorCode.NOT_DELETED, "not deleted"),
    (
        "not_found",
        lambda _: MemoryStore().contacts.get("c9"),
        NotFound,
        ErrorCode.NOT_FOUND,
        "no contact with id 'c9'",
    ),
    (
        "unknown_user",
        lambda _: SecuredStore(MemoryStore(), Policy.from_dict(_POLICY), "nobody"),
        PermissionDenied,
        ErrorCode.UNKNOWN_USER,
        "user 'nobody' is not in the policy",
    ),
    (
        "unknown_user_require",
        lambda _: Policy.from_dict(_POLICY).require("nobody", "read", "contact"),
        PermissionDenied,
        ErrorCode.UNKNOWN_USER,
        "user 'nobody' is not in the policy",
    ),
    (
        "denied",
        lambda _: _secured().contacts.add(Contact(first_name="Ann")),
        PermissionDenied,
        ErrorCode.PERMISSION,
        "no role of Ali (Rep) may create contacts",
    ),
    (
        "hidden_field",
        lambda _: _secured().contacts.find("job_title = 'CEO'"),
        PermissionDenied,
        ErrorCode.HIDDEN_FIELD,
        "may not filter contact records by hidden field(s) job_title",
    ),
    (
        "other_actor",
        lambda _: _secured().contacts.add(Contact(first_name="Ann"), actor="bob"),
        PermissionDenied,
        ErrorCode.OTHER_ACTOR,
        "may not record changes as 'bob'",
    ),
    (
        "not_supported",
        lambda _: _secured().use_pipelines({}),
        PermissionDenied,
        ErrorCode.NOT_SUPPORTED,
        "may not change the pipelines through a secured store",
    ),
    (
        "source_missing",
        lambda tmp: open_source(tmp / "none.csv"),
        SourceError,
        ErrorCode.SOURCE_MISSING,
        "no such file",
    ),
    (
        "source_format",
        lambda tmp: open_source(_file(tmp, "a.pdf", b"x")),
        SourceError,
        ErrorCode.SOURCE_FORMAT,
        "unknown file type '.pdf'",
    ),
    (
        "source_empty",
        lambda tmp: open_source(_file(tmp, "a.csv", b"")),
        SourceError,
        ErrorCode.SOURCE_EMPTY,
        "the file is empty",
    ),
    (
        "source_encoding",
        lambda tmp: open_source(_file(tmp, "a.csv", b"Name\nAnn\n"), encoding="nope"),
        SourceError,
        ErrorCode.SOURCE_ENCODING,
        "unknown encoding 'nope'",
    ),
    (
        "source_unreadable",
        lambda tmp: open_source(_file(tmp, "a.xlsx", b"not a workbook")),
        SourceError,
        ErrorCode.SOURCE_UNREADABLE,
        "not a readable spreadsheet",
    ),
]


@pytest.mark.parametrize(
    ("make", "kind", "code", "words"), [c[1:] for c in _CASES], ids=[c[0] for c in _CASES]
)
def test_each_cause_has_its_code(
    make: Callable[[Path], object], kind: type[CrmkitError], code: str, words: str, tmp_path: Path
) -> None:
    """The error of each cause has its class, the code of that cause and says why."""
    with pytest.raises(kind) as caught:
        make(tmp_path)

    assert code == caught.value.code
    assert words in str(caught.value)
