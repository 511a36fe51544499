"""Checking a pipeline configuration and compiling it into the tables moves run on."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from crmkit.errors import ConfigError, ErrorCode, FormulaError
from crmkit.expr import Expression, FieldType
from crmkit.expr import compile as compile_expression
from crmkit.expr._calls import Fn
from crmkit.expr._expression import plain_evaluator

from ._actions import StageAction
from ._config import ForecastCategory, PipelineConfig, Stage, StageKind, TimeRule
from ._deal_fields import DEAL_FIELDS

__all__ = ["CompiledGuard", "CompiledStage", "FastMove", "compile_stages"]


_DEFAULT_CATEGORY = {
    StageKind.OPEN: ForecastCategory.PIPELINE,
    StageKind.WON: ForecastCategory.CLOSED,
    StageKind.LOST: ForecastCategory.OMITTED,
}
_ONE = Decimal(1)
_ZERO = Decimal(0)
_RECORD_FIELDS = frozenset(DEAL_FIELDS) | {"contacts"}

FastMove = tuple["CompiledStage", tuple[Fn, ...], tuple[str, ...]]
"""A move whose every check is a plain guard: the target, its guards' closures, and the
actions due (the source's ``on_exit``, then the target's ``on_enter``)."""

CompiledGuard = tuple[Expression, str, tuple[str, ...], bool, Fn | None]
"""A guard ready to run: expression, message, fields read, whether it reads the deal's own
fields only (so it evaluates on the deal's ``__dict__``), and the plain-dict closure of such
a guard when it does not read the clock."""


class CompiledStage:
    """A stage ready for moves: its checks compiled, its allowed targets precomputed."""

    __slots__ = (
        "change_template",
        "checks_fields",
        "config",
        "custom_required",
        "forecast_category",
        "guards",
        "id",
        "index",
        "kind",
        "moves",
        "on_enter",
        "on_exit",
        "open_index",
        "plain_guards",
        "probability",
        "record_required",
        "targets",
        "timers",
    )

    def __init__(self, config: Stage, index: int, open_index: int) -> None:
        self.config = config
        self.id = config.id
        self.index = index
        self.open_index = open_index
        self.kind = config.kind
        default = _ONE if config.kind is StageKind.WON else _ZERO
        self.probability: Decimal = default if config.probability is None else config.probability
        self.forecast_category = config.forecast_category or _DEFAULT_CATEGORY[config.kind]
        self.record_required: tuple[str, ...] = ()
        self.custom_required: tuple[str, ...] = ()
        self.guards: tuple[CompiledGuard, ...] = ()
        # the guards' plain-dict closures, when every guard has one (set by compile_stages)
        self.plain_guards: tuple[Fn, ...] | None = ()
        self.targets: frozenset[str] = frozenset()
        # per allowed target whose checks are all plain guards: (stage, guards, actions)
        self.moves: dict[str, FastMove] = {}
        self.on_enter: tuple[str, ...] = config.on_enter
        self.on_exit: tuple[str, ...] = config.on_exit
        self.timers: tuple[TimeRule, ...] = config.timers
        # whether entering checks required fields or a lost reason (set by compile_stages)
        self.checks_fields = config.kind is StageKind.LOST
        # The history entry of a move into this stage with what every such move shares; a
        # move copies it and fills in the rest (the keys in StageChange's field order).
        self.change_template: dict[str, object] = {
            "to_stage": config.id,
            "at": None,
            "pipeline_id": None,
            "from_stage": None,
            "from_pipeline_id": None,
            "actor": None,
            "amount": None,
            "probability": self.probability,
            "reason": None,
        }


def _identifier(path: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ConfigError(
            path, f"expected a non-empty id without surrounding spaces, not {value!r}"
        )
    return value


def _check_fields(fields: Mapping[str, str]) -> dict[str, str]:
    out = {name: type_.value for name, type_ in DEAL_FIELDS.items()}
    for name, type_name in fields.items():
        path = f"fields.{name}"
        if not name.isidentifier():
            raise ConfigError(path, "a custom field name must be an identifier")
        if name in _RECORD_FIELDS:
            raise ConfigError(path, f"{name!r} is a built-in deal field")
        try:
            out[name] = FieldType(type_name.lower()).value
        except ValueError:
            known = ", ".join(t.value for t in FieldType)
            raise ConfigError(
                path, f"unknown type {type_name!r}; expected one of {known}"
            ) from None
    return out


def _check_stage(path: str, stage: Stage) -> None:
    _identifier(f"{path}.id", stage.id)
    p = stage.probability
    if p is not None:
        if not p.is_finite() or not _ZERO <= p <= _ONE:
            raise ConfigError(f"{path}.probability", f"must be between 0 and 1, not {p}")
        if stage.kind is StageKind.WON and p != _ONE:
            raise ConfigError(f"{path}.probability", "a won stage has probability 1")
        if stage.kind is StageKind.LOST and p != _ZERO:
            raise ConfigError(f"{path}.probability", "a lost stage has probability 0")
    if stage.rot_after is not None and stage.rot_after < 1:
        raise ConfigError(f"{path}.rot_after", f"must be at least 1 day, not {stage.rot_after}")
    for i, rule in enumerate(stage.timers):
        where = f"{path}.timers[{i}]"
        if (rule.after_days is None) == (rule.before_close_days is None):
            raise ConfigError(where, "give exactly one of after_days and before_close_days")
        days = rule.after_days if rule.after_days is not None else rule.before_close_days
        if days is not None and days < 0:
            raise ConfigError(where, f"days must not be negative, not {days}")


def _compile_guards(
    path: str, stage: Stage, fields: Mapping[str, str]
) -> tuple[CompiledGuard, ...]:
    compiled = []
    for j, guard in enumerate(stage.guards):
        where = f"{path}.guards[{j}]"
        if not guard.message.strip():
            raise ConfigError(f"{where}.message", "a guard needs a message")
        try:
            expression = compile_expression(guard.expression, fields)
        except FormulaError as exc:
            raise ConfigError(f"{where}.expression", str(exc)) from exc
        if expression.result_type is not FieldType.BOOL:
            raise ConfigError(
                f"{where}.expression",
                f"a guard must be TRUE or FALSE, not {expression.result_type.value}",
            )
        references = tuple(sorted(expression.references))
        # A guard that reads only the deal's own fields can evaluate against the deal's
        # __dict__ (a plain dict, the expression's fastest input) instead of a record view.
        direct = all(name in DEAL_FIELDS for name in references)
        plain = plain_evaluator(expression) if direct else None
        compiled.append((expression, guard.message, references, direct, plain))
    return tuple(compiled)


def _check_actions(path: str, stage: Stage, actions: Mapping[str, StageAction]) -> None:
    named = [(f"on_enter[{k}]", n) for k, n in enumerate(stage.on_enter)]
    named += [(f"on_exit[{k}]", n) for k, n in enumerate(stage.on_exit)]
    named += [(f"timers[{k}].action", rule.action) for k, rule in enumerate(stage.timers)]
    for where, name in named:
        if name not in actions:
            known = ", ".join(sorted(actions)) or "none registered"
            raise ConfigError(f"{path}.{where}", f"unknown action {name!r} (known: {known})")


def _targets(config: PipelineConfig, stages: list[CompiledStage]) -> None:
    ids = {s.id for s in stages}
    graph = config.transitions.graph
    if graph is not None:
        for source, targets in graph.items():
            if source not in ids:
                raise ConfigError(f"transitions.graph.{source}", f"no stage {source!r}")
            for k, target in enumerate(targets):
                if target not in ids:
                    raise ConfigError(f"transitions.graph.{source}[{k}]", f"no stage {target!r}")
        for stage in stages:
            stage.targets = frozenset(graph.get(stage.id, ())) - {stage.id}
        return
    skip, backward = config.transitions.allow_skip, config.transitions.allow_backward
    for stage in stages:
        allowed = set()
        for other in stages:
            if other is stage:
                continue
            if stage.kind is not StageKind.OPEN:
                ok = backward  # leaving a closed stage reopens the deal
            elif other.kind is not StageKind.OPEN:
                ok = True  # closing is never a skip
            elif other.open_index < stage.open_index:
                ok = backward
            else:
                ok = skip or other.open_index == stage.open_index + 1
            if ok:
                allowed.add(other.id)
        stage.targets = frozenset(allowed)


def compile_stages(
    config: PipelineConfig, actions: Mapping[str, StageAction]
) -> tuple[dict[str, CompiledStage], dict[str, str]]:
    """Check *config* and return its compiled stages by id, and the guard field types.

    Raises:
        ConfigError: naming the path of the first bad value (``stages[3].probability``).
    """
    _identifier("id", config.id)
    if config.version < 1:
        raise ConfigError("version", f"must be a positive integer, not {config.version}")
    if not config.stages:
        raise ConfigError("stages", "a pipeline needs at least one stage")
    fields = _check_fields(config.fields)
    stages: dict[str, CompiledStage] = {}
    open_index = 0
    for i, stage in enumerate(config.stages):
        path = f"stages[{i}]"
        _check_stage(path, stage)
        if stage.id in stages:
            raise ConfigError(
                f"{path}.id",
                f"stage id {stage.id!r} is used twice",
                code=ErrorCode.CONFIG_DUPLICATE,
            )
        compiled = CompiledStage(stage, i, open_index)
        compiled.change_template["pipeline_id"] = config.id
        if stage.kind is StageKind.OPEN:
            open_index += 1
        for k, name in enumerate(stage.required):
            if name not in fields and name != "contacts":
                raise ConfigError(f"{path}.required[{k}]", f"no deal field {name!r}")
        compiled.record_required = tuple(n for n in stage.required if n in _RECORD_FIELDS)
        compiled.custom_required = tuple(n for n in stage.required if n not in _RECORD_FIELDS)
        compiled.checks_fields = bool(stage.required) or stage.kind is StageKind.LOST
        compiled.guards = _compile_guards(path, stage, fields)
        plain = tuple(g[4] for g in compiled.guards if g[4] is not None)
        compiled.plain_guards = plain if len(plain) == len(compiled.guards) else None
        _check_actions(path, stage, actions)
        stages[stage.id] = compiled
    if open_index == 0:
        raise ConfigError("stages", "a pipeline needs at least one open stage")
    _targets(config, list(stages.values()))
    for source in stages.values():
        for target_id in source.targets:
            target = stages[target_id]
            if not target.checks_fields and target.plain_guards is not None:
                due = source.on_exit + target.on_enter
                source.moves[target_id] = (target, target.plain_guards, due)
    return stages, fields
