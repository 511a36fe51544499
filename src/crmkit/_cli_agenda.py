"""``crmkit agenda``: a person's day from a database, printed or as JSON, and as iCalendar.

The agenda is :func:`crmkit.timeline.agenda`: overdue work, today's, and the next days'
grouped by local day in the person's zone. ``--ics`` also writes the person's open
activities as an iCalendar file, which needs the ``ics`` extra: without it the command
stops before reading anything, with the extra's install line (exit code 2).
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from crmkit._cli_store import open_cli_store
from crmkit._optional import require
from crmkit.errors import CrmkitError

__all__ = ["run_agenda"]


def _now(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        given = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CrmkitError(f"--now: not an ISO 8601 instant: {text!r}") from exc
    if given.tzinfo is None:
        raise CrmkitError(f"--now: give the instant's offset (2030-03-04T16:00Z): {text!r}")
    return given


def _when(activity: Any, zone: ZoneInfo) -> tuple[str, str]:
    """The activity's local day and time of day (``all day`` for a date)."""
    due = activity.due
    if isinstance(due, datetime):
        local = due.astimezone(zone)
        return local.date().isoformat(), local.strftime("%H:%M")
    if isinstance(due, date):
        return due.isoformat(), "all day"
    return "", ""


def _entry(activity: Any, zone: ZoneInfo) -> dict[str, Any]:
    day, at = _when(activity, zone)
    return {
        "id": activity.id,
        "kind": activity.kind,
        "subject": activity.subject,
        "day": day,
        "time": at,
        "occurrence": None if activity.recurrence_id is None else str(activity.recurrence_id),
    }


def _line(entry: dict[str, Any], *, with_day: bool) -> str:
    when = f"{entry['day']} {entry['time']}" if with_day else entry["time"]
    return f"  {when:<16}  {entry['kind']:<8}  {entry['subject']}"


def _print(found: Any, zone: ZoneInfo, owner: str) -> None:
    print(f"Agenda of {owner}, {found.today:%A} {found.today.isoformat()} ({found.zone})")
    sections = [("Overdue", found.overdue, True), ("Today", found.due_today, False)]
    for title, activities, with_day in sections:
        print(f"{title} ({len(activities)})")
        for activity in activities:
            print(_line(_entry(activity, zone), with_day=with_day))
    for day in found.upcoming:
        print(f"{day.day:%A} {day.day.isoformat()} ({len(day.activities)})")
        for activity in day.activities:
            print(_line(_entry(activity, zone), with_day=False))


def run_agenda(args: argparse.Namespace) -> int:
    """Print the agenda of ``--owner``; write their open activities to ``--ics`` if given."""
    from crmkit.activities import to_ics  # noqa: PLC0415 - loaded only by this command
    from crmkit.timeline import agenda  # noqa: PLC0415 - loaded only by this command

    if args.ics:
        require("icalendar", extra="ics")  # before the work, not after it
    now = _now(args.now)
    store = open_cli_store(args.db)
    try:
        found = agenda(store, args.owner, now=now, tz=args.tz, days=args.days)
        written = None
        if args.ics:
            work = store.activities.open_for_owner(args.owner)
            Path(args.ics).write_bytes(to_ics(work, name=f"{args.owner}'s activities"))
            written = len(work)
    finally:
        store.close()
    zone = ZoneInfo(found.zone)
    if args.json:
        data: dict[str, Any] = {
            "owner": args.owner,
            "zone": found.zone,
            "today": found.today.isoformat(),
            "overdue": [_entry(a, zone) for a in found.overdue],
            "due_today": [_entry(a, zone) for a in found.due_today],
            "upcoming": [
                {"day": d.day.isoformat(), "activities": [_entry(a, zone) for a in d.activities]}
                for d in found.upcoming
            ],
        }
        if written is not None:
            data["ics"] = {"path": args.ics, "activities": written}
        print(json.dumps(data, ensure_ascii=False))
    elif not args.quiet:
        _print(found, zone, args.owner)
        if written is not None:
            print(f"wrote {written:,} activities to {args.ics}")
    return 0
