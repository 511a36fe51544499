"""Several pipelines at once: one configuration file, looked up by id."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from crmkit.errors import ConfigError, ErrorCode

from ._actions import StageAction
from ._load import load_config, parse_text
from ._pipeline import Pipeline

__all__ = ["Pipelines"]


class Pipelines(Mapping[str, Pipeline]):
    """The pipelines of a business, by id, in the order configured.

    Args:
        pipelines: the compiled pipelines.

    Raises:
        ConfigError: if two pipelines share an id.
    """

    __slots__ = ("_by_id",)

    def __init__(self, pipelines: Mapping[str, Pipeline] | list[Pipeline] | tuple[Pipeline, ...]):
        items = list(pipelines.values()) if isinstance(pipelines, Mapping) else list(pipelines)
        self._by_id: dict[str, Pipeline] = {}
        for i, pipeline in enumerate(items):
            if not isinstance(pipeline, Pipeline):
                raise ConfigError(f"pipelines[{i}]", f"expected a Pipeline, not {pipeline!r}")
            if pipeline.id in self._by_id:
                raise ConfigError(
                    f"pipelines[{i}].id",
                    f"pipeline id {pipeline.id!r} is used twice",
                    code=ErrorCode.CONFIG_DUPLICATE,
                )
            self._by_id[pipeline.id] = pipeline

    @classmethod
    def from_dict(cls, data: Any, *, actions: Mapping[str, StageAction] | None = None) -> Pipelines:
        """Build from ``{"pipelines": [...]}``, each item as :meth:`Pipeline.from_dict` reads.

        Raises:
            ConfigError: naming the path of a bad value (``pipelines[0].stages[3].probability``).
        """
        if not isinstance(data, Mapping) or set(data) != {"pipelines"}:
            raise ConfigError("", "expected a mapping with one key, 'pipelines'")
        items = data["pipelines"]
        if not isinstance(items, list) or not items:
            raise ConfigError("pipelines", "expected a non-empty list of pipelines")
        built = []
        for i, item in enumerate(items):
            try:
                built.append(Pipeline(load_config(item), actions=actions))
            except ConfigError as exc:
                path = f"pipelines[{i}].{exc.path}" if exc.path else f"pipelines[{i}]"
                raise ConfigError(path, exc.reason) from exc
        return cls(built)

    @classmethod
    def from_json(cls, text: str, *, actions: Mapping[str, StageAction] | None = None) -> Pipelines:
        """Build from JSON text holding ``{"pipelines": [...]}``.

        Raises:
            ConfigError: for text that is not JSON, or a bad value (with its path).
        """
        return cls.from_dict(parse_text(text, "json"), actions=actions)

    @classmethod
    def from_yaml(cls, text: str, *, actions: Mapping[str, StageAction] | None = None) -> Pipelines:
        """Build from YAML text holding ``pipelines:`` and a list.

        Raises:
            ConfigError: for text that is not YAML, or a bad value (with its path).
        """
        return cls.from_dict(parse_text(text, "yaml"), actions=actions)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"pipelines": [...]}`` as JSON-safe plain data."""
        return {"pipelines": [p.to_dict() for p in self._by_id.values()]}

    def __getitem__(self, pipeline_id: str) -> Pipeline:
        # A Mapping signals a missing key with KeyError, which get() and `in` rely on.
        try:
            return self._by_id[pipeline_id]
        except KeyError:
            known = ", ".join(self._by_id)
            raise KeyError(f"no pipeline {pipeline_id!r} (known: {known})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def __repr__(self) -> str:
        return f"Pipelines({list(self._by_id)!r})"
