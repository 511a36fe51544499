"""A report checked against the fields of its record kind: what each backend runs.

Both backends run the same :class:`Plan`, so a field, an aggregate or a bucket that does not
fit is refused the same way before any record is read.
"""

from __future__ import annotations

from collections.abc import Mapping

from attrs import frozen

from crmkit.errors import ConfigError, ErrorCode, FormulaError
from crmkit.expr import Expression, FieldType
from crmkit.expr import compile as compile_expression

from ._model import WEEKDAYS, Report

__all__ = ["GroupPlan", "Plan", "ValuePlan", "plan"]

_NUMERIC = frozenset({"number", "percent", "money"})
_ORDERED = _NUMERIC | {"date", "datetime"}
_DATES = frozenset({"date", "datetime"})
# the values one row can be grouped by: a money field groups by its currency, implicitly
_GROUPABLE = frozenset({"text", "picklist", "bool", "number", "percent", "date"})
_AGGREGATABLE = {
    "count": None,
    "count_distinct": _GROUPABLE | {"datetime"},
    "sum": _NUMERIC,
    "avg": _NUMERIC,
    "min": _ORDERED,
    "max": _ORDERED,
}


@frozen
class GroupPlan:
    """One grouping: its row key, field, field type, bucket and first weekday (0: Monday)."""

    key: str
    field: str
    type_name: str
    bucket: str | None
    week_start: int


@frozen
class ValuePlan:
    """One aggregate: its row key, operation, field and type (None for a count), condition."""

    key: str
    op: str
    field: str | None
    type_name: str | None
    where: Expression | None


@frozen
class Plan:
    """A report with its fields resolved and its formulas compiled.

    Attributes:
        report: the report.
        fields: every field of the kind with its type name.
        where: the compiled filter, or None.
        groups: the groupings.
        values: the aggregates.
        money: the money field whose currency groups the rows, or None.
    """

    report: Report
    fields: Mapping[str, str]
    where: Expression | None
    groups: tuple[GroupPlan, ...]
    values: tuple[ValuePlan, ...]
    money: str | None


def _condition(source: str, fields: Mapping[str, str]) -> Expression:
    # as a store compiles a filter: a division by zero is blank, as SQL has it
    expression = compile_expression(source, fields, division_by_zero="blank")
    if expression.result_type is not FieldType.BOOL:
        raise FormulaError(
            f"a condition must be TRUE or FALSE, not {expression.result_type.value}",
            source=source,
            code=ErrorCode.EXPR_TYPE_MISMATCH,
        )
    return expression.with_division_by_zero("blank")


def _field_type(path: str, name: str, fields: Mapping[str, str]) -> str:
    found = fields.get(name)
    if found is None:
        known = ", ".join(sorted(fields))
        raise ConfigError(
            path, f"unknown field {name!r} (fields: {known})", code=ErrorCode.REPORT_UNKNOWN_FIELD
        )
    return found


def plan(report: Report, fields: Mapping[str, str]) -> Plan:
    """Check *report* against *fields* (name to type name) and compile its formulas.

    Raises:
        ConfigError: for an unknown field (``reports.unknown_field``), an aggregate of a
            type it cannot add up (``reports.aggregate_type``), a grouping that does not fit
            its field (``reports.group_type``: a bucket on a field that is not a date, a
            datetime without a bucket, money), or figures over two money fields
            (``reports.money_fields``).
        FormulaError: for a filter or a condition that does not compile or is not TRUE/FALSE.
    """
    where = None if report.where is None else _condition(report.where, fields)
    groups = []
    for i, grouping in enumerate(report.group_by):
        path = f"group_by[{i}]"
        type_name = _field_type(f"{path}.field", grouping.field, fields)
        if grouping.bucket is not None and type_name not in _DATES:
            raise ConfigError(
                f"{path}.bucket",
                f"a {grouping.bucket} bucket needs a date or datetime field; "
                f"{grouping.field!r} is {type_name}",
                code=ErrorCode.REPORT_GROUP_TYPE,
            )
        if grouping.bucket is None and type_name not in _GROUPABLE:
            hint = " (give it a bucket)" if type_name == "datetime" else ""
            raise ConfigError(
                f"{path}.field",
                f"cannot group by {grouping.field!r}, a {type_name} field{hint}",
                code=ErrorCode.REPORT_GROUP_TYPE,
            )
        weekday = WEEKDAYS.index(grouping.week_start)
        groups.append(GroupPlan(grouping.key, grouping.field, type_name, grouping.bucket, weekday))
    values = []
    money: str | None = None
    for i, aggregate in enumerate(report.aggregates):
        path = f"aggregates[{i}]"
        value_type: str | None = None
        if aggregate.field is not None:
            value_type = type_name = _field_type(f"{path}.field", aggregate.field, fields)
            allowed = _AGGREGATABLE[aggregate.op]
            if allowed is not None and type_name not in allowed:
                raise ConfigError(
                    f"{path}.op",
                    f"cannot take the {aggregate.op} of {aggregate.field!r}, a {type_name} field",
                    code=ErrorCode.REPORT_AGGREGATE_TYPE,
                )
            if type_name == "money" and aggregate.op != "count":
                if money is not None and money != aggregate.field:
                    raise ConfigError(
                        f"{path}.field",
                        f"figures over two money fields ({money!r}, {aggregate.field!r}) "
                        "would need two currency columns: make two reports",
                        code=ErrorCode.REPORT_MONEY_FIELDS,
                    )
                money = aggregate.field
        condition = None if aggregate.where is None else _condition(aggregate.where, fields)
        values.append(
            ValuePlan(aggregate.key, aggregate.op, aggregate.field, value_type, condition)
        )
    return Plan(report, dict(fields), where, tuple(groups), tuple(values), money)
