"""Duplicate detection and merging on the records of a store (the service layer)."""

from ._match import MatchCandidate, RecordMatches, match_against
from ._merge import MERGE_LOG, merge_in_store, undo_merge

__all__ = [
    "MERGE_LOG",
    "MatchCandidate",
    "RecordMatches",
    "match_against",
    "merge_in_store",
    "undo_merge",
]
