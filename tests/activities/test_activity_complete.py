"""Completing activities, types that chain, and business-day delays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crmkit.activities import (
    Activity,
    ActivityTypes,
    Delay,
    DelayFrom,
    DelayUnit,
    Link,
    Status,
    complete,
    due_after,
    occurrences,
    status,
)
from crmkit.errors import ConfigError, ErrorCode, ValidationError

BERLIN = ZoneInfo("Europe/Berlin")
_FRIDAY = date(2024, 3, 29)


def _types() -> ActivityTypes:
    return ActivityTypes.from_dict(
        {
            "types": [
                {"id": "call", "chaining": "trigger", "next_types": ["follow_up"]},
                {
                    "id": "follow_up",
                    "name": "Send the follow-up",
                    "delay": {"amount": 2, "unit": "business_days", "since": "previous_deadline"},
                    "reminders": [30],
                },
                {"id": "demo", "chaining": "suggest", "next_types": ["call", "email"]},
            ]
        }
    )


def test_a_one_off_is_kept_done() -> None:
    """Completing a task returns it done, with its outcome, and nothing next."""
    task = Activity(subject="Send the quote", due_date=_FRIDAY, zone="Europe/Berlin")
    at = datetime(2024, 3, 29, 15, 0, tzinfo=BERLIN)

    result = complete(task, at, outcome="sent")

    assert (task.id, at, "sent", None) == (
        result.done.id,
        result.done.done_at,
        result.done.outcome,
        result.next,
    )
    assert Status.DONE == status(result.done, at, "Europe/Berlin")


def test_a_series_keeps_the_done_occurrence_and_moves_on() -> None:
    """The done occurrence is a new record of the series; the series moves to its next one."""
    first = datetime(2024, 3, 25, 9, 0, tzinfo=BERLIN)
    standup = Activity(
        kind="meeting", start_at=first, zone="Europe/Berlin", recurrence="FREQ=WEEKLY;COUNT=3"
    )
    at = first + timedelta(minutes=20)

    one = complete(standup, at)
    assert one.next is not None
    two = complete(one.next, at + timedelta(weeks=1))
    assert two.next is not None
    three = complete(two.next, at + timedelta(weeks=2))

    assert (standup.id, first) == (one.done.series_id, one.done.start_at)
    assert standup.id not in {one.done.id, two.done.id}
    assert datetime(2024, 4, 1, 9, 0, tzinfo=BERLIN) == one.next.start_at
    assert first == one.next.recurrence.start if one.next.recurrence else None
    assert [datetime(2024, 4, 8, 9, 0, tzinfo=BERLIN)] == [
        o.start_at for o in occurrences(two.next)
    ]
    assert (standup.id, None) == (three.done.id, three.next)
    assert three.done.done_at is not None


def test_completing_twice_is_refused() -> None:
    """A done activity cannot be completed again."""
    done = Activity(done_at=datetime(2024, 3, 1, tzinfo=UTC))

    with pytest.raises(ValidationError) as caught:
        complete(done, datetime(2024, 3, 2, tzinfo=UTC))

    assert (ErrorCode.ALREADY_DONE, "done_at") == (caught.value.code, caught.value.field)
    assert "already done at 2024-03-01" in str(caught.value)


def test_a_trigger_plans_the_next_activity_in_business_days() -> None:
    """A call done on Friday plans its follow-up two business days after its deadline."""
    call = Activity(
        kind="call", subject="Call Ann", due_date=_FRIDAY, zone="Europe/Berlin", owner_id="u1",
        links=[Link(kind="contact", id="c1")],
    )  # fmt: skip

    result = complete(call, datetime(2024, 3, 29, 16, 0, tzinfo=BERLIN), types=_types())
    follow_up = result.follow_up

    assert follow_up is not None
    assert ("follow_up", "Send the follow-up", date(2024, 4, 2)) == (
        follow_up.kind,
        follow_up.subject,
        follow_up.due_date,
    )
    assert ("u1", call.links, (30,)) == (follow_up.owner_id, follow_up.links, follow_up.reminders)


def test_a_suggestion_offers_types() -> None:
    """A type that suggests returns the types to pick from and plans nothing."""
    demo = Activity(kind="demo", due_at=datetime(2024, 3, 29, 10, 0, tzinfo=UTC))

    result = complete(demo, datetime(2024, 3, 29, 11, 0, tzinfo=UTC), types=_types())

    assert (None, ["call", "email"]) == (result.follow_up, [t.id for t in result.suggested])


def test_a_trigger_without_a_zone_is_refused() -> None:
    """Planning the next activity of a zoneless one needs the owner's zone."""
    call = Activity(kind="call", due_at=datetime(2024, 3, 29, 10, 0, tzinfo=UTC))

    with pytest.raises(ValidationError) as caught:
        complete(call, datetime(2024, 3, 29, 11, 0, tzinfo=UTC), types=_types())

    assert (ErrorCode.NO_ZONE, "zone") == (caught.value.code, caught.value.field)
    assert "needs the owner's zone" in str(caught.value)


@pytest.mark.parametrize(
    ("delay", "expected"),
    [
        (Delay(amount=3), date(2024, 4, 1)),
        (Delay(amount=1, unit=DelayUnit.BUSINESS_DAYS), date(2024, 4, 1)),
        (Delay(amount=5, unit=DelayUnit.BUSINESS_DAYS), date(2024, 4, 5)),
        (Delay(amount=0, unit=DelayUnit.BUSINESS_DAYS), _FRIDAY),
        (Delay(amount=2, since=DelayFrom.PREVIOUS_DEADLINE), date(2024, 3, 22)),
    ],
)
def test_due_after(delay: Delay, expected: date) -> None:
    """Delays count calendar or working days from today or from the previous deadline."""
    assert expected == due_after(delay, today=_FRIDAY, previous=date(2024, 3, 20))


def test_a_working_day_rule_plugs_in() -> None:
    """A calendar with Easter Monday off moves one business day from Friday to Tuesday."""

    def open_days(day: date) -> bool:
        return day.weekday() < 5 and day != date(2024, 4, 1)

    delay = Delay(amount=1, unit=DelayUnit.BUSINESS_DAYS)

    assert date(2024, 4, 2) == due_after(delay, today=_FRIDAY, is_working_day=open_days)


def test_a_rule_with_no_working_day_is_refused() -> None:
    """A working-day rule that never says yes is a ConfigError, not an endless loop."""
    with pytest.raises(ConfigError) as caught:
        due_after(
            Delay(amount=1, unit=DelayUnit.BUSINESS_DAYS),
            today=_FRIDAY,
            is_working_day=lambda d: False,
        )

    assert ErrorCode.NO_WORKING_DAY == caught.value.code
    assert "no working day in the ten years" in str(caught.value)


@pytest.mark.parametrize(
    ("config", "code", "words"),
    [
        (
            {"types": [{"id": "call", "chaining": "trigger", "next_types": ["fax"]}]},
            ErrorCode.UNKNOWN_ACTIVITY_TYPE,
            "types[0].next_types[0]: no activity type 'fax'",
        ),
        (
            {"types": [{"id": "demo"}, {"id": "demo"}]},
            ErrorCode.CONFIG_DUPLICATE,
            "types[1].id: type id 'demo' is used twice",
        ),
        (
            {"types": [{"id": "call", "colour": "red"}]},
            ErrorCode.CONFIG_UNKNOWN_KEY,
            "unknown field(s): colour",
        ),
        (
            {"types": [{"id": "call", "delay": {"amount": -1}}]},
            ErrorCode.CONFIG,
            "a delay is a whole number of days",
        ),
    ],
    ids=["unknown_type", "duplicate", "unknown_key", "negative_delay"],
)
def test_bad_type_configurations(config: dict[str, object], code: str, words: str) -> None:
    """Each bad configuration is a ConfigError with its code and path."""
    with pytest.raises(ConfigError) as caught:
        ActivityTypes.from_dict(config)

    assert code == caught.value.code
    assert words in str(caught.value)


def test_types_round_trip_and_unknown_kinds() -> None:
    """A configuration reads back from its dict; completing a kind it lacks is refused."""
    types = _types()
    stranger = Activity(kind="fax", due_at=datetime(2024, 3, 1, tzinfo=UTC))

    assert types == ActivityTypes.from_dict(types.to_dict())
    assert {"call", "follow_up", "demo", "task", "meeting", "email", "note"} == {
        t.id for t in types
    }
    with pytest.raises(ConfigError) as caught:
        complete(stranger, datetime(2024, 3, 2, tzinfo=UTC), types=types)
    assert ErrorCode.UNKNOWN_ACTIVITY_TYPE == caught.value.code
    assert "no activity type 'fax'" in str(caught.value)
