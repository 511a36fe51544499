"""Reading pipeline configurations from dicts, JSON and YAML, and writing them back."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from crmkit._converter import converter, structure_config
from crmkit._optional import require
from crmkit.errors import ConfigError

from ._config import ForecastCategory, PipelineConfig, StageKind

__all__ = ["load_config", "parse_text", "unstructure_config"]


def _decimal(value: object, _: object = None) -> Decimal:
    # YAML and JSON write 0.25 as a float; its shortest repr is the number the person typed.
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ConfigError("", f"expected a number, not {value!r}")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ConfigError("", f"not a number: {value!r}") from None


def _int(value: object, _: object = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError("", f"expected a whole number, not {value!r}")
    return value


def _bool(value: object, _: object = None) -> bool:
    if not isinstance(value, bool):
        raise ConfigError("", f"expected true or false, not {value!r}")
    return value


def _str(value: object, _: object = None) -> str:
    if not isinstance(value, str):
        raise ConfigError("", f"expected text, not {value!r}")
    return value


# Configuration is written by people: a copy of crmkit's converter that reads numbers from
# YAML floats and refuses what cattrs would otherwise coerce ("false" -> True, 2.5 -> 2).
_config_converter = converter.copy()
_config_converter.register_structure_hook(Decimal, _decimal)
_config_converter.register_structure_hook(int, _int)
_config_converter.register_structure_hook(bool, _bool)
# an exact match: str subclasses (the kind enums) must not fall into the plain-text hook
_config_converter.register_structure_hook_func(lambda t: t is str, _str)


def _choice(kind: type[StageKind] | type[ForecastCategory]) -> Callable[[object, object], Any]:
    def structure(value: Any, _: object = None) -> Any:
        try:
            return kind(value)
        except ValueError:
            known = ", ".join(k.value for k in kind)
            raise ConfigError("", f"expected one of {known}, not {value!r}") from None

    return structure


for _kind in (StageKind, ForecastCategory):
    _config_converter.register_structure_hook(_kind, _choice(_kind))
    _config_converter.register_unstructure_hook(_kind, lambda k: k.value)


def parse_text(text: str, fmt: Literal["json", "yaml"]) -> Any:
    """Return the plain data in JSON or YAML *text*.

    Raises:
        ConfigError: if *text* is not text, or does not parse.
        MissingDependency: for YAML without PyYAML installed (the ``yaml`` extra).
    """
    if not isinstance(text, str):
        raise ConfigError("", f"expected {fmt.upper()} text, not {type(text).__name__}")
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError("", f"not valid JSON: {exc}") from exc
    yaml = require("yaml", extra="yaml")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError("", f"not valid YAML: {exc}") from exc


def load_config(data: Any, *, fmt: Literal["json", "yaml"] | None = None) -> PipelineConfig:
    """Build a :class:`PipelineConfig` from plain data, or from JSON/YAML text with *fmt*.

    Raises:
        ConfigError: naming the path of the first bad value.
    """
    if fmt is not None:
        data = parse_text(data, fmt)
    if isinstance(data, PipelineConfig):
        return data
    if not isinstance(data, dict):
        raise ConfigError("", f"expected a mapping, not {type(data).__name__}")
    return structure_config(data, PipelineConfig, using=_config_converter)


def unstructure_config(config: PipelineConfig) -> dict[str, Any]:
    """Return *config* as JSON-safe plain data."""
    data: dict[str, Any] = _config_converter.unstructure(config)
    return data
