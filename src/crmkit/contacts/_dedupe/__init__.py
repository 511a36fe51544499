"""Duplicate detection: match rules, blocking, scoring, clustering and explanations."""

from ._blocking import BlockingReport, KeyReport
from ._explain import Explanation, FieldComparison, PairExplanation
from ._field_rule import Blank, Comparator, FieldRule
from ._find import DuplicateGroup, DuplicateGroups, find_duplicates
from ._merge_store import merge_in_store, undo_merge
from ._rules import BlockingKey, MatchRules, Thresholds
from ._store import MatchCandidate, RecordMatches, match_against

__all__ = [
    "Blank",
    "BlockingKey",
    "BlockingReport",
    "Comparator",
    "DuplicateGroup",
    "DuplicateGroups",
    "Explanation",
    "FieldComparison",
    "FieldRule",
    "KeyReport",
    "MatchCandidate",
    "MatchRules",
    "PairExplanation",
    "RecordMatches",
    "Thresholds",
    "find_duplicates",
    "match_against",
    "merge_in_store",
    "undo_merge",
]
