"""What a user must be allowed before merging records through a secured store.

A merge updates one record, deletes the others and re-points what referred to them:
affiliations, deals, child companies and custom records. Each of those writes goes through
the secured repositories anyway; checking them all first refuses a merge before anything
is written, and refuses one that would leave a record the user may not see pointing at a
deleted record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from crmkit.errors import ErrorCode, PermissionDenied, ValidationError

from ._model import Action, User
from ._text import quote
from ._visibility import Visibility

if TYPE_CHECKING:
    from crmkit.storage import Store

    from ._policy import Policy

__all__ = ["MERGE_LOG", "MERGE_LOG_FIELDS", "merge_problems"]

# crmkit.dedupe.merge_in_store keeps its undo logs in this object type; the name and fields
# are the merge's own
MERGE_LOG = "crmkit_merge"
MERGE_LOG_FIELDS = {"kind": "text", "survivor_id": "text", "payload": "text", "undone": "bool"}

_MERGED = (Action.READ, Action.UPDATE, Action.DELETE)
_REPOINTED = (Action.READ, Action.UPDATE)


def _any_of(field: str, ids: Sequence[str]) -> str:
    return f"IN({field}, {', '.join(quote(i) for i in ids)})"


def merge_problems(
    store: Store,
    policy: Policy,
    user: User,
    *,
    kind: str,
    ids: Sequence[str],
    references: Sequence[tuple[str, str]],
) -> list[str]:
    """Return what *user* may not do of merging the records *ids* of *kind*; empty if all.

    Raises:
        NotFound: for an id with no record, or one the user may not read (the same error).
        PermissionDenied: if a record holds a value in a field hidden from the user.
        ValidationError: for a *kind* that is neither contacts nor companies.
    """
    if kind not in ("contact", "company"):
        raise ValidationError(kind, "expected 'contact' or 'company'", field="kind")
    seen = Visibility(policy, user, kind)
    repository = store.repository(kind)
    found = repository.get_many(list(ids))
    for record_id in ids:
        record = found.get(record_id)
        if record is None or not seen.readable(record):
            raise seen.not_found(record_id)
    if any(seen.show(r) != r for r in found.values()):
        raise PermissionDenied(
            f"{user.title} may not merge these {kind} records: some of their fields are "
            f"hidden from {user.title}",
            user=user.id,
            code=ErrorCode.HIDDEN_FIELD,
            action=Action.MERGE,
        )
    problems = _refused(policy, user, kind, found.values(), _MERGED)
    link = "contact_id" if kind == "contact" else "company_id"
    affiliations = store.affiliations.find_all(_any_of(link, ids))
    problems += _refused(policy, user, "affiliation", affiliations, _MERGED)
    deals = {d.id: d for listed in store.deals.find_by_keys(kind, ids).values() for d in listed}
    problems += _refused(policy, user, "deal", deals.values(), _REPOINTED)
    targets = list(references)
    if kind == "company":
        targets.append(("company", "parent_id"))
    for object_type, name in targets:
        related = store.repository(object_type).find_all(_any_of(name, ids))
        problems += _refused(policy, user, object_type, related, _REPOINTED)
    return problems


def _refused(
    policy: Policy,
    user: User,
    object_type: str,
    records: Iterable[object],
    actions: Sequence[Action],
) -> list[str]:
    problems: list[str] = []
    unseen = 0
    for record in records:
        for action in actions:
            decision = policy.check(user, action, record, object_type=object_type)
            if decision:
                continue
            if action is Action.READ:
                unseen += 1  # named by neither id nor owner: the user may not know of it
            else:
                problems.append(f"{object_type} {getattr(record, 'id', '?')}: {decision.reason}")
            break
    if unseen:
        problems.append(f"{unseen} {object_type} record(s) {user.title} may not read refer to them")
    return problems
