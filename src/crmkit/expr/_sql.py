"""Compiling a checked syntax tree to a SQLAlchemy expression with the same blank semantics.

SQL's three-valued logic differs from the language's: here a comparison with a blank is
false, never unknown. So every comparison and predicate is wrapped in
``coalesce(..., false)`` and every other boolean used as a condition is coalesced too,
which makes ``NOT`` behave as it does in Python evaluation.

A WHERE clause selects a row only where its condition is TRUE, so there a blank and FALSE
need not be told apart: compiled ``where=True``, the conditions a WHERE clause tests
directly (the whole formula, and the parts of its top ``AND``s and ``OR``s) are left
without their coalesce, which would keep the database from using an index on the column.
Under ``NOT``, and wherever else a condition's value is used, the coalesce stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from crmkit.errors import ErrorCode, FormulaError

from ._ast import Binary, Call, Field, Literal, Node, Unary
from ._checker import NUMERIC, TEXTUAL, Checked
from ._functions import BUILTINS, Function
from ._location import error_at
from ._regex import Regex
from ._runtime import Fault
from ._sql_constructs import Begins, Contains, DaysBetween, PlusDays, RegexMatch
from ._types import FieldType

__all__ = ["to_sql"]

_Col = sa.ColumnElement[Any]
_NUMBER = sa.Numeric(asdecimal=True, decimal_return_scale=28)
_NEVER_BLANK = frozenset(
    {"AND", "OR", "NOT", "ISBLANK", "CONTAINS", "BEGINS", "ISPICKVAL", "ISCHANGED", "IN", "REGEX"}
)
_COMPARE = {"=", "<>", "<", "<=", ">", ">="}
_DATES = (FieldType.DATE, FieldType.DATETIME)


def _false() -> _Col:
    return sa.false()


class _Sql:
    def __init__(  # noqa: PLR0917  # private, called once
        self,
        checked: Checked,
        source: str,
        columns: Mapping[str, _Col],
        blanks_as_zero: bool,
        functions: Mapping[str, Function],
        now: datetime,
    ) -> None:
        self.checked = checked
        self.source = source
        self.columns = columns
        self.blanks_as_zero = blanks_as_zero
        self.functions = functions
        self.now = now

    def unsupported(self, node: Node, what: str) -> FormulaError:
        return error_at(
            self.source, node.pos, "has no SQL form", code=ErrorCode.EXPR_NO_SQL, function=what
        )

    def blank(self, node: Node) -> bool:
        """Tell whether *node* is always blank (NULL, or built only from NULLs)."""
        return self.ty(node) is None

    def typed_null(self, node: Node) -> _Col:
        ty = self.ty(node)
        types: dict[FieldType | None, sa.types.TypeEngine[Any]] = {
            FieldType.DATE: sa.Date(),
            FieldType.DATETIME: sa.DateTime(),
            FieldType.TEXT: sa.String(),
            FieldType.PICKLIST: sa.String(),
            FieldType.BOOL: sa.Boolean(),
        }
        sql_type = types.get(ty, _NUMBER)
        return sa.cast(sa.null(), sql_type)

    def ty(self, node: Node) -> FieldType | None:
        return self.checked.types[id(node)]

    def condition(self, node: Node) -> _Col:
        """A boolean that is never NULL: blank counts as false."""
        sql = self.expr(node)
        if isinstance(node, Binary) and (node.op in _COMPARE or node.op in ("AND", "OR")):
            return sql
        if isinstance(node, Call) and node.name in _NEVER_BLANK:
            return sql
        if isinstance(node, Literal) and node.value is not None:
            return sql
        return sa.func.coalesce(sql, _false())

    def where(self, node: Node) -> _Col:
        """A condition a WHERE clause tests directly: only TRUE selects a row.

        ``coalesce(x, false)`` is TRUE exactly where ``x`` is, so it is left out here.
        """
        if isinstance(node, Binary) and node.op in ("AND", "OR"):
            op, parts = node.op, [self.where(node.left), self.where(node.right)]
        elif isinstance(node, Call) and node.name in ("AND", "OR"):
            op, parts = node.name, [self.where(arg) for arg in node.args]
        else:
            return _uncoalesced(self.condition(node))
        return sa.and_(*parts) if op == "AND" else sa.or_(*parts)

    def expr(self, node: Node) -> _Col:
        if isinstance(node, Literal):
            return self.literal(node.value)
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, Unary):
            if self.blank(node.operand):
                return self.typed_null(node)
            inner = self.expr(node.operand)
            return inner if node.op == "+" else -inner
        if isinstance(node, Binary):
            return self.binary(node)
        return self.call(node)

    def literal(self, value: object) -> _Col:
        if value is None:
            return sa.null()
        if value is True:
            return sa.true()
        if value is False:
            return sa.false()
        if isinstance(value, Decimal):
            return sa.literal(value, sa.Numeric())
        if isinstance(value, datetime):
            return sa.literal(value, sa.DateTime(timezone=value.tzinfo is not None))
        if isinstance(value, date):
            return sa.literal(value, sa.Date())
        return sa.literal(value, sa.String())

    def field(self, node: Field) -> _Col:
        column = self.columns.get(node.dotted)
        if column is None:
            reason = f"no column given for field {node.dotted!r}"
            raise error_at(self.source, node.pos, reason, code=ErrorCode.EXPR_NO_COLUMN)
        if self.blanks_as_zero and (
            self.ty(node) in NUMERIC or self.checked.currency_of(node) is not None
        ):
            # a money field of a fixed currency reads a blank as zero in it, as evaluate does
            return sa.func.coalesce(column, self.literal(Decimal(0)))
        return column

    def binary(self, node: Binary) -> _Col:
        op = node.op
        if op == "AND":
            return sa.and_(self.condition(node.left), self.condition(node.right))
        if op == "OR":
            return sa.or_(self.condition(node.left), self.condition(node.right))
        if op in _COMPARE:
            if self.blank(node.left) or self.blank(node.right):
                return _false()
            left, right = self.expr(node.left), self.expr(node.right)
            compared = left.operate(_OPERATORS[op], right)
            return sa.func.coalesce(compared, _false())
        left, right = self.expr(node.left), self.expr(node.right)
        if op == "&":
            empty = self.literal("")
            return sa.func.coalesce(left, empty).concat(sa.func.coalesce(right, empty))
        if self.blank(node.left) or self.blank(node.right):
            # PostgreSQL cannot type "- NULL" or "trunc(NULL)"; the result is blank anyway
            return self.typed_null(node)
        lt, rt = self.ty(node.left), self.ty(node.right)
        if lt in _DATES or rt in _DATES:
            return self.date_arithmetic(node, left, right)
        # The columns' own scale (Numeric(12, 2)) must not round a computed result.
        if op == "+":
            return sa.type_coerce(left + right, _NUMBER)
        if op == "-":
            return sa.type_coerce(left - right, _NUMBER)
        if op == "*":
            return sa.type_coerce(left * right, _NUMBER)
        if op == "/":
            # SQL has no per-row error (PostgreSQL aborts the query, SQLite gives NULL):
            # a zero divisor makes the quotient blank on every database.
            divisor = sa.func.nullif(right, self.literal(Decimal(0)), type_=right.type)
            return sa.type_coerce(left / divisor, _NUMBER)
        raise self.unsupported(node, f"'{op}'")

    def date_arithmetic(self, node: Binary, left: _Col, right: _Col) -> _Col:
        lt, rt = self.ty(node.left), self.ty(node.right)
        if FieldType.DATETIME in (lt, rt):
            raise self.unsupported(node, f"datetime '{node.op}'")
        if node.op == "-" and lt == rt == FieldType.DATE:
            return DaysBetween(left, right)
        if node.op == "-":
            return PlusDays(left, -right)
        if lt == FieldType.DATE:
            return PlusDays(left, right)
        return PlusDays(right, left)

    def call(self, node: Call) -> _Col:
        name, args = node.name, node.args
        if name == "IF":
            test, yes, no = args
            return sa.case((self.condition(test), self.expr(yes)), else_=self.expr(no))
        if name == "CASE":
            # a bare NULL has no SQL type, and PostgreSQL cannot type "-NULL" around it
            otherwise = self.typed_null(node) if self.blank(args[-1]) else self.expr(args[-1])
            if self.blank(args[0]):
                return otherwise
            subject = self.expr(args[0])
            whens = [
                (sa.func.coalesce(subject == self.expr(match), _false()), self.expr(result))
                for match, result in zip(args[1:-1:2], args[2:-1:2], strict=True)
                if not self.blank(match)
            ]
            return sa.case(*whens, else_=otherwise) if whens else otherwise
        if name in ("AND", "OR"):
            parts = [self.condition(arg) for arg in args]
            return sa.and_(*parts) if name == "AND" else sa.or_(*parts)
        if name == "NOT":
            return sa.not_(self.condition(args[0]))
        if name == "ISBLANK":
            return self.is_blank(args[0])
        if name == "BLANKVALUE":
            value, default = self.expr(args[0]), self.expr(args[1])
            if self.ty(args[0]) in TEXTUAL:
                return sa.case((self.is_blank(args[0]), default), else_=value)
            return sa.func.coalesce(value, default)
        if name == "NULLVALUE":
            return sa.func.coalesce(self.expr(args[0]), self.expr(args[1]))
        if name in ("CONTAINS", "BEGINS", "ISPICKVAL") and any(map(self.blank, args)):
            # SQLAlchemy would turn "= NULL" into "IS NULL"; a blank never matches here
            return _false()
        if name in ("CONTAINS", "BEGINS"):
            construct = Contains if name == "CONTAINS" else Begins
            found = construct(self.expr(args[0]), self.expr(args[1]))
            return sa.func.coalesce(found, _false())
        if name == "IN":
            return self.member(node)
        if name == "REGEX":
            if self.blank(args[0]):
                return _false()
            regex: Regex = self.checked.patterns[id(node)]
            matched = RegexMatch(self.expr(args[0]), sa.literal(regex.anchored, sa.String()))
            return sa.func.coalesce(matched, _false())
        if name == "ISPICKVAL":
            return sa.func.coalesce(self.expr(args[0]) == self.expr(args[1]), _false())
        if name in ("TODAY", "NOW"):
            return self.literal(self.now.date() if name == "TODAY" else self.now)
        strict = ("UPPER", "LOWER", "LEN", "TRIM", "ABS", "YEAR", "MONTH", "DAY")
        if name in strict and self.blank(args[0]):
            return self.typed_null(node)
        if name in ("UPPER", "LOWER", "LEN", "TRIM", "ABS"):
            fn = {"UPPER": "upper", "LOWER": "lower", "LEN": "length", "TRIM": "trim"}
            return getattr(sa.func, fn.get(name, "abs"))(self.expr(args[0]))  # type: ignore[no-any-return]
        if name in ("YEAR", "MONTH", "DAY") and self.ty(args[0]) == FieldType.DATE:
            return sa.extract(name.lower(), self.expr(args[0]))
        if name == "DATE" and all(isinstance(arg, Literal) for arg in args):
            values = [arg.value for arg in args]  # type: ignore[union-attr]  # checked above
            if None in values:
                return sa.null()
            try:
                return self.literal(BUILTINS["DATE"].impl(*values))
            except Fault as fault:
                raise error_at(
                    self.source, node.pos, fault.reason, code=fault.code, function=name
                ) from None
        host = self.functions.get(name)
        if host is not None and host.sql is not None:
            return host.sql(*(self.expr(arg) for arg in args))  # type: ignore[no-any-return]
        raise self.unsupported(node, name)

    def member(self, node: Call) -> _Col:
        value, *candidates = node.args
        # a blank candidate never matches, and SQLAlchemy would turn "IN (NULL)" into nothing
        live = [arg for arg in candidates if not self.blank(arg)]
        if self.blank(value) or not live:
            return _false()
        if all(isinstance(arg, Literal) for arg in live):
            # plain values make one expanding parameter: the statement stays cacheable
            found = self.expr(value).in_([arg.value for arg in live])  # type: ignore[union-attr]  # checked above
        else:
            found = self.expr(value).in_([self.expr(arg) for arg in live])
        # SQL's IN is unknown for a NULL value or a NULL candidate; here that is false
        return sa.func.coalesce(found, _false())

    def is_blank(self, node: Node) -> _Col:
        value = self.expr(node)
        if self.ty(node) in TEXTUAL:
            return sa.or_(value.is_(None), value == self.literal(""))
        return value.is_(None)


_OPERATORS = {
    "=": sa.sql.operators.eq,
    "<>": sa.sql.operators.ne,
    "<": sa.sql.operators.lt,
    "<=": sa.sql.operators.le,
    ">": sa.sql.operators.gt,
    ">=": sa.sql.operators.ge,
}


def _uncoalesced(sql: _Col) -> _Col:
    """Return *x* for ``coalesce(x, false)``, else *sql* itself."""
    if isinstance(sql, sa.sql.functions.coalesce):
        args = list(sql.clauses)
        if len(args) == 2 and isinstance(args[1], sa.sql.elements.False_):
            return args[0]
    return sql


def to_sql(
    checked: Checked,
    source: str,
    columns: Mapping[str, _Col],
    *,
    blanks_as_zero: bool,
    functions: Mapping[str, Function],
    now: datetime | date | None,
    where: bool = False,
) -> _Col:
    """Compile *checked* to SQL over *columns* (see :meth:`Expression.to_sql`)."""
    if not isinstance(columns, Mapping):
        raise FormulaError(
            "columns must map field paths to SQLAlchemy columns",
            source=source,
            code=ErrorCode.EXPR_NO_COLUMN,
        )
    if now is None:
        now = datetime.now(UTC)
    elif not isinstance(now, datetime):
        now = datetime(now.year, now.month, now.day)
    sql = _Sql(checked, source, columns, blanks_as_zero, functions, now)
    root = checked.root
    if checked.result == FieldType.BOOL:
        if where:
            return sql.where(root)
        return sql.condition(root) if _is_condition_safe(root) else sql.expr(root)
    return sql.expr(root)


def _is_condition_safe(root: Node) -> bool:
    # A bool-valued formula may itself be blank (a blank checkbox, IF with a NULL branch):
    # keep that blank rather than turning it into false, as evaluate() does.
    if isinstance(root, Binary):
        return root.op in _COMPARE or root.op in ("AND", "OR")
    return isinstance(root, Call) and root.name in _NEVER_BLANK
