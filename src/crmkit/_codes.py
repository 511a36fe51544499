"""Every stable code crmkit gives an error or a problem, in one place.

:mod:`crmkit.errors` re-exports :class:`ErrorCode`; ``docs/errors.md`` lists each code with
its class and meaning, and a test keeps that table and this enum equal.
"""

from __future__ import annotations

from enum import StrEnum, unique

__all__ = ["ErrorCode"]


@unique
class ErrorCode(StrEnum):
    """The stable codes of crmkit's errors and import problems.

    A member is a ``str``: ``error.code == "expr.syntax"`` and
    ``error.code == ErrorCode.EXPR_SYNTAX`` both hold. A code never changes its meaning; a
    new cause gets a new code.
    """

    # the defaults of the classes, for a cause with no code of its own
    CRMKIT = "crmkit.error"
    VALIDATION = "validation.invalid"
    INVALID_RECORD = "validation.invalid_record"
    FIELD_ISSUE = "fields.issue"
    INVALID_PHONE = "contacts.invalid_phone"
    INVALID_EMAIL = "contacts.invalid_email"
    INVALID_NAME = "contacts.invalid_name"
    INVALID_MONEY = "values.invalid_money"
    CONFIG = "config.invalid"
    EXPR = "expr.error"
    NOT_FOUND = "storage.not_found"
    CONFLICT = "storage.conflict"
    PERMISSION = "permissions.denied"
    TRANSITION = "pipeline.transition_denied"
    SOURCE = "importers.source"
    STORAGE = "storage.unavailable"
    MISSING_DEPENDENCY = "optional.missing"

    # ValidationError and its subclasses
    INVALID_DATE = "values.invalid_date"
    PHONE_NEEDS_REGION = "contacts.phone_needs_region"
    PHONE_UNKNOWN_COUNTRY = "contacts.phone_unknown_country"
    PHONE_MAYBE_CUT = "contacts.phone_maybe_cut"
    PHONE_NO_DIGITS = "contacts.phone_no_digits"
    NO_IDENTITY = "contacts.no_identity"
    NUL_CHARACTER = "validation.nul_character"
    MISSING_LINK = "activities.missing_link"
    UNKNOWN_ZONE = "activities.unknown_zone"
    NO_ZONE = "activities.no_zone"
    BAD_RRULE = "activities.bad_rrule"
    UNBOUNDED = "activities.unbounded"
    END_BEFORE_START = "activities.end_before_start"
    CONFLICTING_TIMES = "activities.conflicting_times"
    ALREADY_DONE = "activities.already_done"

    # ConfigError
    CONFIG_MISSING = "config.missing"
    CONFIG_UNKNOWN_KEY = "config.unknown_key"
    CONFIG_DUPLICATE = "config.duplicate"
    UNKNOWN_ACTIVITY_TYPE = "activities.unknown_type"
    NO_WORKING_DAY = "activities.no_working_day"

    # FormulaError: reading the text
    EXPR_NOT_TEXT = "expr.not_text"
    EXPR_SYNTAX = "expr.syntax"
    EXPR_TOO_LARGE = "expr.too_large"
    # FormulaError: checking against the fields
    EXPR_UNKNOWN_FIELD = "expr.unknown_field"
    EXPR_UNKNOWN_FUNCTION = "expr.unknown_function"
    EXPR_ARITY = "expr.arity"
    EXPR_TYPE_MISMATCH = "expr.type_mismatch"
    EXPR_BAD_PATTERN = "expr.bad_pattern"
    EXPR_ALWAYS_BLANK = "expr.always_blank"
    EXPR_BAD_PATH = "expr.bad_path"
    EXPR_NO_CURRENCY = "expr.no_currency"
    # FormulaError: compiling to SQL
    EXPR_NO_SQL = "expr.no_sql"
    EXPR_NO_COLUMN = "expr.no_column"
    # FormulaError: evaluating
    EXPR_DIVISION_BY_ZERO = "expr.division_by_zero"
    EXPR_CURRENCY_MISMATCH = "expr.currency_mismatch"
    EXPR_FIELD_VALUE = "expr.field_value"
    EXPR_BAD_RECORD = "expr.bad_record"
    EXPR_BAD_VALUE = "expr.bad_value"
    EXPR_OUT_OF_RANGE = "expr.out_of_range"
    EXPR_FUNCTION_FAILED = "expr.function_failed"
    EXPR_TOO_DEEP = "expr.too_deep"
    EXPR_NO_LOOKUP = "expr.no_lookup"
    EXPR_DEPENDENCY = "expr.dependency"

    # NotFound has one cause; ConflictError
    STALE_VERSION = "storage.stale_version"
    DUPLICATE_KEY = "storage.duplicate_key"
    BATCH_COLLISION = "storage.batch_collision"
    NOT_DELETED = "storage.not_deleted"
    ALREADY_UNDONE = "storage.already_undone"

    # StorageError
    STORAGE_BUSY = "storage.busy"

    # PermissionDenied
    UNKNOWN_USER = "permissions.unknown_user"
    HIDDEN_FIELD = "permissions.hidden_field"
    OTHER_ACTOR = "permissions.other_actor"
    NOT_SUPPORTED = "permissions.not_supported"
    UNREADABLE_LINK = "permissions.unreadable_link"

    # TransitionDenied
    UNKNOWN_PIPELINE = "pipeline.unknown_pipeline"
    UNMAPPED_STAGE = "pipeline.unmapped_stage"
    HISTORY = "pipeline.history"
    UNKNOWN_STAGE = "pipeline.unknown_stage"
    UNREACHABLE_STAGE = "pipeline.unreachable_stage"

    # SourceError
    SOURCE_MISSING = "importers.missing"
    SOURCE_FORMAT = "importers.unknown_format"
    SOURCE_ENCODING = "importers.encoding"
    SOURCE_EMPTY = "importers.empty"
    SOURCE_UNREADABLE = "importers.unreadable"
    SOURCE_NO_SHEET = "importers.no_sheet"
    SOURCE_WRITE = "importers.write"
    SOURCE_TOO_LARGE = "importers.too_large"
    INVALID_VCARD = "importers.invalid_vcard"
    INVALID_ICS = "activities.invalid_ics"
    SOURCE_HEADER_ROW = "importers.header_row"
    TOO_MANY_REJECTS = "importers.too_many_rejects"

    # import problems that are not errors of their own
    MALFORMED_ROW = "importers.malformed_row"
    AMBIGUOUS_PHONE = "importers.ambiguous_phone"
    DATE_ORDER_CONFLICT = "importers.date_order_conflict"
    RUNAWAY_QUOTE = "importers.runaway_quote"
    TOO_DEEP = "importers.too_deep"
    LINE_ENCODING = "importers.line_encoding"
    LINE_UNREADABLE = "importers.line_unreadable"
    VALUE_NOT_KEPT = "importers.value_not_kept"
    UNKNOWN_KIND = "importers.unknown_kind"
    NO_LINK = "importers.no_link"
    ACTIVITY_TYPE_UNREAD = "importers.unknown_activity_type"
    REQUIRED_VALUE = "importers.required_value"
    DEAL_STATUS = "importers.deal_status"

    # reports: ConfigError for a report that does not fit its record kind's fields
    REPORT_UNKNOWN_FIELD = "reports.unknown_field"
    REPORT_AGGREGATE_TYPE = "reports.aggregate_type"
    REPORT_GROUP_TYPE = "reports.group_type"
    REPORT_MONEY_FIELDS = "reports.money_fields"

    # business calendars: ConfigError for the calendar's own data
    CALENDAR_UNKNOWN_ZONE = "calendars.unknown_zone"
    CALENDAR_END_BEFORE_START = "calendars.end_before_start"
    CALENDAR_OVERLAPPING_HOURS = "calendars.overlapping_hours"
    CALENDAR_NO_HOURS = "calendars.no_hours"
    CALENDAR_UNKNOWN_COUNTRY = "calendars.unknown_country"
    CALENDAR_UNKNOWN_SUBDIVISION = "calendars.unknown_subdivision"
    # business calendars: ValidationError for the arguments of its arithmetic
    CALENDAR_NAIVE_DATETIME = "calendars.naive_datetime"
    CALENDAR_OUT_OF_RANGE = "calendars.out_of_range"
