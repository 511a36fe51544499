"""Refusing the character NUL in a record before any backend sees it.

PostgreSQL cannot store NUL in text or JSON, SQLite and memory can: a record that holds one
would be stored by some backends and refused by others with the driver's own error. Every
write checks here first, so all of them refuse it alike, naming the field.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs

from crmkit.errors import ErrorCode, ValidationError

__all__ = ["check_no_nul"]

_NUL = "\x00"


def check_no_nul(record: object) -> None:
    """Raise if any text of *record* (its id, fields, custom values and their keys) has NUL.

    Raises:
        ValidationError: with the code ``validation.nul_character``, naming the field.
    """
    # a quick pass over the values alone; the field is named by a second pass, on a find
    stack: list[Any] = [record]
    pop, extend = stack.pop, stack.extend
    while stack:
        value = pop()
        kind = type(value)
        if kind is str:
            if _NUL in value:
                _raise_named(record)
        elif kind in _SCALARS:
            continue
        elif kind is dict:
            for key in value:
                if type(key) is str and _NUL in key:
                    _raise_named(record)
            extend(value.values())
        elif kind is list or kind is tuple:
            extend(value)
        else:
            read = _READERS.get(kind, _UNKNOWN)
            if read is _UNKNOWN:
                read = _READERS[kind] = _reader_of(kind)
            if read is not None:
                extend(read(value))
            elif isinstance(value, Mapping):
                extend(value.items())
            elif isinstance(value, list | tuple | set | frozenset):
                extend(value)


_SCALARS = frozenset({int, float, bool, type(None), Decimal, date, datetime})
_READERS: dict[type, Callable[[Any], tuple[Any, ...]] | None] = {}
# a type with no reader (an enum, say) is remembered as None, so a miss needs its own mark
_UNKNOWN: Any = object()


def _reader_of(kind: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """A function giving the field values of an attrs class as a tuple (None for others)."""
    if not attrs.has(kind):
        return None
    names = [f.name for f in attrs.fields(kind)]
    if len(names) == 1:
        name = names[0]
        return lambda value: (getattr(value, name),)
    return operator.attrgetter(*names)


def _raise_named(record: object) -> None:
    stack: list[tuple[str, Any]] = [("", record)]
    pop, push = stack.pop, stack.append
    while stack:
        path, value = pop()
        if isinstance(value, str):
            if _NUL in value:
                raise ValidationError(
                    value,
                    "text cannot hold the character NUL",
                    field=path or None,
                    code=ErrorCode.NUL_CHARACTER,
                )
        elif isinstance(value, Mapping):
            for key, item in value.items():
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and _NUL in key:
                    raise ValidationError(
                        key,
                        "a name cannot hold the character NUL",
                        field=name,
                        code=ErrorCode.NUL_CHARACTER,
                    )
                push((name, item))
        elif isinstance(value, list | tuple | set | frozenset):
            for index, item in enumerate(value):
                push((f"{path}[{index}]", item))
        elif attrs.has(type(value)):
            for field in attrs.fields(type(value)):
                # a record's custom values are named as fields of their own
                name = "" if field.name == "custom" and not path else field.name
                push((f"{path}.{name}" if path and name else name, getattr(value, field.name)))
