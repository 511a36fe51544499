"""Match rules: which fields to compare, how to block, thresholds, and conversion to data.

A score is built the Fellegi-Sunter way: every compared field (a :class:`MatchField`) adds
points for or against the two records being the same, the points are summed with a prior,
and the sum becomes a probability.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, TypeVar

import attrs
from attrs import field, frozen

from crmkit._converter import converter, structure_config
from crmkit.errors import ConfigError, ErrorCode

from ._checks import check_finite, is_count
from ._condition import compile_condition
from ._defaults import company_defaults, contact_defaults
from ._keys import BlockingKey, Thresholds
from ._match_field import MatchField

__all__ = ["MatchRules"]


def _strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _rule_list(values: Iterable[MatchField]) -> tuple[MatchField, ...]:
    return tuple(values)


def _key_list(values: Iterable[BlockingKey]) -> tuple[BlockingKey, ...]:
    return tuple(values)


def _check_rules(rules: MatchRules) -> None:
    if rules.kind not in ("contact", "company"):
        raise ConfigError("kind", f"expected 'contact' or 'company', got {rules.kind!r}")
    if not rules.fields:
        raise ConfigError("fields", "match rules need at least one field rule")
    if not rules.blocking:
        raise ConfigError("blocking", "match rules need at least one blocking key")
    check_finite("prior", rules.prior)
    names = [k.name for k in rules.blocking]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ConfigError(
                f"blocking[{i}].name",
                f"duplicate blocking key name {name!r}",
                code=ErrorCode.CONFIG_DUPLICATE,
            )
    if rules.max_group is not None and not is_count(rules.max_group):
        raise ConfigError("max_group", f"must be an integer of at least 2, got {rules.max_group!r}")
    for i, rule in enumerate(rules.fields):
        if rule.condition is not None:
            try:
                compile_condition(rule, rules.kind, dict(rules.custom_fields))
            except ConfigError as exc:
                raise ConfigError(f"fields[{i}].condition", exc.reason) from exc


@frozen(kw_only=True)
class MatchRules:
    """Everything that decides whether two records are duplicates.

    Attributes:
        kind: ``"contact"`` or ``"company"``: the records the rules are for.
        fields: one :class:`MatchField` per compared field.
        blocking: the :class:`BlockingKey` list; the union of their candidate pairs is scored.
        prior: points every pair starts with (negative: most candidate pairs are not
            duplicates).
        thresholds: the ``match`` and ``possible`` probabilities.
        swapped_names: compare a contact's first name with the other's last name (and back)
            when that fits better: people's names are often entered the wrong way round.
        max_group: a cluster never grows past this many records; the weakest members are
            split off (``None``: no cap beyond the core rule).
        merge_different_names: for contacts, let a pair whose first or last names clearly
            differ be a match when it scores as one. Off by default: a shared phone,
            mailbox or address is not a person, so such a pair is at most ``possible``
            and no group holds two such records (see ``docs/dedupe.md``).
        custom_fields: types of the custom fields that conditions read
            (``{"segment": "text"}``), in the expression language's type names.

    Raises:
        ConfigError: naming the path of the first bad value.
    """

    kind: str = "contact"
    fields: tuple[MatchField, ...] = field(converter=_rule_list)
    blocking: tuple[BlockingKey, ...] = field(converter=_key_list)
    prior: float = -10.0
    thresholds: Thresholds = field(factory=Thresholds)
    swapped_names: bool = True
    max_group: int | None = 20
    merge_different_names: bool = False
    custom_fields: dict[str, str] = field(factory=dict)

    def __attrs_post_init__(self) -> None:
        _check_rules(self)

    def to_dict(self) -> dict[str, Any]:
        """Return the rules as JSON-safe plain data (:meth:`from_dict` reads it back)."""
        data: dict[str, Any] = _converter().unstructure(self)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> MatchRules:
        """Build rules from plain data (as written by :meth:`to_dict`, or by hand).

        Raises:
            ConfigError: with the path of the bad value (``fields[2].comparator``).
        """
        if not isinstance(data, Mapping):
            raise ConfigError("", f"expected an object, got {type(data).__name__}")
        known = {a.name for a in attrs.fields(cls)}
        for name in data:
            if name not in known:
                raise ConfigError(str(name), "unknown field")
        for name in ("fields", "blocking"):
            if name not in data:
                raise ConfigError(name, "required field missing")
            if not isinstance(data[name], list | tuple):
                raise ConfigError(name, f"expected a list, got {type(data[name]).__name__}")
        values: dict[str, Any] = dict(data)
        values["fields"] = [
            _part(f"fields[{i}]", raw, MatchField) for i, raw in enumerate(data["fields"])
        ]
        values["blocking"] = [
            _part(f"blocking[{i}]", raw, BlockingKey) for i, raw in enumerate(data["blocking"])
        ]
        if "thresholds" in data:
            values["thresholds"] = _part("thresholds", data["thresholds"], Thresholds)
        for name in ("prior",):
            if name in values:
                check_finite(name, values[name])
        for name in ("kind",):
            if name in values and not isinstance(values[name], str):
                raise ConfigError(name, f"expected text, got {values[name]!r}")
        for name in ("swapped_names", "merge_different_names"):
            if name in values and not isinstance(values[name], bool):
                raise ConfigError(name, f"expected true or false, got {values[name]!r}")
        return cls(**values)

    @classmethod
    def for_contacts(cls) -> MatchRules:
        """Return the default rules for contacts (see :mod:`docs/dedupe.md`)."""
        return cls(**contact_defaults())

    @classmethod
    def for_companies(cls) -> MatchRules:
        """Return the default rules for companies."""
        return cls(**company_defaults())


_T = TypeVar("_T")


def _part(path: str, data: Any, cls: type[_T]) -> _T:
    if not isinstance(data, Mapping):
        raise ConfigError(path, f"expected an object, got {type(data).__name__}")
    _converter()
    try:
        return structure_config(data, cls)
    except ConfigError as exc:
        leaf = _leaf(exc) or exc
        inner = f"{path}.{leaf.path}" if leaf.path else path
        raise ConfigError(inner, leaf.reason) from exc


def _leaf(exc: BaseException) -> ConfigError | None:
    """Return the ConfigError a class raised itself, from under cattrs' wrapping."""
    if isinstance(exc, ConfigError) and exc.path:
        return exc
    for inner in [exc.__cause__, *getattr(exc, "exceptions", ())]:
        if inner is not None:
            found = _leaf(inner)
            if found is not None:
                return found
    return None


@cache
def _converter() -> Any:
    """Return crmkit's converter, taught (once) to leave fields at their default out."""
    # Rules written by hand stay short when read back: fields at their default are left out.
    for cls in (MatchField, BlockingKey):
        _omit_defaults(converter, cls)
    return converter


def _omit_defaults(converter: Any, cls: type[Any]) -> None:
    hook = converter.get_unstructure_hook(cls)
    defaults = {
        a.name: converter.unstructure(a.default)
        for a in attrs.fields(cls)
        if a.default is not None
        and a.default is not attrs.NOTHING
        and not isinstance(a.default, attrs.Factory)  # type: ignore[arg-type]  # attrs' own class
    }
    optional = {a.name for a in attrs.fields(cls) if a.default is None}

    def unstructure(value: Any) -> dict[str, Any]:
        data: dict[str, Any] = hook(value)
        for name in list(data):
            if (name in optional and data[name] is None) or (
                name in defaults and data[name] == defaults[name]
            ):
                del data[name]
        return data

    converter.register_unstructure_hook(cls, unstructure)
