"""Activity types as data: a default delay, default reminders, and what follows when done.

The five built-in kinds are types too; a team adds its own ("demo", "site visit") and may
redefine a built-in one. A type's delay says when a new activity of it is due: so many days
or business days from today or from the previous activity's deadline. Its chaining says what
comes after it is done: nothing, a suggestion of next types, or a next activity planned at
once (Odoo's "suggest" and "trigger").

Business days are Monday to Friday here. A calendar of holidays plugs in as a
:data:`WorkingDay`: any callable telling whether a date is a working day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from attrs import field, frozen

from crmkit._converter import converter, structure_config
from crmkit._record import text
from crmkit.errors import ConfigError, ErrorCode

from ._model import ActivityKind

__all__ = [
    "BUILTIN_TYPES",
    "ActivityType",
    "ActivityTypes",
    "Chaining",
    "Delay",
    "DelayFrom",
    "DelayUnit",
    "WorkingDay",
    "due_after",
    "weekdays",
]

#: Tells whether a date is a working day; :func:`weekdays` is Monday to Friday.
WorkingDay = Callable[[date], bool]

# a rule that finds no working day in ten years is broken, not a long holiday
_SEARCH = 3653


def weekdays(day: date) -> bool:
    """Return whether *day* is Monday to Friday: the simple working week."""
    return day.weekday() < 5


class DelayUnit(StrEnum):
    """What a delay counts: calendar days, or working days."""

    DAYS = "days"
    BUSINESS_DAYS = "business_days"


class DelayFrom(StrEnum):
    """Where a delay counts from: today, or the deadline of the activity done before."""

    TODAY = "today"
    PREVIOUS_DEADLINE = "previous_deadline"


class Chaining(StrEnum):
    """What happens when an activity of a type is done."""

    NONE = "none"
    SUGGEST = "suggest"  # offer the next types; the user picks
    TRIGGER = "trigger"  # plan an activity of the next type at once


def _amount(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError("amount", f"a delay is a whole number of days, 0 or more: {value!r}")
    return value


@frozen(kw_only=True)
class Delay:
    """When a new activity of a type is due: *amount* days or business days from *since*."""

    amount: int = field(default=0, converter=_amount)
    unit: DelayUnit = DelayUnit.DAYS
    since: DelayFrom = DelayFrom.TODAY


def _add_working_days(start: date, amount: int, is_working_day: WorkingDay) -> date:
    day, left, idle = start, amount, 0
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
            idle = 0
        else:
            idle += 1
            if idle > _SEARCH:
                raise ConfigError(
                    "is_working_day",
                    f"no working day in the ten years after {day - timedelta(days=idle)}",
                    code=ErrorCode.NO_WORKING_DAY,
                )
    return day


def due_after(
    delay: Delay,
    *,
    today: date,
    previous: date | None = None,
    is_working_day: WorkingDay = weekdays,
) -> date:
    """Return the due date *delay* gives, counted from *today* or from *previous*.

    Business days are counted after the starting day: 1 business day from a Friday is the
    Monday. A delay from the previous deadline counts from *today* when there is none.

    Args:
        delay: the type's delay.
        today: today's date in the owner's zone.
        previous: the deadline of the activity done before, if it had one.
        is_working_day: the working-day rule for business days.

    Raises:
        ConfigError: ``activities.no_working_day`` when *is_working_day* finds none.
    """
    start = previous if delay.since is DelayFrom.PREVIOUS_DEADLINE and previous else today
    if delay.unit is DelayUnit.BUSINESS_DAYS:
        return _add_working_days(start, delay.amount, is_working_day)
    return start + timedelta(days=delay.amount)


def _type_id(value: object) -> str:
    cleaned = text(value)
    if not cleaned:
        raise ConfigError("id", "an activity type needs an id")
    return cleaned


def _reminders(values: Iterable[object]) -> tuple[int, ...]:
    found = set()
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError("reminders", f"a reminder is minutes before, 0 or more: {value!r}")
        found.add(value)
    return tuple(sorted(found))


@frozen(kw_only=True)
class ActivityType:
    """A kind of activity, defined as data.

    Attributes:
        id: what ``Activity.kind`` says (``"call"``, ``"demo"``).
        name: what people read.
        delay: when a new activity of this type is due.
        reminders: the reminders (minutes before) a new activity of this type gets.
        chaining: what happens when one is done.
        next_types: the types suggested, or the one triggered, when one is done.
    """

    id: str = field(converter=_type_id)
    name: str = ""
    delay: Delay = Delay()
    reminders: tuple[int, ...] = field(default=(), converter=_reminders)
    chaining: Chaining = Chaining.NONE
    next_types: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.id.replace("_", " ").capitalize())
        if self.chaining is Chaining.TRIGGER and len(self.next_types) != 1:
            raise ConfigError("next_types", "a type that triggers names exactly one next type")
        if self.chaining is Chaining.SUGGEST and not self.next_types:
            raise ConfigError("next_types", "a type that suggests names the types it suggests")


#: The built-in kinds as types: no delay, no chaining.
BUILTIN_TYPES = tuple(ActivityType(id=k.value, name=k.value.capitalize()) for k in ActivityKind)


def _types(values: Iterable[ActivityType | Mapping[str, Any]]) -> tuple[ActivityType, ...]:
    return tuple(v if isinstance(v, ActivityType) else ActivityType(**v) for v in values)


@frozen
class _Listed:
    """The types as read, before they are checked against each other."""

    types: tuple[ActivityType, ...] = ()


@frozen
class ActivityTypes:
    """The activity types a team uses: the built-in ones and its own, each id once.

    ``ActivityTypes.from_dict({"types": [...]})`` reads a configuration; a type given with a
    built-in id replaces the built-in one.

    Raises:
        ConfigError: ``config.duplicate`` for an id given twice, ``activities.unknown_type``
            for a next type that is not there, each with its path
            (``types[2].next_types[0]``).
    """

    types: tuple[ActivityType, ...] = field(default=(), converter=_types)

    def __attrs_post_init__(self) -> None:
        seen: dict[str, int] = {}
        for i, kind in enumerate(self.types):
            if kind.id in seen:
                raise ConfigError(
                    f"types[{i}].id", f"type id {kind.id!r} is used twice",
                    code=ErrorCode.CONFIG_DUPLICATE,
                )  # fmt: skip
            seen[kind.id] = i
        known = set(seen) | {t.id for t in BUILTIN_TYPES}
        for i, kind in enumerate(self.types):
            for j, name in enumerate(kind.next_types):
                if name not in known:
                    raise ConfigError(
                        f"types[{i}].next_types[{j}]", f"no activity type {name!r}",
                        code=ErrorCode.UNKNOWN_ACTIVITY_TYPE,
                    )  # fmt: skip

    @classmethod
    def from_dict(cls, data: Any) -> ActivityTypes:
        """Build the types from ``{"types": [{"id": "demo", ...}, ...]}``.

        Raises:
            ConfigError: naming the path of the first bad value.
        """
        listed = structure_config(data, _Listed)
        return cls(listed.types)  # checked here, so that an error keeps its path

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as JSON-safe data that :meth:`from_dict` reads back."""
        out: dict[str, Any] = converter.unstructure(self)
        return out

    def get(self, type_id: str) -> ActivityType:
        """Return the type called *type_id*: the team's own, else the built-in one.

        Raises:
            ConfigError: ``activities.unknown_type`` if there is none.
        """
        for kind in (*self.types, *BUILTIN_TYPES):
            if kind.id == type_id:
                return kind
        raise ConfigError(
            "kind", f"no activity type {type_id!r}", code=ErrorCode.UNKNOWN_ACTIVITY_TYPE
        )

    def __contains__(self, type_id: object) -> bool:
        return any(kind.id == type_id for kind in (*self.types, *BUILTIN_TYPES))

    def __iter__(self) -> Iterator[ActivityType]:
        own = {kind.id for kind in self.types}
        yield from self.types
        yield from (kind for kind in BUILTIN_TYPES if kind.id not in own)
