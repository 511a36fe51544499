from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import yaml

from crmkit.errors import ConfigError
from crmkit.pipeline import Deal, Pipeline, Pipelines, StageChanged, StageKind
from pipeline_seeds import seeds_config

Actions = dict[str, Callable[[Deal, StageChanged], None]]


def test_dict_round_trip(actions: Actions) -> None:
    """to_dict then from_dict gives an equal pipeline with the same hash."""
    first = Pipeline.from_dict(seeds_config(), actions=actions)
    again = Pipeline.from_dict(first.to_dict(), actions=actions)

    assert first == again
    assert first.content_hash == again.content_hash


def test_yaml_and_json_read_the_same(actions: Actions) -> None:
    """The same configuration in YAML and JSON builds the same pipeline."""
    from_yaml = Pipeline.from_yaml(yaml.safe_dump(seeds_config()), actions=actions)
    from_json = Pipeline.from_json(json.dumps(seeds_config()), actions=actions)

    assert from_yaml == from_json
    assert Decimal("0.2") == from_yaml.probability("qualification")


def test_defaults_follow_the_stage_kind(sales: Pipeline) -> None:
    """Won stages default to probability 1, lost stages to 0."""
    assert (Decimal(1), Decimal(0)) == (
        sales.probability("closed_won"),
        sales.probability("closed_lost"),
    )
    assert StageKind.WON == sales.stage("closed_won").kind


def test_hash_changes_with_content(actions: Actions) -> None:
    """A different configuration has a different content hash."""
    changed = seeds_config()
    changed["stages"][0]["probability"] = 0.15

    assert (
        Pipeline.from_dict(changed, actions=actions).content_hash
        != Pipeline.from_dict(seeds_config(), actions=actions).content_hash
    )


def _with(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    config = seeds_config()
    change(config)
    return config


@pytest.mark.parametrize(
    ("config", "path", "message"),
    [
        (
            _with(lambda c: c["stages"][3].update(probability=2)),
            "stages[3].probability",
            "between 0 and 1",
        ),
        (
            _with(lambda c: c["stages"][3].update(probability="x")),
            "stages[3].probability",
            "not a number",
        ),
        (
            _with(lambda c: c["stages"][4].update(probability=0.5)),
            "stages[4].probability",
            "won stage has probability 1",
        ),
        (
            _with(lambda c: c["stages"][1].update(kind="maybe")),
            "stages[1].kind",
            "expected one of open, won, lost",
        ),
        (
            _with(lambda c: c["stages"][1]["guards"][0].update(expression="amout > 0")),
            "stages[1].guards[0].expression",
            "amout",
        ),
        (
            _with(lambda c: c["stages"][1]["guards"][0].update(expression="amount")),
            "stages[1].guards[0].expression",
            "TRUE or FALSE",
        ),
        (
            _with(lambda c: c["stages"][2].update(on_enter=["nope"])),
            "stages[2].on_enter[0]",
            "unknown action 'nope'",
        ),
        (
            _with(lambda c: c["stages"][2].update(required=["colour"])),
            "stages[2].required[0]",
            "no deal field 'colour'",
        ),
        (_with(lambda c: c["stages"][1].update(id="prospecting")), "stages[1].id", "used twice"),
        (
            _with(lambda c: c["stages"][0].update(rot_after=2.5)),
            "stages[0].rot_after",
            "whole number",
        ),
        (
            _with(lambda c: c.update(transitions={"allow_skip": "no"})),
            "transitions.allow_skip",
            "true or false",
        ),
        (
            _with(lambda c: c.update(transitions={"graph": {"quote": ["x"]}})),
            "transitions.graph.quote[0]",
            "no stage 'x'",
        ),
        (
            _with(lambda c: c.update(fields={"amount": "number"})),
            "fields.amount",
            "built-in deal field",
        ),
        (
            _with(lambda c: c["stages"][2]["timers"][0].update(before_close_days=2)),
            "stages[2].timers[0]",
            "exactly one",
        ),
        (_with(lambda c: c.update(colour="red")), "", "colour"),
    ],
)
def test_bad_config_names_the_path(
    config: dict[str, Any], path: str, message: str, actions: Actions
) -> None:
    """A bad value raises ConfigError with its path and the reason."""
    with pytest.raises(ConfigError, match=message) as caught:
        Pipeline.from_dict(config, actions=actions)

    assert path == caught.value.path


def test_several_pipelines_prefix_the_path(actions: Actions) -> None:
    """In a multi-pipeline config, the path starts with the pipeline's index."""
    bad = _with(lambda c: c["stages"][3].update(probability=2))
    bad["id"] = "renewals"

    with pytest.raises(ConfigError, match="between 0 and 1") as caught:
        Pipelines.from_dict({"pipelines": [seeds_config(), bad]}, actions=actions)

    assert "pipelines[1].stages[3].probability" == caught.value.path


def test_pipelines_by_id(actions: Actions) -> None:
    """Pipelines maps ids to pipelines and round-trips through YAML."""
    other = seeds_config()
    other["id"] = "renewals"
    text = yaml.safe_dump({"pipelines": [seeds_config(), other]})

    pipelines = Pipelines.from_yaml(text, actions=actions)

    assert ["sales", "renewals"] == list(pipelines)
    assert pipelines == Pipelines.from_dict(pipelines.to_dict(), actions=actions)
    assert pipelines.get("missing") is None


def test_duplicate_pipeline_ids_are_refused(actions: Actions) -> None:
    """Two pipelines with one id are a configuration error."""
    with pytest.raises(ConfigError, match="used twice"):
        Pipelines.from_dict({"pipelines": [seeds_config(), seeds_config()]}, actions=actions)


def test_unparsable_text_is_a_config_error() -> None:
    """Text that is not YAML raises ConfigError."""
    with pytest.raises(ConfigError, match="not valid YAML"):
        Pipeline.from_yaml("stages: [")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "expected JSON text, not NoneType"),
        ("{", "not valid JSON"),
        ("[]", "expected a mapping, not list"),
        ('{"id": "s", "stages": [{"id": "a", "probability": "x"}]}', r"stages\[0\]\.probability"),
    ],
)
def test_bad_json_for_one_pipeline(text: Any, message: str) -> None:
    """Pipeline.from_json refuses what is not a pipeline's JSON, saying where."""
    with pytest.raises(ConfigError, match=message):
        Pipeline.from_json(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "expected JSON text, not NoneType"),
        ("{", "not valid JSON"),
        ("[]", "expected a mapping with one key, 'pipelines'"),
        ('{"pipelines": []}', "expected a non-empty list of pipelines"),
        ('{"pipelines": [{"id": "s", "stages": 5}]}', r"pipelines\[0\]\.stages"),
    ],
)
def test_bad_json_for_several_pipelines(text: Any, message: str) -> None:
    """Pipelines.from_json refuses bad text or content, naming the path."""
    with pytest.raises(ConfigError, match=message):
        Pipelines.from_json(text)
