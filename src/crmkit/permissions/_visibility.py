"""What one user sees of one record kind: hidden names, redaction, and narrowed filters.

Every read path of a secured repository goes through one :class:`Visibility`: records,
pages, exports, match-key lookups and history entries are redacted by :meth:`show` and
:meth:`changes`, and every filter, sort or key is refused by the same hidden names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from crmkit.errors import ConfigError, ErrorCode, NotFound, PermissionDenied, ValidationError
from crmkit.expr import rename_field

from ._hiding import GUARDED, KEY_FIELDS, blank_fields, hide_changes, names_of
from ._model import Access, Action, User

if TYPE_CHECKING:
    from ._policy import Policy

__all__ = ["NothingPasses", "Visibility"]

_PROBE = ("\x00hidden",)


class NothingPasses(Exception):  # a private signal, not an error
    """The policy lets no row through: the caller answers with nothing, not a query."""


def _source(where: object) -> str | None:
    if where is None or isinstance(where, str):
        return where
    source = getattr(where, "source", None)
    if isinstance(source, str):
        return source
    raise ValidationError(
        type(where).__name__, "expected a filter: text, an Expression or None", field="where"
    )


def _uses(source: str, name: str) -> bool:
    # renaming a field changes the canonical text exactly when the formula reads it
    return rename_field(source, name, _PROBE) != rename_field(source, _PROBE, ("\x00other",))


class Visibility:
    """What *user* may see of records of *object_type* under *policy*.

    Attributes:
        query: every name a filter, a sort or a match key may not use: fields hidden by a
            rule, and fields an action guards that does not reach every readable record.
        fixed: the names hidden on every record, whatever the record.
    """

    __slots__ = ("_per_record", "_policy", "_type", "_user", "fixed", "query")

    def __init__(self, policy: Policy, user: User, object_type: str) -> None:
        self._policy = policy
        self._user = user
        self._type = object_type
        self.query = policy.hidden_fields(user, object_type)
        access = policy.field_access(user, object_type)
        fixed = {name for name, level in access.items() if level is Access.HIDDEN}
        self._per_record = False
        for action, guarded in GUARDED.items():
            if not policy.check(user, action, object_type):
                fixed.update(guarded)
            elif not _reaches_all(policy, user, action, object_type):
                self._per_record = True
        self.fixed = names_of(object_type, fixed)

    def of(self, record: object) -> frozenset[str]:
        """Return the names hidden on *record*."""
        if not self._per_record:
            return self.fixed
        return self._policy.hidden_fields(self._user, record, object_type=self._type)

    def show(self, record: Any) -> Any:
        """Return *record* as the user sees it: hidden fields blanked or removed."""
        return blank_fields(record, self.of(record))

    def changes(
        self, changes: Mapping[str, tuple[Any, Any]], record: object
    ) -> dict[str, tuple[Any, Any]]:
        """Return a history entry's changes of *record* without its hidden fields."""
        return hide_changes(changes, self.of(record))

    def readable(self, record: object) -> bool:
        """Whether the user may read *record*."""
        return bool(self._policy.check(self._user, Action.READ, record, object_type=self._type))

    def not_found(self, record_id: str) -> NotFound:
        """Return the error a store gives for an id it does not have."""
        return NotFound(self._type, record_id)

    def where(self, action: Action, where: object) -> str | None:
        """Return the caller's filter narrowed by the policy's.

        Raises:
            NothingPasses: if the policy lets no record through.
            PermissionDenied: if *where* reads a field hidden from the user, under any name.
        """
        source = self.checked(action, where)
        narrowed = self._policy.filter(self._user, action, self._type).and_where(source)
        if narrowed.nothing:
            raise NothingPasses
        return narrowed.source

    def checked(self, action: Action, where: object) -> str | None:
        """Return the caller's filter as text, refused when it reads a hidden field.

        Raises:
            PermissionDenied: if *where* reads a field hidden from the user, under any name.
            ValidationError: if *where* is not a filter.
        """
        source = _source(where)
        if source is not None:
            used = sorted(n for n in self.query if _uses(source, n))
            if used:
                raise self._hidden(f"filter {self._type} records by hidden field(s)", used, action)
        return source

    def check_sort(self, order_by: str) -> None:
        """Refuse a sort by a hidden field.

        Raises:
            PermissionDenied: if *order_by* names a field hidden from the user.
        """
        field = order_by.removeprefix("-")
        if field in self.query:
            raise self._hidden(f"sort {self._type} records by hidden field", [field], Action.READ)

    def key_field(self, key_type: str) -> str | None:
        """Return the field a match key of *key_type* is made from, when it is hidden."""
        field = KEY_FIELDS.get(self._type, {}).get(key_type)
        return field if field is not None and field in self.query else None

    def _hidden(self, what: str, names: list[str], action: Action) -> PermissionDenied:
        return PermissionDenied(
            f"{self._user.title} may not {what} " + ", ".join(names),
            user=self._user.id,
            code=ErrorCode.HIDDEN_FIELD,
            action=action,
        )


def _reaches_all(policy: Policy, user: User, action: Action, object_type: str) -> bool:
    try:
        return policy.filter(user, action, object_type).everything
    except ConfigError:  # too many owners to name: judged record by record
        return False
