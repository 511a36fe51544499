"""Policies to and from plain data, with crmkit's converter and a few renamed keys.

The policy class is given by the caller (:meth:`Policy.from_dict` passes itself), so this
module knows the parts of a policy but not the class that holds them and checks with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import attrs
from attrs import AttrsInstance
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from crmkit._converter import converter as _crmkit_converter
from crmkit._converter import structure_config
from crmkit.errors import ConfigError

from ._model import Access, Action, FieldRule, Grant, Role, Scope, User

__all__ = ["policy_from_dict", "policy_to_dict"]

_P = TypeVar("_P")

# crmkit's converter, copied so that renaming "object_type" to "object" stays a policy matter
_converter = _crmkit_converter.copy()
for _enum in (Access, Action, Scope):
    _converter.register_unstructure_hook(_enum, lambda member: member.value)
# nested classes first: a generated hook binds the hooks of its fields when it is made
for _cls in (Grant, FieldRule):
    _converter.register_unstructure_hook(
        _cls,
        make_dict_unstructure_fn(
            _cls, _converter, _cattrs_omit_if_default=True, object_type=override(rename="object")
        ),
    )
    _converter.register_structure_hook(
        _cls, make_dict_structure_fn(_cls, _converter, object_type=override(rename="object"))
    )
for _outer in (Role, User):
    _converter.register_unstructure_hook(
        _outer, make_dict_unstructure_fn(_outer, _converter, _cattrs_omit_if_default=True)
    )
# the policy itself (any attrs class without a hook above) leaves its defaults out too
_converter.register_unstructure_hook_factory(
    attrs.has, lambda cls: make_dict_unstructure_fn(cls, _converter, _cattrs_omit_if_default=True)
)


def policy_from_dict(data: Mapping[str, Any], cls: type[_P]) -> _P:
    """Build a policy of class *cls* (a :class:`Policy`) from plain data.

    Raises:
        ConfigError: naming the path of the first bad value.
    """
    if not isinstance(data, Mapping):
        raise ConfigError("", f"expected a mapping, not {type(data).__name__}")
    try:
        return structure_config(dict(data), cls, using=_converter)
    except ConfigError as exc:
        # the policy's own consistency checks name their path from the root already, but
        # cattrs reports an error of the constructor itself at the root
        own = [e for e in getattr(exc.__cause__, "exceptions", ()) if isinstance(e, ConfigError)]
        if own:
            raise own[0] from exc.__cause__
        # cattrs names the attribute; the data spells it "object"
        path = exc.path.replace(".object_type", ".object")
        reason = exc.reason.replace(".object_type:", ".object:")
        if (path, reason) == (exc.path, exc.reason):
            raise
        raise ConfigError(path, reason) from exc


def policy_to_dict(policy: AttrsInstance) -> dict[str, Any]:
    """Return *policy* (a :class:`Policy`) as JSON-safe plain data; defaults are left out."""
    out: dict[str, Any] = _converter.unstructure(policy)
    return out
