"""The seeds' funnel, for converting leads into its deals."""

from __future__ import annotations

import pytest

from crmkit.pipeline import Deal, Pipeline, StageChanged
from pipeline_seeds import seeds_config


def _no_op(deal: Deal, event: StageChanged) -> None:
    """An action that does nothing: these tests look at what is stored, not at actions."""


@pytest.fixture
def sales() -> Pipeline:
    """The seeds' funnel, compiled with actions that do nothing."""
    config = seeds_config()
    return Pipeline.from_dict(config, actions=dict.fromkeys(_action_names(config), _no_op))


def _action_names(config: object) -> set[str]:
    """Every action name the configuration refers to, at any depth."""
    if isinstance(config, list):
        return {name for item in config for name in _action_names(item)}
    if not isinstance(config, dict):
        return set()
    names = _action_names(list(config.values()))
    names.update(config.get("on_enter", []) + config.get("on_exit", []))
    if isinstance(config.get("action"), str):
        names.add(config["action"])
    return names
