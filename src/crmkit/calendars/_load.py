"""Reading a business calendar's parts from plain data and JSON, and writing them back.

Hours travel as text (``"09:00-12:30"``, ``"22:00-24:00"``) and dates as ISO 8601::

    {"zone": "Europe/Berlin",
     "week": {"monday": ["09:00-12:30", "13:30-17:30"], ..., "sunday": []},
     "holidays": {"country": "DE", "subdivision": "BY"},
     "special_days": [{"day": "2024-12-24", "hours": ["09:00-12:00"], "name": "Christmas Eve"}]}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from crmkit._converter import converter, structure_config
from crmkit.errors import ConfigError, ErrorCode

from ._interval import Interval
from ._model import PublicHolidays, SpecialDay, Week

__all__ = ["load_parts", "parse_json", "unstructure"]


def _interval(value: object, _: object = None) -> Interval:
    if isinstance(value, Interval):
        return value
    if not isinstance(value, str):
        raise ConfigError("", f"expected working hours as text like '09:00-17:00', not {value!r}")
    return Interval.parse(value)


def _date(value: object, _: object = None) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError("", f"expected a date like '2024-12-24', not {value!r}")


def _str(value: object, _: object = None) -> str:
    if not isinstance(value, str):
        raise ConfigError("", f"expected text, not {value!r}")
    return value


# A copy of crmkit's converter, so these hooks never change how other models convert.
_converter = converter.copy()
_converter.register_structure_hook(Interval, _interval)
_converter.register_unstructure_hook(Interval, str)
_converter.register_structure_hook(date, _date)
_converter.register_structure_hook(str, _str)


def _list_of(kind: Any, what: str, *, alone: type | None = None) -> None:
    """Make ``tuple[kind, ...]`` refuse anything but a list in words; *alone* may stand alone."""
    listed = tuple[kind, ...]
    items = _converter.get_structure_hook(listed)

    def structure(value: object, _: object = None) -> Any:
        if alone is not None and isinstance(value, alone):
            value = [value]  # "09:00-17:00" for ["09:00-17:00"]
        if not isinstance(value, list | tuple):
            raise ConfigError("", f"expected a list of {what}, not {value!r}")
        return items(value, listed)

    _converter.register_structure_hook_func(lambda t: t == listed, structure)


def _mapping_first(cls: type[Any]) -> None:
    """Make *cls* refuse anything but a mapping in words, before cattrs reads its fields."""
    fields = _converter.get_structure_hook(cls)

    def structure(value: object, _: object = None) -> Any:
        if not isinstance(value, Mapping):
            raise ConfigError("", f"expected a mapping of {cls.__name__} fields, not {value!r}")
        return fields(value, cls)

    _converter.register_structure_hook(cls, structure)


# in this order: cattrs makes each class's hook from the hooks of its fields registered so far
_list_of(Interval, "working hours", alone=str)
for _part in (Week, PublicHolidays, SpecialDay):
    _mapping_first(_part)
_list_of(SpecialDay, "special days")

_PARTS: Final[dict[str, Any]] = {
    "zone": str,
    "week": Week,
    "holidays": PublicHolidays | None,
    "special_days": tuple[SpecialDay, ...],
}


def _located(name: str, path: str) -> str:
    if not path:
        return name
    return f"{name}{path}" if path.startswith("[") else f"{name}.{path}"


def load_parts(data: Any) -> dict[str, Any]:
    """Return the keyword arguments of a calendar, read from plain *data*.

    Raises:
        ConfigError: naming the path of the first bad value (``week.monday[1]``).
    """
    if not isinstance(data, Mapping):
        raise ConfigError("", f"expected a mapping, not {type(data).__name__}")
    unknown = sorted(str(key) for key in data if key not in _PARTS)
    if unknown:
        raise ConfigError(
            "", f"unknown field(s): {', '.join(unknown)}", code=ErrorCode.CONFIG_UNKNOWN_KEY
        )
    if "zone" not in data:
        raise ConfigError("zone", "required field missing", code=ErrorCode.CONFIG_MISSING)
    parts = {}
    for name, kind in _PARTS.items():
        if name not in data:
            continue
        try:
            parts[name] = structure_config(data[name], kind, using=_converter)
        except ConfigError as exc:
            raise ConfigError(_located(name, exc.path), exc.reason, code=exc.code) from exc
    return parts


def parse_json(text: object) -> Any:
    """Return the plain data of JSON *text*.

    Raises:
        ConfigError: for something that is not text, or text that is not JSON.
    """
    if not isinstance(text, str | bytes):
        raise ConfigError("", f"expected JSON text, not {type(text).__name__}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError("", f"not valid JSON: {exc}") from exc


def unstructure(value: object) -> Any:
    """Return *value* (a calendar or one of its parts) as JSON-safe plain data."""
    return _converter.unstructure(value)
