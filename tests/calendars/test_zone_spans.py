"""Offset spans: every change of a zone's offset is found, to the second.

The engine finds a zone's offset changes by asking for the offset every 12 hours and
bisecting where it differs, since zoneinfo lists no transitions. That misses a change only
when two of them lie within 12 hours of each other; the first test checks that no zone of
the installed IANA data does that, reading the data through the standard library's own
pure-Python zoneinfo (whose internals it uses, so it skips where they differ).
"""

from __future__ import annotations

import importlib
import itertools
import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from calendar_cases import ZONES, offset_changes

from crmkit.calendars._zone import EPOCH, offset_spans

_THREE_DAYS = 3 * 86_400


def _explicit_changes(zone: Any) -> list[int]:
    """The seconds after the epoch at which *zone*'s listed transitions change its offset."""
    changes = []
    offset = zone._tti_before.utcoff if zone._tti_before else None
    for instant, kind in zip(zone._trans_utc, zone._ttinfos, strict=True):
        if kind.utcoff != offset:
            changes.append(instant)
        offset = kind.utcoff
    return changes


def _rule_changes(zone: Any) -> list[int]:
    """The changes of *zone*'s closing rule (its POSIX TZ string) in four years past its list."""
    rule = zone._tz_after
    if not hasattr(rule, "transitions"):
        return []  # a fixed offset
    last = datetime.fromtimestamp(zone._trans_utc[-1], UTC).year if zone._trans_utc else 2037
    changes: list[int] = []
    for year in range(last + 1, last + 5):
        start, end = rule.transitions(year)  # wall-clock seconds, before each change
        changes += [
            start - int(rule.std.utcoff.total_seconds()),
            end - int(rule.dst.utcoff.total_seconds()),
        ]
    return changes


def test_no_zone_changes_its_offset_twice_within_three_days() -> None:
    """In the installed zone data, offset changes are always more than 12 hours apart."""
    try:
        pure = importlib.import_module("zoneinfo._zoneinfo")
    except ImportError:
        pytest.skip("this Python's zoneinfo has no pure-Python implementation to read")
    close = []
    for name in sorted(zoneinfo.available_timezones()):
        zone = pure.ZoneInfo.no_cache(name)
        if not hasattr(zone, "_trans_utc"):
            pytest.skip("the pure-Python zoneinfo keeps its transitions elsewhere")
        changes = _explicit_changes(zone) + _rule_changes(zone)
        changes.sort()
        close += [
            f"{name} at {datetime.fromtimestamp(a, UTC)}"
            for a, b in itertools.pairwise(changes)
            if b - a < _THREE_DAYS
        ]

    assert [] == close


@pytest.mark.parametrize(
    ("zone", "year"),
    [(name, 2021) for name in sorted(ZONES)]
    + [("Pacific/Apia", 2011), ("Pacific/Kiritimati", 1994), ("America/Sao_Paulo", 2018)],
)
def test_offset_spans_find_every_change(zone: str, year: int) -> None:
    """The spans' edges are exactly the zone's offset changes, each span one offset."""
    tz = ZoneInfo(zone)
    low = (datetime(year, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(seconds=1)
    high = (datetime(year + 1, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(seconds=1)

    spans = offset_spans(tz, low, high)

    edges = [EPOCH + timedelta(seconds=start) for start, _, _ in spans[1:]]
    assert offset_changes(tz, year, year) == edges
    assert (low, high) == (spans[0][0], spans[-1][1])
    for start, end, offset in spans:
        for second in (start, end - 1):
            moment = (EPOCH + timedelta(seconds=second)).astimezone(tz)
            assert timedelta(seconds=offset) == moment.utcoffset()
