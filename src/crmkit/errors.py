"""Every error crmkit raises on purpose.

The tree::

    CrmkitError
    ├── ValidationError (also ValueError)      one bad value: field, value, code, reason
    │   ├── InvalidPhone
    │   ├── InvalidEmail
    │   ├── InvalidMoney
    │   ├── InvalidName
    │   ├── FieldIssue                         a record breaking its kind's schema (required...)
    │   └── InvalidRecord                      several problems of one record, collected
    ├── ConfigError (also ValueError)          a bad configuration value, with its path
    ├── FormulaError (also ValueError)         an expression that does not compile or evaluate
    ├── NotFound (also LookupError)            no record with that id
    ├── ConflictError                          a stale version, or a unique key already taken
    ├── PermissionDenied                       a policy refused an action, with the reason
    ├── TransitionDenied                       a pipeline refused a stage move, with reasons
    ├── SourceError (also ValueError)          an input file that cannot be read at all
    ├── StorageError                           a database that cannot be opened or reached
    └── MissingDependency (also ImportError)   a library of an extra that is not installed

Every error carries its data as attributes and builds its message from them, so a caller
can both show the message and act on the parts. ``code`` is a stable key that a host
application can translate and branch on: each class has a default, and a cause of its own
gets a code of its own, carried by the instance (every code is an :class:`ErrorCode`).

Errors are values: each one pickles and unpickles with its type, message and attributes,
so a process pool or a task queue gives back the error that was raised.

Errors of the libraries crmkit builds on (phonenumbers, email-validator, babel, cattrs,
SQLAlchemy) are translated where they enter, with the original kept as ``__cause__``.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from typing import Any, ClassVar, TypeVar

from ._codes import ErrorCode

__all__ = [
    "ConfigError",
    "ConflictError",
    "CrmkitError",
    "ErrorCode",
    "FieldIssue",
    "FormulaError",
    "InvalidEmail",
    "InvalidMoney",
    "InvalidName",
    "InvalidPhone",
    "InvalidRecord",
    "MissingDependency",
    "NotFound",
    "PermissionDenied",
    "SourceError",
    "StorageError",
    "TransitionDenied",
    "ValidationError",
]


_E = TypeVar("_E", bound="CrmkitError")


def _rebuild(cls: type[_E], args: tuple[Any, ...]) -> _E:
    """Make an error of *cls* with *args* but without its ``__init__``; pickle sets the rest."""
    error = cls.__new__(cls)
    error.args = args
    return error


class CrmkitError(Exception):
    """Base of every error crmkit raises on purpose.

    Attributes:
        code: the stable key of the cause (an :class:`ErrorCode`): the class's default,
            unless the raise site names a more precise cause.
    """

    code: str = ErrorCode.CRMKIT

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        self.code = code if code is not None else type(self).code
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        # The subclasses' __init__ take their data, not their message: rebuild from the
        # message (args) and the attributes (__dict__) instead of calling __init__ again.
        return (_rebuild, (type(self), self.args), self.__dict__)


# A message shows the offending value, but never a whole record or a page of text.
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 80
_SHORT.maxlevel = 2


def _where(row: int | None, column: str | None) -> str:
    parts = []
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column!r}")
    return f" @ {', '.join(parts)}" if parts else ""


class ValidationError(CrmkitError, ValueError):
    """A value that cannot be used, with the field it belongs to and the reason.

    Attributes:
        value: the offending input, as given.
        reason: why it was refused, in words a person understands.
        field: the field the value was meant for, when known.
        row: the input row (1-based, header excluded) when the value came from a file.
        column: the input column when the value came from a file.
    """

    code: str = ErrorCode.VALIDATION
    kind: ClassVar[str] = "value"

    def __init__(
        self,
        value: object,
        reason: str,
        *,
        field: str | None = None,
        row: int | None = None,
        column: str | None = None,
        code: str | None = None,
    ) -> None:
        self.value = value
        self.reason = reason
        self.field = field
        self.row = row
        self.column = column
        super().__init__(self._message(), code=code)

    def _message(self) -> str:
        label = f"{self.kind} for {self.field!r}" if self.field else self.kind
        shown = _SHORT.repr(self.value)
        return f"invalid {label} {shown}: {self.reason}{_where(self.row, self.column)}"

    def at(
        self, *, row: int | None = None, column: str | None = None, field: str | None = None
    ) -> ValidationError:
        """Return a copy of this error located at *row*, *column* and *field*."""
        located = type(self).__new__(type(self))
        located.__dict__.update(self.__dict__)
        located.row = row if row is not None else self.row
        located.column = column if column is not None else self.column
        located.field = field if field is not None else self.field
        Exception.__init__(located, located._message())
        located.__cause__ = self.__cause__
        return located


class InvalidPhone(ValidationError):
    """A phone number that cannot be parsed or is not valid for its region."""

    code = ErrorCode.INVALID_PHONE
    kind = "phone"


class InvalidEmail(ValidationError):
    """An e-mail address that is not syntactically valid."""

    code = ErrorCode.INVALID_EMAIL
    kind = "email"


class InvalidMoney(ValidationError):
    """An amount or currency that is not valid, or arithmetic across currencies."""

    code = ErrorCode.INVALID_MONEY
    kind = "money"


class InvalidName(ValidationError):
    """A person's or company's name that is empty or not a name."""

    code = ErrorCode.INVALID_NAME
    kind = "name"


class FieldIssue(ValidationError):
    """A stored record that breaks its kind's schema, as one :class:`crmkit.fields.Issue`.

    Attributes:
        issue: the schema's code for the problem (``fields.required``, ``fields.rule``,
            ``fields.type``, ``fields.evaluation``...), as ``Issue.code``.
        rule: the validation rule's name, for ``fields.rule``.
        record_id: the record's id.
        index: the record's position in a bulk write, when it came from one.
    """

    code = ErrorCode.FIELD_ISSUE
    kind = "record"

    def __init__(
        self,
        value: object,
        reason: str,
        *,
        issue: str,
        field: str | None = None,
        rule: str | None = None,
        record_id: str | None = None,
        index: int | None = None,
    ) -> None:
        self.issue = issue
        self.rule = rule
        self.record_id = record_id
        self.index = index
        super().__init__(value, reason, field=field)

    def _message(self) -> str:
        where = f"{self.field!r}" if self.field else "the record"
        at = "" if self.index is None else f" (record {self.index} of the batch)"
        return f"{self.value} {where}: {self.reason} [{self.issue}]{at}"


class InvalidRecord(ValidationError):
    """A record with one or more invalid values; ``errors`` holds each of them."""

    code = ErrorCode.INVALID_RECORD
    kind = "record"

    def __init__(self, errors: Sequence[ValidationError], *, record: str = "record") -> None:
        self.errors = list(errors)
        reasons = "; ".join(str(e) for e in self.errors)
        super().__init__(record, f"{len(self.errors)} problem(s): {reasons}")

    def _message(self) -> str:
        return f"invalid {self.value}: {self.reason}"


class ConfigError(CrmkitError, ValueError):
    """A configuration value that is missing or wrong, named by its path.

    Attributes:
        path: where the bad value is, e.g. ``pipelines[0].stages[3].probability``.
        reason: what is wrong with it.
    """

    code: str = ErrorCode.CONFIG

    def __init__(self, path: str, reason: str, *, code: str | None = None) -> None:
        self.path = path
        self.reason = reason
        where = path or "<root>"
        super().__init__(f"{where}: {reason}", code=code)


class FormulaError(CrmkitError, ValueError):
    """An expression that does not parse, type-check or evaluate.

    Attributes:
        reason: what went wrong.
        source: the expression text, when known.
        line: 1-based line of the problem in *source*, when known.
        column: 1-based column of the problem in *source*, when known.
        function: the function being evaluated, when the error came from one.
        record_id: the id of the record being evaluated, when known.
    """

    code: str = ErrorCode.EXPR

    def __init__(
        self,
        reason: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        function: str | None = None,
        record_id: object = None,
        code: str | None = None,
    ) -> None:
        self.reason = reason
        self.source = source
        self.line = line
        self.column = column
        self.function = function
        self.record_id = record_id
        super().__init__(self._message(), code=code)

    def _message(self) -> str:
        head = self.reason
        if self.function:
            head = f"{self.function}: {head}"
        if self.record_id is not None:
            head = f"{head} (record {self.record_id})"
        if self.source is None:
            return head
        if self.line is None or self.column is None:
            return f"{head} in formula {self.source!r}"
        lines = self.source.splitlines() or [""]
        # a position just past a trailing newline points at the (empty) last line
        text = lines[min(self.line, len(lines)) - 1]
        caret = " " * (self.column - 1) + "^"
        return f"{head} at line {self.line}, column {self.column}\n  {text}\n  {caret}"


class NotFound(CrmkitError, LookupError):
    """No record of that kind with that id."""

    code: str = ErrorCode.NOT_FOUND

    def __init__(self, kind: str, record_id: object, *, code: str | None = None) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__(f"no {kind} with id {record_id!r}", code=code)

    def __str__(self) -> str:
        # LookupError's str() would quote the message like a dict key
        return str(self.args[0])


class ConflictError(CrmkitError):
    """A write that would lose another write (stale version) or break a unique key."""

    code: str = ErrorCode.CONFLICT

    def __init__(
        self,
        message: str,
        *,
        record_id: object = None,
        key: str | None = None,
        code: str | None = None,
    ) -> None:
        self.record_id = record_id
        self.key = key
        super().__init__(message, code=code)


class PermissionDenied(CrmkitError):
    """A policy refused an action; ``reason`` says which rule is missing."""

    code: str = ErrorCode.PERMISSION

    def __init__(
        self,
        reason: str,
        *,
        user: object = None,
        action: str | None = None,
        code: str | None = None,
    ) -> None:
        self.reason = reason
        self.user = user
        self.action = action
        super().__init__(reason, code=code)


class TransitionDenied(CrmkitError):
    """A pipeline refused a stage move; ``reasons`` lists every failing check."""

    code: str = ErrorCode.TRANSITION

    def __init__(
        self,
        from_stage: str,
        to_stage: str,
        reasons: Sequence[str],
        *,
        code: str | None = None,
        **details: Any,
    ) -> None:
        self.from_stage = from_stage
        self.to_stage = to_stage
        self.reasons = list(reasons)
        self.details = details
        listed = "; ".join(self.reasons) or "not allowed"
        super().__init__(f"cannot move from {from_stage!r} to {to_stage!r}: {listed}", code=code)


class SourceError(CrmkitError, ValueError):
    """An input that cannot be read at all (missing file, unknown format, bad encoding)."""

    code: str = ErrorCode.SOURCE

    def __init__(self, source: str, reason: str, *, code: str | None = None) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"cannot read {source}: {reason}", code=code)


class StorageError(CrmkitError):
    """A database that cannot be opened, reached or used (a missing folder, a server down).

    Attributes:
        url: the database URL, its password hidden.
        reason: the database's own one-line reason.
    """

    code: str = ErrorCode.STORAGE

    def __init__(self, url: str, reason: str, *, code: str | None = None) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"cannot use the database {url}: {reason}", code=code)


class MissingDependency(CrmkitError, ImportError):
    """A feature needs a library that comes with one of crmkit's extras, and it is missing.

    Attributes:
        module: the library that is not installed, e.g. ``openpyxl``.
        extra: the extra that installs it, e.g. ``xlsx`` (``pip install 'crmkit[xlsx]'``).
    """

    code: str = ErrorCode.MISSING_DEPENDENCY

    def __init__(self, module: str, extra: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            f"{module} is not installed; it comes with crmkit's {extra} extra: "
            f"pip install 'crmkit[{extra}]'"
        )
