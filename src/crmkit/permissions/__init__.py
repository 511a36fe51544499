"""Role-based access: object, field and record-level permissions, with reasons and query filters."""

from ._activities import SecuredActivities
from ._decision import Decision, Explanation, Filter, FilterKind
from ._diff import Change, ChangeKind
from ._model import Access, Action, FieldRule, Grant, Role, Scope, User
from ._policy import Policy
from ._secured import SecuredRepository
from ._store import SecuredStore

__all__ = [
    "Access",
    "Action",
    "Change",
    "ChangeKind",
    "Decision",
    "Explanation",
    "FieldRule",
    "Filter",
    "FilterKind",
    "Grant",
    "Policy",
    "Role",
    "Scope",
    "SecuredActivities",
    "SecuredRepository",
    "SecuredStore",
    "User",
]
