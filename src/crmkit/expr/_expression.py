"""The public entry points: compile and Expression."""

from __future__ import annotations

import decimal
import importlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from crmkit.errors import ConfigError, ErrorCode, FormulaError, ValidationError

from ._calls import Fn
from ._checker import SPECIAL, Checked, check
from ._compiler import compile_tree
from ._functions import BUILTINS, Function
from ._location import error_at
from ._parser import parse
from ._printer import to_source
from ._runtime import Context, Fault, as_getter, clock, record_id
from ._types import FieldSpec, FieldType, Reference, normalize_fields

if TYPE_CHECKING:
    from types import ModuleType

    from sqlalchemy import ColumnElement

__all__ = ["Expression", "compile", "plain_evaluator"]

_SQL_CACHE_SIZE = 8
"""SQL clauses kept per expression, one per distinct set of columns (tables, aliases)."""

DivisionByZero = Literal["raise", "blank"]
"""What ``/`` by zero gives in :meth:`Expression.evaluate`: a FormulaError, or blank."""
_DIVISION_MODES = ("raise", "blank")


def _sql_compiler() -> ModuleType:
    """Return the SQL compiler module (``crmkit.expr._sql``), importing it on first use.

    It imports SQLAlchemy, which costs more than the rest of ``import crmkit`` together and
    which only :meth:`Expression.to_sql` needs; Python's module cache makes later calls cheap.
    """
    return importlib.import_module("._sql", __package__)


class Expression:
    """A checked, compiled formula.

    Build one with :func:`compile`. An Expression is immutable and safe to share between
    threads; evaluating it never runs user text as Python.

    Attributes:
        source: the formula as given.
        references: the field paths the formula reads (``{"amount", "company.industry"}``).
        result_type: the type of the formula's value.
        blanks_as_zero: whether blank number fields read as zero.
        division_by_zero: ``"raise"`` (a FormulaError) or ``"blank"``: what ``/`` by zero
            gives in :meth:`evaluate`. In SQL it is always blank (see :meth:`to_sql`).
    """

    __slots__ = (
        "_checked",
        "_fn",
        "_functions",
        "_sql_cache",
        "_sql_paths",
        "_uses_context",
        "_variant",
        "blanks_as_zero",
        "division_by_zero",
        "references",
        "result_type",
        "source",
    )

    def __init__(
        self,
        source: str,
        checked: Checked,
        *,
        blanks_as_zero: bool,
        functions: Mapping[str, Function],
        division_by_zero: DivisionByZero = "raise",
    ) -> None:
        self.source = source
        self.references: frozenset[str] = frozenset(checked.references)
        self.result_type: FieldType = checked.result
        self.blanks_as_zero = blanks_as_zero
        self.division_by_zero: DivisionByZero = division_by_zero
        self._checked = checked
        # The closures are built by the first evaluation: a formula compiled only for SQL (a
        # store filter) or never evaluated does not pay for them, and every error the user
        # must see was raised by the checker already.
        self._fn: Fn = self._build_then_call
        self._uses_context = checked.uses_context
        self._functions = functions
        self._sql_paths: tuple[str, ...] | None = None  # set by the first to_sql
        self._sql_cache: dict[tuple[int, ...], tuple[tuple[object, ...], ColumnElement[Any]]] = {}
        self._variant: Expression | None = None  # the other division_by_zero, once built

    def __str__(self) -> str:
        return to_source(self._checked.root)

    def __repr__(self) -> str:
        return f"Expression({self.source!r}, result_type={self.result_type.value!r})"

    def evaluate(
        self,
        record: object,
        *,
        previous: object = None,
        now: datetime | date | None = None,
    ) -> Any:
        """Evaluate the formula against *record*.

        Args:
            record: a mapping of field names to values, or a crmkit record (an attrs
                instance: declared fields are read, other names come from its ``custom``).
                Related records are nested mappings or records under the reference's name.
            previous: the record before the change, for ``ISCHANGED`` and ``PRIORVALUE``.
            now: the clock for ``TODAY()`` and ``NOW()``, a timezone-aware datetime or a
                date (its midnight in UTC); defaults to the current UTC time.

        Returns:
            The value: ``Decimal`` for numbers, ``Money``, ``str``, ``bool``, ``date``,
            ``datetime``, ``frozenset`` for multi-picklists, or None when blank.

        Raises:
            FormulaError: naming the formula, the function and the record's id when known,
                for division by zero (unless compiled with ``division_by_zero="blank"``), a
                value that cannot be converted, a field holding a value of the wrong type,
                a naive datetime met with an aware one, or a result beyond the limits.
            ValidationError: if *now* is a naive datetime or not a date at all.
        """
        # one test for the common call (a dict and no clock): this runs per record
        if now is not None or record.__class__ is not dict:
            if now is not None:
                now = clock(now)
            if record.__class__ is not dict:
                try:
                    record = as_getter(record)
                except Fault as fault:
                    raise FormulaError(fault.reason, source=self.source, code=fault.code) from None
        try:
            if self._uses_context:
                return self._fn(record, Context(previous, now))
            return self._fn(record, None)
        except Fault as fault:
            raise error_at(
                self.source,
                fault.pos,
                fault.reason,
                code=fault.code,
                function=fault.function,
                record_id=record_id(record),
            ) from fault.__cause__
        except (ArithmeticError, TypeError, ValidationError) as exc:
            code = ErrorCode.EXPR_BAD_VALUE
            if isinstance(exc, decimal.Overflow):
                reason, code = "number too large", ErrorCode.EXPR_OUT_OF_RANGE
            else:
                reason = getattr(exc, "reason", None) or str(exc) or type(exc).__name__
            raise FormulaError(
                reason, source=self.source, record_id=record_id(record), code=code
            ) from exc

    def _closure(self) -> Fn:
        """Return the compiled closure, building it on first use."""
        fn = self._fn
        if fn == self._build_then_call:
            # two threads may both build it: equal closures, and the last one stays
            fn = self._fn = compile_tree(
                self._checked,
                blanks_as_zero=self.blanks_as_zero,
                functions=self._functions,
                blank_division=self.division_by_zero == "blank",
            )
        return fn

    def _build_then_call(self, record: Any, context: Context | None) -> Any:
        return self._closure()(record, context)

    def with_division_by_zero(self, mode: DivisionByZero) -> Expression:
        """Return this formula with ``/`` by zero giving *mode* (``"raise"`` or ``"blank"``).

        Raises:
            ConfigError: for any other *mode*.
        """
        if mode not in _DIVISION_MODES:
            raise ConfigError("division_by_zero", f"expected 'raise' or 'blank', not {mode!r}")
        if mode == self.division_by_zero:
            return self
        if self._variant is not None:
            return self._variant
        variant = Expression(
            self.source,
            self._checked,
            blanks_as_zero=self.blanks_as_zero,
            functions=self._functions,
            division_by_zero=mode,
        )
        variant._variant = self
        self._variant = variant  # a benign race: two threads build equal variants
        return variant

    def to_sql(
        self,
        columns: Mapping[str, ColumnElement[Any]],
        *,
        now: datetime | date | None = None,
        where: bool = False,
    ) -> ColumnElement[Any]:
        """Compile the formula to a SQLAlchemy expression with the same blank semantics.

        Args:
            columns: maps each field path the formula uses to a SQLAlchemy column
                expression (a money field maps to its numeric amount column).
            now: the clock for ``TODAY()``/``NOW()``, bound as a parameter: a
                timezone-aware datetime or a date; defaults to the current UTC time.
            where: compile a TRUE/FALSE formula for use as a WHERE clause, which selects
                the same rows but may be NULL where the formula is blank or FALSE: the
                conditions the clause tests directly are not wrapped in
                ``coalesce(..., false)``, so the database can use its indexes for them.

        SQL has no per-row error, so ``a / b`` compiles to ``a / NULLIF(b, 0)``: a division
        by zero is blank in the database whatever :attr:`division_by_zero` says. Compile
        with ``division_by_zero="blank"`` for :meth:`evaluate` to give the same answer.

        Compiling again with the same column objects returns the clause already built
        (unless the formula reads the clock), so a store filtering with one expression pays
        for the build once.

        Raises:
            FormulaError: naming the function or operator that has no SQL form, or a field
                missing from *columns*.
            ValidationError: if *now* is a naive datetime or not a date at all.
        """
        if now is not None:
            now = clock(now)
        if self._uses_context or not isinstance(columns, Mapping):
            # the clock is bound into the SQL, so each call builds its own
            return self._build_sql(columns, now, where)
        # The SQL depends on nothing but the column objects of the fields used: a store that
        # passes the same columns gets the same (immutable) clause back. The entry keeps the
        # columns alive, so their ids cannot be reused by other objects while it exists.
        paths = self._sql_paths
        if paths is None:
            paths = self._sql_paths = tuple(sorted(self.references))
        used = tuple(columns.get(path) for path in paths)
        key = (where, *map(id, used))
        cache = self._sql_cache
        hit = cache.get(key)
        if hit is not None:
            return hit[1]
        sql = self._build_sql(columns, now, where)
        if len(cache) >= _SQL_CACHE_SIZE:
            cache.clear()
        cache[key] = (used, sql)
        return sql

    def _build_sql(
        self, columns: Mapping[str, ColumnElement[Any]], now: datetime | date | None, where: bool
    ) -> ColumnElement[Any]:
        sql: ColumnElement[Any] = _sql_compiler().to_sql(
            self._checked,
            self.source,
            columns,
            blanks_as_zero=self.blanks_as_zero,
            functions=self._functions,
            now=now,
            where=where,
        )
        return sql


def plain_evaluator(expression: Expression) -> Fn | None:
    """Return the closure that evaluates *expression* on a plain dict, when it has one.

    For callers inside crmkit on a hot path: ``fn(values, None)`` gives what
    ``expression.evaluate(values)`` gives for a ``dict`` of values, without the error
    translation, so a caller that catches an exception from it must evaluate again through
    :meth:`Expression.evaluate` to get the :class:`FormulaError`. None for a formula that
    reads the clock or the previous record.
    """
    return None if expression._uses_context else expression._closure()


def _function_table(functions: Sequence[Function] | None) -> tuple[Function, ...]:
    if functions is None:
        return ()
    table: dict[str, Function] = {}
    for fn in functions:
        if not isinstance(fn, Function):
            raise ConfigError("functions", f"expected Function objects, not {fn!r}")
        if fn.name in SPECIAL or fn.name in BUILTINS:
            raise ConfigError("functions", f"{fn.name} is a built-in function")
        if fn.name in table:
            raise ConfigError(
                "functions", f"{fn.name} is registered twice", code=ErrorCode.CONFIG_DUPLICATE
            )
        table[fn.name] = fn
    return tuple(table.values())


@lru_cache(maxsize=1024)
def _compile_cached(
    source: str,
    fields: Reference,
    blanks_as_zero: bool,
    functions: tuple[Function, ...],
    division_by_zero: DivisionByZero,
) -> Expression:
    table = {fn.name: fn for fn in functions}
    checked = check(source, parse(source), fields, table)
    return Expression(
        source,
        checked,
        blanks_as_zero=blanks_as_zero,
        functions=table,
        division_by_zero=division_by_zero,
    )


def compile(  # the name the language's users expect; shadowing is module-local
    source: str,
    fields: Mapping[str, FieldSpec],
    *,
    blanks_as_zero: bool = False,
    functions: Sequence[Function] | None = None,
    division_by_zero: DivisionByZero = "raise",
) -> Expression:
    """Parse, type-check and compile a formula.

    Compiled expressions are cached by source, fields and options, so compiling the same
    formula again is cheap.

    Args:
        source: the formula text.
        fields: every name the formula may use, with its type: a type name (``"number"``),
            a :class:`FieldType`, or a :class:`Reference` (or nested mapping) for a related
            record's fields.
        blanks_as_zero: read blank number and percent fields as zero.
        functions: host functions the formula may call.
        division_by_zero: ``"raise"`` (the default) makes ``/`` by zero a FormulaError in
            :meth:`Expression.evaluate`; ``"blank"`` makes it blank, as it is in SQL (store
            filters are compiled this way, so every backend gives the same answer).

    Raises:
        FormulaError: with line, column and a caret excerpt, for a formula that does not
            parse or type-check (with a "did you mean" hint for a misspelt name).
        ConfigError: if *fields*, *functions* or *division_by_zero* are malformed.
    """
    if division_by_zero not in _DIVISION_MODES:
        raise ConfigError(
            "division_by_zero", f"expected 'raise' or 'blank', not {division_by_zero!r}"
        )
    root = normalize_fields(fields)
    return _compile_cached(
        source, root, bool(blanks_as_zero), _function_table(functions), division_by_zero
    )
