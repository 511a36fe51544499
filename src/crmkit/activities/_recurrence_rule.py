"""Recurrence: an RFC 5545 rule with its added, removed and moved occurrences, and its checks.

The rule's text is read by ``dateutil.rrule``; crmkit only checks it (one rule, no
``DTSTART`` or ``EXDATE`` lines inside it, an interval of at least 1) and keeps it in a
canonical form: upper case, without the ``RRULE:`` prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from attrs import field, frozen
from dateutil.rrule import rrule, rrulestr

from crmkit.errors import ErrorCode, ValidationError

from ._zones import instant

__all__ = ["Moment", "Moved", "Recurrence", "build_rule", "moment", "rule_parts"]

#: An occurrence's time: an instant (aware, UTC) for timed activities, a local date for
#: all-day ones and ones due on a date.
Moment = datetime | date

_PREFIX = "RRULE:"
# RFC 5545's order of a rule's parts: a rule is kept with its parts in it, so that two
# spellings of one rule (and a rule read back from a calendar file) are equal
_ORDER: tuple[str, ...] = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE")
_ORDER += ("BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST")
_WHERE = "recurrence.rule"


def _bad(rule: object, reason: str) -> ValidationError:
    return ValidationError(rule, reason, field=_WHERE, code=ErrorCode.BAD_RRULE)


def rule_parts(rule: str) -> dict[str, str]:
    """Return the ``NAME=value`` parts of a canonical rule, by name."""
    parts = {}
    for part in rule.split(";"):
        name, _, value = part.partition("=")
        parts[name] = value
    return parts


def _rule(value: object) -> str:
    if not isinstance(value, str):
        raise _bad(value, "expected the text of an RRULE, such as 'FREQ=WEEKLY;BYDAY=MO'")
    text = value.strip().upper()
    text = text.removeprefix(_PREFIX).strip()
    if not text:
        raise _bad(value, "the rule is empty")
    if any(c in text for c in ":\r\n"):
        raise _bad(value, "expected one RRULE value; DTSTART, EXDATE and RDATE are fields")
    parts = rule_parts(text)
    if "FREQ" not in parts:
        raise _bad(value, "a rule needs FREQ (SECONDLY ... YEARLY)")
    if "COUNT" in parts and "UNTIL" in parts:
        raise _bad(value, "a rule has COUNT or UNTIL, not both")
    if parts.get("INTERVAL", "1") in {"0", ""} or parts.get("COUNT") in {"0", ""}:
        raise _bad(value, "INTERVAL and COUNT are at least 1")
    try:  # the syntax alone: the real start is checked with the activity
        rrulestr(text, dtstart=datetime(2000, 1, 1), ignoretz=True, cache=False)
    except (ValueError, TypeError, OverflowError) as exc:
        raise _bad(value, f"not an RFC 5545 rule: {exc}") from exc
    rank = {name: i for i, name in enumerate(_ORDER)}
    ordered = sorted(parts.items(), key=lambda part: rank.get(part[0], len(rank)))
    return ";".join(f"{name}={part}" for name, part in ordered)


def moment(value: object, *, field: str) -> Moment:
    """Return *value* as an occurrence time: a date as is, a datetime as an instant in UTC.

    Raises:
        ValidationError: naming *field*; ``activities.no_zone`` for a naive datetime.
    """
    if isinstance(value, datetime):
        return instant(value, field=field)
    if isinstance(value, date):
        return value
    raise ValidationError(value, "expected a date or an aware datetime", field=field)


def _optional_moment(value: object) -> Moment | None:
    return None if value is None else moment(value, field="recurrence.start")


def _moments(values: Iterable[object], name: str) -> tuple[Moment, ...]:
    if isinstance(values, date):
        values = [values]
    found = {moment(v, field=f"recurrence.{name}"): None for v in values}
    return tuple(sorted(found, key=_order))


def _exdates(values: Iterable[object]) -> tuple[Moment, ...]:
    return _moments(values, "exdates")


def _rdates(values: Iterable[object]) -> tuple[Moment, ...]:
    return _moments(values, "rdates")


def _original(value: object) -> Moment:
    return moment(value, field="recurrence.moved.original")


def _to(value: object) -> Moment:
    return moment(value, field="recurrence.moved.to")


def _order(value: Moment) -> tuple[int, datetime]:
    if isinstance(value, datetime):
        return (1, value)
    return (0, datetime.combine(value, datetime.min.time(), tzinfo=UTC))


@frozen(kw_only=True)
class Moved:
    """One occurrence of a series moved to another time (iCalendar's ``RECURRENCE-ID``).

    Attributes:
        original: when the rule puts the occurrence.
        to: when it happens instead; the activity's other times move with it.
    """

    original: Moment = field(converter=_original)
    to: Moment = field(converter=_to)


def _moved(values: Iterable[Moved | Mapping[str, Any]]) -> tuple[Moved, ...]:
    out: dict[Moment, Moved] = {}
    for value in values:
        move = value if isinstance(value, Moved) else Moved(**value)
        if move.original in out:
            raise ValidationError(
                move.original, "an occurrence is moved once", field="recurrence.moved"
            )
        out[move.original] = move
    return tuple(out[k] for k in sorted(out, key=_order))


@frozen
class Recurrence:
    """How an activity repeats: an RFC 5545 rule, plus dates added, removed and moved.

    Occurrence times are instants (UTC) for a timed activity and dates for an all-day one or
    one due on a date; a timed series repeats in the wall time of the activity's ``zone``
    (weekly at 09:00 in Berlin stays at 09:00 across the change to summer time).

    Attributes:
        rule: the ``RRULE`` value, e.g. ``"FREQ=WEEKLY;BYDAY=MO,WE"``; kept upper case,
            without the ``RRULE:`` prefix, its parts in RFC 5545's order.
        start: when the series began (``DTSTART``): None means at the activity's own time,
            which :class:`Activity` fills in. Completing occurrences moves the activity on
            to its next occurrence; ``start`` stays, so ``COUNT`` still counts from it.
        exdates: occurrences taken out (``EXDATE``), by the time the rule gives them.
        rdates: occurrences added (``RDATE``).
        moved: occurrences happening at another time than the rule's.

    Raises:
        ValidationError: ``activities.bad_rrule`` naming ``recurrence.rule`` for a rule that
            does not parse.
    """

    rule: str = field(converter=_rule)
    start: Moment | None = field(default=None, converter=_optional_moment, kw_only=True)
    exdates: tuple[Moment, ...] = field(default=(), converter=_exdates, kw_only=True)
    rdates: tuple[Moment, ...] = field(default=(), converter=_rdates, kw_only=True)
    moved: tuple[Moved, ...] = field(default=(), converter=_moved, kw_only=True)

    @property
    def ends(self) -> bool:
        """Whether the rule ends by itself (it has ``COUNT`` or ``UNTIL``)."""
        parts = rule_parts(self.rule)
        return "COUNT" in parts or "UNTIL" in parts


def build_rule(recurrence: Recurrence, start: Moment, zone: ZoneInfo) -> rrule:
    """Return dateutil's rule for *recurrence* beginning at *start*.

    A timed series starts at *start*'s wall time in *zone* (so its occurrences keep that wall
    time); an all-day one at midnight of *start*, with no zone.

    Raises:
        ValidationError: ``activities.bad_rrule`` for a rule this start cannot have (an
            ``UNTIL`` that is not in UTC for a timed series).
    """
    if isinstance(start, datetime):
        first = start.astimezone(zone)
        options: dict[str, Any] = {}
    else:
        first = datetime.combine(start, datetime.min.time())
        options = {"ignoretz": True}
    try:
        built = rrulestr(recurrence.rule, dtstart=first, cache=False, **options)
    except (ValueError, TypeError, OverflowError) as exc:
        hint = " (a timed series needs UNTIL in UTC, ending in Z)" if options == {} else ""
        raise _bad(recurrence.rule, f"{exc}{hint}") from exc
    if not isinstance(built, rrule):  # pragma: no cover - _rule lets one rule through only
        raise _bad(recurrence.rule, "expected one rule")
    return built
