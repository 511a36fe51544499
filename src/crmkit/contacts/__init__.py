"""People and companies: records, normalization, duplicate detection and merging."""

from ._company_key import company_match_key
from ._email import EmailAddress, normalize_domain, normalize_email
from ._merge import (
    Chooser,
    FieldChoice,
    MergeReport,
    MergeResult,
    MergeStrategy,
    Survivorship,
    merge,
)
from ._model import Affiliation, Company, Contact, EmailEntry, PhoneEntry, amend, utcnow
from ._names import PersonName, name_match_key, parse_name
from ._phone import PhoneKind, PhoneNumber, normalize_phone, phone_from_excel_float

# isort: split
# Last: duplicate detection imports crmkit.storage and the converter, which import the
# records above from this package.
from ._dedupe import (
    Blank,
    BlockingKey,
    BlockingReport,
    Comparator,
    DuplicateGroup,
    DuplicateGroups,
    Explanation,
    FieldComparison,
    FieldRule,
    KeyReport,
    MatchCandidate,
    MatchRules,
    PairExplanation,
    RecordMatches,
    Thresholds,
    find_duplicates,
    match_against,
    merge_in_store,
    undo_merge,
)

__all__ = [
    "Affiliation",
    "Blank",
    "BlockingKey",
    "BlockingReport",
    "Chooser",
    "Company",
    "Comparator",
    "Contact",
    "DuplicateGroup",
    "DuplicateGroups",
    "EmailAddress",
    "EmailEntry",
    "Explanation",
    "FieldChoice",
    "FieldComparison",
    "FieldRule",
    "KeyReport",
    "MatchCandidate",
    "MatchRules",
    "MergeReport",
    "MergeResult",
    "MergeStrategy",
    "PairExplanation",
    "PersonName",
    "PhoneEntry",
    "PhoneKind",
    "PhoneNumber",
    "RecordMatches",
    "Survivorship",
    "Thresholds",
    "amend",
    "company_match_key",
    "find_duplicates",
    "match_against",
    "merge",
    "merge_in_store",
    "name_match_key",
    "normalize_domain",
    "normalize_email",
    "normalize_phone",
    "parse_name",
    "phone_from_excel_float",
    "undo_merge",
    "utcnow",
]
