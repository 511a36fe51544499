"""The activities API's types say what they mean.

mypy checks these (``mypy --strict tests/typing``); at run time each ``assert_type`` is a
no-op, so this file also runs as an ordinary test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import assert_type

from crmkit.activities import (
    Activity,
    ActivityTypes,
    Agenda,
    Completion,
    DueReminder,
    Recurrence,
    Status,
    agenda,
    complete,
    due_after,
    due_in_days,
    from_ics,
    occurrences,
    reminders_between,
    status,
    to_ics,
)
from crmkit.activities._recurrence_rule import Moment


def test_activity_types() -> None:
    """Status, days, occurrences, completion, reminders, agenda and files are typed."""
    now = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
    task = Activity(
        due_date=date(2024, 3, 5), zone="UTC", recurrence=Recurrence("FREQ=DAILY;COUNT=2")
    )
    types = ActivityTypes.from_dict({"types": []})

    assert_type(status(task, now, "UTC"), Status)
    assert_type(due_in_days(task, now, "UTC"), int | None)
    assert_type(occurrences(task), Iterator[Activity])
    assert_type(complete(task, now, types=types), Completion)
    assert_type(complete(task, now).next, Activity | None)
    assert_type(reminders_between([task], now, now), list[DueReminder])
    assert_type(agenda([task], now=now, tz="UTC"), Agenda)
    assert_type(due_after(types.get("task").delay, today=date(2024, 3, 5)), date)
    assert_type(to_ics([task]), bytes)
    assert_type(from_ics(to_ics([task])), list[Activity])
    assert_type(task.due, Moment | None)
