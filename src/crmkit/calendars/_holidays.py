"""Public holidays from the holidays library: checking a country and subdivision, and the dates.

The library takes some 60 ms to import, so it is imported when a calendar with public
holidays is first built, not with crmkit. Each year's dates are computed once per country and
subdivision and shared by every calendar that names them.
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType

from crmkit.errors import ConfigError, ErrorCode

__all__ = ["check_holidays", "holiday_ordinals"]


def _library() -> ModuleType:
    return importlib.import_module("holidays")


@functools.cache
def _countries() -> dict[str, tuple[str, ...]]:
    supported = _library().list_supported_countries(include_aliases=True)
    return {code: tuple(subdivisions) for code, subdivisions in supported.items()}


def check_holidays(country: object, subdivision: object) -> None:
    """Check that the holidays library knows *country* and, when given, its *subdivision*.

    Raises:
        ConfigError: ``calendars.unknown_country`` at ``holidays.country``, or
            ``calendars.unknown_subdivision`` at ``holidays.subdivision`` listing the
            subdivisions the country has.
    """
    if not isinstance(country, str):
        raise ConfigError("holidays.country", f"expected a country code, not {country!r}")
    if subdivision is not None and not isinstance(subdivision, str):
        raise ConfigError(
            "holidays.subdivision", f"expected a subdivision code or None, not {subdivision!r}"
        )
    countries = _countries()
    if country not in countries:
        hint = f" (did you mean {country.upper()!r}?)" if country.upper() in countries else ""
        raise ConfigError(
            "holidays.country",
            f"unknown holiday country {country!r}{hint}; "
            "give an ISO 3166-1 code the holidays library knows, like 'DE' or 'US'",
            code=ErrorCode.CALENDAR_UNKNOWN_COUNTRY,
        )
    if subdivision is None:
        return
    try:
        _library().country_holidays(country, subdiv=subdivision)
    except NotImplementedError:
        known = ", ".join(countries[country]) or "none"
        raise ConfigError(
            "holidays.subdivision",
            f"{country} has no subdivision {subdivision!r} (known: {known})",
            code=ErrorCode.CALENDAR_UNKNOWN_SUBDIVISION,
        ) from None


@functools.lru_cache(maxsize=1024)
def holiday_ordinals(country: str, subdivision: str | None, year: int) -> frozenset[int]:
    """The public holidays of *country* (and *subdivision*) in *year*, as date ordinals."""
    found = _library().country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(day.toordinal() for day in found if day.year == year)
