"""Report definitions as data: what to select, how to group the rows, what to add up.

A :class:`Report` is a frozen value that converts to and from plain dicts. Its shape is
checked when it is built (a bad value raises :class:`~crmkit.errors.ConfigError` naming its
path, ``group_by[1].bucket``); its fields are checked against a store's schema when it runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from attrs import field, frozen
from cattrs.gen import make_dict_structure_fn

from crmkit._converter import converter, structure_config
from crmkit.errors import ConfigError, ErrorCode

__all__ = [
    "BUCKETS",
    "OPERATIONS",
    "PRIMARY_OBJECTS",
    "WEEKDAYS",
    "Aggregate",
    "Grouping",
    "Report",
]

PRIMARY_OBJECTS = ("deals",)
"""The record kinds a report can run over (contacts, companies and activities come later)."""

BUCKETS = ("day", "week", "month", "quarter", "year")
"""The date buckets a grouping can put a date or datetime field into."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""The first weekday a ``week`` bucket can start on."""

OPERATIONS = ("count", "count_distinct", "sum", "avg", "min", "max")
"""The aggregates a report can compute."""

DEFAULT_LIMIT = 1000


@frozen
class Grouping:
    """One row grouping: by a field's value, or by the date bucket a date field falls in.

    Attributes:
        field: the field to group by.
        bucket: ``day``, ``week``, ``month``, ``quarter`` or ``year`` for a date or datetime
            field (datetimes are bucketed in UTC); None groups by the value itself.
        week_start: the first day of a ``week`` bucket (``monday`` by default).
        name: the key of the group's value in each row; by default the field's name, with
            the bucket after a colon (``close_date:month``).
    """

    field: str
    bucket: str | None = None
    week_start: str = "monday"
    name: str | None = None

    @property
    def key(self) -> str:
        """The key of this group's value in each row."""
        if self.name is not None:
            return self.name
        return self.field if self.bucket is None else f"{self.field}:{self.bucket}"


@frozen
class Aggregate:
    """One figure computed over each group's records.

    Attributes:
        op: ``count`` (records, or records with a value in *field*), ``count_distinct``,
            ``sum``, ``avg``, ``min`` or ``max``.
        field: the field to aggregate; only ``count`` may leave it out.
        where: a TRUE/FALSE formula: only the records it selects count towards this figure
            (``stage_kind = 'won'``).
        name: the key of the figure in each row; by default the operation and the field
            (``sum_amount``), or ``count``.
    """

    op: str
    field: str | None = None
    where: str | None = None
    name: str | None = None

    @property
    def key(self) -> str:
        """The key of this figure in each row."""
        if self.name is not None:
            return self.name
        return self.op if self.field is None else f"{self.op}_{self.field}"


def _groupings(value: Iterable[Grouping | Mapping[str, Any] | str]) -> tuple[Grouping, ...]:
    return tuple(_grouping(v) for v in _items(value, "group_by"))


def _grouping(value: object) -> Grouping:
    if isinstance(value, str):
        return Grouping(value)
    if isinstance(value, Mapping):
        return structure_config(dict(value), Grouping, using=_converter)
    return value  # type: ignore[return-value]  # checked in Report.__attrs_post_init__


def _aggregates(value: Iterable[Aggregate | Mapping[str, Any]]) -> tuple[Aggregate, ...]:
    return tuple(
        structure_config(dict(v), Aggregate, using=_converter) if isinstance(v, Mapping) else v
        for v in _items(value, "aggregates")
    )


def _items(value: object, path: str) -> tuple[Any, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ConfigError(path, f"expected a list, not {value!r}")
    return tuple(value)


@frozen
class Report:
    """A report: the records of one kind that a filter selects, grouped, with figures.

    Money is summed per currency: a report with a figure over a money field groups its rows
    by that field's currency too (the row's ``currency``), and never adds two currencies.

    Attributes:
        primary: the kind of record the report runs over: ``deals``.
        where: a TRUE/FALSE formula in the expression language selecting the records
            (``close_date >= DATE(2024, 1, 1)``); None selects every one.
        group_by: the row groupings, outermost first; none gives one row for all records.
        aggregates: the figures of each row (a count by default).
        limit: the most rows returned; a result with more says so
            (:attr:`ReportResult.truncated`), it is never cut silently.

    Raises:
        ConfigError: for a bad value, with its path (``group_by[1].bucket``): an unknown
            primary object, bucket, weekday or operation, a missing field, a duplicate row
            key (``config.duplicate``), or a limit below 1.
    """

    primary: str = "deals"
    where: str | None = None
    group_by: tuple[Grouping, ...] = field(default=(), converter=_groupings)
    aggregates: tuple[Aggregate, ...] = field(
        factory=lambda: (Aggregate("count"),), converter=_aggregates
    )
    limit: int = DEFAULT_LIMIT

    def __attrs_post_init__(self) -> None:
        _check_shape(self)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain, JSON-safe data (what :meth:`from_dict` reads)."""
        data: dict[str, Any] = _converter.unstructure(self)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        """Build a report from plain data, as :meth:`to_dict` writes it.

        A grouping may be given as a field name alone (``"group_by": ["owner_id"]``).

        Raises:
            ConfigError: naming the path of the first bad value.
        """
        if not isinstance(data, Mapping):
            raise ConfigError("", f"expected a report as a mapping, not {data!r}")
        try:
            return structure_config(dict(data), cls, using=_converter)
        except ConfigError as exc:
            # the report's own checks run in __init__, where cattrs cannot tell the path:
            # theirs carry it already
            own = _own_error(exc.__cause__)
            if own is not None:
                raise own from None
            raise


def _own_error(exc: BaseException | None) -> ConfigError | None:
    if isinstance(exc, ConfigError):
        return exc
    if isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        return _own_error(exc.exceptions[0])
    return None


def _strict(kind: type[Any]) -> Any:
    def structure(value: object, _: object = None) -> Any:
        # refuse what cattrs would coerce: "5" or 2.5 as a limit, 5 as a field name
        if isinstance(value, bool) or not isinstance(value, kind):
            raise TypeError(f"not {value!r}")  # cattrs' message says what was expected
        return value

    return structure


# reports are written by people: a copy of crmkit's converter that reads a grouping from a
# field name alone, and takes numbers and names only as they are
_converter = converter.copy()
_converter.register_structure_hook(int, _strict(int))
_converter.register_structure_hook_func(lambda t: t is str, _strict(str))
_converter.register_structure_hook_func(
    lambda t: t == (str | None), lambda v, _: None if v is None else _strict(str)(v)
)
_grouping_fields = make_dict_structure_fn(Grouping, _converter, _cattrs_forbid_extra_keys=True)
_converter.register_structure_hook(
    Grouping, lambda v, t: Grouping(v) if isinstance(v, str) else _grouping_fields(v, t)
)


def _list_of(item: type[Any]) -> None:
    kind = tuple[item, ...]  # type: ignore[valid-type]  # built for each item class
    default = _converter.get_structure_hook(kind)

    def structure(value: object, _: object = None) -> Any:
        # text is iterable, but a list of its letters is never what was meant
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise TypeError(f"expected a list, not {value!r}")
        return default(value, kind)

    _converter.register_structure_hook_func(lambda t: t == kind, structure)


_list_of(Grouping)
_list_of(Aggregate)


def _check_shape(report: Report) -> None:
    if report.primary not in PRIMARY_OBJECTS:
        raise ConfigError(
            "primary",
            f"unknown primary object {report.primary!r}; "
            f"expected one of {', '.join(PRIMARY_OBJECTS)}",
        )
    if report.where is not None and not isinstance(report.where, str):
        raise ConfigError("where", f"expected a formula as text, not {report.where!r}")
    limit: object = report.limit
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ConfigError(
            "limit", f"expected a whole number of rows of at least 1, not {report.limit!r}"
        )
    keys: dict[str, str] = {}
    for i, grouping in enumerate(report.group_by):
        path = f"group_by[{i}]"
        _check_grouping(path, grouping)
        _unique(keys, grouping.key, path)
    if not report.aggregates:
        raise ConfigError(
            "aggregates", "a report needs at least one figure", code=ErrorCode.CONFIG_MISSING
        )
    for i, aggregate in enumerate(report.aggregates):
        path = f"aggregates[{i}]"
        _check_aggregate(path, aggregate)
        _unique(keys, aggregate.key, path)


def _unique(keys: dict[str, str], key: str, path: str) -> None:
    if key == "currency":
        raise ConfigError(
            f"{path}.name",
            "'currency' is the key of a row's currency",
            code=ErrorCode.CONFIG_DUPLICATE,
        )
    if key in keys:
        raise ConfigError(
            f"{path}.name",
            f"row key {key!r} is used by {keys[key]} too",
            code=ErrorCode.CONFIG_DUPLICATE,
        )
    keys[key] = path


def _text(path: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ConfigError(path, f"expected a name, not {value!r}")


def _check_grouping(path: str, grouping: object) -> None:
    if not isinstance(grouping, Grouping):
        raise ConfigError(path, f"expected a Grouping, a mapping or a field name, not {grouping!r}")
    _text(f"{path}.field", grouping.field)
    if grouping.bucket is not None and grouping.bucket not in BUCKETS:
        raise ConfigError(
            f"{path}.bucket",
            f"unknown bucket {grouping.bucket!r}; expected one of {', '.join(BUCKETS)}",
        )
    if grouping.week_start not in WEEKDAYS:
        raise ConfigError(
            f"{path}.week_start",
            f"unknown weekday {grouping.week_start!r}; expected one of {', '.join(WEEKDAYS)}",
        )
    if grouping.name is not None:
        _text(f"{path}.name", grouping.name)


def _check_aggregate(path: str, aggregate: object) -> None:
    if not isinstance(aggregate, Aggregate):
        raise ConfigError(path, f"expected an Aggregate or a mapping, not {aggregate!r}")
    if aggregate.op not in OPERATIONS:
        raise ConfigError(
            f"{path}.op",
            f"unknown operation {aggregate.op!r}; expected one of {', '.join(OPERATIONS)}",
        )
    if aggregate.field is None:
        if aggregate.op != "count":
            raise ConfigError(
                f"{path}.field", f"{aggregate.op} needs a field", code=ErrorCode.CONFIG_MISSING
            )
    else:
        _text(f"{path}.field", aggregate.field)
    if aggregate.where is not None and not isinstance(aggregate.where, str):
        raise ConfigError(f"{path}.where", f"expected a formula as text, not {aggregate.where!r}")
    if aggregate.name is not None:
        _text(f"{path}.name", aggregate.name)
