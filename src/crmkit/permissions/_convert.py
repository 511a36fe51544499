"""Policies to and from plain data, with crmkit's converter and a few renamed keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import transform_error

from crmkit.errors import ConfigError

from ._model import Access, Action, FieldRule, Grant, Role, Scope, User
from ._policy import Policy

__all__ = ["policy_from_dict", "policy_to_dict"]

# a converter of its own: policies hold only text, numbers and enums, so none of the
# record hooks apply, and renaming "object_type" to "object" stays a policy matter
_converter = cattrs.Converter(forbid_extra_keys=True)
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
for _outer in (Role, User, Policy):
    _converter.register_unstructure_hook(
        _outer, make_dict_unstructure_fn(_outer, _converter, _cattrs_omit_if_default=True)
    )


def policy_from_dict(data: Mapping[str, Any]) -> Policy:
    """Build a :class:`Policy` from plain data.

    Raises:
        ConfigError: naming the path of the first bad value.
    """
    if not isinstance(data, Mapping):
        raise ConfigError("", f"expected a mapping, not {type(data).__name__}")
    try:
        return _converter.structure(dict(data), Policy)
    except ConfigError:
        raise
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
        # the policy's own consistency checks name their path from the root already
        own = [e for e in getattr(exc, "exceptions", ()) if isinstance(e, ConfigError)]
        if own:
            raise own[0] from exc
        problems = [_split(m) for m in transform_error(exc, path="$", format_exception=_leaf)]
        path, reason = problems[0]
        if len(problems) > 1:
            reason += " (also: " + "; ".join(f"{p}: {r}" for p, r in problems[1:]) + ")"
        raise ConfigError(path, reason) from exc
    except (TypeError, ValueError) as exc:
        raise ConfigError("", str(exc)) from exc


def _split(message: str) -> tuple[str, str]:
    reason, _, path = message.rpartition(" @ ")
    path = path.removeprefix("$").removeprefix(".").replace(".object_type", ".object")
    return path, reason


def _leaf(exc: BaseException, type_: object) -> str:
    if isinstance(exc, ConfigError):
        return exc.reason
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown field(s): {', '.join(sorted(exc.extra_fields))}"
    name = getattr(type_, "__name__", None) or str(type_)
    return f"expected {name}: {exc}"


def policy_to_dict(policy: Policy) -> dict[str, Any]:
    """Return *policy* as JSON-safe plain data."""
    out: dict[str, Any] = _converter.unstructure(policy)
    out.setdefault("version", policy.version)
    return out
