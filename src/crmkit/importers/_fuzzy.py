"""The clean's rule-based stage, as it meets the rows: which rules, and each row's features.

The stage itself is :mod:`crmkit.dedupe` (its compact contacts, fed one feature record per
usable row); here are the rules a clean runs (:func:`check_rules`), the feature record of a
normalized row (:func:`features`), and the size up to which the stage runs by default. It
costs some 250 bytes a row (e-mail keys and phones are nearly all distinct strings), so it is
kept for files up to :data:`FUZZY_LIMIT` usable rows, where the whole clean peaks under
500 MB; past that the exact keys alone find duplicates (memory then stays flat) and the
report says so.
"""

from __future__ import annotations

import json
from typing import Final

from crmkit.dedupe import MatchRules
from crmkit.dedupe._compact import encode_features
from crmkit.errors import ConfigError

from ._rows import RowResult

__all__ = [
    "FUZZY_LIMIT",
    "check_rules",
    "encode_json",
    "features",
]

#: Usable rows up to which the rule-based stage runs by default. At this size the clean's
#: peak was 480 MB on ``benchmarks/import.py``'s data and 425 MB on its ``--data people``.
FUZZY_LIMIT: Final = 1_000_000


def check_rules(rules: object) -> MatchRules:
    """Return the contact match rules to use: the defaults for None.

    Raises:
        ConfigError: if *rules* is not a MatchRules for contacts.
    """
    if rules is None:
        return MatchRules.for_contacts()
    if not isinstance(rules, MatchRules):
        raise ConfigError("rules", f"expected MatchRules, got {type(rules).__name__}")
    if rules.kind != "contact":
        raise ConfigError("rules.kind", f"clean_file needs contact rules, not {rules.kind} rules")
    return rules


#: JSON text of row values and features: json.dumps(..., ensure_ascii=False) builds an
#: encoder per call, and these values never nest into themselves.
encode_json: Final = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def features(result: RowResult) -> str:
    """The compact feature record of a usable row, as JSON."""
    return encode_features(result.values, result.emails, (p for _, p in result.phones))
