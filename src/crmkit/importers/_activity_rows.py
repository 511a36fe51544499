"""Activities as an import sees them: a call log's or a notes export's rows, linked to people.

A row is a call, meeting, task, e-mail or note (its type cell, in any of the import's
languages; without one a call when it has a duration, else a note). It links to the stored
contacts its e-mail and phone cells name (by match key, as contacts are matched) and to the
stored company its company cell names; a row that links to nobody is rejected
(``importers.no_link``), never stored loose. Dates are read in the import's zone (see
``_activity_times``). A call, e-mail or note is done when it happened (its time, not in the
future); a meeting when it has ended; a task when the row gives its outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs

from crmkit._record import utcnow
from crmkit.activities import Activity, ActivityKind, Link
from crmkit.errors import ErrorCode, ValidationError
from crmkit.storage import Repository, Store

from . import _cells
from ._activity_fields import ACTIVITY_SYNONYMS, activity_kind_of
from ._activity_times import read_duration, read_when
from ._company_rows import split_list
from ._locale import LocaleOptions
from ._mapping import ColumnMapping
from ._object_kind import Cells, Combine, combined, problem_of
from ._rows import Problem
from ._synonyms import header_key

__all__ = ["ActivityRows"]

_KEPT_AS_CUSTOM: Final = ("contact", "company", "email", "phone", "duration")
_SUBJECT_LENGTH: Final = 80
_SKIP: Final = ("links",)
_LINKS_PER_READ: Final = 500
_PAGE: Final = 1000


class ActivityRows:
    """Activities: built from a row, linked to stored contacts and companies, or reported."""

    name = "activity"
    synonyms = ACTIVITY_SYNONYMS
    custom: dict[str, tuple[str, ...]] = {}  # noqa: RUF012 - read only: no custom fields

    def __init__(self, store: Store, locale: LocaleOptions, zone: str) -> None:
        self._store = store
        self._locale = locale
        self._zone_name = zone
        self._zone = ZoneInfo(zone)
        self._now = utcnow()
        self._columns: dict[str, str] = {}

    def repository(self) -> Repository[Activity]:
        """The store's activities."""
        return self._store.activities

    def use_mapping(self, mapping: ColumnMapping) -> None:
        """Learn each field's column, for its date order and to name it in problems."""
        for rule in mapping.rules:
            self._columns[rule.field] = rule.column

    def writing(self) -> AbstractContextManager[None]:
        """Writes happen as usual."""
        return nullcontext()

    def _kind(self, text: dict[str, str], cells: Cells, problems: list[Problem]) -> str:
        if "kind" not in text:
            return ActivityKind.CALL if "duration" in text else ActivityKind.NOTE
        found = activity_kind_of(text["kind"])
        if found is None:
            reason = "not a call, meeting, task, e-mail or note"
            problems.append(
                Problem(cells["kind"][0], text["kind"], reason, ErrorCode.ACTIVITY_TYPE_UNREAD)
            )
            return ActivityKind.NOTE
        return found

    def _when(self, cells: Cells, problems: list[Problem]) -> datetime | date | None:
        if "date" not in cells:
            return None
        column, text = cells["date"]
        try:
            return read_when(text, self._locale, self._locale.date_order_of(column), self._zone)
        except ValidationError as exc:
            problems.append(Problem(column, text, exc.reason, exc.code))
            return None

    def _duration(self, cells: Cells, problems: list[Problem]) -> timedelta | None:
        if "duration" not in cells:
            return None
        column, text = cells["duration"]
        try:
            return read_duration(text, self._locale)
        except ValidationError as exc:
            problems.append(Problem(column, text, f"invalid duration: {exc.reason}", exc.code))
            return None

    def _times(
        self, kind: str, when: datetime | date | None, length: timedelta | None, outcome: bool
    ) -> dict[str, Any]:
        """The activity's due or start, end and done instants."""
        times: dict[str, Any] = {}
        if isinstance(when, datetime):
            times["due_at" if kind == ActivityKind.TASK else "start_at"] = when
            end = when + length if length is not None and kind != ActivityKind.TASK else None
            if end is not None and end > when:
                times["end_at"] = end
            happened = end if end is not None else when
        elif isinstance(when, date):
            times["due_date" if kind == ActivityKind.TASK else "start_date"] = when
            times["zone"] = self._zone_name
            happened = datetime.combine(when, datetime.min.time(), tzinfo=self._zone)
            happened = happened.astimezone(UTC)
        else:
            happened = self._now
        if kind == ActivityKind.TASK:
            if outcome:
                times["done_at"] = min(happened, self._now)
        elif happened <= self._now:
            times["done_at"] = happened
        return times

    def build(self, cells: Cells) -> Activity | list[Problem]:
        """The activity of a row (links still to find), or every problem that stops it."""
        problems: list[Problem] = []
        text = {field: value for field, (_, value) in cells.items()}
        kind = self._kind(text, cells, problems)
        when = self._when(cells, problems)
        length = self._duration(cells, problems)
        body = text.get("body", "")
        subject = text.get("subject") or body.split("\n", 1)[0][:_SUBJECT_LENGTH]
        if not subject:
            subject = kind.capitalize()
        if problems:
            return problems
        custom: dict[str, object] = {f: text[f] for f in _KEPT_AS_CUSTOM if text.get(f)}
        try:
            return Activity(
                kind=kind,
                subject=subject,
                body=body,
                owner_id=text.get("owner"),
                outcome=text.get("outcome"),
                custom=custom,
                created_at=self._now,
                updated_at=self._now,
                **self._times(kind, when, length, "outcome" in text),
            )
        except ValidationError as exc:
            return [problem_of(exc, cells)]

    def _emails(self, activity: Activity, refused: list[Problem]) -> list[str]:
        pieces = [("email", p) for p in split_list(str(activity.custom.get("email", "")))]
        pieces += [
            ("contact", p) for p in split_list(str(activity.custom.get("contact", ""))) if "@" in p
        ]
        keys = []
        for field, piece in pieces:
            found = _cells.email(piece)
            if isinstance(found, _cells.Refusal):
                column = self._columns.get(field, field)
                refused.append(Problem(column, piece, found.reason, found.code))
            else:
                keys.append(found.match_key)
        return keys

    def _phones(self, activity: Activity, refused: list[Problem]) -> list[str]:
        keys = []
        for piece in str(activity.custom.get("phone", "")).split(";"):
            if piece.strip():
                found = _cells.read_phone(piece.strip(), self._locale, ())
                if isinstance(found, _cells.Refusal):
                    column = self._columns.get("phone", "phone")
                    reason = f"invalid phone: {found.reason}"
                    refused.append(Problem(column, piece.strip(), reason, found.code))
                else:
                    keys.append(found.e164)
        return keys

    def finish(self, activities: Sequence[Activity]) -> list[Activity | list[Problem]]:
        """The batch's activities linked to the stored contacts and companies they name.

        Contacts by e-mail and by phone (the contact cell may hold an e-mail), the company
        by its name's match key; an activity that names no stored one is rejected, with the
        problems of its cells that hold no e-mail or phone at all, if any.
        """
        refused: dict[str, list[Problem]] = {a.id: [] for a in activities}
        emails = {a.id: self._emails(a, refused[a.id]) for a in activities}
        phones = {a.id: self._phones(a, refused[a.id]) for a in activities}
        names = {a.id: _cells.company_key(str(a.custom.get("company", ""))) for a in activities}
        contacts = self._store.contacts
        by_email = contacts.find_by_keys("email", sorted({k for v in emails.values() for k in v}))
        by_phone = contacts.find_by_keys("phone", sorted({k for v in phones.values() for k in v}))
        companies = self._store.companies.find_by_keys(
            "company", sorted(set(names.values()) - {""})
        )
        out: list[Activity | list[Problem]] = []
        for activity in activities:
            links: dict[tuple[str, str], Link] = {}
            for hits in [by_email.get(k, []) for k in emails[activity.id]] + [
                by_phone.get(k, []) for k in phones[activity.id]
            ]:
                if hits:
                    links[("contact", hits[0].id)] = Link(kind="contact", id=hits[0].id)
            company = companies.get(names[activity.id])
            if company:
                links[("company", company[0].id)] = Link(kind="company", id=company[0].id)
            if not links:
                # an e-mail or phone that is none explains the row better than "no match"
                out.append(refused[activity.id] or [self._unlinked(activity)])
            else:
                out.append(attrs.evolve(activity, links=tuple(links.values())))
        return out

    def _unlinked(self, activity: Activity) -> Problem:
        given = [
            (f, str(activity.custom.get(f, ""))) for f in ("email", "phone", "contact", "company")
        ]
        named = [(f, v) for f, v in given if v]
        if not named:
            reason = "names no contact or company (an e-mail, phone or company cell)"
            return Problem("<row>", "", reason, ErrorCode.NO_LINK)
        field, value = named[0]
        reason = "no stored contact or company has this " + field.replace("email", "e-mail")
        column = "; ".join(self._columns.get(f, f) for f, _ in named)
        shown = "; ".join(v for _, v in named)
        return Problem(column, shown if len(named) > 1 else value, reason, ErrorCode.NO_LINK)

    def key(self, record: Activity) -> str:
        """The kind, the time, the subject and the linked records, folded."""
        due = record.due
        when = "" if due is None else due.isoformat()
        linked = ",".join(sorted(f"{link.kind}:{link.id}" for link in record.links))
        return "|".join((record.kind, when, header_key(record.subject), linked))

    def stored(self, records: Sequence[Activity]) -> dict[str, Activity]:
        """The stored activities the batch matches, by :meth:`key` (the oldest of a key).

        Read through the timelines of the records the batch links to (the link index),
        so an import reads the activities of the people in the file, not every stored
        one; the batches before this one are stored by then. A dry run stores nothing, so
        there a row repeated in a later batch counts as created again.
        """
        linked = sorted({(link.kind, link.id) for r in records for link in r.links})
        found: dict[str, Activity] = {}
        for start in range(0, len(linked), _LINKS_PER_READ):
            chunk = [Link(kind=k, id=i) for k, i in linked[start : start + _LINKS_PER_READ]]
            cursor: str | None = None
            while True:
                page = self._store.activities.for_records(chunk, limit=_PAGE, before=cursor)
                for activity in page:  # newest first: the oldest of a key is kept last
                    found[self.key(activity)] = activity
                if page.next_after is None:
                    break
                cursor = page.next_after
        return found

    def keep(self, key: str, record: Activity) -> None:
        """Nothing to remember: each batch reads its matches through the link index."""

    def changed(self, old: Activity, new: Activity, how: Combine) -> Activity:
        """*old* with the row's values merged in (or overwriting, for ``update``)."""
        merged = combined(old, new, how, skip=_SKIP)
        extra = [link for link in new.links if link not in merged.links]
        if extra:
            merged = attrs.evolve(merged, links=(*merged.links, *extra))
        return merged
