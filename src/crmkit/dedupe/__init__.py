"""Finding and merging duplicates: match rules, blocking, scoring, clustering, explanations.

One engine serves a single save, a batch and a file import: :func:`find_duplicates` over
records, :func:`match_against` for incoming records against a store, :func:`merge` of records
and :func:`merge_in_store` (with :func:`undo_merge`) in a store. See ``docs/dedupe.md``.
"""

from ._blocking_report import BlockingReport, KeyReport
from ._estimate import estimate_weights
from ._explain import FieldComparison, GroupExplanation, PairExplanation
from ._find import DuplicateGroup, DuplicateGroups, find_duplicates
from ._keys import BlockingKey, Thresholds
from ._match_field import Blank, Comparator, MatchField
from ._merge import (
    Chooser,
    FieldChoice,
    MergeReport,
    MergeResult,
    MergeStrategy,
    Survivorship,
    merge,
)
from ._rules import MatchRules

# isort: split
# The service layer: these work on a store (crmkit.storage), above the pure engine.
from ._service import MatchCandidate, RecordMatches, match_against, merge_in_store, undo_merge

__all__ = [
    "Blank",
    "BlockingKey",
    "BlockingReport",
    "Chooser",
    "Comparator",
    "DuplicateGroup",
    "DuplicateGroups",
    "FieldChoice",
    "FieldComparison",
    "GroupExplanation",
    "KeyReport",
    "MatchCandidate",
    "MatchField",
    "MatchRules",
    "MergeReport",
    "MergeResult",
    "MergeStrategy",
    "PairExplanation",
    "RecordMatches",
    "Survivorship",
    "Thresholds",
    "estimate_weights",
    "find_duplicates",
    "match_against",
    "merge",
    "merge_in_store",
    "undo_merge",
]
